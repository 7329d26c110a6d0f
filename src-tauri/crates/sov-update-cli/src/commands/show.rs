//! `sov-update show SOVID`: what an SOV is (file, insured, buildings, revisions) and, with
//! `--buildings`, what it currently holds for every building, as CSV or JSON lines.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sov_changes::server_cache_dir;
use sov_data::{for_each_building, Attribute, Building, ReadError};
use sov_update::read::{CurrentDataSource, SovSummary};
use sov_update::{PollConfig, SovFixerClient};
use tokio_util::sync::CancellationToken;

use super::find::{status_word, FoundSov};
use super::{fail, table};
use crate::cli::{BuildingsFormat, GlobalOptions, ShowArgs};
use crate::connection::{connect, Failure};
use crate::events::ErrorInfo;
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

const COMMAND: &str = "show";

/// One revision of the SOV, as `show` lists it.
#[derive(Debug, Serialize)]
struct Revision {
    revision: i64,
    id: Option<String>,
    kind: String,
    status: Option<String>,
    filename: Option<String>,
    time: Option<String>,
}

fn revisions(sov: &SovSummary) -> Vec<Revision> {
    let mut list = vec![Revision {
        revision: 0,
        id: Some(sov.id.clone()),
        kind: "original".to_owned(),
        status: status_word(sov.status.as_deref()),
        filename: sov.filename.clone(),
        time: sov
            .completed_time
            .clone()
            .or_else(|| sov.created_time.clone()),
    }];
    for (number, update) in sov.updates.iter().flatten() {
        let Ok(revision) = number.trim().parse::<i64>() else {
            continue;
        };
        list.push(Revision {
            revision,
            id: update.sudid.clone(),
            kind: update
                .record_type
                .clone()
                .unwrap_or_else(|| "update".to_owned()),
            status: status_word(update.status.as_deref()),
            filename: update.filename.clone(),
            time: update.posted_time.clone(),
        });
    }
    list.sort_by_key(|r| r.revision);
    list
}

pub async fn show(
    global: &GlobalOptions,
    args: ShowArgs,
    out: &Output,
    interrupt: &Interrupt,
) -> u8 {
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return fail(out, COMMAND, exit_code, error),
    };
    if out.verbose() >= 2 {
        out.note(&connection.description);
    }
    let failed = |error: &sov_update::UpdateError| {
        fail(
            out,
            COMMAND,
            exit_code::for_error(error),
            ErrorInfo::from_update_error(error, None),
        )
    };
    let Some(format) = args.buildings else {
        let sov = match connection.client.sov_summary(&args.sov_id).await {
            Ok(sov) => sov,
            Err(error) => return failed(&error),
        };
        print_summary(&sov, out);
        return exit_code::DONE;
    };
    let cancel = CancellationToken::new();
    let source = current_data_source(connection.client.clone(), args.cache_dir.clone());
    out.note("Getting the SOV's current data from SOV Fixer…");
    let current = tokio::select! {
        current = source.fetch(&args.sov_id, &cancel) => current,
        _ = interrupt.pressed() => {
            cancel.cancel();
            out.note("Cancelled.");
            return exit_code::CANCELLED;
        }
    };
    let current = match current {
        Ok(current) => current,
        Err(error) => return failed(&error),
    };
    out.note(&format!(
        "Revision {} of {}{}.",
        current.revision,
        current.sov_id,
        if current.from_cache {
            " (saved copy)"
        } else {
            ""
        }
    ));
    let written = match &args.out {
        Some(path) => write_to_file(&current.path, path, format),
        None => {
            let mut stdout = std::io::stdout().lock();
            write_buildings(&current.path, &mut stdout, format).and_then(|n| {
                stdout
                    .flush()
                    .map(|()| n)
                    .map_err(|e| ReadError::new(format!("stdout could not be written ({e})")))
            })
        }
    };
    match written {
        Ok(count) => {
            if let Some(path) = &args.out {
                out.note(&format!("{count} buildings written to {}.", path.display()));
            }
            exit_code::DONE
        }
        Err(error) => fail(
            out,
            COMMAND,
            exit_code::UNEXPECTED,
            ErrorInfo::local("file_error", error.message()),
        ),
    }
}

fn print_summary(sov: &SovSummary, out: &Output) {
    let revisions = revisions(sov);
    if out.is_json() || !std::io::stdout().is_terminal() {
        #[derive(Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            sov: FoundSov<'a>,
            revisions: &'a [Revision],
        }
        let shown = Shown {
            sov: FoundSov::of(sov),
            revisions: &revisions,
        };
        if let Ok(text) = serde_json::to_string(&shown) {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{text}");
            let _ = stdout.flush();
        }
        return;
    }
    let found = FoundSov::of(sov);
    let field = |label: &str, value: String| out.result(&format!("{label:<14}{value}"));
    field("SOV id", sov.id.clone());
    field("File", found.filename.unwrap_or("").to_owned());
    field("Insured", found.insured_name.unwrap_or("").to_owned());
    field(
        "Buildings",
        found
            .num_buildings
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    field("Status", found.status.unwrap_or_default());
    field("Revision", found.latest_revision.unwrap_or(0).to_string());
    field("Last updated", table::short_time(found.last_updated));
    out.result("");
    let rows: Vec<Vec<String>> = revisions
        .iter()
        .map(|r| {
            vec![
                r.revision.to_string(),
                r.kind.clone(),
                r.status.clone().unwrap_or_default(),
                table::short_time(r.time.as_deref()),
                r.filename.clone().unwrap_or_default(),
                r.id.clone().unwrap_or_default(),
            ]
        })
        .collect();
    for line in table::lines(&["Revision", "Kind", "Status", "Time", "File", "Id"], &rows) {
        out.result(&line);
    }
}

/// The SOV's current data, kept in `cache_dir` (or the default) per server, SOV and revision: the sandbox's
/// and production's SOV ids can be the same, and their revisions must never be mistaken for each other.
pub(crate) fn current_data_source(
    client: SovFixerClient,
    cache_dir: Option<PathBuf>,
) -> CurrentDataSource {
    let folder = server_cache_dir(
        &cache_dir.unwrap_or_else(default_cache_dir),
        client.api_base(),
    );
    CurrentDataSource::new(client, folder, PollConfig::default())
}

/// Where current data is kept between runs: the platform's per-user cache folder.
pub(crate) fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .or_else(|| std::env::var_os("LOCALAPPDATA"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("sov-updater").join("current-data")
}

/// Writes to a temp file beside `path` and moves it into place only when complete, never over an
/// existing file (`sov_files`).
fn write_to_file(data: &Path, path: &Path, format: BuildingsFormat) -> Result<u64, ReadError> {
    let refused = |error: sov_files::SaveError| match error {
        sov_files::SaveError::Exists { .. } => ReadError::new(format!(
            "{} already exists and is not replaced; choose another --out name or remove it",
            path.display()
        )),
        other => ReadError::new(format!(
            "{} could not be written ({other}); check the folder exists and you may write there",
            path.display()
        )),
    };
    if path.exists() {
        return Err(refused(sov_files::SaveError::Exists {
            path: path.to_owned(),
        }));
    }
    let mut count = 0;
    let mut inner_error = None;
    let temp = sov_files::write_temp(&sov_files::folder_of(path), |file| {
        let mut writer = std::io::BufWriter::new(file);
        match write_buildings(data, &mut writer, format) {
            Ok(written) => count = written,
            Err(error) => {
                inner_error = Some(error);
                return Err(std::io::Error::other("the buildings could not be written"));
            }
        }
        writer.flush()
    });
    if let Some(error) = inner_error {
        return Err(error);
    }
    sov_files::persist_exact(temp.map_err(refused)?, path).map_err(refused)?;
    Ok(count)
}

/// Writes every building of `data` to `sink`: JSON lines as the file gives them, or CSV whose
/// columns are `item_key`, `sheet_name`, `sheet_row_number` and every attribute seen (a first pass
/// collects them, so memory holds column names, never buildings).
fn write_buildings(
    data: &Path,
    sink: &mut dyn Write,
    format: BuildingsFormat,
) -> Result<u64, ReadError> {
    let open = || {
        std::fs::File::open(data)
            .map_err(|e| ReadError::new(format!("{} could not be opened ({e})", data.display())))
    };
    let written = |e: &dyn std::fmt::Display| {
        ReadError::new(format!("the output could not be written ({e})"))
    };
    match format {
        BuildingsFormat::Jsonl => {
            let header = for_each_building(open()?, |building| {
                serde_json::to_writer(&mut *sink, &building).map_err(|e| written(&e))?;
                sink.write_all(b"\n").map_err(|e| written(&e))
            })?;
            Ok(header.buildings_read)
        }
        BuildingsFormat::Csv => {
            let mut columns: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for_each_building(open()?, |building| {
                for name in building.attributes.keys() {
                    if seen.insert(name.clone()) {
                        columns.push(name.clone());
                    }
                }
                Ok(())
            })?;
            let mut csv = csv::Writer::from_writer(sink);
            let fixed = ["item_key", "sheet_name", "sheet_row_number"];
            csv.write_record(
                fixed
                    .iter()
                    .copied()
                    .chain(columns.iter().map(String::as_str)),
            )
            .map_err(|e| written(&e))?;
            let header = for_each_building(open()?, |building| {
                csv.write_record(csv_row(&building, &columns))
                    .map_err(|e| written(&e))
            })?;
            csv.flush().map_err(|e| written(&e))?;
            Ok(header.buildings_read)
        }
    }
}

fn csv_row(building: &Building, columns: &[String]) -> Vec<String> {
    let mut row = vec![
        building.item_key.clone().unwrap_or_default(),
        building.sheet_name.clone().unwrap_or_default(),
        building
            .sheet_row_number
            .map(|n| n.to_string())
            .unwrap_or_default(),
    ];
    row.extend(columns.iter().map(|name| {
        building
            .attributes
            .get(name)
            .map(|raw| Attribute::of(raw).text())
            .unwrap_or_default()
    }));
    row
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn data_file() -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(
            br#"{"id": "s-1", "buildings": [
                {"item_key": "i-s-1!SOV!2", "sheet_name": "SOV", "sheet_row_number": 2, "year_built": 1987,
                 "street": "1 Main St, \"East\""},
                {"item_key": "i-s-1!SOV!3", "sheet_name": "SOV", "sheet_row_number": 3,
                 "year_built": {"value": 2001, "confidence": 0.8}, "roof": "metal"}]}"#,
        )
        .unwrap();
        file
    }

    #[test]
    fn csv_has_every_attribute_seen_and_the_values_of_object_attributes() {
        let data = data_file();
        let mut sink = Vec::new();
        let count = write_buildings(data.path(), &mut sink, BuildingsFormat::Csv).unwrap();
        assert_eq!(count, 2);
        let text = String::from_utf8(sink).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "item_key,sheet_name,sheet_row_number,street,year_built,roof"
        );
        assert_eq!(lines[1], r#"i-s-1!SOV!2,SOV,2,"1 Main St, ""East""",1987,"#);
        assert_eq!(lines[2], "i-s-1!SOV!3,SOV,3,,2001,metal");
    }

    #[test]
    fn json_lines_keep_each_building_as_given() {
        let data = data_file();
        let mut sink = Vec::new();
        write_buildings(data.path(), &mut sink, BuildingsFormat::Jsonl).unwrap();
        let lines: Vec<serde_json::Value> = String::from_utf8(sink)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["year_built"]["confidence"], 0.8);
        assert_eq!(lines[0]["item_key"], "i-s-1!SOV!2");
    }

    #[test]
    fn out_never_replaces_a_file_and_leaves_nothing_partial_on_bad_data() {
        let folder = tempfile::tempdir().unwrap();
        let data = data_file();
        let target = folder.path().join("buildings.csv");
        assert_eq!(
            write_to_file(data.path(), &target, BuildingsFormat::Csv).unwrap(),
            2
        );
        let error = write_to_file(data.path(), &target, BuildingsFormat::Csv).unwrap_err();
        assert!(error.message().contains("already exists"), "{error}");

        let mut broken = tempfile::NamedTempFile::new().unwrap();
        broken
            .write_all(br#"{"buildings": [{"item_key": "a"}, {"#)
            .unwrap();
        let second = folder.path().join("second.csv");
        let error = write_to_file(broken.path(), &second, BuildingsFormat::Jsonl).unwrap_err();
        assert!(error.message().contains("ends in the middle"), "{error}");
        let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the first, finished file remains");
        assert!(!second.exists());
    }
}

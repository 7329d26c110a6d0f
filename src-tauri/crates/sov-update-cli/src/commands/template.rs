//! `sov-update template SOVID`: the corrections workbook of the SOV's current data, to edit in Excel and send
//! back with `preview` and `run`.

use std::io::Write as _;

use sov_workbook::{AttributeChoice, WorkbookSource};

use super::corrections::{fetch_current, Stop};
use super::fail;
use crate::cli::{GlobalOptions, TemplateArgs};
use crate::connection::{connect, Failure};
use crate::events::{OutputInfo, Summary};
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

const COMMAND: &str = "template";

pub async fn template(
    global: &GlobalOptions,
    args: TemplateArgs,
    out: &Output,
    interrupt: &Interrupt,
) -> u8 {
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return fail(out, COMMAND, exit_code, error),
    };
    let stop = |stop: Stop| fail(out, COMMAND, stop.exit_code, stop.error);
    let current = match fetch_current(
        connection.client,
        &args.sov_id,
        args.cache_dir.clone(),
        out,
        interrupt,
    )
    .await
    {
        Ok(current) => current,
        Err(error) => return stop(error),
    };
    let choice = if args.all {
        AttributeChoice::All
    } else if args.attributes.is_empty() {
        AttributeChoice::Default
    } else {
        AttributeChoice::Named(args.attributes.clone())
    };
    let revision = current.data.revision.to_string();
    let made_at = sov_workbook::file_name::now_utc_rfc3339();
    let source = WorkbookSource {
        sov_id: &current.data.sov_id,
        revision: &revision,
        made_at: &made_at,
        buildings: &current.buildings,
    };
    let saved = match &args.out {
        Some(path) => save_exactly(path, &source, &choice),
        None => sov_workbook::save_corrections_workbook(
            std::path::Path::new("."),
            current
                .data
                .summary
                .insured_name()
                .unwrap_or(&current.data.sov_id),
            &sov_workbook::file_name::today_utc(),
            &source,
            &choice,
        )
        .map_err(|error| Stop::app(&error, exit_code::UNEXPECTED)),
    };
    let path = match saved {
        Ok(path) => std::path::absolute(&path).unwrap_or(path),
        Err(error) => return stop(error),
    };
    let mut summary = Summary::new(COMMAND, "done", exit_code::DONE);
    summary.sov_id = Some(current.data.sov_id.clone());
    summary.note = Some(format!(
        "Corrections workbook of revision {revision} ({} buildings) saved as {}. Edit it in Excel, then `sov-update preview {} FILE` shows what it changes.",
        current.buildings.len(),
        path.display(),
        current.data.sov_id
    ));
    summary.outputs = vec![OutputInfo {
        filename: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        description: Some("Corrections workbook".to_owned()),
        size: std::fs::metadata(&path).ok().map(|meta| meta.len()),
        path: Some(path.display().to_string()),
        sha256: None,
        url: None,
    }];
    out.finish(summary);
    exit_code::DONE
}

/// `--out FILE`: exactly that name, refused when it exists (a numbered name would surprise a script).
fn save_exactly(
    path: &std::path::Path,
    source: &WorkbookSource<'_>,
    choice: &AttributeChoice,
) -> Result<std::path::PathBuf, Stop> {
    let bytes = sov_workbook::corrections_workbook_bytes(source, choice)
        .map_err(|error| Stop::app(&error, exit_code::UNEXPECTED))?;
    let refused = |error: sov_files::SaveError| {
        let message = match &error {
            sov_files::SaveError::Exists { .. } => format!(
                "{} already exists and is not replaced; choose another --out name or remove it.",
                path.display()
            ),
            other => format!(
                "{} could not be written ({other}); check the folder exists and you may write there.",
                path.display()
            ),
        };
        Stop::local(exit_code::UNEXPECTED, "file_error", message)
    };
    if path.exists() {
        return Err(refused(sov_files::SaveError::Exists {
            path: path.to_owned(),
        }));
    }
    let temp = sov_files::write_temp(&sov_files::folder_of(path), |file| file.write_all(&bytes))
        .map_err(refused)?;
    sov_files::persist_exact(temp, path).map_err(refused)
}

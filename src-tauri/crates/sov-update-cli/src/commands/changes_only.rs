//! What `run` sends for a corrections workbook made by `template`: only the values it changes (identifying
//! columns plus the changed cells of the changed rows), never a value SOV Fixer changed since the workbook was
//! made unless `--stale-cells` says so. Other files are sent as they are.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sov_compare::upload::{changes_csv, StaleChoice};
use sov_update::SovFixerClient;
use sov_workbook::writer::CORRECTIONS_SHEET;

use super::corrections::{fetch_current, preview_of, report_preview, Stop};
use crate::cli::{RunArgs, StaleCells};
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

/// The files to send, and the folder holding the changes files made for them (removed when dropped, so it
/// must live until the upload is done).
pub struct ToSend {
    pub files: Vec<PathBuf>,
    _changes_folder: Option<tempfile::TempDir>,
}

/// `None` when every file is one of our workbooks and none changes anything: nothing to send.
pub async fn changes_only(
    client: SovFixerClient,
    args: &RunArgs,
    out: &Output,
    interrupt: &Interrupt,
) -> Result<Option<ToSend>, Stop> {
    let workbooks: Vec<Option<sov_workbook::CorrectionsFile>> =
        args.files.iter().map(|path| our_workbook(path)).collect();
    if workbooks.iter().all(Option::is_none) {
        return Ok(Some(ToSend {
            files: args.files.clone(),
            _changes_folder: None,
        }));
    }
    let current =
        fetch_current(client, &args.sov_id, args.cache_dir.clone(), out, interrupt).await?;
    let folder = tempfile::Builder::new()
        .prefix("sov-update-changes-")
        .tempdir()
        .map_err(|error| {
            Stop::local(
                exit_code::UNEXPECTED,
                "file_error",
                format!("A temporary folder for the changes could not be made ({error})."),
            )
        })?;
    let mut files = Vec::new();
    for (path, workbook) in args.files.iter().zip(&workbooks) {
        let Some(workbook) = workbook else {
            files.push(path.clone());
            continue;
        };
        let preview = preview_of(&current, workbook);
        report_preview(out, &workbook.file_name, &preview);
        if preview.blocked {
            return Err(Stop::local(
                exit_code::PREFLIGHT_BLOCKED,
                "preflight_blocked",
                format!(
                    "{} has {} row(s) matching no building in this SOV; nothing was sent. Fix or remove those rows (listed above), then run again.",
                    workbook.file_name,
                    preview.unmatched_rows.len()
                ),
            ));
        }
        let choices = match (args.stale_cells, preview.stale_cells.is_empty()) {
            (_, true) => HashMap::new(),
            (None, false) => {
                return Err(Stop::local(
                    exit_code::PREFLIGHT_BLOCKED,
                    "stale_base",
                    format!(
                        "SOV Fixer changed {} of the values you changed in {} since the workbook was made (revision {} then, {} now); nothing was sent, so nothing of theirs is overwritten. Look at them above, then run again with --stale-cells yours (send your values) or --stale-cells server (keep theirs).",
                        preview.stale_cells.len(),
                        workbook.file_name,
                        preview.made_from_revision.as_deref().unwrap_or("?"),
                        preview.revision
                    ),
                ));
            }
            (Some(keep), false) => {
                let choice = match keep {
                    StaleCells::Yours => StaleChoice::Yours,
                    StaleCells::Server => StaleChoice::ServerNow,
                };
                preview
                    .stale_cells
                    .iter()
                    .map(|cell| ((cell.item_key.clone(), cell.attribute.clone()), choice))
                    .collect()
            }
        };
        let csv = changes_csv(&preview, &choices)
            .map_err(|error| Stop::app(&error, exit_code::UNEXPECTED))?;
        let Some(csv) = csv else {
            out.note(&format!(
                "{} changes nothing on SOV Fixer, so it is not sent.",
                workbook.file_name
            ));
            continue;
        };
        let name = format!("{} changes.csv", stem(path));
        let saved = sov_files::write_new_file(folder.path(), &name, &csv)
            .map_err(|error| Stop::local(exit_code::UNEXPECTED, "file_error", error.to_string()))?;
        out.note(&format!(
            "Sending only the changes of {}: {}",
            workbook.file_name, preview.summary
        ));
        files.push(saved);
    }
    if files.is_empty() {
        return Ok(None);
    }
    Ok(Some(ToSend {
        files,
        _changes_folder: Some(folder),
    }))
}

/// The file read as our corrections workbook, when it is one (an Excel file whose first sheet is the
/// workbook's `Corrections` sheet); anything else goes to SOV Fixer as it is, after the pre-flight check.
pub fn our_workbook(path: &Path) -> Option<sov_workbook::CorrectionsFile> {
    let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
    if !matches!(extension.as_str(), "xlsx" | "xlsm") {
        return None;
    }
    sov_workbook::read_edits(path)
        .ok()
        .filter(|file| file.snapshot.is_some() || file.sheet == CORRECTIONS_SHEET)
}

/// For `--send-as-is`: the columns of our workbook under the attribute names they hold, so its plain headers
/// ("Year built") need no `--map` (header as written, attribute).
pub fn as_is_mapping(file: &sov_workbook::CorrectionsFile) -> Vec<(String, String)> {
    if let Some(snapshot) = &file.snapshot {
        return snapshot.columns.clone();
    }
    sov_workbook::snapshot::IDENTITY_COLUMNS
        .iter()
        .map(|(attribute, header)| ((*header).to_owned(), (*attribute).to_owned()))
        .chain(file.attributes.iter().map(|attribute| {
            (
                sov_workbook::attributes::label_of(attribute),
                attribute.clone(),
            )
        }))
        .collect()
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "corrections".to_owned())
}

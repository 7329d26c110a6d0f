//! What `template`, `preview` and `run` share: the SOV's current buildings, and the preview of a corrections
//! file against them, printed for people.

use std::path::{Path, PathBuf};

use sov_compare::Preview;
use sov_update::read::CurrentData;
use sov_update::{SovFixerClient, UpdateError};
use sov_workbook::{Building, CorrectionsFile};
use tokio_util::sync::CancellationToken;

use crate::events::{ErrorInfo, Event};
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

/// A command that could not go on: its exit code and the error to report.
pub struct Stop {
    pub exit_code: u8,
    pub error: ErrorInfo,
}

impl Stop {
    fn update(error: &UpdateError) -> Self {
        Self {
            exit_code: exit_code::for_error(error),
            error: ErrorInfo::from_update_error(error, None),
        }
    }

    pub fn local(exit_code: u8, code: &str, message: impl Into<String>) -> Self {
        Self {
            exit_code,
            error: ErrorInfo::local(code, message),
        }
    }

    pub fn app(error: &sov_error::AppError, exit_code: u8) -> Self {
        let mut info = ErrorInfo::local(error.code.as_str(), error.message.clone());
        info.detail = error.detail.clone();
        Self {
            exit_code,
            error: info,
        }
    }
}

/// The SOV's latest revision, its buildings as the workbook and the preview need them.
pub struct Current {
    pub data: CurrentData,
    pub buildings: Vec<Building>,
}

/// Fetches the SOV's current data (or its cached copy) and reads its buildings; Ctrl-C stops at once.
pub async fn fetch_current(
    client: SovFixerClient,
    sov_id: &str,
    cache_dir: Option<PathBuf>,
    out: &Output,
    interrupt: &Interrupt,
) -> Result<Current, Stop> {
    let cancel = CancellationToken::new();
    let source = super::show::current_data_source(client, cache_dir);
    out.note("Getting the SOV's current data from SOV Fixer…");
    let fetched = tokio::select! {
        fetched = source.fetch(sov_id, &cancel) => fetched,
        _ = interrupt.pressed() => {
            cancel.cancel();
            return Err(Stop::update(&UpdateError::cancelled()));
        }
    };
    let data = fetched.map_err(|error| Stop::update(&error))?;
    let path = data.path.clone();
    let read = tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path).map_err(|error| {
            sov_data::ReadError::new(format!("{} could not be opened ({error})", path.display()))
        })?;
        sov_workbook::building::buildings_from_data(std::io::BufReader::new(file))
    })
    .await;
    let buildings = match read {
        Ok(Ok(buildings)) => buildings,
        Ok(Err(error)) => {
            return Err(Stop::local(
                exit_code::UNEXPECTED,
                "file_error",
                error.message(),
            ))
        }
        Err(error) => {
            return Err(Stop::local(
                exit_code::UNEXPECTED,
                "internal",
                error.to_string(),
            ))
        }
    };
    out.note(&format!(
        "Revision {} of {}{}: {} buildings.",
        data.revision,
        data.sov_id,
        if data.from_cache { " (saved copy)" } else { "" },
        buildings.len()
    ));
    Ok(Current { data, buildings })
}

/// Reads a corrections file (ours or any CSV/Excel file); a file that cannot be read stops the command.
pub fn read_file(path: &Path) -> Result<CorrectionsFile, Stop> {
    sov_workbook::read_edits(path).map_err(|error| {
        let exit = if error.code == sov_error::Code::InvalidInput {
            exit_code::PREFLIGHT_BLOCKED
        } else {
            exit_code::UNEXPECTED
        };
        Stop::app(&error, exit)
    })
}

/// The preview of `file` against the current buildings.
pub fn preview_of(current: &Current, file: &CorrectionsFile) -> Preview {
    sov_compare::preview(
        &current.data.sov_id,
        &current.data.revision.to_string(),
        &current.buildings,
        file,
        this_year(),
    )
}

fn this_year() -> i32 {
    sov_workbook::file_name::today_utc()
        .get(..4)
        .and_then(|year| year.parse().ok())
        .unwrap_or(2026)
}

/// The preview for people (stdout) and scripts (a `preview` event): per building, each change old → new;
/// rows matching no building with the reason; cells also changed on SOV Fixer with their three values.
pub fn report_preview(out: &Output, file: &str, preview: &Preview) {
    if out.is_json() {
        out.event(&Event::Preview {
            file: file.to_owned(),
            preview: Box::new(preview.clone()),
        });
        return;
    }
    for warning in &preview.warnings {
        out.note(&format!("Warning: {warning}"));
    }
    if preview.stale_base {
        out.note(&format!(
            "Warning: {file} was made from revision {}, but SOV Fixer is now at revision {}: someone changed the SOV since. Cells you changed that also changed there are listed below; nothing of theirs is undone by a cell you left alone.",
            preview.made_from_revision.as_deref().unwrap_or("?"),
            preview.revision
        ));
    }
    out.result(&format!("{file}: {}", preview.summary));
    let mut last_building: Option<&str> = None;
    for change in &preview.changes {
        if last_building != Some(change.item_key.as_str()) {
            out.result(&format!(
                "  {} ({} row {})",
                change.building, change.sheet_name, change.sheet_row_number
            ));
            last_building = Some(change.item_key.as_str());
        }
        out.result(&format!(
            "    {}: {} → {}",
            change.label,
            shown(&change.attribute, change.old.as_ref()),
            change.new.shown_in(&change.attribute)
        ));
    }
    for row in &preview.unmatched_rows {
        out.result(&format!(
            "  Row {} matches no building: {}",
            row.file_row, row.message
        ));
    }
    for cell in &preview.stale_cells {
        out.result(&format!(
            "  Row {}, {}: changed on SOV Fixer too. When the workbook was made: {}; on SOV Fixer now: {}; yours: {}",
            cell.file_row,
            sov_workbook::attributes::label_of(&cell.attribute),
            shown(&cell.attribute, cell.made_from.as_ref()),
            shown(&cell.attribute, cell.server_now.as_ref()),
            cell.yours.shown_in(&cell.attribute)
        ));
    }
    for cell in &preview.cleared_cells {
        out.result(&format!("  Row {}: {}", cell.file_row, cell.message));
    }
    for flag in &preview.flags {
        out.result(&format!(
            "  Row {}: worth a second look: {}",
            flag.file_row, flag.message
        ));
    }
}

/// A value as the user sees it in the spreadsheet ("1972", not 1972.0); `--json` keeps the value's own type.
fn shown(attribute: &str, value: Option<&sov_workbook::Value>) -> String {
    value.map_or_else(|| "(empty)".to_owned(), |value| value.shown_in(attribute))
}

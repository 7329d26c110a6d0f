//! The preview the window shows when corrections files are added with an SOV chosen: per building (named by
//! its name and address), each value that will change, old → new; rows matching no building (blocking), cells
//! SOV Fixer also changed since the workbook was made (three values, the user chooses), values worth a second
//! look. The same `sov_compare::preview` as the CLI's `preview`, turned into plain strings for the page.

use crate::current::{this_year, Current};
use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::Serialize;
use sov_compare::Preview;
use sov_workbook::attributes::label_of;
use sov_workbook::writer::CORRECTIONS_SHEET;
use sov_workbook::{CorrectionsFile, Value};
use std::path::{Path, PathBuf};

/// How a file will be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SentAs {
    /// Our corrections workbook: only the changed cells of the changed rows (unless "send as is").
    ChangesOnly,
    /// Any other file: as it is, after the pre-flight check (cells equal to SOV Fixer's change nothing).
    AsIs,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ChangeView {
    pub attribute: String,
    pub label: String,
    /// `null` when SOV Fixer has no value yet.
    pub old: Option<String>,
    pub new: String,
    pub file_row: u32,
}

/// One building that changes, with its changes in file order.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct BuildingChanges {
    pub item_key: String,
    /// Name and address, as a person knows the building.
    pub building: String,
    pub sheet_name: String,
    pub sheet_row_number: u32,
    pub changes: Vec<ChangeView>,
}

/// A row that matches no building of this SOV: nothing is sent until it is fixed or removed.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct UnmatchedView {
    pub file_row: u32,
    /// `no_such_sheet`, `no_such_row`, `item_key_from_another_sov`, `no_identity`, `keys_disagree`, `duplicate_row`.
    pub reason: String,
    pub message: String,
}

/// A cell the user changed that SOV Fixer changed too since the workbook was made.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct StaleView {
    pub item_key: String,
    pub building: String,
    pub file_row: u32,
    pub attribute: String,
    pub label: String,
    pub made_from: Option<String>,
    pub server_now: Option<String>,
    pub yours: String,
}

/// A note about one cell: a value worth a second look, or a cleared cell that is not sent.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CellNote {
    pub item_key: String,
    pub file_row: u32,
    pub attribute: String,
    pub label: String,
    /// For flags: `money_jump`, `year_out_of_range`, …; `cleared` for an emptied cell.
    pub kind: String,
    pub message: String,
}

/// What one corrections file will do to the chosen SOV.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FilePreview {
    pub path: PathBuf,
    pub file_name: String,
    pub sov_id: String,
    /// The SOV's revision now.
    pub revision: String,
    /// The revision our workbook was made from (when the file is ours, its hidden sheet intact).
    pub made_from_revision: Option<String>,
    /// SOV Fixer has a newer revision than the workbook was made from.
    pub stale_base: bool,
    /// "12 buildings change, 31 values. 3 rows change nothing. 1 row matches no building in this SOV."
    pub summary: String,
    /// A row matches no building: Start stays disabled.
    pub blocked: bool,
    pub sent_as: SentAs,
    pub change_count: usize,
    pub buildings: Vec<BuildingChanges>,
    pub unmatched: Vec<UnmatchedView>,
    pub unchanged_rows: usize,
    pub stale: Vec<StaleView>,
    pub flags: Vec<CellNote>,
    pub cleared: Vec<CellNote>,
    pub warnings: Vec<String>,
    /// Set when the file could not be read as corrections (then everything else is empty); the pre-flight
    /// check says more.
    pub unreadable: Option<String>,
}

impl AppState {
    /// The preview of each file against the SOV's current data (fetched once for all of them).
    pub async fn preview_files(
        &self,
        sov_id: &str,
        paths: &[PathBuf],
    ) -> AppResult<Vec<FilePreview>> {
        let current = self.current_workbook_buildings(sov_id).await?;
        let paths = paths.to_vec();
        tokio::task::spawn_blocking(move || {
            paths
                .iter()
                .map(|path| match read_file(path) {
                    Ok(file) => {
                        let preview = preview_of(&current, &file);
                        view(path, &file, &preview)
                    }
                    Err(message) => unreadable(path, &current, message),
                })
                .collect()
        })
        .await
        .map_err(sov_error::AppError::internal)
    }
}

pub(crate) fn read_file(path: &Path) -> Result<CorrectionsFile, String> {
    sov_workbook::read_edits(path).map_err(|error| error.message)
}

pub(crate) fn preview_of(current: &Current, file: &CorrectionsFile) -> Preview {
    sov_compare::preview(
        &current.data.sov_id,
        &current.data.revision.to_string(),
        &current.buildings,
        file,
        this_year(),
    )
}

/// Our workbook (an Excel file whose first sheet is `Corrections`, or with an intact hidden sheet) is sent as
/// its changes only, exactly as the CLI's `run` decides; anything else goes as it is.
pub(crate) fn is_our_workbook(path: &Path, file: &CorrectionsFile) -> bool {
    let excel = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|ext| matches!(ext.as_str(), "xlsx" | "xlsm"));
    excel && (file.snapshot.is_some() || file.sheet == CORRECTIONS_SHEET)
}

fn shown(value: Option<&Value>) -> Option<String> {
    value.map(Value::to_field)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn view(path: &Path, file: &CorrectionsFile, preview: &Preview) -> FilePreview {
    let mut buildings: Vec<BuildingChanges> = Vec::new();
    for change in &preview.changes {
        let entry = ChangeView {
            attribute: change.attribute.clone(),
            label: change.label.clone(),
            old: shown(change.old.as_ref()),
            new: change.new.to_field(),
            file_row: change.file_row,
        };
        match buildings.last_mut() {
            Some(last) if last.item_key == change.item_key => last.changes.push(entry),
            _ => buildings.push(BuildingChanges {
                item_key: change.item_key.clone(),
                building: change.building.clone(),
                sheet_name: change.sheet_name.clone(),
                sheet_row_number: change.sheet_row_number,
                changes: vec![entry],
            }),
        }
    }
    let building_of = |item_key: &str| {
        buildings
            .iter()
            .find(|building| building.item_key == item_key)
            .map_or_else(|| item_key.to_owned(), |b| b.building.clone())
    };
    let stale = preview
        .stale_cells
        .iter()
        .map(|cell| StaleView {
            item_key: cell.item_key.clone(),
            building: building_of(&cell.item_key),
            file_row: cell.file_row,
            attribute: cell.attribute.clone(),
            label: label_of(&cell.attribute),
            made_from: shown(cell.made_from.as_ref()),
            server_now: shown(cell.server_now.as_ref()),
            yours: cell.yours.to_field(),
        })
        .collect();
    let flags = preview
        .flags
        .iter()
        .map(|flag| CellNote {
            item_key: flag.item_key.clone(),
            file_row: flag.file_row,
            attribute: flag.attribute.clone(),
            label: label_of(&flag.attribute),
            kind: snake(&flag.kind),
            message: flag.message.clone(),
        })
        .collect();
    let cleared = preview
        .cleared_cells
        .iter()
        .map(|cell| CellNote {
            item_key: cell.item_key.clone(),
            file_row: cell.file_row,
            attribute: cell.attribute.clone(),
            label: label_of(&cell.attribute),
            kind: "cleared".to_owned(),
            message: cell.message.clone(),
        })
        .collect();
    FilePreview {
        path: path.to_owned(),
        file_name: file_name(path),
        sov_id: preview.sov_id.clone(),
        revision: preview.revision.clone(),
        made_from_revision: preview.made_from_revision.clone(),
        stale_base: preview.stale_base,
        summary: preview.summary.clone(),
        blocked: preview.blocked,
        sent_as: if is_our_workbook(path, file) {
            SentAs::ChangesOnly
        } else {
            SentAs::AsIs
        },
        change_count: preview.changes.len(),
        buildings,
        unmatched: preview
            .unmatched_rows
            .iter()
            .map(|row| UnmatchedView {
                file_row: row.file_row,
                reason: snake(&row.reason),
                message: row.message.clone(),
            })
            .collect(),
        unchanged_rows: preview.unchanged_rows.len(),
        stale,
        flags,
        cleared,
        warnings: preview.warnings.clone(),
        unreadable: None,
    }
}

fn unreadable(path: &Path, current: &Current, message: String) -> FilePreview {
    FilePreview {
        path: path.to_owned(),
        file_name: file_name(path),
        sov_id: current.data.sov_id.clone(),
        revision: current.data.revision.to_string(),
        made_from_revision: None,
        stale_base: false,
        summary: String::new(),
        blocked: false,
        sent_as: SentAs::AsIs,
        change_count: 0,
        buildings: Vec::new(),
        unmatched: Vec::new(),
        unchanged_rows: 0,
        stale: Vec::new(),
        flags: Vec::new(),
        cleared: Vec::new(),
        warnings: Vec::new(),
        unreadable: Some(message),
    }
}

/// A unit enum's serde name (`money_jump`), the same word `preview --json` uses.
fn snake(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|json| json.as_str().map(str::to_owned))
        .unwrap_or_default()
}

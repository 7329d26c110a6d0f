//! The preview the window shows when corrections files are added with an SOV chosen: per building (named by
//! its name and address), each value that will change, old → new; rows matching no building (blocking), cells
//! SOV Fixer also changed since the workbook was made (three values, the user chooses), values worth a second
//! look. The same `sov_compare::preview` as the CLI's `preview`, turned into plain strings for the page.

use crate::current::{this_year, SovData};
use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::Serialize;
use sov_compare::Preview;
use sov_preflight::FileStamp;
use sov_workbook::attributes::label_of;
use sov_workbook::writer::CORRECTIONS_SHEET;
use sov_workbook::{Building, CorrectionsFile, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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

/// Files whose preview is remembered at once (those the window shows, and a few it showed before).
const PREVIEWS_KEPT: usize = 16;

/// A preview the window showed: what Start sends from while the file is as it was then.
#[derive(Clone)]
pub(crate) struct Shown {
    server: String,
    sov_id: String,
    revision: i64,
    /// The file's size and change time, taken before it was read.
    stamp: FileStamp,
    pub(crate) file: Arc<CorrectionsFile>,
    pub(crate) preview: Arc<Preview>,
}

impl Shown {
    /// Whether this preview was made against `data` (same server, SOV and revision).
    pub(crate) fn made_against(&self, data: &SovData) -> bool {
        self.server == data.server && self.sov_id == data.sov_id && self.revision == data.revision
    }
}

/// The previews the window showed, by file, most recent first; and how many times a corrections file was read.
#[derive(Default)]
pub(crate) struct ShownPreviews {
    shown: Mutex<Vec<(PathBuf, Shown)>>,
    reads: AtomicUsize,
}

impl ShownPreviews {
    fn remember(&self, path: PathBuf, shown: Shown) {
        let mut all = self.shown.lock().unwrap_or_else(|p| p.into_inner());
        all.retain(|(kept, _)| *kept != path);
        all.insert(0, (path, shown));
        all.truncate(PREVIEWS_KEPT);
    }

    /// The preview shown for `path`, when the file has not changed since (same size and change time).
    pub(crate) fn unchanged(&self, path: &Path) -> Option<Shown> {
        let now = FileStamp::of(path)?;
        self.shown
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|(kept, shown)| kept == path && shown.stamp == now)
            .map(|(_, shown)| shown.clone())
    }

    /// Counts corrections files about to be read.
    pub(crate) fn count_reads(&self, files: usize) {
        self.reads.fetch_add(files, Ordering::Relaxed);
    }
}

impl AppState {
    /// The preview of each file against the SOV's current data (fetched once for all of them). Each preview is
    /// remembered with the file's stamp, so Start sends from it while the file stays as it was.
    pub async fn preview_files(
        &self,
        sov_id: &str,
        paths: &[PathBuf],
    ) -> AppResult<Vec<FilePreview>> {
        let current = self.current_workbook_buildings(sov_id).await?;
        let data = Arc::clone(&current.data);
        let paths = paths.to_vec();
        self.shown.count_reads(paths.len());
        let made = tokio::task::spawn_blocking(move || {
            paths
                .into_iter()
                .map(|path| {
                    // Taken before reading, so an edit saved while it is read is noticed at Start.
                    let stamp = FileStamp::of(&path);
                    let made = read_file(&path).map(|file| {
                        let preview = preview_of(&current.data, &current.buildings, &file);
                        (Arc::new(file), Arc::new(preview))
                    });
                    (path, stamp, made)
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(sov_error::AppError::internal)?;
        let mut previews = Vec::with_capacity(made.len());
        for (path, stamp, made) in made {
            let (file, preview) = match made {
                Ok(made) => made,
                Err(message) => {
                    previews.push(unreadable(&path, &data, message));
                    continue;
                }
            };
            previews.push(view(&path, &file, &preview));
            if let Some(stamp) = stamp {
                self.shown.remember(
                    path,
                    Shown {
                        server: data.server.clone(),
                        sov_id: data.sov_id.clone(),
                        revision: data.revision,
                        stamp,
                        file,
                        preview,
                    },
                );
            }
        }
        Ok(previews)
    }

    /// How many times a corrections file was read for a preview or for Start. Start sends from the preview the
    /// window showed when the file has not changed since, so it does not read the file again; tests watch this.
    pub fn corrections_reads(&self) -> usize {
        self.shown.reads.load(Ordering::Relaxed)
    }
}

pub(crate) fn read_file(path: &Path) -> Result<CorrectionsFile, String> {
    sov_workbook::read_edits(path).map_err(|error| error.message)
}

pub(crate) fn preview_of(
    data: &SovData,
    buildings: &[Building],
    file: &CorrectionsFile,
) -> Preview {
    sov_compare::preview(
        &data.sov_id,
        &data.revision.to_string(),
        buildings,
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

/// A value as the user sees it in the spreadsheet ("1972", not 1972.0); what is sent keeps `to_field`.
fn shown(attribute: &str, value: Option<&Value>) -> Option<String> {
    value.map(|value| value.shown_in(attribute))
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
            old: shown(&change.attribute, change.old.as_ref()),
            new: change.new.shown_in(&change.attribute),
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
            made_from: shown(&cell.attribute, cell.made_from.as_ref()),
            server_now: shown(&cell.attribute, cell.server_now.as_ref()),
            yours: cell.yours.shown_in(&cell.attribute),
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

fn unreadable(path: &Path, data: &SovData, message: String) -> FilePreview {
    FilePreview {
        path: path.to_owned(),
        file_name: file_name(path),
        sov_id: data.sov_id.clone(),
        revision: data.revision.to_string(),
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

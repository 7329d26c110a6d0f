//! What Start sends for a corrections workbook made by "Get a corrections workbook": only the values it changes
//! (identifying columns plus the changed cells of the changed rows), built from the same preview the window
//! showed, exactly as the CLI's `run` does. Other files, and every file under "Send the file exactly as it is",
//! go as they are.

use crate::jobs::JobRequest;
use crate::preview::{is_our_workbook, preview_of, read_file};
use crate::state::AppState;
use crate::AppResult;
use serde::Deserialize;
use sov_compare::upload::{changes_csv, StaleChoice};
use sov_error::{AppError, Code};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Which value to keep for a cell changed both in the workbook and on SOV Fixer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepValue {
    Yours,
    ServerNow,
    MadeFrom,
}

/// The user's choice for one such cell.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaleDecision {
    pub item_key: String,
    pub attribute: String,
    pub keep: KeepValue,
}

/// Our workbook's plain headers ("Year built", "Item key") under the attribute names they hold, added to the
/// column choices so neither the file check nor "send as is" asks about them; the user's own choice wins.
pub(crate) fn add_workbook_columns(paths: &[PathBuf], mapping: &mut BTreeMap<String, String>) {
    for path in paths {
        let Ok(file) = read_file(path) else { continue };
        if !is_our_workbook(path, &file) {
            continue;
        }
        let columns: Vec<(String, String)> = match &file.snapshot {
            Some(snapshot) => snapshot.columns.clone(),
            None => sov_workbook::snapshot::IDENTITY_COLUMNS
                .iter()
                .map(|(attribute, header)| ((*header).to_owned(), (*attribute).to_owned()))
                .chain(file.attributes.iter().map(|attribute| {
                    (
                        sov_workbook::attributes::label_of(attribute),
                        attribute.clone(),
                    )
                }))
                .collect(),
        };
        for (header, attribute) in columns {
            mapping.entry(header).or_insert(attribute);
        }
    }
}

impl AppState {
    /// The files Start sends: each of our workbooks replaced by a CSV of its changes (kept beside the history,
    /// so Retry finds it), others as they are. Refused, before anything is sent, when a row matches no building,
    /// when a cell SOV Fixer also changed has no decision, or when nothing at all would change.
    pub(crate) async fn changes_to_send(&self, request: &JobRequest) -> AppResult<Vec<PathBuf>> {
        let files: Vec<_> = request
            .files
            .iter()
            .map(|path| {
                let ours = read_file(path)
                    .ok()
                    .filter(|file| is_our_workbook(path, file));
                (path.clone(), ours)
            })
            .collect();
        if files.iter().all(|(_, ours)| ours.is_none()) {
            return Ok(request.files.clone());
        }
        let current = self.current_workbook_buildings(&request.sov_id).await?;
        let decisions: HashMap<(String, String), StaleChoice> = request
            .stale_choices
            .iter()
            .map(|decision| {
                let keep = match decision.keep {
                    KeepValue::Yours => StaleChoice::Yours,
                    KeepValue::ServerNow => StaleChoice::ServerNow,
                    KeepValue::MadeFrom => StaleChoice::MadeFrom,
                };
                (
                    (decision.item_key.clone(), decision.attribute.clone()),
                    keep,
                )
            })
            .collect();
        let mut to_send = Vec::new();
        let mut folder: Option<PathBuf> = None;
        for (path, ours) in files {
            let Some(file) = ours else {
                to_send.push(path);
                continue;
            };
            let preview = preview_of(&current, &file);
            if preview.blocked {
                return Err(AppError::new(
                    Code::PreflightBlocked,
                    format!(
                        "{} has {} row(s) matching no building in this SOV; nothing was sent. Fix or remove those rows (listed in the preview), then press Start again.",
                        file.file_name,
                        preview.unmatched_rows.len()
                    ),
                    "",
                ));
            }
            let undecided = preview
                .stale_cells
                .iter()
                .filter(|cell| {
                    !decisions.contains_key(&(cell.item_key.clone(), cell.attribute.clone()))
                })
                .count();
            if undecided > 0 {
                return Err(AppError::invalid_input(format!(
                    "SOV Fixer changed {undecided} of the values you changed in {} since the workbook was made; nothing was sent. Choose which value to keep for each of them in the preview, then press Start again.",
                    file.file_name
                )));
            }
            let Some(csv) = changes_csv(&preview, &decisions)? else {
                continue;
            };
            let folder = match &folder {
                Some(folder) => folder.clone(),
                None => {
                    let made = self.new_changes_folder()?;
                    folder = Some(made.clone());
                    made
                }
            };
            let name = format!("{} changes.csv", stem(&path));
            to_send.push(sov_workbook::file_name::write_new_file(
                &folder, &name, &csv,
            )?);
        }
        if to_send.is_empty() {
            return Err(AppError::invalid_input(
                "Nothing to send: every value in the file is already on SOV Fixer. Change a value in the workbook, save it, and add it again.",
            ));
        }
        Ok(to_send)
    }

    fn new_changes_folder(&self) -> AppResult<PathBuf> {
        let parent = self.sent_changes_dir();
        let not_made = |error: std::io::Error| {
            AppError::file(
                "The changes to send could not be written in SOV Updater's data folder. Check that your user folder is not full, then press Start again.",
                error,
            )
        };
        std::fs::create_dir_all(&parent).map_err(not_made)?;
        let folder = tempfile::Builder::new()
            .prefix("changes-")
            .tempdir_in(&parent)
            .map_err(not_made)?;
        // Kept: Retry of this job sends the same file again.
        Ok(folder.keep())
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "corrections".to_owned())
}

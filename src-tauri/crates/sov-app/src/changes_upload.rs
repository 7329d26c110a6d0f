//! What Start sends for a corrections workbook made by "Get a corrections workbook": only the values it changes
//! (identifying columns plus the changed cells of the changed rows), built from the same preview the window
//! showed (reused, not made again, while the file and the SOV's revision are unchanged), exactly as the CLI's
//! `run` does. Other files, and every file under "Send the file exactly as it is", go as they are.

use crate::jobs::JobRequest;
use crate::preview::{is_our_workbook, preview_of, read_file, Shown};
use crate::state::AppState;
use crate::AppResult;
use serde::Deserialize;
use sov_compare::upload::{changes_csv, StaleChoice};
use sov_error::{AppError, Code};
use sov_workbook::CorrectionsFile;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// A file given to Start (or to the file check) as corrections: what it holds when it reads as corrections, and
/// the preview the window showed of it when the file has not changed since.
pub(crate) struct GivenFile {
    path: PathBuf,
    file: Option<Arc<CorrectionsFile>>,
    shown: Option<Shown>,
}

impl GivenFile {
    /// Our corrections workbook's contents; `None` for any other file.
    fn ours(&self) -> Option<&CorrectionsFile> {
        self.file
            .as_deref()
            .filter(|file| is_our_workbook(&self.path, file))
    }
}

/// Our workbook's plain headers ("Year built", "Item key") under the attribute names they hold, added to the
/// column choices so neither the file check nor "send as is" asks about them; the user's own choice wins.
pub(crate) fn add_workbook_columns(files: &[GivenFile], mapping: &mut BTreeMap<String, String>) {
    for file in files.iter().filter_map(GivenFile::ours) {
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
    /// Each file as corrections: from the preview the window showed when the file is unchanged since (same
    /// size and change time), else read now.
    pub(crate) async fn given_files(&self, paths: &[PathBuf]) -> AppResult<Vec<GivenFile>> {
        let shown: Vec<Option<Shown>> = paths
            .iter()
            .map(|path| self.shown.unchanged(path))
            .collect();
        let unread: Vec<PathBuf> = paths
            .iter()
            .zip(&shown)
            .filter(|(_, shown)| shown.is_none())
            .map(|(path, _)| path.clone())
            .collect();
        self.shown.count_reads(unread.len());
        let mut read = tokio::task::spawn_blocking(move || {
            unread
                .iter()
                .map(|path| read_file(path).ok().map(Arc::new))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(AppError::internal)?
        .into_iter();
        Ok(paths
            .iter()
            .zip(shown)
            .map(|(path, shown)| GivenFile {
                path: path.clone(),
                file: match &shown {
                    Some(shown) => Some(Arc::clone(&shown.file)),
                    None => read.next().flatten(),
                },
                shown,
            })
            .collect())
    }

    /// The files Start sends: each of our workbooks replaced by a CSV of its changes (kept beside the history,
    /// so Retry finds it), others as they are. The changes are the preview the window showed when the file and
    /// the SOV's revision are as they were then, else a preview made now. Refused, before anything is sent, when
    /// a row matches no building, when a cell SOV Fixer also changed has no decision, or when nothing at all
    /// would change.
    pub(crate) async fn changes_to_send(
        &self,
        request: &JobRequest,
        files: &[GivenFile],
    ) -> AppResult<Vec<PathBuf>> {
        if files.iter().all(|given| given.ours().is_none()) {
            return Ok(request.files.clone());
        }
        // Asks SOV Fixer for the latest revision only; its buildings are read when a preview must be made.
        let data = self.current_data(request.sov_id.trim()).await?;
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
        for given in files {
            let path = &given.path;
            let Some(file) = given.ours() else {
                to_send.push(path.clone());
                continue;
            };
            let preview = match &given.shown {
                Some(shown) if shown.made_against(&data) => Arc::clone(&shown.preview),
                _ => Arc::new(preview_of(&data, &data.buildings().await?, file)),
            };
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
            let name = format!("{} changes.csv", stem(path));
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

//! "Get a corrections workbook": the chosen SOV's current data as an `.xlsx` to edit in Excel, saved in the
//! download folder under a plain name that never replaces a file.

use crate::settings::default_download_dir;
use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sov_error::AppError;
use sov_workbook::{AttributeChoice, WorkbookSource};
use std::path::PathBuf;

/// Which columns the workbook gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkbookColumns {
    /// What underwriters usually correct: address, values and limits, construction, occupancy, year, roof.
    #[default]
    Default,
    All,
}

/// The workbook saved.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SavedWorkbook {
    pub path: PathBuf,
    pub file_name: String,
    pub revision: i64,
    pub buildings: usize,
}

impl AppState {
    pub async fn corrections_workbook(
        &self,
        sov_id: &str,
        columns: WorkbookColumns,
    ) -> AppResult<SavedWorkbook> {
        let current = self.current_workbook_buildings(sov_id).await?;
        let folder = self
            .prefs()
            .download_dir
            .clone()
            .unwrap_or_else(default_download_dir);
        std::fs::create_dir_all(&folder).map_err(|error| {
            AppError::file(
                format!(
                    "The folder “{}” cannot be made. Choose another download folder in step 4.",
                    folder.display()
                ),
                error,
            )
        })?;
        let choice = match columns {
            WorkbookColumns::Default => AttributeChoice::Default,
            WorkbookColumns::All => AttributeChoice::All,
        };
        let revision = current.data.revision;
        let buildings = current.buildings.len();
        let insured = current
            .data
            .summary
            .insured_name()
            .unwrap_or(&current.data.sov_id)
            .to_owned();
        let sov_id = current.data.sov_id.clone();
        // Writing 50,000 rows takes a moment: off the async threads.
        let path = tokio::task::spawn_blocking(move || {
            let revision = revision.to_string();
            let made_at = sov_workbook::file_name::now_utc_rfc3339();
            let source = WorkbookSource {
                sov_id: &sov_id,
                revision: &revision,
                made_at: &made_at,
                buildings: &current.buildings,
            };
            sov_workbook::save_corrections_workbook(
                &folder,
                &insured,
                &sov_workbook::file_name::today_utc(),
                &source,
                &choice,
            )
        })
        .await
        .map_err(AppError::internal)??;
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(SavedWorkbook {
            path,
            file_name,
            revision,
            buildings,
        })
    }
}

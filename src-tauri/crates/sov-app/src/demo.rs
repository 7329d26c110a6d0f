//! "Try the demo": switch to the demo server and hand the newcomer sample corrections for its SOV.

use crate::settings::Settings;
use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::Serialize;
use sov_error::AppError;
use sov_jobs::Target;
use std::path::{Path, PathBuf};

/// The sample corrections shipped with the app, matching the demo SOV's buildings and changing real values on
/// them (year built, roof covering, building value), so the preview and the outputs show what an update does.
/// One file only: the repository's other samples correct the same buildings (offering two made the demo's own
/// sample blocked as conflicting), and `corrections.csv` changes nothing, so it stays for tests only.
const SAMPLE_FILES: [(&str, &str); 1] = [(
    "demo-corrections.csv",
    include_str!("../../../../samples/demo-corrections.csv"),
)];

/// Writes the sample files into `dir` (again each time, so an edited copy does not break the demo).
fn write_sample_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    SAMPLE_FILES
        .iter()
        .map(|(name, contents)| {
            let path = dir.join(name);
            std::fs::write(&path, contents)?;
            Ok(path)
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct DemoStarted {
    pub sov_id: String,
    /// Sample corrections files for the demo SOV, so a newcomer has something to send.
    pub sample_files: Vec<PathBuf>,
    pub sovs: Vec<DemoSovView>,
    pub settings: Settings,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DemoSovView {
    pub id: String,
    pub description: String,
}

impl AppState {
    /// "Try the demo": starts the demo server, switches to it and writes the sample files.
    pub async fn start_demo(&self) -> AppResult<DemoStarted> {
        let demo = self.demo.ensure_started().await?;
        self.update_prefs(|prefs| prefs.target = Target::Demo)
            .map_err(|error| AppError::file("Your settings could not be saved.", error))?;
        let sovs: Vec<DemoSovView> = demo
            .sovs
            .into_iter()
            .map(|sov| DemoSovView {
                id: sov.id,
                description: sov.description,
            })
            .collect();
        let sample_files =
            write_sample_files(&self.config_dir.join("demo-samples")).map_err(|error| {
                AppError::file(
                    "The demo's sample files could not be written to your settings folder.",
                    error,
                )
            })?;
        Ok(DemoStarted {
            sample_files,
            sov_id: sovs.first().map(|s| s.id.clone()).unwrap_or_default(),
            sovs,
            settings: self.settings(),
        })
    }
}

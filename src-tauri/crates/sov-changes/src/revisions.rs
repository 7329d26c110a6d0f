//! Which revision an update made, and a revision's buildings read from its JSON output.

use std::fs::File;
use std::path::Path;

use sov_error::{AppError, Code};
use sov_update::SovFixerClient;
use sov_workbook::building::buildings_from_data;
use sov_workbook::Building;

/// The revision number `update_id` made, as SOV Fixer's history of the update says.
pub async fn update_revision(client: &SovFixerClient, update_id: &str) -> Result<i64, AppError> {
    let record = client.history(update_id).await.map_err(AppError::from)?;
    record
        .extra
        .get("revision")
        .and_then(serde_json::Value::as_i64)
        .filter(|revision| *revision >= 0)
        .ok_or_else(|| {
            AppError::new(
                Code::JobFailed,
                format!(
                    "SOV Fixer did not say which revision update {update_id} made, so its changes cannot be \
                     checked. Compare the revisions later with `sov-update diff`."
                ),
                format!("GET /sov/history/{update_id}: no revision"),
            )
        })
}

/// Every building of a revision's JSON output.
pub fn read_buildings(path: &Path) -> Result<Vec<Building>, AppError> {
    let file = File::open(path).map_err(|error| {
        AppError::file(
            format!("The SOV data in {} could not be opened.", path.display()),
            error,
        )
    })?;
    buildings_from_data(std::io::BufReader::new(file)).map_err(|error| {
        AppError::file(
            format!(
                "The SOV data in {} is not readable JSON output. Delete the file and try again; it is \
                 downloaded anew.",
                path.display()
            ),
            error,
        )
    })
}

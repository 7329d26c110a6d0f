//! The chosen SOV's current buildings, as the corrections workbook and the preview need them: fetched once per
//! revision (cached beside the history, one folder per server) and read off the UI thread.

use crate::state::AppState;
use crate::AppResult;
use sov_error::AppError;
use sov_update::read::{CurrentData, CurrentDataSource};
use sov_update::PollConfig;
use sov_workbook::Building;
use tokio_util::sync::CancellationToken;

pub(crate) struct Current {
    pub(crate) data: CurrentData,
    pub(crate) buildings: Vec<Building>,
}

impl AppState {
    pub(crate) async fn current_workbook_buildings(&self, sov_id: &str) -> AppResult<Current> {
        let sov_id = sov_id.trim();
        if sov_id.is_empty() {
            return Err(AppError::invalid_input(
                "Choose the SOV first (step 2), then try again.",
            ));
        }
        let connection = self.connection().await?;
        let cache =
            sov_changes::server_cache_dir(&self.revision_cache_dir(), connection.client.api_base());
        let source = CurrentDataSource::new(connection.client, cache, PollConfig::default());
        let data = source.fetch(sov_id, &CancellationToken::new()).await?;
        let path = data.path.clone();
        let read = tokio::task::spawn_blocking(move || {
            let file = std::fs::File::open(&path).map_err(|error| {
                sov_data_error(format!("{} could not be opened ({error})", path.display()))
            })?;
            sov_workbook::building::buildings_from_data(std::io::BufReader::new(file))
                .map_err(|error| sov_data_error(error.message()))
        })
        .await
        .map_err(AppError::internal)??;
        Ok(Current {
            data,
            buildings: read,
        })
    }
}

fn sov_data_error(detail: String) -> AppError {
    AppError::file(
        "The SOV's current data could not be read. Try again; if it keeps failing, choose the SOV again in step 2.",
        detail,
    )
}

/// The year "year built" may not pass.
pub(crate) fn this_year() -> i32 {
    sov_workbook::file_name::today_utc()
        .get(..4)
        .and_then(|year| year.parse().ok())
        .unwrap_or(2026)
}

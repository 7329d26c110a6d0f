//! The one owner of SOVs' current data in the app. The buildings view, the corrections workbook, the preview,
//! Start and the comparison of revisions all get an SOV's data here, so it is fetched once per (server, SOV,
//! revision) and held once: the JSON output is downloaded once (and kept on disk beside the history, one folder
//! per server), and each way of reading it (the workbook's buildings, the buildings view's list) is made at most
//! once, when first needed, and shared. Callers asking at the same time wait for the same download.

use crate::state::AppState;
use crate::AppResult;
use sov_error::AppError;
use sov_jobs::Connection;
use sov_update::read::{CurrentDataSource, SovStatus, SovSummary};
use sov_update::PollConfig;
use sov_workbook::Building;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

/// SOV revisions held in memory at once (the one in use and the ones just before it); older ones are read again
/// from the disk copy when asked for.
const KEPT_IN_MEMORY: usize = 3;

/// One revision of one SOV on one server, as the app holds it.
pub(crate) struct SovData {
    pub(crate) server: String,
    pub(crate) sov_id: String,
    pub(crate) revision: i64,
    /// The SOV as SOV Fixer described it when this revision was first asked for.
    pub(crate) summary: SovSummary,
    source: CurrentDataSource,
    file: OnceCell<PathBuf>,
    buildings: OnceCell<Arc<Vec<Building>>>,
    /// The buildings view's list and index of this revision (see `buildings.rs`), made from the same file.
    pub(crate) listing: OnceCell<Arc<crate::buildings::Listing>>,
}

impl SovData {
    /// True when the revision's data is already on this computer (nothing to download).
    pub(crate) fn on_disk(&self) -> bool {
        self.file.initialized()
            || self
                .source
                .cached_path(&self.sov_id, self.revision)
                .exists()
    }

    /// The revision's JSON output on disk, downloaded unless it is there already. Cancelling stops this
    /// caller's wait; another caller waiting for the same file then fetches it itself.
    pub(crate) async fn file(&self, cancel: &CancellationToken) -> AppResult<PathBuf> {
        let path = self
            .file
            .get_or_try_init(|| async {
                self.source
                    .fetch_revision(&self.sov_id, self.revision, cancel)
                    .await
            })
            .await?;
        Ok(path.clone())
    }

    /// Every building with every value, as the corrections workbook and the preview read them; read from the
    /// file once, off the async threads.
    pub(crate) async fn buildings(&self) -> AppResult<Arc<Vec<Building>>> {
        let buildings = self
            .buildings
            .get_or_try_init(|| async {
                let path = self.file(&CancellationToken::new()).await?;
                tokio::task::spawn_blocking(move || read_buildings(&path))
                    .await
                    .map_err(AppError::internal)?
                    .map(Arc::new)
            })
            .await?;
        Ok(Arc::clone(buildings))
    }
}

/// The revisions held, most recently asked for first.
#[derive(Default)]
pub(crate) struct CurrentStore {
    held: Mutex<Vec<Arc<SovData>>>,
}

impl CurrentStore {
    /// The held entry for this revision, or a new one; either way it becomes the most recent.
    fn entry(&self, source: CurrentDataSource, summary: SovSummary, sov_id: &str) -> Arc<SovData> {
        let server = source.client().api_base().as_str().to_owned();
        let revision = summary.latest_revision.unwrap_or(0).max(0);
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let same = |data: &SovData| {
            data.server == server && data.sov_id == sov_id && data.revision == revision
        };
        let entry = match held.iter().position(|data| same(data)) {
            Some(at) => held.remove(at),
            None => Arc::new(SovData {
                server,
                sov_id: sov_id.to_owned(),
                revision,
                summary,
                source,
                file: OnceCell::new(),
                buildings: OnceCell::new(),
                listing: OnceCell::new(),
            }),
        };
        held.insert(0, Arc::clone(&entry));
        held.truncate(KEPT_IN_MEMORY);
        entry
    }

    /// The most recent revision of an SOV whose buildings list the window has read, without asking SOV Fixer.
    pub(crate) fn listed(&self, server: &str, sov_id: &str) -> Option<Arc<SovData>> {
        self.held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|data| {
                data.server == server && data.sov_id == sov_id && data.listing.initialized()
            })
            .cloned()
    }
}

impl AppState {
    /// Fetches and keeps revisions for `connection`'s server, in the folder the change check shares.
    pub(crate) fn current_data_source(&self, connection: &Connection) -> CurrentDataSource {
        CurrentDataSource::new(
            connection.client.clone(),
            sov_changes::server_cache_dir(&self.revision_cache_dir(), connection.client.api_base()),
            PollConfig::default(),
        )
    }

    /// `sov_id` as it is now: asks SOV Fixer which revision is the latest (one small request), then gives the
    /// held data of that revision, or a new entry whose data is fetched when first read.
    pub(crate) async fn current_data(&self, sov_id: &str) -> AppResult<Arc<SovData>> {
        let connection = self.connection().await?;
        let summary = connection.client.sov_summary(sov_id).await?;
        refuse_without_data(summary.status.as_deref())?;
        let source = self.current_data_source(&connection);
        Ok(self.current.entry(source, summary, sov_id))
    }

    /// The chosen SOV's current buildings, for the corrections workbook, the preview and Start.
    pub(crate) async fn current_workbook_buildings(&self, sov_id: &str) -> AppResult<Current> {
        let sov_id = sov_id.trim();
        if sov_id.is_empty() {
            return Err(AppError::invalid_input(
                "Choose the SOV first (step 2), then try again.",
            ));
        }
        let data = self.current_data(sov_id).await?;
        let buildings = data.buildings().await?;
        Ok(Current { data, buildings })
    }
}

/// A revision of an SOV with its buildings read.
pub(crate) struct Current {
    pub(crate) data: Arc<SovData>,
    pub(crate) buildings: Arc<Vec<Building>>,
}

/// A failed or unfinished SOV has no data: say so instead of passing on SOV Fixer's refusal.
fn refuse_without_data(status: Option<&str>) -> AppResult<()> {
    let message = match status.and_then(SovStatus::parse) {
        Some(SovStatus::Complete) | None => return Ok(()),
        Some(SovStatus::Failed) => {
            "SOV Fixer could not read this SOV's spreadsheet, so it holds no buildings. Send the spreadsheet to SOV Fixer again, then choose the new SOV."
        }
        Some(_) => {
            "SOV Fixer is still reading this SOV's spreadsheet; its buildings can be seen once it is complete. Try again in a few minutes."
        }
    };
    Err(AppError::invalid_input(message))
}

fn read_buildings(path: &std::path::Path) -> AppResult<Vec<Building>> {
    let file = std::fs::File::open(path).map_err(|error| {
        sov_data_error(format!("{} could not be opened ({error})", path.display()))
    })?;
    sov_workbook::building::buildings_from_data(std::io::BufReader::new(file))
        .map_err(|error| sov_data_error(error.message()))
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

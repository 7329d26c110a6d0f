//! What the running app holds: preferences, keys, the demo server, the job history with its one runner, and
//! the job the window follows.

use crate::demo_server::DemoSlot;
use crate::hub::JobHub;
use crate::keys::{EnvLookup, KeyOrigin, Keys};
use crate::preferences::Preferences;
use crate::secrets::SecretStore;
use sov_history::HistoryStore;
use sov_jobs::{JobRunner, Target};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// The history and the one runner that records into it, for the app's lifetime.
pub(crate) struct History {
    pub(crate) store: Arc<HistoryStore>,
    pub(crate) runner: Arc<JobRunner>,
}

pub struct AppState {
    pub(crate) config_dir: PathBuf,
    prefs: Mutex<Preferences>,
    pub(crate) keys: Keys,
    pub demo: DemoSlot,
    history_dir: PathBuf,
    history: OnceLock<Option<History>>,
    /// What happened when the history was opened (repaired, migrated, unreadable), for the window to show.
    history_notice: Mutex<Option<String>>,
    pub(crate) hub: JobHub,
    /// The buildings list being read, so a new one or Cancel stops it (see `buildings`).
    pub(crate) buildings_load: crate::buildings::BuildingsLoad,
    /// SOVs' current data, fetched and held once for every part of the window (see `current`).
    pub(crate) current: crate::current::CurrentStore,
    /// The previews the window showed, for Start to send from (see `preview`).
    pub(crate) shown: crate::preview::ShownPreviews,
}

impl AppState {
    pub fn new(
        config_dir: PathBuf,
        keychain: Box<dyn SecretStore>,
        ini_path: Option<PathBuf>,
        env: EnvLookup,
    ) -> Self {
        let prefs = Preferences::load(&config_dir);
        let history_dir = config_dir.join("history");
        Self {
            config_dir,
            prefs: Mutex::new(prefs),
            keys: Keys::new(keychain, ini_path, env),
            demo: DemoSlot::default(),
            history_dir,
            history: OnceLock::new(),
            history_notice: Mutex::new(None),
            hub: JobHub::default(),
            buildings_load: crate::buildings::BuildingsLoad::default(),
            current: crate::current::CurrentStore::default(),
            shown: crate::preview::ShownPreviews::default(),
        }
    }

    /// Keeps the job history in `data_dir` (by default it sits in the config folder, which tests use).
    pub fn with_history_dir(mut self, data_dir: &Path) -> Self {
        self.history_dir = data_dir.to_path_buf();
        self
    }

    /// The job history and its runner, opened on first use. A damaged store is set aside by the store itself; if
    /// even that fails, history for this session is kept in a temporary folder rather than refusing to run jobs.
    pub(crate) fn history(&self) -> Option<&History> {
        self.history
            .get_or_init(|| {
                let (store, notice) = match HistoryStore::open(&self.history_dir) {
                    Ok((store, report)) => (store, report.user_message()),
                    Err(error) => {
                        let fallback = std::env::temp_dir()
                            .join(format!("sov-updater-history-{}", std::process::id()));
                        match HistoryStore::open(&fallback) {
                            Ok((store, _)) => (store, Some(format!("{error} Updates of this session are remembered until SOV Updater closes."))),
                            Err(_) => {
                                *self.notice() = Some(error.to_string());
                                return None;
                            }
                        }
                    }
                };
                *self.notice() = notice;
                let store = Arc::new(store);
                // Finished jobs are checked against SOV Fixer's new data; fetched revisions are kept beside
                // the history so none is downloaded twice.
                let runner = Arc::new(
                    JobRunner::new(Arc::clone(&store)).with_change_check(self.revision_cache_dir()),
                );
                Some(History { store, runner })
            })
            .as_ref()
    }

    /// Where revisions fetched from SOV Fixer are kept (one folder per server inside), shared by the change
    /// check and the comparison of two revisions.
    pub(crate) fn revision_cache_dir(&self) -> PathBuf {
        self.history_dir.join("current-data")
    }

    /// Where the changes-only files Start sent are kept, so Retry can send them again.
    pub(crate) fn sent_changes_dir(&self) -> PathBuf {
        self.history_dir.join("sent-changes")
    }

    /// The history store, for tests and tools that look at what was recorded.
    pub fn history_store(&self) -> Option<Arc<HistoryStore>> {
        self.history().map(|history| Arc::clone(&history.store))
    }

    fn notice(&self) -> MutexGuard<'_, Option<String>> {
        self.history_notice
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Notices to show once (a damaged history set aside, …). Opening the history is what discovers them.
    pub(crate) fn notices(&self) -> Vec<String> {
        let _ = self.history();
        self.notice().clone().into_iter().collect()
    }

    pub fn prefs(&self) -> MutexGuard<'_, Preferences> {
        self.prefs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes the preferences and saves them at once.
    pub(crate) fn update_prefs(
        &self,
        change: impl FnOnce(&mut Preferences),
    ) -> std::io::Result<Preferences> {
        let mut prefs = self.prefs();
        change(&mut prefs);
        prefs.save(&self.config_dir)?;
        Ok(prefs.clone())
    }

    /// The key in use and where it came from.
    pub(crate) fn api_key(&self) -> Option<(String, KeyOrigin)> {
        let prefs = self.prefs().clone();
        self.keys.api_key(&prefs)
    }

    /// Switches to demo mode when no key is configured for a named environment, so the first launch works
    /// without an account. A custom address is left alone: its user knows what they set up.
    pub fn enter_demo_if_unconfigured(&self) {
        let target = self.prefs().target.clone();
        let custom = target.custom_url().is_some();
        if target == Target::Demo || custom || self.api_key().is_some() {
            return;
        }
        // Not saved: once the user connects an account, the next start uses it.
        self.prefs().target = Target::Demo;
    }

    /// True while the job the window follows runs (closing the window then asks first).
    pub fn window_job_running(&self) -> bool {
        self.hub.is_busy()
    }

    /// Stops the demo server and removes the files sent to it (at exit).
    pub async fn shutdown(&self) {
        self.demo.shutdown().await;
    }
}

//! What the app remembers between runs (never the API key: that lives in the keychain). Written atomically
//! (temp file, fsync, rename) so a crash never leaves a half-written file. The environment is parsed once, when
//! the file is read; the file keeps its name and custom address as text.

use serde::{Deserialize, Serialize};
use sov_jobs::Target;
use sov_update::Environment;
use std::io::Write;
use std::path::{Path, PathBuf};

const FILE_NAME: &str = "preferences.json";
const MAX_RECENT_SOV_IDS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredPreferences", into = "StoredPreferences")]
pub struct Preferences {
    pub target: Target,
    /// The custom address as the user typed it (kept while another environment is in use); also names the
    /// keychain account of a custom server.
    pub custom_url: String,
    pub download_dir: Option<PathBuf>,
    pub last_formats: Vec<String>,
    pub notifications: bool,
    pub recent_sov_ids: Vec<String>,
}

/// The file's shape.
#[derive(Serialize, Deserialize)]
#[serde(default)]
struct StoredPreferences {
    /// `prod`, `prodeu`, `staging`, `custom` or `demo`.
    environment: String,
    custom_url: String,
    download_dir: Option<PathBuf>,
    last_formats: Vec<String>,
    notifications: bool,
    recent_sov_ids: Vec<String>,
}

impl Default for StoredPreferences {
    fn default() -> Self {
        Preferences::default().into()
    }
}

impl From<StoredPreferences> for Preferences {
    fn from(stored: StoredPreferences) -> Self {
        // A name this version does not know (or a broken custom address) reads as the default environment.
        let target = Target::from_name(&stored.environment, &stored.custom_url)
            .unwrap_or(Target::Server(Environment::Prod));
        Self {
            target,
            custom_url: stored.custom_url,
            download_dir: stored.download_dir,
            last_formats: stored.last_formats,
            notifications: stored.notifications,
            recent_sov_ids: stored.recent_sov_ids,
        }
    }
}

impl From<Preferences> for StoredPreferences {
    fn from(prefs: Preferences) -> Self {
        Self {
            environment: prefs.target.name().to_owned(),
            custom_url: prefs.custom_url,
            download_dir: prefs.download_dir,
            last_formats: prefs.last_formats,
            notifications: prefs.notifications,
            recent_sov_ids: prefs.recent_sov_ids,
        }
    }
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            target: Target::Server(Environment::Prod),
            custom_url: String::new(),
            download_dir: None,
            last_formats: Vec::new(),
            notifications: true,
            recent_sov_ids: Vec::new(),
        }
    }
}

impl Preferences {
    /// Loads the saved preferences; an unreadable file is set aside (not deleted) and defaults are used,
    /// because losing a remembered folder is better than refusing to start.
    pub fn load(dir: &Path) -> Self {
        let path = dir.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                let _ = std::fs::rename(&path, dir.join("preferences.json.unreadable"));
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        temp.write_all(&bytes)?;
        temp.as_file().sync_all()?;
        temp.persist(dir.join(FILE_NAME)).map_err(|e| e.error)?;
        Ok(())
    }

    /// Most recent first, without duplicates, bounded.
    pub fn remember_sov_id(&mut self, sov_id: &str) {
        self.recent_sov_ids.retain(|id| id != sov_id);
        self.recent_sov_ids.insert(0, sov_id.to_owned());
        self.recent_sov_ids.truncate(MAX_RECENT_SOV_IDS);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn saves_and_loads_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut prefs = Preferences {
            target: Target::from_name("custom", "http://127.0.0.1:8765").unwrap(),
            custom_url: "http://127.0.0.1:8765".into(),
            last_formats: vec!["JSON".into()],
            ..Preferences::default()
        };
        prefs.remember_sov_id("s-a");
        prefs.save(dir.path()).unwrap();
        assert_eq!(Preferences::load(dir.path()), prefs);
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(
            text.contains(r#""environment": "custom""#),
            "the file keeps its shape: {text}"
        );
    }

    #[test]
    fn a_file_of_an_earlier_version_is_read_with_its_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            r#"{"environment": "staging", "custom_url": "", "notifications": false}"#,
        )
        .unwrap();
        let prefs = Preferences::load(dir.path());
        assert_eq!(prefs.target, Target::Server(Environment::Staging));
        assert!(!prefs.notifications);
    }

    #[test]
    fn unreadable_file_falls_back_to_defaults_and_is_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        assert_eq!(Preferences::load(dir.path()), Preferences::default());
        assert!(dir.path().join("preferences.json.unreadable").exists());
    }

    #[test]
    fn recent_ids_are_unique_newest_first_and_bounded() {
        let mut prefs = Preferences::default();
        for i in 0..12 {
            prefs.remember_sov_id(&format!("s-{i}"));
        }
        prefs.remember_sov_id("s-5");
        assert_eq!(prefs.recent_sov_ids.len(), MAX_RECENT_SOV_IDS);
        assert_eq!(prefs.recent_sov_ids[0], "s-5");
        assert_eq!(
            prefs
                .recent_sov_ids
                .iter()
                .filter(|id| *id == "s-5")
                .count(),
            1
        );
    }
}

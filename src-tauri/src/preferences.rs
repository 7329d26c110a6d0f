//! What the app remembers between runs (never the API key: that lives in the keychain).
//! Written atomically (temp file, fsync, rename) so a crash never leaves a half-written file.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const FILE_NAME: &str = "preferences.json";
const MAX_RECENT_SOV_IDS: usize = 8;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Preferences {
    /// `prod`, `prodeu`, `staging`, `custom` or `demo`.
    pub environment: String,
    pub custom_url: String,
    pub download_dir: Option<PathBuf>,
    pub last_formats: Vec<String>,
    pub notifications: bool,
    pub recent_sov_ids: Vec<String>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            environment: "prod".into(),
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
            last_formats: vec!["JSON".into()],
            ..Preferences::default()
        };
        prefs.remember_sov_id("s-a");
        prefs.save(dir.path()).unwrap();
        assert_eq!(Preferences::load(dir.path()), prefs);
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

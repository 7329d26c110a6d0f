//! The update manifest (`latest.json`), in the format Tauri's bundler writes and its updater plugin reads.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One release, as announced by the update server.
#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    pub version: String,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub pub_date: Option<String>,
    pub platforms: BTreeMap<String, PlatformEntry>,
}

/// Where one platform's package is, and its signature (base64 of a minisign `.sig` file).
#[derive(Debug, Clone, Deserialize)]
pub struct PlatformEntry {
    pub signature: String,
    pub url: url::Url,
}

impl Manifest {
    /// The version without a leading `v`, which release tags often carry and semver refuses.
    pub fn semver(&self) -> Result<semver::Version, semver::Error> {
        semver::Version::parse(self.version.trim_start_matches('v'))
    }
}

/// The platform key the plugin looks up for this build, e.g. `windows-x86_64` or `linux-x86_64`.
pub fn current_target() -> Option<String> {
    let os = if cfg!(target_os = "linux") {
        "linux"
    } else if cfg!(target_os = "macos") {
        // Tauri's name for macOS in update manifests.
        "darwin"
    } else if cfg!(target_os = "windows") {
        "windows"
    } else {
        return None;
    };
    let arch = if cfg!(target_arch = "x86_64") {
        "x86_64"
    } else if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else {
        return None;
    };
    Some(format!("{os}-{arch}"))
}

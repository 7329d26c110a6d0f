//! One update check: manifest, version comparison, package signature.

use crate::manifest::Manifest;
use crate::signature::verify;
use std::time::Duration;

/// Where updates come from and how they are trusted.
#[derive(Debug, Clone)]
pub struct UpdateSource {
    /// The manifest's address (`latest.json`), as in tauri.conf.json's `plugins.updater.endpoints`.
    pub endpoint: url::Url,
    /// Base64 of the minisign public key file, as in tauri.conf.json's `plugins.updater.pubkey`.
    pub pubkey: String,
    /// The manifest's platform key for this build (see [`crate::current_target`]).
    pub target: String,
    /// For the whole check; a start-up check must never keep the user waiting on a slow server.
    pub timeout: Duration,
}

/// A newer version whose package was downloaded and whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub version: String,
    pub notes: Option<String>,
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Nothing newer (including a manifest with no package for this platform).
    UpToDate,
    Available(Offer),
    /// The server offered something that must not be installed (bad signature, unreadable manifest).
    Refused(String),
    /// The server could not be reached or did not answer usefully.
    Unreachable(String),
    /// This build names no update server (a developer build; releases get one from the release workflow).
    NotConfigured,
}

/// Asks the update server whether a version newer than `current` is offered for this platform.
pub async fn check(source: &UpdateSource, current: &str) -> CheckOutcome {
    // Another part of the process may have installed the provider already; that is fine.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .timeout(source.timeout)
        .user_agent(concat!("sov-updater/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => return CheckOutcome::Unreachable(error.to_string()),
    };
    let response = match client.get(source.endpoint.clone()).send().await {
        Ok(response) => response,
        Err(error) => return CheckOutcome::Unreachable(error.to_string()),
    };
    // Tauri's dynamic servers answer 204 when there is nothing newer.
    if response.status() == reqwest::StatusCode::NO_CONTENT {
        return CheckOutcome::UpToDate;
    }
    if !response.status().is_success() {
        return CheckOutcome::Unreachable(format!(
            "the update server answered {}",
            response.status()
        ));
    }
    let manifest: Manifest = match response.json().await {
        Ok(manifest) => manifest,
        Err(error) => {
            return CheckOutcome::Refused(format!("the update manifest is unreadable: {error}"))
        }
    };
    let Ok(offered) = manifest.semver() else {
        return CheckOutcome::Refused(format!(
            "the offered version '{}' is not a version number",
            manifest.version
        ));
    };
    let Ok(current) = semver::Version::parse(current.trim_start_matches('v')) else {
        return CheckOutcome::Refused(format!(
            "this app's version '{current}' is not a version number"
        ));
    };
    if offered <= current {
        return CheckOutcome::UpToDate;
    }
    let Some(entry) = manifest.platforms.get(&source.target) else {
        return CheckOutcome::UpToDate;
    };
    let package = match client.get(entry.url.clone()).send().await {
        Ok(response) if response.status().is_success() => match response.bytes().await {
            Ok(bytes) => bytes,
            Err(error) => return CheckOutcome::Unreachable(error.to_string()),
        },
        Ok(response) => {
            return CheckOutcome::Unreachable(format!(
                "the update package answered {}",
                response.status()
            ))
        }
        Err(error) => return CheckOutcome::Unreachable(error.to_string()),
    };
    match verify(
        &package,
        &entry.signature,
        &source.pubkey,
        &manifest.version,
    ) {
        Ok(()) => CheckOutcome::Available(Offer {
            version: offered.to_string(),
            notes: manifest.notes.filter(|notes| !notes.trim().is_empty()),
        }),
        Err(error) => CheckOutcome::Refused(format!("version {offered} was refused: {error}")),
    }
}

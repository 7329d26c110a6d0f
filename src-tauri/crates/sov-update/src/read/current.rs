//! "Current data of an SOV": the latest revision's JSON output, fetched through
//! get_or_create_output and kept on disk per SOV and revision.
//!
//! Cache layout: `<cache_dir>/<sanitized SOV id>/revision-<n>.json`. A revision's output never
//! changes once made, so a cached file is used without asking for it again; only the SOV's latest
//! revision number is asked each time. Files arrive through a temp file in the same folder and are
//! renamed into place, so a crash or a cancel never leaves a partial `revision-<n>.json`.

use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use super::{wait_for_output, OutputRequest, SovStatus, SovSummary};
use crate::client::{OutputFile, SovFixerClient};
use crate::download::sanitize_filename;
use crate::engine::PollConfig;
use crate::error::{ErrorKind, UpdateError};

/// Where an SOV's current data was found.
#[derive(Debug, Clone)]
pub struct CurrentData {
    pub sov_id: String,
    /// The revision this file holds (0 = the original parse).
    pub revision: i64,
    /// The JSON output on disk.
    pub path: PathBuf,
    /// True when no download was needed.
    pub from_cache: bool,
    /// The SOV as `/sov/activity` listed it when asked.
    pub summary: SovSummary,
}

/// Fetches and caches current data; cheap to clone.
#[derive(Debug, Clone)]
pub struct CurrentDataSource {
    client: SovFixerClient,
    cache_dir: PathBuf,
    poll: PollConfig,
}

impl CurrentDataSource {
    pub fn new(client: SovFixerClient, cache_dir: impl Into<PathBuf>, poll: PollConfig) -> Self {
        Self {
            client,
            cache_dir: cache_dir.into(),
            poll,
        }
    }

    /// The client it asks with.
    pub fn client(&self) -> &SovFixerClient {
        &self.client
    }

    /// The file a revision is cached in.
    pub fn cached_path(&self, sov_id: &str, revision: i64) -> PathBuf {
        self.cache_dir
            .join(sanitize_filename(sov_id.trim()))
            .join(format!("revision-{revision}.json"))
    }

    /// The latest revision's JSON output of `sov_id`, from the cache or from the service.
    /// Cancelling stops at once; nothing partial is left behind.
    pub async fn fetch(
        &self,
        sov_id: &str,
        cancel: &CancellationToken,
    ) -> Result<CurrentData, UpdateError> {
        tokio::select! {
            () = cancel.cancelled() => Err(UpdateError::cancelled()),
            fetched = self.fetch_uncancelled(sov_id.trim(), cancel) => fetched,
        }
    }

    /// Revision `revision` of `sov_id` (0 = the original parse), from the cache or from the service: for
    /// comparing a revision with an earlier one. Cancelling stops at once; nothing partial is left behind.
    pub async fn fetch_revision(
        &self,
        sov_id: &str,
        revision: i64,
        cancel: &CancellationToken,
    ) -> Result<PathBuf, UpdateError> {
        let sov_id = sov_id.trim();
        let path = self.cached_path(sov_id, revision);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(path);
        }
        tokio::select! {
            () = cancel.cancelled() => Err(UpdateError::cancelled()),
            fetched = self.download_revision(sov_id, revision, &path, cancel) => fetched.map(|()| path),
        }
    }

    /// Keeps a copy of a revision's JSON output that was saved elsewhere (an update's own JSON output), so
    /// a later comparison reads it from the cache instead of downloading it again. Never replaces a cached file.
    pub fn keep(&self, sov_id: &str, revision: i64, saved: &Path) -> Result<PathBuf, UpdateError> {
        let path = self.cached_path(sov_id.trim(), revision);
        if path.exists() {
            return Ok(path);
        }
        let folder = path.parent().unwrap_or(&self.cache_dir);
        let copy_error = |e: std::io::Error| {
            UpdateError::new(
                ErrorKind::FileError {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                },
                format!("copying {} into the cache: {e}", saved.display()),
            )
        };
        std::fs::create_dir_all(folder).map_err(copy_error)?;
        let incoming = folder.join(format!("revision-{revision}.incoming.json"));
        std::fs::copy(saved, &incoming).map_err(copy_error)?;
        move_into_place(&incoming, &path)?;
        Ok(path)
    }

    async fn download_revision(
        &self,
        sov_id: &str,
        revision: i64,
        path: &Path,
        cancel: &CancellationToken,
    ) -> Result<(), UpdateError> {
        let answer = self
            .client
            .get_or_create_output(sov_id, &OutputRequest::json(revision))
            .await?;
        let result = wait_for_output(&self.client, answer, &self.poll, cancel).await?;
        let url = result.url().unwrap_or_default().to_owned();
        let folder = path.parent().unwrap_or(&self.cache_dir).to_path_buf();
        let incoming = OutputFile {
            filename: Some(format!("revision-{revision}.incoming.json")),
            url,
            description: None,
        };
        let saved = self
            .client
            .download_output(&incoming, &folder, None)
            .await?;
        move_into_place(&saved.path, path)
    }

    async fn fetch_uncancelled(
        &self,
        sov_id: &str,
        cancel: &CancellationToken,
    ) -> Result<CurrentData, UpdateError> {
        let summary = self.client.sov_summary(sov_id).await?;
        refuse_without_data(&summary)?;
        // An SOV that was never updated has no revision count yet: it is its original parse.
        let revision = summary.latest_revision.unwrap_or(0).max(0);
        let path = self.cached_path(sov_id, revision);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(CurrentData {
                sov_id: sov_id.to_owned(),
                revision,
                path,
                from_cache: true,
                summary,
            });
        }
        // The revision is asked for by number, not as -1, so the file matches the name it is kept under
        // even if an update completes meanwhile.
        self.download_revision(sov_id, revision, &path, cancel)
            .await?;
        Ok(CurrentData {
            sov_id: sov_id.to_owned(),
            revision,
            path,
            from_cache: false,
            summary,
        })
    }
}

/// An SOV whose parse failed has no data, and one still being read has none yet: say so in words
/// rather than pass on the server's refusal.
fn refuse_without_data(summary: &SovSummary) -> Result<(), UpdateError> {
    let message = match summary.status.as_deref().and_then(SovStatus::parse) {
        Some(SovStatus::Failed) => {
            "SOV Fixer could not read this SOV's spreadsheet, so it holds no buildings"
        }
        Some(SovStatus::Complete) | None => return Ok(()),
        Some(_) => {
            "SOV Fixer is still reading this SOV; its buildings are available once it is complete"
        }
    };
    Err(UpdateError::new(
        ErrorKind::OutputFailed {
            message: message.to_owned(),
        },
        format!("SOV {} has status {:?}", summary.id, summary.status),
    ))
}

/// A rename within one folder: atomic, and it replaces a file another process saved meanwhile
/// (the same revision, so the same content).
fn move_into_place(from: &Path, to: &Path) -> Result<(), UpdateError> {
    std::fs::rename(from, to).map_err(|e| {
        let _ = std::fs::remove_file(from);
        UpdateError::new(
            ErrorKind::FileError {
                path: to.display().to_string(),
                reason: e.to_string(),
            },
            format!("renaming {} to {}: {e}", from.display(), to.display()),
        )
    })
}

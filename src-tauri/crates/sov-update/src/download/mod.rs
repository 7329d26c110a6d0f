//! Saving outputs: streamed to a temporary file in the destination folder, flushed to disk, then
//! renamed into place without ever replacing an existing file.

mod filename;
mod run_folder;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use url::Url;

pub use filename::sanitize_filename;
pub use run_folder::{create_run_folder, local_now, run_folder_name};

use crate::client::{OutputFile, SovFixerClient};
use crate::error::{ErrorKind, Resource, UpdateError};

/// Called with (bytes received so far, total if the server said) for the current output.
pub type BytesReceived = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// An output saved on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SavedOutput {
    /// The name it was saved under (sanitized, possibly numbered).
    pub filename: String,
    pub description: Option<String>,
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub url: String,
}

impl SovFixerClient {
    /// Downloads one `result.outputs[]` entry into `dest_dir`.
    ///
    /// The token goes only to the API's own origin. An output URL on another origin is fetched
    /// *without* credentials rather than refused: the contract leaves open whether outputs may be
    /// pre-signed storage links (§13), and such links would break if refused, while the token,
    /// the only secret involved, never leaves the API origin. (reqwest also drops the
    /// Authorization header on a redirect to another host.) A plain-http link from an https API is
    /// refused, so an output cannot be swapped in transit.
    pub async fn download_output(
        &self,
        output: &OutputFile,
        dest_dir: &Path,
        on_bytes: Option<BytesReceived>,
    ) -> Result<SavedOutput, UpdateError> {
        let url = self.resolve(&output.url)?;
        check_scheme(self.api_base(), &url)?;
        let with_token = self.is_api_origin(&url);
        let name = sanitize_filename(output.filename.as_deref().unwrap_or(&last_segment(&url)));
        tokio::fs::create_dir_all(dest_dir)
            .await
            .map_err(|e| file_error(dest_dir, &e))?;
        let max_attempts = self.retry_policy().max_attempts.max(1);
        let mut attempt = 1;
        loop {
            // The connection's slot is held until the body is saved.
            let answer = self
                .get_with_retries(&url, Resource::Output(name.clone()), with_token)
                .await?;
            match save_body(answer.response, dest_dir, on_bytes.as_ref()).await? {
                Fetched::Complete { temp, size, sha256 } => {
                    let path =
                        sov_files::persist_numbered(temp, dest_dir, &name).map_err(save_error)?;
                    let filename = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| name.clone());
                    return Ok(SavedOutput {
                        filename,
                        description: output.description.clone(),
                        path,
                        size,
                        sha256,
                        url: url.to_string(),
                    });
                }
                Fetched::Interrupted(error) if attempt >= max_attempts => return Err(error),
                Fetched::Interrupted(_) => {
                    // The partial temp file is already gone; start again from the first byte.
                    tokio::time::sleep(self.retry_policy().backoff(attempt)).await;
                    attempt += 1;
                }
            }
        }
    }
}

enum Fetched {
    Complete {
        temp: tempfile::NamedTempFile,
        size: u64,
        sha256: String,
    },
    Interrupted(UpdateError),
}

/// Streams the body into a hidden temp file next to the destination (same file system, so the
/// final rename is atomic). Dropping the temp file on any early return deletes it.
async fn save_body(
    response: reqwest::Response,
    dest_dir: &Path,
    on_bytes: Option<&BytesReceived>,
) -> Result<Fetched, UpdateError> {
    let expected = response.content_length();
    let temp = sov_files::temp_file_in(dest_dir).map_err(save_error)?;
    let handle = temp
        .as_file()
        .try_clone()
        .map_err(|e| file_error(dest_dir, &e))?;
    // Network chunks are small (often 8–16 KB); one write per chunk through tokio's file (each a trip to
    // the blocking pool) cost more CPU than the transfer itself. Gather them into 1 MiB writes.
    let mut file = tokio::io::BufWriter::with_capacity(1 << 20, tokio::fs::File::from_std(handle));
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                // reqwest reports a broken body as a decode error; for the user it is a
                // connection problem (or a timeout), not a server fault.
                let mapped = crate::client::error_from_transport(&error);
                let kind = match mapped.kind() {
                    ErrorKind::TimedOut => ErrorKind::TimedOut,
                    _ => ErrorKind::NetworkUnreachable,
                };
                return Ok(Fetched::Interrupted(UpdateError::new(
                    kind,
                    format!(
                        "download interrupted after {size} bytes: {}",
                        mapped.detail()
                    ),
                )));
            }
        };
        hasher.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| file_error(temp.path(), &e))?;
        size += chunk.len() as u64;
        if let Some(report) = on_bytes {
            report(size, expected);
        }
    }
    if let Some(expected) = expected.filter(|&expected| expected != size) {
        return Ok(Fetched::Interrupted(UpdateError::new(
            ErrorKind::NetworkUnreachable,
            format!("download ended after {size} of {expected} bytes"),
        )));
    }
    file.flush()
        .await
        .map_err(|e| file_error(temp.path(), &e))?;
    file.get_ref()
        .sync_all()
        .await
        .map_err(|e| file_error(temp.path(), &e))?;
    Ok(Fetched::Complete {
        temp,
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// Writes a small text file (a report the app makes, not a download) as `name` in `dir`, or `name (2)`, …:
/// through a temp file, so no partial file is left, and never over an existing one.
pub fn save_text_unique(dir: &Path, name: &str, text: &str) -> Result<PathBuf, UpdateError> {
    sov_files::write_new_file(dir, &sanitize_filename(name), text.as_bytes()).map_err(save_error)
}

/// A file that could not be saved, for the user: the path and the reason.
fn save_error(error: sov_files::SaveError) -> UpdateError {
    match error {
        sov_files::SaveError::Io { path, source } => file_error(&path, &source),
        other => UpdateError::new(
            ErrorKind::FileError {
                path: other.path().display().to_string(),
                reason: other.to_string(),
            },
            "no free file name",
        ),
    }
}

fn check_scheme(base: &Url, url: &Url) -> Result<(), UpdateError> {
    let allowed = match url.scheme() {
        "https" => true,
        "http" => base.scheme() == "http",
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    Err(UpdateError::new(
        ErrorKind::ServerError { status: None },
        format!("refused to download an output from `{url}`: only https links are accepted"),
    ))
}

fn last_segment(url: &Url) -> String {
    let raw = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .unwrap_or("");
    percent_decode(raw)
}

fn percent_decode(raw: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", raw.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| raw.to_owned())
}

fn file_error(path: &Path, error: &std::io::Error) -> UpdateError {
    UpdateError::from_io(path, error)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn url_filename_is_percent_decoded() {
        let url = Url::parse("http://h/api/v1/sov/x/output/Acme%20Corp%202026-06.json").unwrap();
        assert_eq!(last_segment(&url), "Acme Corp 2026-06.json");
        let plus = Url::parse("http://h/a/b+c.json").unwrap();
        assert_eq!(last_segment(&plus), "b+c.json");
    }

    #[test]
    fn a_report_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "old").unwrap();
        let path = save_text_unique(dir.path(), "a.csv", "new").unwrap();
        assert_eq!(path, dir.path().join("a (2).csv"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.csv")).unwrap(),
            "old"
        );
        assert_eq!(std::fs::read_to_string(path).unwrap(), "new");
    }
}

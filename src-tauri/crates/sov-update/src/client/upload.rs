//! What add_locations sends: a named byte source streamed from disk (or from a converter) with a
//! known length, so a large CSV is never held in memory.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use reqwest::multipart::{Form, Part};

use crate::error::{ErrorKind, UpdateError};

const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks read ahead of the network; bounds memory to a few hundred KiB whatever the file size.
const CHUNKS_IN_FLIGHT: usize = 4;

/// One file part of an add_locations upload.
pub trait UploadSource: Send + Sync {
    /// The file name sent to the server (no directories).
    fn file_name(&self) -> &str;
    /// Exact number of bytes `open` yields; it becomes the part's Content-Length.
    fn byte_len(&self) -> u64;
    /// A fresh reader from the first byte; called again for a retry.
    fn open(&self) -> std::io::Result<Box<dyn Read + Send>>;
}

/// A CSV file on disk, sent as it is.
#[derive(Debug, Clone)]
pub struct FileUpload {
    path: PathBuf,
    file_name: String,
    byte_len: u64,
}

impl FileUpload {
    pub fn from_path(path: &Path) -> Result<Self, UpdateError> {
        let file_error = |reason: String| {
            UpdateError::new(
                ErrorKind::FileError {
                    path: path.display().to_string(),
                    reason: reason.clone(),
                },
                reason,
            )
        };
        let metadata = std::fs::metadata(path).map_err(|e| file_error(e.to_string()))?;
        if !metadata.is_file() {
            return Err(file_error("it is not a file".to_owned()));
        }
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "locations.csv".to_owned());
        Ok(Self {
            path: path.to_owned(),
            file_name,
            byte_len: metadata.len(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl UploadSource for FileUpload {
    fn file_name(&self) -> &str {
        &self.file_name
    }

    fn byte_len(&self) -> u64 {
        self.byte_len
    }

    fn open(&self) -> std::io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(std::fs::File::open(&self.path)?))
    }
}

/// Called with the cumulative number of bytes handed to the network for the current part.
pub type BytesSent = Arc<dyn Fn(u64) + Send + Sync>;

/// The first read error of the current attempt: the send then fails because of the local file,
/// not the network, and is reported as such.
pub(crate) type ReadFailure = Arc<std::sync::Mutex<Option<String>>>;

/// Builds the multipart form (field `file`, part type `text/csv`) around a streaming reader,
/// with a `delegate_to_team` text field beside it when one is given, as the official client does.
/// `sent` counts bytes pulled by the HTTP stack: zero after a failure proves nothing was sent.
pub(crate) fn multipart_form(
    source: &dyn UploadSource,
    delegate_to_team: Option<&str>,
    sent: Arc<AtomicU64>,
    read_failure: ReadFailure,
    on_bytes: Option<BytesSent>,
) -> Result<Form, UpdateError> {
    let reader = source.open().map_err(|e| {
        UpdateError::new(
            ErrorKind::FileError {
                path: source.file_name().to_owned(),
                reason: e.to_string(),
            },
            e.to_string(),
        )
    })?;
    let expected = source.byte_len();
    let stream = reader_stream(reader, expected, sent, read_failure, on_bytes);
    let part = Part::stream_with_length(reqwest::Body::wrap_stream(stream), expected)
        .file_name(source.file_name().to_owned())
        .mime_str("text/csv")
        .map_err(|e| UpdateError::new(ErrorKind::Internal, e.to_string()))?;
    let form = match delegate_to_team {
        Some(team) => Form::new().text("delegate_to_team", team.to_owned()),
        None => Form::new(),
    };
    Ok(form.part("file", part))
}

type Chunk = Result<Bytes, std::io::Error>;

/// Reads on a blocking thread and hands chunks over a small channel; if the request is dropped
/// (cancel), the channel closes and the reader thread stops.
fn reader_stream(
    mut reader: Box<dyn Read + Send>,
    expected: u64,
    sent: Arc<AtomicU64>,
    read_failure: ReadFailure,
    on_bytes: Option<BytesSent>,
) -> impl futures_util::Stream<Item = Chunk> + Send + 'static {
    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut total: u64 = 0;
        loop {
            let mut buffer = vec![0u8; CHUNK_BYTES];
            let chunk = match reader.read(&mut buffer) {
                Ok(0) if total == expected => return,
                Ok(0) => Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("the file shrank while sending: {total} of {expected} bytes"),
                )),
                Ok(n) => {
                    total += n as u64;
                    buffer.truncate(n);
                    if total > expected {
                        Err(std::io::Error::other(format!(
                            "the file grew while sending: more than {expected} bytes"
                        )))
                    } else {
                        Ok(Bytes::from(buffer))
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
            let failed = chunk.is_err();
            if let Err(error) = &chunk {
                if let Ok(mut slot) = read_failure.lock() {
                    slot.get_or_insert_with(|| error.to_string());
                }
            }
            if tx.blocking_send(chunk).is_err() || failed {
                return;
            }
        }
    });
    futures_util::stream::unfold(rx, move |mut rx| {
        let sent = sent.clone();
        let on_bytes = on_bytes.clone();
        async move {
            let chunk = rx.recv().await?;
            if let Ok(bytes) = &chunk {
                let total =
                    sent.fetch_add(bytes.len() as u64, Ordering::SeqCst) + bytes.len() as u64;
                if let Some(report) = &on_bytes {
                    report(total);
                }
            }
            Some((chunk, rx))
        }
    })
}

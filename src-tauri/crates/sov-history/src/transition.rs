//! The states a job passes through, as recorded in the append-only `transitions` table.
//!
//! Non-idempotent requests are recorded twice: once *before* sending (`…Sent` / `UploadStarted`) and once after the
//! server acknowledged them. A `…Sent` without its acknowledgement is how [`crate::classify_resume`] knows an
//! outcome is unknown after a crash.

use serde::Serialize;

/// One recorded state. Stored as a short name plus, where needed, a file index or a payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TransitionKind {
    /// The job row was written; nothing was sent. Recorded by [`crate::HistoryStore::create_job`].
    Created,
    /// Local pre-flight checks are running.
    Validating,
    /// `initiate_update` is about to be sent.
    InitiateSent,
    /// The server answered `initiate_update` with an update id. Recorded by [`crate::HistoryStore::set_update_id`].
    InitiateAcknowledged { update_id: String },
    /// The upload of input file `file_index` (position in the job's input files) is about to be sent.
    UploadStarted { file_index: usize },
    /// The server acknowledged the upload of input file `file_index`.
    UploadAcknowledged { file_index: usize },
    /// `start` is about to be sent.
    StartSent,
    /// The server acknowledged `start`.
    StartAcknowledged,
    /// A status poll answered; `detail` carries the server's status text.
    Processing,
    /// The server finished processing and listed these output files to download.
    DownloadsPlanned { filenames: Vec<String> },
    /// Download of one output began.
    DownloadStarted { filename: String },
    /// One output is saved and verified. Recorded by [`crate::HistoryStore::record_output`].
    OutputSaved { filename: String },
    /// Recorded by [`crate::HistoryStore::mark_finished`].
    Finished,
    /// Recorded by [`crate::HistoryStore::mark_failed`].
    Failed,
    /// Recorded by [`crate::HistoryStore::mark_cancelled`].
    Cancelled,
}

/// Where a job is, coarsely: the phase names of the UI's `JobSnapshot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStep {
    Created,
    Validating,
    Initiating,
    Uploading,
    Starting,
    Processing,
    Downloading,
    Done,
}

impl JobStep {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Validating => "validating",
            Self::Initiating => "initiating",
            Self::Uploading => "uploading",
            Self::Starting => "starting",
            Self::Processing => "processing",
            Self::Downloading => "downloading",
            Self::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Created,
            Self::Validating,
            Self::Initiating,
            Self::Uploading,
            Self::Starting,
            Self::Processing,
            Self::Downloading,
            Self::Done,
        ]
        .into_iter()
        .find(|step| step.as_str() == text)
    }
}

/// The columns a [`TransitionKind`] is stored in.
pub(crate) struct EncodedTransition {
    pub state: &'static str,
    pub file_index: Option<i64>,
    pub payload: Option<String>,
}

impl TransitionKind {
    /// The step a job is in after this transition; `None` for the end markers, which leave the step where the job
    /// stopped (so a failed job still shows *which* step failed).
    pub fn step(&self) -> Option<JobStep> {
        Some(match self {
            Self::Created => JobStep::Created,
            Self::Validating => JobStep::Validating,
            Self::InitiateSent => JobStep::Initiating,
            Self::InitiateAcknowledged { .. }
            | Self::UploadStarted { .. }
            | Self::UploadAcknowledged { .. } => JobStep::Uploading,
            Self::StartSent | Self::StartAcknowledged => JobStep::Starting,
            Self::Processing => JobStep::Processing,
            Self::DownloadsPlanned { .. }
            | Self::DownloadStarted { .. }
            | Self::OutputSaved { .. } => JobStep::Downloading,
            Self::Finished => JobStep::Done,
            Self::Failed | Self::Cancelled => return None,
        })
    }

    /// True for the transitions that end a run of the job (it may still be retried, which appends more).
    pub fn is_end(&self) -> bool {
        matches!(self, Self::Finished | Self::Failed | Self::Cancelled)
    }

    pub(crate) fn encode(&self) -> EncodedTransition {
        let plain = |state| EncodedTransition {
            state,
            file_index: None,
            payload: None,
        };
        let indexed = |state, index: &usize| EncodedTransition {
            state,
            file_index: Some(i64::try_from(*index).unwrap_or(i64::MAX)),
            payload: None,
        };
        let with_payload = |state, payload: String| EncodedTransition {
            state,
            file_index: None,
            payload: Some(payload),
        };
        match self {
            Self::Created => plain("created"),
            Self::Validating => plain("validating"),
            Self::InitiateSent => plain("initiate_sent"),
            Self::InitiateAcknowledged { update_id } => {
                with_payload("initiate_acknowledged", update_id.clone())
            }
            Self::UploadStarted { file_index } => indexed("upload_started", file_index),
            Self::UploadAcknowledged { file_index } => indexed("upload_acknowledged", file_index),
            Self::StartSent => plain("start_sent"),
            Self::StartAcknowledged => plain("start_acknowledged"),
            Self::Processing => plain("processing"),
            Self::DownloadsPlanned { filenames } => with_payload(
                "downloads_planned",
                // A Vec<String> always serialises; the fallback only keeps this infallible.
                serde_json::to_string(filenames).unwrap_or_else(|_| "[]".to_owned()),
            ),
            Self::DownloadStarted { filename } => {
                with_payload("download_started", filename.clone())
            }
            Self::OutputSaved { filename } => with_payload("output_saved", filename.clone()),
            Self::Finished => plain("finished"),
            Self::Failed => plain("failed"),
            Self::Cancelled => plain("cancelled"),
        }
    }

    /// Reads the stored columns back; `Err` says why a row cannot be understood (it is then skipped and reported).
    pub(crate) fn decode(
        state: &str,
        file_index: Option<i64>,
        payload: Option<String>,
    ) -> Result<Self, String> {
        let index = || -> Result<usize, String> {
            let raw = file_index.ok_or_else(|| format!("`{state}` has no file index"))?;
            usize::try_from(raw).map_err(|_| format!("`{state}` has an invalid file index {raw}"))
        };
        let text =
            |payload: Option<String>| payload.ok_or_else(|| format!("`{state}` has no payload"));
        Ok(match state {
            "created" => Self::Created,
            "validating" => Self::Validating,
            "initiate_sent" => Self::InitiateSent,
            "initiate_acknowledged" => Self::InitiateAcknowledged {
                update_id: text(payload)?,
            },
            "upload_started" => Self::UploadStarted {
                file_index: index()?,
            },
            "upload_acknowledged" => Self::UploadAcknowledged {
                file_index: index()?,
            },
            "start_sent" => Self::StartSent,
            "start_acknowledged" => Self::StartAcknowledged,
            "processing" => Self::Processing,
            "downloads_planned" => Self::DownloadsPlanned {
                filenames: serde_json::from_str(&text(payload)?).map_err(|err| {
                    format!("`downloads_planned` has an unreadable file list: {err}")
                })?,
            },
            "download_started" => Self::DownloadStarted {
                filename: text(payload)?,
            },
            "output_saved" => Self::OutputSaved {
                filename: text(payload)?,
            },
            "finished" => Self::Finished,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            other => return Err(format!("unknown state `{other}`")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<TransitionKind> {
        vec![
            TransitionKind::Created,
            TransitionKind::Validating,
            TransitionKind::InitiateSent,
            TransitionKind::InitiateAcknowledged {
                update_id: "s-x-r001".into(),
            },
            TransitionKind::UploadStarted { file_index: 2 },
            TransitionKind::UploadAcknowledged { file_index: 2 },
            TransitionKind::StartSent,
            TransitionKind::StartAcknowledged,
            TransitionKind::Processing,
            TransitionKind::DownloadsPlanned {
                filenames: vec!["a.json".into(), "b.xlsx".into()],
            },
            TransitionKind::DownloadStarted {
                filename: "a.json".into(),
            },
            TransitionKind::OutputSaved {
                filename: "a.json".into(),
            },
            TransitionKind::Finished,
            TransitionKind::Failed,
            TransitionKind::Cancelled,
        ]
    }

    #[test]
    fn every_kind_survives_storage() {
        for kind in every_kind() {
            let encoded = kind.encode();
            let decoded =
                TransitionKind::decode(encoded.state, encoded.file_index, encoded.payload);
            assert_eq!(decoded, Ok(kind));
        }
    }

    #[test]
    fn unreadable_columns_are_reported_not_guessed() {
        assert!(TransitionKind::decode("teleported", None, None).is_err());
        assert!(TransitionKind::decode("upload_started", None, None).is_err());
        assert!(TransitionKind::decode("upload_started", Some(-1), None).is_err());
        assert!(
            TransitionKind::decode("downloads_planned", None, Some("{not json".into())).is_err()
        );
    }

    #[test]
    fn end_markers_keep_the_step_the_job_stopped_in() {
        assert_eq!(TransitionKind::Failed.step(), None);
        assert_eq!(TransitionKind::Cancelled.step(), None);
        assert_eq!(TransitionKind::Finished.step(), Some(JobStep::Done));
        for step in every_kind().iter().filter_map(TransitionKind::step) {
            assert_eq!(JobStep::parse(step.as_str()), Some(step));
        }
    }
}

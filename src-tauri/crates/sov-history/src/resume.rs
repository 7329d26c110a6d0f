//! "What step was interrupted, and is it safe to retry?" — read from a job's transitions after a restart.
//!
//! The rule: a request whose `…Sent`/`UploadStarted` marker has no acknowledgement may have reached the server, so
//! it is never re-sent blindly; one whose marker was never written certainly did not, so it is safe to send.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::records::{JobDetail, Transition};
use crate::transition::TransitionKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResumePoint {
    /// Nothing was sent to the server: start from the beginning.
    NotStarted,
    /// `initiate_update` was sent but no update id came back. Re-sending could create a second update:
    /// the user (or a look at the SOV's history on the server) must decide.
    InitiateOutcomeUnknown,
    /// The upload of input file `file_index` did not complete. When `may_have_reached_server` is false the upload
    /// was never sent and is safe to send; when true it was under way and the server may have it.
    UploadInterrupted {
        file_index: usize,
        may_have_reached_server: bool,
    },
    /// Every file was uploaded and acknowledged; `start` was never sent, so it is safe to send.
    ReadyToStart,
    /// `start` was sent without an acknowledgement: ask the server (`GET /sov/update/{id}`), never re-send blindly.
    StartOutcomeUnknown,
    /// The server accepted the job: keep polling with the saved update id.
    Processing,
    /// Processing is done; these planned outputs are not saved yet (empty: all saved, only the finish is missing).
    Downloading { remaining: Vec<String> },
    /// The job finished.
    Finished,
}

impl ResumePoint {
    /// True when a request's outcome is unknown and the server must be asked (or the user must decide) before
    /// anything is sent again.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Self::InitiateOutcomeUnknown
                | Self::StartOutcomeUnknown
                | Self::UploadInterrupted {
                    may_have_reached_server: true,
                    ..
                }
        )
    }

    /// What to tell the user about the interruption.
    pub fn user_message(&self) -> String {
        match self {
            Self::NotStarted => "Interrupted before the server received it. Retry to send it.".to_owned(),
            Self::InitiateOutcomeUnknown => "Interrupted while asking SOV Fixer to create the update; it is not known \
                whether the server received the request. Check the SOV's history on SOV Fixer before retrying, so the \
                update is not made twice."
                .to_owned(),
            Self::UploadInterrupted { file_index, may_have_reached_server: false } => format!(
                "Interrupted before the server received file {} of the upload. Retry to send it.",
                file_index + 1
            ),
            Self::UploadInterrupted { file_index, may_have_reached_server: true } => format!(
                "Interrupted while uploading file {}; the server may have received part or all of it. \
                 Starting this update again from the beginning is the safe choice.",
                file_index + 1
            ),
            Self::ReadyToStart => {
                "Interrupted after all files were uploaded, before processing was requested. Retry to start it."
                    .to_owned()
            }
            Self::StartOutcomeUnknown => {
                "Interrupted while asking SOV Fixer to start processing; checking with the server whether it started."
                    .to_owned()
            }
            Self::Processing => "SOV Fixer is processing this update; checking on it again.".to_owned(),
            Self::Downloading { remaining } if remaining.is_empty() => {
                "All files were downloaded; finishing up.".to_owned()
            }
            Self::Downloading { remaining } => {
                format!("Interrupted while downloading; still to download: {}.", remaining.join(", "))
            }
            Self::Finished => "This update finished.".to_owned(),
        }
    }
}

impl JobDetail {
    pub fn resume_point(&self) -> ResumePoint {
        classify_resume(&self.transitions, self.input_files.len())
    }
}

/// Classifies a job from its transitions (in recorded order) and the number of input files it uploads.
/// End markers (`Failed`, `Cancelled`) are ignored, so a failed job classifies by the progress it had made: that
/// is the step Retry picks up from.
pub fn classify_resume(transitions: &[Transition], input_file_count: usize) -> ResumePoint {
    let mut progress = Progress::default();
    for transition in transitions {
        progress.apply(&transition.kind);
    }
    progress.point(input_file_count)
}

#[derive(Default)]
struct Progress {
    initiate_sent: bool,
    initiate_acknowledged: bool,
    uploads_started: BTreeSet<usize>,
    uploads_acknowledged: BTreeSet<usize>,
    start_sent: bool,
    server_accepted: bool,
    planned_outputs: Option<Vec<String>>,
    saved_outputs: BTreeSet<String>,
    finished: bool,
}

impl Progress {
    fn apply(&mut self, kind: &TransitionKind) {
        match kind {
            TransitionKind::Created
            | TransitionKind::Validating
            | TransitionKind::DownloadStarted { .. } => {}
            TransitionKind::InitiateSent => self.initiate_sent = true,
            TransitionKind::InitiateAcknowledged { .. } => self.initiate_acknowledged = true,
            TransitionKind::UploadStarted { file_index } => {
                self.uploads_started.insert(*file_index);
            }
            TransitionKind::UploadAcknowledged { file_index } => {
                self.uploads_acknowledged.insert(*file_index);
            }
            TransitionKind::StartSent => self.start_sent = true,
            TransitionKind::StartAcknowledged | TransitionKind::Processing => {
                self.server_accepted = true
            }
            TransitionKind::DownloadsPlanned { filenames } => {
                self.planned_outputs = Some(filenames.clone())
            }
            TransitionKind::OutputSaved { filename } => {
                self.saved_outputs.insert(filename.clone());
            }
            TransitionKind::Finished => self.finished = true,
            // A later transition (a retry) supersedes these, so they carry no progress.
            TransitionKind::Failed | TransitionKind::Cancelled => {}
        }
    }

    /// The furthest step reached decides, checked from the end of the workflow backwards.
    fn point(self, input_file_count: usize) -> ResumePoint {
        if self.finished {
            return ResumePoint::Finished;
        }
        if let Some(planned) = self.planned_outputs {
            let remaining = planned
                .into_iter()
                .filter(|name| !self.saved_outputs.contains(name))
                .collect();
            return ResumePoint::Downloading { remaining };
        }
        if self.server_accepted {
            return ResumePoint::Processing;
        }
        if self.start_sent {
            return ResumePoint::StartOutcomeUnknown;
        }
        if self.initiate_acknowledged {
            let pending =
                (0..input_file_count).find(|index| !self.uploads_acknowledged.contains(index));
            return match pending {
                None => ResumePoint::ReadyToStart,
                Some(file_index) => ResumePoint::UploadInterrupted {
                    file_index,
                    may_have_reached_server: self.uploads_started.contains(&file_index),
                },
            };
        }
        if self.initiate_sent {
            return ResumePoint::InitiateOutcomeUnknown;
        }
        ResumePoint::NotStarted
    }
}

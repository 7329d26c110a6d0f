//! What the core needs from the desktop shell, and nothing more.

use crate::snapshot::JobSnapshot;
use serde::Serialize;
use sov_update::engine::Phase;

/// What the window shows until the job's first progress arrives (event `job-resumed`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JobResumed {
    pub job_id: String,
    pub sov_id: String,
    pub phase: Phase,
}

/// The desktop around the core: the shell implements it over its `AppHandle`.
pub trait Host: Send + Sync + 'static {
    /// Whether the user is looking at the window (then a job's end needs no notification).
    fn window_focused(&self) -> bool;
    /// Shows a desktop notification. Failing (no notification daemon) is not an error worth showing.
    fn notify(&self, title: &str, body: &str);
    /// Tells the window that a job resumed at startup can be followed.
    fn job_resumed(&self, resumed: &JobResumed);
}

/// Someone following a job's progress: the window, over a `tauri::ipc::Channel`.
pub trait JobSubscriber: Send + Sync {
    /// Delivers one snapshot; `false` when the subscriber is gone (a reloaded page), so it is dropped.
    fn send(&self, snapshot: &JobSnapshot) -> bool;
}

//! The desktop as the core sees it: notifications, the window's focus and events (`sov_app::Host`), and the
//! progress `Channel` of a command (`sov_app::JobSubscriber`).

use sov_app::{Host, JobResumed, JobSnapshot, JobSubscriber};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Sent to the window when it can follow a resumed job: the page attached at load, possibly before the job was
/// resumed, so it attaches again on this event.
pub const JOB_RESUMED_EVENT: &str = "job-resumed";

struct TauriHost<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Host for TauriHost<R> {
    fn window_focused(&self) -> bool {
        self.0
            .get_webview_window("main")
            .and_then(|window| window.is_focused().ok())
            .unwrap_or(false)
    }

    fn notify(&self, title: &str, body: &str) {
        // No notification daemon (a bare desktop) is not an error worth showing: the window has the result.
        let _ = self
            .0
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show();
    }

    fn job_resumed(&self, resumed: &JobResumed) {
        let _ = self.0.emit(JOB_RESUMED_EVENT, resumed);
    }
}

pub fn desktop_host<R: Runtime>(app: &AppHandle<R>) -> Arc<dyn Host> {
    Arc::new(TauriHost(app.clone()))
}

struct ChannelSubscriber(Channel<JobSnapshot>);

impl JobSubscriber for ChannelSubscriber {
    fn send(&self, snapshot: &JobSnapshot) -> bool {
        self.0.send(snapshot.clone()).is_ok()
    }
}

/// The window's progress channel as a subscriber of a job.
pub fn channel_subscriber(channel: Channel<JobSnapshot>) -> Box<dyn JobSubscriber> {
    Box::new(ChannelSubscriber(channel))
}

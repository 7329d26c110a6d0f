//! The window's page runs in a process of its own (WebKitGTK's web process, WebView2's render process). When that
//! process fails the window goes blank; this crate says what to do about each kind of failure, and on Windows
//! registers for WebView2's ProcessFailed event. Doing it (reloading, restarting) is the app's job.

mod recovery;
#[cfg(windows)]
mod webview2;

pub use recovery::{recovery_for_webview2, Recovery};
#[cfg(windows)]
pub use webview2::on_process_failed;

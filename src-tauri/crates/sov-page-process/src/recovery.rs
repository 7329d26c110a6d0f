/// What the app does after a process behind its window failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// The page's own process ended or hangs: load the page again, which re-attaches to the running job.
    ReloadPage,
    /// The browser process ended: WebView2 has closed the web view for good. The app starts again, which picks up
    /// a running update as any start does.
    RestartApp,
    /// A helper process ended (GPU, a frame, a plugin, a utility): WebView2 restarts it; the page is intact.
    Nothing,
}

// COREWEBVIEW2_PROCESS_FAILED_KIND (WebView2.h). Plain numbers, so the decision is tested on every platform.
const BROWSER_PROCESS_EXITED: i32 = 0;
const RENDER_PROCESS_EXITED: i32 = 1;
const RENDER_PROCESS_UNRESPONSIVE: i32 = 2;

/// The recovery for a WebView2 ProcessFailed event of the given kind.
pub fn recovery_for_webview2(kind: i32) -> Recovery {
    match kind {
        RENDER_PROCESS_EXITED | RENDER_PROCESS_UNRESPONSIVE => Recovery::ReloadPage,
        BROWSER_PROCESS_EXITED => Recovery::RestartApp,
        // Frame render (3), utility (4), sandbox helper (5), GPU (6), plugin (7, 8), unknown (9): none is the
        // page's process, and WebView2's guidance is to leave them to it.
        _ => Recovery::Nothing,
    }
}

//! Waiting for the request to stop a served sandbox: Ctrl-C, or SIGTERM from a test runner, `kill` or a service
//! manager. Either way the sandbox shuts down cleanly and removes its files.

/// Returns when the process is asked to stop. If no signal handler can be installed, returns at once, so a caller
/// shuts down rather than serving with no way to stop it cleanly.
pub async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

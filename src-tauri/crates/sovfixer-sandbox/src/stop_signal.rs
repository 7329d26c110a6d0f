//! Waiting for the request to stop: Ctrl-C, or SIGTERM from a test runner, `kill` or a service
//! manager. The sandbox then shuts down cleanly and removes its files; the CLI cancels its job the
//! same way.

/// Listeners for the stop signals, installed when created so a signal that arrives before anyone
/// waits is not lost.
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Returns when the first stop signal arrives.
    #[cfg_attr(not(unix), allow(unused_mut))]
    pub async fn received(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Returns when the process is asked to stop. If no signal handler can be installed, returns at
/// once, so a caller shuts down rather than serving with no way to stop it cleanly.
pub async fn stop_requested() {
    if let Ok(signals) = StopSignals::install() {
        signals.received().await;
    }
}

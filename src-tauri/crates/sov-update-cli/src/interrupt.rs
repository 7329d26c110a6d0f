//! Ctrl-C (or SIGTERM, as sent by `kill`, a CI timeout or a service manager): the first one cancels the running
//! job through the engine's cancellation token, so partial downloads are removed and the update id is printed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sovfixer_sandbox::StopSignals;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct Interrupt {
    token: CancellationToken,
    pressed: Arc<AtomicBool>,
}

impl Interrupt {
    /// Installs the handler now (before any work starts), so an early Ctrl-C is not lost.
    pub fn install() -> std::io::Result<Self> {
        let token = CancellationToken::new();
        let pressed = Arc::new(AtomicBool::new(false));
        let signals = StopSignals::install()?;
        let interrupt = Self {
            token: token.clone(),
            pressed: pressed.clone(),
        };
        tokio::spawn(async move {
            signals.received().await;
            pressed.store(true, Ordering::SeqCst);
            token.cancel();
        });
        Ok(interrupt)
    }

    /// A token cancelled on Ctrl-C; cancelling it does not count as a Ctrl-C.
    pub fn child_token(&self) -> CancellationToken {
        self.token.child_token()
    }

    pub fn was_pressed(&self) -> bool {
        self.pressed.load(Ordering::SeqCst)
    }

    pub async fn pressed(&self) {
        self.token.cancelled().await;
    }
}

//! The demo server: the sandbox running inside the app on a free loopback port, so someone without an account
//! can try the whole update. Nothing leaves this computer.

use crate::AppResult;
use sov_error::{AppError, Code};
use sovfixer_sandbox::{DemoSov, RunningSandbox, SandboxConfig};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::sync::Mutex;

/// Long enough to watch the steps go by, short enough not to bore.
const DEMO_PROCESSING: Duration = Duration::from_secs(6);

#[derive(Default)]
pub struct DemoSlot {
    server: Mutex<Option<RunningSandbox>>,
}

/// How to reach the running demo server.
#[derive(Debug, Clone)]
pub struct DemoEndpoint {
    pub base_url: String,
    pub token: String,
    pub sovs: Vec<DemoSov>,
}

fn endpoint_of(running: &RunningSandbox) -> DemoEndpoint {
    DemoEndpoint {
        base_url: running.base_url(),
        token: running.token(),
        sovs: running.demo_sovs(),
    }
}

impl DemoSlot {
    /// Starts the demo server if it is not running yet; returns where it listens.
    pub async fn ensure_started(&self) -> AppResult<DemoEndpoint> {
        let mut server = self.server.lock().await;
        if let Some(running) = server.as_ref() {
            return Ok(endpoint_of(running));
        }
        let config = SandboxConfig {
            // A fresh key each run: the demo server only answers this app.
            token: format!("demo-{:016x}", rand::random::<u64>()),
            processing: DEMO_PROCESSING,
            ..SandboxConfig::default()
        };
        let started = sovfixer_sandbox::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|error| {
                AppError::new(
                    Code::Internal,
                    "The demo server could not start on this computer. Close other copies of SOV Updater and try again.",
                    error.to_string(),
                )
            })?;
        let endpoint = endpoint_of(&started);
        *server = Some(started);
        Ok(endpoint)
    }

    pub async fn endpoint(&self) -> Option<DemoEndpoint> {
        self.server.lock().await.as_ref().map(endpoint_of)
    }

    /// The demo server's knobs and request log: tests check with it what was really sent.
    pub async fn control(&self) -> Option<sovfixer_sandbox::SandboxControl> {
        self.server
            .lock()
            .await
            .as_ref()
            .map(RunningSandbox::control)
    }

    pub async fn is_running(&self) -> bool {
        self.server.lock().await.is_some()
    }

    /// Stops the demo server and removes the files sent to it. Called when the app exits: the process ends
    /// without running destructors, so otherwise every demo session would leave its uploads in the temp folder.
    pub async fn shutdown(&self) {
        let running = self.server.lock().await.take();
        if let Some(running) = running {
            running.shutdown().await;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn shutdown_stops_the_demo_server_and_removes_what_was_sent_to_it() {
        let slot = DemoSlot::default();
        let endpoint = slot.ensure_started().await.unwrap();
        let files = slot
            .server
            .lock()
            .await
            .as_ref()
            .unwrap()
            .files_dir()
            .to_path_buf();
        assert!(files.exists());

        slot.shutdown().await;
        assert!(!slot.is_running().await);
        assert!(!files.exists(), "{} is left behind", files.display());
        let address = endpoint.base_url.trim_start_matches("http://").to_owned();
        assert!(
            tokio::net::TcpStream::connect(address).await.is_err(),
            "nothing listens any more"
        );
        slot.shutdown().await; // a second exit event is harmless
    }
}

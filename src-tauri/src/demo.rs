//! Demo mode: the sandbox server running inside the app on a free loopback port, so someone without an account
//! can try the whole update. Nothing leaves this computer.

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

impl DemoSlot {
    /// Starts the demo server if it is not running yet; returns where it listens.
    pub async fn ensure_started(&self) -> std::io::Result<DemoEndpoint> {
        let mut server = self.server.lock().await;
        if server.is_none() {
            let config = SandboxConfig {
                // A fresh key each run: the demo server only answers this app.
                token: format!("demo-{:016x}", rand::random::<u64>()),
                processing: DEMO_PROCESSING,
                ..SandboxConfig::default()
            };
            let started =
                sovfixer_sandbox::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
            *server = Some(started);
        }
        let running = server
            .as_ref()
            .ok_or_else(|| std::io::Error::other("demo server did not start"))?;
        Ok(DemoEndpoint {
            base_url: running.base_url(),
            token: running.token(),
            sovs: running.demo_sovs(),
        })
    }

    pub async fn endpoint(&self) -> Option<DemoEndpoint> {
        self.server
            .lock()
            .await
            .as_ref()
            .map(|running| DemoEndpoint {
                base_url: running.base_url(),
                token: running.token(),
                sovs: running.demo_sovs(),
            })
    }

    pub async fn is_running(&self) -> bool {
        self.server.lock().await.is_some()
    }
}

/// The sample corrections shipped with the app, matching the demo SOV's buildings.
const SAMPLE_FILES: [(&str, &str); 2] = [
    (
        "corrections.csv",
        include_str!("../../samples/corrections.csv"),
    ),
    (
        "test_reoutput_locations.csv",
        include_str!("../../samples/test_reoutput_locations.csv"),
    ),
];

/// Writes the sample files into `dir` (again each time, so an edited copy does not break the demo).
pub fn write_sample_files(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    SAMPLE_FILES
        .iter()
        .map(|(name, contents)| {
            let path = dir.join(name);
            std::fs::write(&path, contents)?;
            Ok(path)
        })
        .collect()
}

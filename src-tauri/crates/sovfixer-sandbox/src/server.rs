//! Starting and stopping a sandbox.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::admin::{admin_router, loopback_only};
use crate::control::{DemoSov, SandboxControl};
use crate::faults::FaultBook;
use crate::gate::{api_gate, output_origin_gate, API_PREFIX};
use crate::routes::{api_router, output_origin_router};
use crate::sov::demo_sovs;
use crate::state::{Knobs, SandboxState};

/// How a sandbox starts. Build with `SandboxConfig { token: …, ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxConfig {
    /// The API key accepted in `Authorization: Token <key>`.
    pub token: String,
    /// Time from `start` to a finished job (the first fifth is spent PENDING in the queue).
    pub processing: Duration,
    /// Output URLs point at this origin instead of the sandbox (token-leak tests).
    pub output_url_base: Option<String>,
    /// Output URLs are site-relative (`/api/v1/sov/…`).
    pub relative_output_urls: bool,
    /// How long `get_or_create_output` takes to make an output it does not have yet.
    pub output_delay: Duration,
    /// JSON outputs write the † attributes as `{value, confidence, original, source, units, comment}`.
    pub annotated_attributes: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            token: "sandbox-token".to_string(),
            processing: Duration::from_secs(3),
            output_url_base: None,
            relative_output_urls: false,
            output_delay: Duration::from_millis(1500),
            annotated_attributes: false,
        }
    }
}

/// A sandbox serving on a local port until `shutdown` (or until dropped, when the runtime ends).
#[derive(Debug)]
pub struct RunningSandbox {
    addr: SocketAddr,
    state: Arc<SandboxState>,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
    output_server: JoinHandle<std::io::Result<()>>,
}

/// Binds `addr` (port 0 picks a free port) and serves the API and the admin API.
pub async fn start(config: SandboxConfig, addr: SocketAddr) -> std::io::Result<RunningSandbox> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    // Another origin on the same interface, for outputs served from "elsewhere" (token-leak tests).
    let output_listener = TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await?;
    let output_origin_url = format!("http://{}", output_listener.local_addr()?);
    let knobs = Knobs {
        processing: config.processing,
        faults: FaultBook::default(),
        output_url_base: config.output_url_base,
        relative_output_urls: config.relative_output_urls,
        output_delay: config.output_delay,
        annotated_attributes: config.annotated_attributes,
        ignored_attribute: None,
        record_bodies: false,
        scripted_outputs: None,
        status_script: None,
    };
    let base_url = format!("http://{addr}");
    let state = Arc::new(SandboxState::new(
        config.token,
        (base_url, output_origin_url),
        knobs,
        demo_sovs(),
    )?);
    let app = Router::new()
        .nest(
            API_PREFIX,
            api_router().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                api_gate,
            )),
        )
        .nest(
            "/__sandbox",
            admin_router().layer(axum::middleware::from_fn(loopback_only)),
        )
        .with_state(state.clone());
    let output_app = output_origin_router()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            output_origin_gate,
        ))
        .with_state(state.clone());
    let output_server = tokio::spawn(async move { axum::serve(output_listener, output_app).await });
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .await
    });
    Ok(RunningSandbox {
        addr,
        state,
        stop: Some(stop),
        server,
        output_server,
    })
}

/// How long `shutdown` waits for open connections (e.g. a stalled download) before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl RunningSandbox {
    /// `http://127.0.0.1:PORT` (no `/api/v1`).
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// `http://127.0.0.1:PORT/api/v1`.
    pub fn api_url(&self) -> String {
        format!("{}{API_PREFIX}", self.state.base_url)
    }

    /// `http://127.0.0.1:PORT2`: the second listener, another origin that serves scripted outputs marked
    /// `on_output_origin` (and any job's outputs at the API's paths) without a token.
    pub fn output_origin_url(&self) -> String {
        self.state.output_origin_url.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn token(&self) -> String {
        self.state.token.clone()
    }

    pub fn demo_sovs(&self) -> Vec<DemoSov> {
        self.control().demo_sovs()
    }

    pub fn control(&self) -> SandboxControl {
        SandboxControl {
            state: self.state.clone(),
        }
    }

    /// The folder holding uploads and outputs while the sandbox runs.
    pub fn files_dir(&self) -> &std::path::Path {
        self.state.files.path()
    }

    /// Stops accepting connections, lets open ones finish (bounded), and removes the sandbox's files.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.output_server.abort();
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut self.server)
            .await
            .is_err()
        {
            self.server.abort();
        }
        // Removed now, not when the last reference drops: a job still processing holds one, and a process that
        // exits right after this (the app, the CLI) never runs that drop.
        let _ = std::fs::remove_dir_all(self.state.files.path());
    }
}

//! Delivers a finished job's status to its `callback_url` (contract §7), best effort.
//!
//! The contract only says results are POSTed "upon completion in the same format as the
//! GET /sov/update/{id} response". Auth, retries, timeouts and whether FAILED counts are
//! undocumented, so the sandbox sends COMPLETE and FAILED alike, makes one attempt with a short
//! timeout, sends no Authorization header (the API token is the client's secret) and records
//! the outcome for tests and people to see.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::clock::UtcTime;
use crate::state::{CallbackRecord, SandboxState};
use crate::status_body::status_body;
use crate::urls::UrlOrigin;

/// Bounds the whole attempt, so a silent receiver cannot hold a task for long.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(10);

/// What one attempt sends, captured when the job finished.
struct Delivery {
    sudid: String,
    /// Tells this job from a same-named one created after a reset.
    request_uuid: String,
    url: String,
    job_status: String,
    body: Value,
}

/// When job `sudid` is finished and has a callback_url, POSTs its status body from a task of
/// its own, so the job never waits for the receiver. `client_origin` is the origin the start
/// request used, so output URLs are the ones that client would see when polling.
pub fn spawn_delivery(state: Arc<SandboxState>, sudid: &str, client_origin: String) {
    let origin = UrlOrigin::for_client(&state, client_origin);
    let delivery = {
        let inner = state.lock();
        inner
            .jobs
            .get(sudid)
            .filter(|job| job.is_finished())
            .and_then(|job| {
                Some(Delivery {
                    sudid: job.id.clone(),
                    request_uuid: job.request_uuid.clone(),
                    url: job.callback_url.clone()?,
                    job_status: job.status.as_str().to_string(),
                    body: status_body(job, &origin),
                })
            })
    };
    if let Some(delivery) = delivery {
        tokio::spawn(deliver(state, delivery));
    }
}

async fn deliver(state: Arc<SandboxState>, delivery: Delivery) {
    let (status, error) = match post(&delivery.url, &delivery.body).await {
        Ok(status) => (Some(status), None),
        Err(error) => (None, Some(error)),
    };
    let mut inner = state.lock();
    // A reset during the attempt forgot the job; its record must not outlive the reset.
    let job_still_there = inner
        .jobs
        .get(&delivery.sudid)
        .is_some_and(|job| job.request_uuid == delivery.request_uuid);
    if job_still_there {
        inner.callbacks.push(CallbackRecord {
            sudid: delivery.sudid,
            url: delivery.url,
            job_status: delivery.job_status,
            status,
            error,
            at: UtcTime::now().iso(),
        });
    }
}

/// One POST; the receiver's status, or why there was none.
async fn post(url: &str, body: &Value) -> Result<u16, String> {
    // reqwest is built without a crypto provider; https callbacks need one installed.
    // ring, deliberately: it cross-builds for Windows with mingw alone (aws-lc-rs brings its own C toolchain needs);
    // rustls 0.23.48 deprecates it only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(CALLBACK_TIMEOUT)
        // One attempt means one request: a redirect is recorded, not followed.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| error_text(&e))?;
    let response = client
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| error_text(&e))?;
    Ok(response.status().as_u16())
}

/// reqwest's own message ("error sending request") hides the cause; the chain names it.
fn error_text(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

//! Error kinds as the sandbox produces them (`errors.rs` covers the exact wire shapes): each
//! reaches the caller as the right kind, with a plain message that says what to do next.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::client_with;
use sov_error::Code;
use sov_update::{ErrorKind, SovFixerClient, UpdateError};
use sovfixer_sandbox::{Endpoint, Fault, RunningSandbox, SandboxConfig};

async fn sandbox() -> RunningSandbox {
    sov_test_support::start_sandbox_with(SandboxConfig::default()).await
}

fn client(sandbox: &RunningSandbox, read_timeout: Duration) -> SovFixerClient {
    client_with(&sandbox.api_url(), &sandbox.token(), read_timeout)
}

/// The error `GET /output_formats` ends with when the sandbox answers it with `fault`, as a client
/// with `read_timeout` sees it after its retries.
async fn formats_error(
    sandbox: &RunningSandbox,
    fault: Fault,
    read_timeout: Duration,
) -> UpdateError {
    sandbox.control().set_fault(Endpoint::OutputFormats, fault);
    client(sandbox, read_timeout)
        .list_output_formats(None)
        .await
        .unwrap_err()
}

/// The error has `code`, and its message names what went wrong (`says`) and what to do next (`next_step`).
fn assert_plain(error: &UpdateError, code: Code, says: &str, next_step: &str) {
    assert_eq!(error.code(), code, "{error:?}");
    let message = error.message();
    assert!(message.contains(says), "{code}: {message}");
    assert!(
        message.contains(next_step),
        "{code} gives a next step: {message}"
    );
}

#[tokio::test]
async fn an_unknown_update_id_is_not_found_and_names_the_id() {
    let sandbox = sandbox().await;
    let error = client(&sandbox, Duration::from_secs(10))
        .status("s-demo-sample-r999")
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::NotFound(_)), "{error:?}");
    assert_plain(
        &error,
        Code::NotFound,
        "s-demo-sample-r999",
        "start a new update",
    );
    assert!(!error.is_transient(), "retrying the same id cannot help");
}

#[tokio::test]
async fn too_many_requests_after_every_retry_is_rate_limited() {
    let sandbox = sandbox().await;
    let too_many = Fault {
        error_status: Some(429),
        error_rate: 1.0,
        retry_after_s: Some(0),
        ..Fault::default()
    };
    let error = formats_error(&sandbox, too_many, Duration::from_secs(10)).await;
    assert!(
        matches!(error.kind(), ErrorKind::RateLimited { .. }),
        "{error:?}"
    );
    assert_plain(
        &error,
        Code::RateLimited,
        "too many requests",
        "Wait a minute",
    );
    assert!(error.is_transient(), "offered again later");
    assert_eq!(
        sandbox.control().count_requests(Endpoint::OutputFormats),
        4,
        "asked once and retried three times"
    );
}

#[tokio::test]
async fn a_server_that_keeps_failing_is_a_server_error() {
    let sandbox = sandbox().await;
    let failing = Fault {
        error_status: Some(500),
        error_rate: 1.0,
        ..Fault::default()
    };
    let error = formats_error(&sandbox, failing, Duration::from_secs(10)).await;
    assert!(
        matches!(error.kind(), ErrorKind::ServerError { .. }),
        "{error:?}"
    );
    assert_plain(
        &error,
        Code::ServerError,
        "problem on its side",
        "Try again",
    );
    assert!(error.is_transient());
}

#[tokio::test]
async fn a_server_that_stops_answering_times_out() {
    let sandbox = sandbox().await;
    let silent = Fault {
        latency_ms: 5_000,
        ..Fault::default()
    };
    let error = formats_error(&sandbox, silent, Duration::from_millis(300)).await;
    assert!(matches!(error.kind(), ErrorKind::TimedOut), "{error:?}");
    assert_plain(&error, Code::TimedOut, "took too long", "check its status");
}

#[tokio::test]
async fn a_sandbox_that_was_shut_down_is_unreachable() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(10));
    sandbox.shutdown().await;
    let error = client.list_output_formats(None).await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::NetworkUnreachable),
        "{error:?}"
    );
    assert_plain(
        &error,
        Code::NetworkUnreachable,
        "could not reach SOV Fixer",
        "Check your internet",
    );
}

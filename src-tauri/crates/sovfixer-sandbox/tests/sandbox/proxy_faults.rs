//! The faults a proxy or a slow link produce (an answer lost after the work was done, a redirect, a slow
//! download) and the log of requests *seen*, which lets a test wait for a request instead of sleeping.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::{body_json, harness, output_url, PATIENCE, TOKEN};
use reqwest::StatusCode;
use serde_json::json;
use sovfixer_sandbox::{Endpoint, Fault};

const CSV: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";

#[tokio::test]
async fn an_error_after_commit_loses_the_answer_but_not_the_work() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    assert_eq!(
        h.upload(&sudid, "c.csv", CSV).await.status(),
        StatusCode::CREATED
    );
    h.sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            error_status: Some(502),
            error_count: 1,
            after_commit: true,
            ..Fault::default()
        },
    );
    let response = h.start_job(&sudid, &json!({})).await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    // The job did start: a second start is refused as not pending, and the job finishes.
    let (status, body) = body_json(h.start_job(&sudid, &json!({})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["message"], "rejected start as SUD not pending");
    let last = h.wait_for_end(&sudid).await.pop().unwrap();
    assert_eq!(last["result"]["status"], "SUCCESS");
    // Without after_commit the error replaces the work.
    let other = h.initiate("s-demo-sample").await;
    h.upload(&other, "c.csv", CSV).await;
    h.sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            error_status: Some(502),
            error_count: 1,
            ..Fault::default()
        },
    );
    assert_eq!(
        h.start_job(&other, &json!({})).await.status(),
        StatusCode::BAD_GATEWAY
    );
    assert_eq!(
        h.start_job(&other, &json!({})).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_redirect_fault_answers_302_with_the_location_only_to_a_valid_token() {
    let h = harness().await;
    let last = h.run_update("s-demo-sample", CSV, &json!({})).await;
    let url = output_url(&last, "JSON");
    h.sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            redirect_to: Some("http://127.0.0.1:9/elsewhere".into()),
            ..Fault::default()
        },
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(&url)
        .header("Authorization", format!("Token {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()["location"],
        "http://127.0.0.1:9/elsewhere"
    );
    let anonymous = client.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_slow_download_arrives_whole_in_many_small_pieces() {
    let h = harness().await;
    let last = h.run_update("s-demo-sample", CSV, &json!({})).await;
    let url = output_url(&last, "JSON");
    let whole = h.get_url(&url).await.bytes().await.unwrap();
    h.sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            slow_chunk_bytes: Some(256),
            slow_pause_ms: 15,
            ..Fault::default()
        },
    );
    let mut response = h.get_url(&url).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut received = Vec::new();
    let mut pieces = 0;
    while let Some(piece) = response.chunk().await.unwrap() {
        assert!(piece.len() <= 256, "a piece of {} bytes", piece.len());
        received.extend_from_slice(&piece);
        pieces += 1;
    }
    assert_eq!(received, whole.to_vec());
    assert!(
        pieces >= whole.len() / 256,
        "{pieces} pieces for {} bytes",
        whole.len()
    );
}

#[tokio::test]
async fn a_test_can_wait_until_a_request_is_seen_before_it_is_answered() {
    let h = harness().await;
    let control = h.sandbox.control();
    let sudid = h.initiate("s-demo-sample").await;
    // The status answer is held back; the request is seen at once.
    control.set_fault(
        Endpoint::Status,
        Fault {
            latency_ms: 60_000,
            ..Fault::default()
        },
    );
    let url = h.url(&format!("/sov/update/{sudid}"));
    let pending = tokio::spawn({
        let http = h.http.clone();
        async move {
            http.get(url)
                .header("Authorization", format!("Token {TOKEN}"))
                .send()
                .await
        }
    });
    assert_eq!(
        control
            .wait_for_requests(Endpoint::Status, 1, PATIENCE)
            .await,
        1
    );
    assert_eq!(
        control.count_requests(Endpoint::Status),
        0,
        "seen, not answered yet"
    );
    pending.abort();
    // Nothing else arrives: a short wait for a second one returns the exact count.
    assert_eq!(
        control
            .wait_for_requests(Endpoint::Status, 2, Duration::from_millis(50))
            .await,
        1
    );
}

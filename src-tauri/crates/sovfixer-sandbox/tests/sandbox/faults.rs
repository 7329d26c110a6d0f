//! Fault injection through `SandboxControl`: latency, error answers, dropped downloads, forced failures,
//! and where output URLs point.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use crate::common::{body_json, harness, output_url, TOKEN};
use reqwest::StatusCode;
use serde_json::json;
use sovfixer_sandbox::{Endpoint, Fault, ForcedFailure};

const CORRECTION: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";

#[tokio::test]
async fn latency_delays_only_its_endpoint() {
    let h = harness().await;
    h.sandbox.control().set_fault(
        Endpoint::OutputFormats,
        Fault {
            latency_ms: 400,
            ..Fault::default()
        },
    );
    let began = Instant::now();
    assert_eq!(h.get("/output_formats").await.status(), StatusCode::OK);
    assert!(began.elapsed() >= Duration::from_millis(400));
    // Another endpoint answers without the delay's effect on correctness.
    assert_eq!(
        h.get("/sov/history/s-demo-sample").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn error_count_502_answers_html_then_recovers() {
    let h = harness().await;
    let control = h.sandbox.control();
    control.set_fault(
        Endpoint::Status,
        Fault {
            error_status: Some(502),
            error_count: 2,
            ..Fault::default()
        },
    );
    let sudid = h.initiate("s-demo-sample").await;
    for _ in 0..2 {
        let response = h.get(&format!("/sov/update/{sudid}")).await;
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(response.headers()["content-type"], "text/html");
        assert!(response.text().await.unwrap().contains("502 Bad Gateway"));
    }
    assert_eq!(
        h.get(&format!("/sov/update/{sudid}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(control.fault(Endpoint::Status).unwrap().error_count, 0);
}

#[tokio::test]
async fn rate_limit_429_carries_retry_after() {
    let h = harness().await;
    h.sandbox.control().set_fault(
        Endpoint::InitiateUpdate,
        Fault {
            error_status: Some(429),
            error_count: 1,
            retry_after_s: Some(7),
            ..Fault::default()
        },
    );
    let response = h
        .post_json("/sov/s-demo-sample/initiate_update", &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "7");
    let (_, body) = body_json(response).await;
    assert_eq!(
        body,
        json!({"detail": "Request was throttled. Expected available in 7 seconds."})
    );
    assert!(
        h.sandbox.control().jobs().is_empty(),
        "a refused initiate creates no job"
    );
    assert_eq!(h.initiate("s-demo-sample").await, "s-demo-sample-r001");
}

#[tokio::test]
async fn error_rate_one_always_fails_with_503_and_zero_never() {
    let h = harness().await;
    let control = h.sandbox.control();
    control.set_fault(
        Endpoint::History,
        Fault {
            error_rate: 1.0,
            ..Fault::default()
        },
    );
    for _ in 0..5 {
        let (status, body) = body_json(h.get("/sov/history/s-demo-sample").await).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body["detail"].is_string());
    }
    control.set_fault(Endpoint::History, Fault::default());
    for _ in 0..5 {
        assert_eq!(
            h.get("/sov/history/s-demo-sample").await.status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn faults_come_before_the_token_check() {
    let h = harness().await;
    h.sandbox.control().set_fault(
        Endpoint::OutputFormats,
        Fault {
            error_status: Some(503),
            error_count: 1,
            ..Fault::default()
        },
    );
    let response = h.http.get(h.url("/output_formats")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn download_connection_drops_after_n_bytes() {
    let h = harness().await;
    let last = h
        .run_update(
            "s-demo-large",
            "sheet_name,sheet_row_number,bldg_name\nLocations,2,X\n",
            &json!({}),
        )
        .await;
    let url = output_url(&last, "JSON");
    h.sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            drop_after_bytes: Some(1000),
            ..Fault::default()
        },
    );
    // The drop can reach the client before it has parsed the headers (then the request itself fails) or
    // after (then the body does); either way the download must never look like a short success.
    let sent = h
        .http
        .get(&url)
        .header("Authorization", format!("Token {TOKEN}"))
        .send()
        .await;
    let Ok(response) = sent else {
        return;
    };
    assert_eq!(response.status(), StatusCode::OK);
    let promised: u64 = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(promised > 1000);
    let body = response.bytes().await;
    assert!(
        body.is_err(),
        "the body must end in an error, not a short success"
    );

    h.sandbox.control().clear_fault(Endpoint::Download);
    let full = h.get_url(&url).await.bytes().await.unwrap();
    assert_eq!(full.len() as u64, promised);
}

#[tokio::test]
async fn forced_failure_ends_the_job_failed() {
    let h = harness().await;
    h.sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PARSE".into(),
                message: "Row 2: could not geocode.".into(),
            }),
            ..Fault::default()
        },
    );
    let last = h.run_update("s-demo-sample", CORRECTION, &json!({})).await;
    assert_eq!(last["request"]["status"], "FAILED");
    assert_eq!(last["request"]["last_health_status"], "Processing failed.");
    assert_eq!(
        last["result"],
        json!({"status": "FAILED_TO_PARSE", "message": "Row 2: could not geocode."})
    );
}

#[tokio::test]
async fn output_urls_can_point_elsewhere_or_be_relative() {
    let h = harness().await;
    let control = h.sandbox.control();
    let last = h.run_update("s-demo-sample", CORRECTION, &json!({})).await;
    let sudid = last["request"]["sudid"].as_str().unwrap().to_string();

    control.set_output_url_base(Some("http://127.0.0.1:9/".into()));
    let (_, moved) = body_json(h.get(&format!("/sov/update/{sudid}")).await).await;
    let url = output_url(&moved, "JSON");
    assert!(url.starts_with("http://127.0.0.1:9/api/v1/sov/"), "{url}");

    control.set_relative_output_urls(true);
    let (_, relative) = body_json(h.get(&format!("/sov/update/{sudid}")).await).await;
    let path = output_url(&relative, "JSON");
    assert!(
        path.starts_with("/api/v1/sov/s-demo-sample-r001/output/"),
        "{path}"
    );
    let downloaded = h.get_url(&format!("{}{path}", h.sandbox.base_url())).await;
    assert_eq!(downloaded.status(), StatusCode::OK);
}

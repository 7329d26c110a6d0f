//! `callback_url`: a finished job (COMPLETE or FAILED) is POSTed once to it, best effort, and every
//! attempt is recorded.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::common::{body_json, harness, Harness, PATIENCE, TOKEN};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use axum::Router;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sovfixer_sandbox::{CallbackRecord, Endpoint, Fault, ForcedFailure};

const CORRECTION: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";

/// One POST as the receiver saw it.
#[derive(Debug, Clone)]
struct Received {
    content_type: Option<String>,
    authorization: Option<String>,
    body: Value,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A webhook receiver on a free loopback port that records every POST to `/hook`.
struct Receiver {
    url: String,
    inbox: Inbox,
}

impl Receiver {
    async fn start() -> Self {
        let inbox: Inbox = Arc::default();
        let app = Router::new()
            .route("/hook", post(record))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{addr}/hook"),
            inbox,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }
}

async fn record(State(inbox): State<Inbox>, headers: HeaderMap, body: Bytes) -> AxumStatus {
    let text = |name| {
        headers
            .get(name)
            .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
    };
    inbox.lock().unwrap().push(Received {
        content_type: text(header::CONTENT_TYPE),
        authorization: text(header::AUTHORIZATION),
        body: serde_json::from_slice(&body).unwrap(),
    });
    AxumStatus::OK
}

/// initiate_update with a callback_url; returns the SUD id.
async fn initiate_with_callback(h: &Harness, callback_url: &str) -> String {
    let (status, body) = body_json(
        h.post_json(
            "/sov/s-demo-sample/initiate_update",
            &json!({"callback_url": callback_url}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// upload → start → wait; returns the final status body.
async fn run(h: &Harness, sudid: &str, start: &Value) -> Value {
    assert_eq!(
        h.upload(sudid, "c.csv", CORRECTION).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        h.start_job(sudid, start).await.status(),
        StatusCode::CREATED
    );
    h.wait_for_end(sudid).await.pop().unwrap()
}

/// Waits until `count` delivery attempts are recorded (an attempt is recorded once it ended).
async fn wait_for_callbacks(h: &Harness, count: usize) -> Vec<CallbackRecord> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let records = h.sandbox.control().callbacks();
        if records.len() >= count {
            return records;
        }
        assert!(
            Instant::now() < deadline,
            "only {records:?} after waiting for {count}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn status_now(h: &Harness, sudid: &str) -> Value {
    body_json(h.get(&format!("/sov/update/{sudid}")).await)
        .await
        .1
}

#[tokio::test]
async fn completed_job_is_posted_once_with_its_status_body() {
    let h = harness().await;
    let receiver = Receiver::start().await;
    let sudid = initiate_with_callback(&h, &receiver.url).await;
    run(&h, &sudid, &json!({"output_formats": ["JSON", "CSV"]})).await;

    let records = wait_for_callbacks(&h, 1).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let delivered = &received[0];
    assert_eq!(delivered.body, status_now(&h, &sudid).await);
    assert_eq!(delivered.body["request"]["status"], "COMPLETE");
    let outputs = delivered.body["result"]["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 2);
    let prefix = format!("{}/api/v1/sov/{sudid}/output/", h.sandbox.base_url());
    for output in outputs {
        assert!(
            output["url"].as_str().unwrap().starts_with(&prefix),
            "{output}"
        );
    }
    assert_eq!(delivered.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        delivered.authorization, None,
        "the API token must not reach the callback"
    );

    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.sudid, sudid);
    assert_eq!(record.url, receiver.url);
    assert_eq!(record.job_status, "COMPLETE");
    assert_eq!(record.status, Some(200));
    assert_eq!(record.error, None);
    assert!(record.at.ends_with('Z'), "{}", record.at);

    // The admin API shows the same, and a reset forgets it.
    let (_, listed) = body_json(h.http.get(h.admin("/callbacks")).send().await.unwrap()).await;
    assert_eq!(listed["callbacks"][0]["sudid"], json!(sudid));
    assert_eq!(listed["callbacks"][0]["status"], 200);
    h.http.post(h.admin("/reset")).send().await.unwrap();
    let (_, listed) = body_json(h.http.get(h.admin("/callbacks")).send().await.unwrap()).await;
    assert_eq!(listed, json!({"callbacks": []}));
}

#[tokio::test]
async fn failed_job_is_posted_too() {
    let h = harness().await;
    let receiver = Receiver::start().await;
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
    let sudid = initiate_with_callback(&h, &receiver.url).await;
    run(&h, &sudid, &json!({})).await;

    let records = wait_for_callbacks(&h, 1).await;
    assert_eq!(records[0].job_status, "FAILED");
    assert_eq!(records[0].status, Some(200));
    let received = receiver.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].body, status_now(&h, &sudid).await);
    assert_eq!(received[0].body["request"]["status"], "FAILED");
    assert_eq!(
        received[0].body["result"],
        json!({"status": "FAILED_TO_PARSE", "message": "Row 2: could not geocode."})
    );
}

#[tokio::test]
async fn unreachable_callback_is_recorded_and_the_job_still_completes() {
    let h = harness().await;
    // A port that was free a moment ago and is closed now: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{closed}/hook");
    let sudid = initiate_with_callback(&h, &url).await;
    let last = run(&h, &sudid, &json!({})).await;
    assert_eq!(last["request"]["status"], "COMPLETE");
    assert_eq!(last["result"]["status"], "SUCCESS");

    let records = wait_for_callbacks(&h, 1).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].sudid, sudid);
    assert_eq!(records[0].url, url);
    assert_eq!(records[0].status, None);
    let error = records[0].error.as_deref().unwrap();
    assert!(!error.is_empty());
    // The job's outputs are unharmed.
    let download = h.get_url(&crate::common::output_url(&last, "JSON")).await;
    assert_eq!(download.status(), StatusCode::OK);
}

#[tokio::test]
async fn job_without_callback_url_delivers_nothing() {
    let h = harness().await;
    let receiver = Receiver::start().await;
    let silent = h.initiate("s-demo-sample").await;
    run(&h, &silent, &json!({})).await;
    // A second job with a callback: once its delivery is recorded, the first job's would be too.
    let heard = initiate_with_callback(&h, &receiver.url).await;
    run(&h, &heard, &json!({})).await;

    let records = wait_for_callbacks(&h, 1).await;
    let sudids: Vec<&str> = records.iter().map(|r| r.sudid.as_str()).collect();
    assert_eq!(sudids, [heard.as_str()]);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body["request"]["sudid"], json!(heard));
}

#[tokio::test]
async fn callback_output_urls_use_the_origin_of_the_start_request() {
    let h = harness().await;
    let receiver = Receiver::start().await;
    let sudid = initiate_with_callback(&h, &receiver.url).await;
    h.upload(&sudid, "c.csv", CORRECTION).await;
    // The client reached the sandbox under another name for the same loopback address.
    let port = h.sandbox.local_addr().port();
    let response = h
        .http
        .post(h.url(&format!("/sov/update/{sudid}/start")))
        .header("Authorization", format!("Token {TOKEN}"))
        .header("Host", format!("localhost:{port}"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    h.wait_for_end(&sudid).await;

    wait_for_callbacks(&h, 1).await;
    let body = &receiver.received()[0].body;
    let url = crate::common::output_url(body, "JSON");
    assert!(
        url.starts_with(&format!(
            "http://localhost:{port}/api/v1/sov/{sudid}/output/"
        )),
        "{url}"
    );
}

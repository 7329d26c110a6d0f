//! The admin API: config, request log, state, reset and generated SOVs.
#![allow(clippy::unwrap_used)]

use crate::common::{body_json, harness, TOKEN};
use reqwest::StatusCode;
use serde_json::{json, Value};

const CORRECTION: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";

#[tokio::test]
async fn config_sets_processing_and_faults_partially() {
    let h = harness().await;
    let response = h
        .http
        .post(h.admin("/config"))
        .json(&json!({"processing_ms": 50, "faults": {"start": {"error_status": 503, "error_count": 1, "retry_after_s": 2}}}))
        .send()
        .await
        .unwrap();
    let (status, config) = body_json(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(config["processing_ms"], 50);
    assert_eq!(config["faults"]["start"]["error_count"], 1);
    assert_eq!(h.sandbox.control().processing().as_millis(), 50);

    // A second, partial update keeps what it does not mention.
    let (_, config) = body_json(
        h.http
            .post(h.admin("/config"))
            .json(&json!({"relative_output_urls": true, "output_delay_ms": 40, "annotated_attributes": true}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(config["processing_ms"], 50);
    assert_eq!(config["faults"]["start"]["error_status"], 503);
    assert_eq!(config["relative_output_urls"], true);
    assert_eq!(config["output_delay_ms"], 40);
    assert_eq!(config["annotated_attributes"], true);

    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CORRECTION).await;
    let first = h.start_job(&sudid, &json!({})).await;
    assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(first.headers()["retry-after"], "2");
    assert_eq!(
        h.start_job(&sudid, &json!({})).await.status(),
        StatusCode::CREATED
    );

    // null removes a fault; an unknown endpoint is refused.
    let (_, config) = body_json(
        h.http
            .post(h.admin("/config"))
            .json(&json!({"faults": {"start": null}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(config["faults"], json!({}));
    let response = h
        .http
        .post(h.admin("/config"))
        .json(&json!({"faults": {"upload": {"latency_ms": 1}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn request_log_counts_calls_and_token_validity() {
    let h = harness().await;
    h.initiate("s-demo-sample").await;
    h.http
        .get(h.url("/output_formats?sovid=s-demo-sample"))
        .header("Authorization", "Token nope")
        .send()
        .await
        .unwrap();
    let (status, body) = body_json(h.http.get(h.admin("/requests")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let mut requests = body["requests"].as_array().unwrap().clone();
    // Headers as [name, value] pairs, the token as sent.
    let authorizations: Vec<Value> = requests
        .iter_mut()
        .map(|r| {
            let headers = r.as_object_mut().unwrap().remove("headers").unwrap();
            headers
                .as_array()
                .unwrap()
                .iter()
                .find(|pair| pair[0] == "authorization")
                .unwrap()[1]
                .clone()
        })
        .collect();
    assert_eq!(
        authorizations,
        [json!(format!("Token {TOKEN}")), json!("Token nope")]
    );
    assert_eq!(
        requests,
        [
            json!({"origin": "api", "method": "POST", "path": "/api/v1/sov/s-demo-sample/initiate_update",
             "query": null, "endpoint": "initiate_update", "token_valid": true, "status": 201, "body": null}),
            json!({"origin": "api", "method": "GET", "path": "/api/v1/output_formats", "query": "sovid=s-demo-sample",
             "endpoint": "output_formats", "token_valid": false, "status": 401, "body": null}),
        ]
    );
    assert_eq!(
        h.sandbox
            .control()
            .count_requests(sovfixer_sandbox::Endpoint::InitiateUpdate),
        1
    );
}

#[tokio::test]
async fn state_lists_jobs_and_reset_forgets_them() {
    let h = harness().await;
    let last = h
        .run_update(
            "s-demo-sample",
            CORRECTION,
            &json!({"extra_data": {"insured_name": "Acme"}}),
        )
        .await;
    let url = crate::common::output_url(&last, "JSON");
    let (_, state) = body_json(h.http.get(h.admin("/state")).send().await.unwrap()).await;
    let demo_ids: Vec<&str> = state["demo_sovs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(demo_ids, ["s-demo-sample", "s-demo-large"]);
    let job: &Value = &state["jobs"][0];
    assert_eq!(job["id"], "s-demo-sample-r001");
    assert_eq!(job["status"], "COMPLETE");
    assert_eq!(job["uploads"][0]["rows"], 1);

    let response = h.http.post(h.admin("/reset")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(h.sandbox.control().jobs().is_empty());
    assert!(h.sandbox.control().requests().is_empty());
    assert_eq!(h.get_url(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(h.initiate("s-demo-sample").await, "s-demo-sample-r001");
}

#[tokio::test]
async fn generated_sov_can_be_created_and_updated() {
    let h = harness().await;
    let response = h
        .http
        .post(h.admin("/sovs"))
        .json(&json!({"id": "s-bench", "buildings": 1200}))
        .send()
        .await
        .unwrap();
    let (status, created) = body_json(response).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["id"], "s-bench");

    let again = h
        .http
        .post(h.admin("/sovs"))
        .json(&json!({"id": "s-bench", "buildings": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let bad = h
        .http
        .post(h.admin("/sovs"))
        .json(&json!({"id": "../x", "buildings": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let last = h
        .run_update(
            "s-bench",
            "item_key,bldg_name\ni-s-bench!Locations!1201,Edited\n",
            &json!({}),
        )
        .await;
    let output = h
        .download_json(&crate::common::output_url(&last, "JSON"))
        .await;
    assert_eq!(output["num_buildings"], 1200);
    assert_eq!(
        crate::common::building(&output, 1201)["bldg_name"],
        "Edited"
    );
}

//! start: validation and 409; then the status progression PENDING → IN_PROGRESS → COMPLETE/FAILED.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::{body_json, harness, harness_with, TOKEN};
use reqwest::StatusCode;
use serde_json::json;

const CORRECTION: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";

#[tokio::test]
async fn start_without_locations_is_400() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let (status, body) = body_json(h.start_job(&sudid, &json!({"extra_data": {}})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("add_locations"),
        "{body}"
    );
    assert!(!h.sandbox.control().jobs()[0].started);
}

#[tokio::test]
async fn format_not_enabled_is_400_listing_allowed_formats() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CORRECTION).await;
    let (status, body) = body_json(
        h.start_job(
            &sudid,
            &json!({"output_formats": ["JSON", "CARRIER_BORDEREAU"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"output_formats": ["Output format \"CARRIER_BORDEREAU\" is not enabled for this SOV. Allowed formats: JSON, DEBUGJSON, CSV."]})
    );
    // Nothing was started, so a corrected start still works.
    let response = h
        .start_job(&sudid, &json!({"output_formats": ["json"]}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(h.sandbox.control().jobs()[0].output_formats, ["JSON"]);
}

#[tokio::test]
async fn malformed_start_bodies_are_400() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CORRECTION).await;
    let cases = [
        (json!({"extra_data": "Acme"}), "extra_data"),
        (json!({"output_formats": "JSON"}), "output_formats"),
        (json!({"policy_terms": []}), "policy_terms"),
        (json!(["JSON"]), "non_field_errors"),
    ];
    for (body, field) in cases {
        let (status, answer) = body_json(h.start_job(&sudid, &body).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(answer.get(field).is_some(), "{body} -> {answer}");
    }
    let response = h
        .http
        .post(h.url(&format!("/sov/update/{sudid}/start")))
        .header("Authorization", format!("Token {TOKEN}"))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, answer) = body_json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["detail"]
        .as_str()
        .unwrap()
        .starts_with("JSON parse error"));
    assert!(!h.sandbox.control().jobs()[0].started);
}

#[tokio::test]
async fn second_start_is_409_and_all_documented_fields_are_accepted() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CORRECTION).await;
    let full = json!({
        "extra_data": {"insured_name": "Acme Corp"},
        "output_formats": ["JSON"],
        "policy_terms": {"layer_terms": [{"name": "L1", "limit": 1000000}]},
        "outputter_name": "Default",
        "metadata": {"Timestamp": 1, "UserInfo": {"UserName": "uw"}},
        "integrations": ["PG"],
    });
    let (status, body) = body_json(h.start_job(&sudid, &full).await).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body, json!({"message": "OK"}));
    let (status, body) = body_json(h.start_job(&sudid, &full).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"message": "rejected start as SUD not pending"})
    );
    h.wait_for_end(&sudid).await;
    assert_eq!(
        h.start_job(&sudid, &full).await.status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn status_goes_pending_then_in_progress_then_complete() {
    let h = harness_with(Duration::from_secs(3)).await;
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CORRECTION).await;
    h.start_job(&sudid, &json!({})).await;
    let seen = h.wait_for_end(&sudid).await;

    let statuses: Vec<&str> = seen
        .iter()
        .map(|b| b["request"]["status"].as_str().unwrap())
        .collect();
    let first_progress = statuses.iter().position(|s| *s == "IN_PROGRESS").unwrap();
    assert!(statuses[..first_progress].iter().all(|s| *s == "PENDING"));
    assert_eq!(*statuses.last().unwrap(), "COMPLETE");
    assert!(statuses[first_progress..statuses.len() - 1]
        .iter()
        .all(|s| *s == "IN_PROGRESS"));

    let in_progress: Vec<&serde_json::Value> = seen
        .iter()
        .filter(|b| b["request"]["status"] == "IN_PROGRESS")
        .collect();
    let pcts: Vec<u64> = in_progress
        .iter()
        .map(|b| b["request"]["pct_complete"].as_u64().unwrap())
        .collect();
    assert!(pcts.windows(2).all(|w| w[0] <= w[1]), "{pcts:?}");
    assert!(pcts.first() < pcts.last(), "pct_complete rises: {pcts:?}");
    let mut health: Vec<&str> = in_progress
        .iter()
        .map(|b| b["request"]["last_health_status"].as_str().unwrap())
        .collect();
    health.dedup();
    assert!(health.len() >= 2, "health messages change: {health:?}");
    for body in &seen[..seen.len() - 1] {
        assert!(
            body.get("result").is_none(),
            "result absent until the end: {body}"
        );
        assert_eq!(body["request"]["completed_at"], json!(null));
    }

    let last = seen.last().unwrap();
    assert_eq!(last["request"]["pct_complete"], 100);
    assert_eq!(last["request"]["sudid"], json!(sudid));
    assert_eq!(last["request"]["request_uuid"].as_str().unwrap().len(), 32);
    assert!(last["request"]["completed_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(last["result"]["status"], "SUCCESS");
    assert_eq!(last["result"]["message"], "Success.");
    assert_eq!(last["result"]["outputs"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn no_matching_row_fails_the_job() {
    let h = harness().await;
    let last = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,bldg_name\nSheet1,99,Ghost\nSheet9,2,Ghost\n",
            &json!({}),
        )
        .await;
    assert_eq!(last["request"]["status"], "FAILED");
    assert_eq!(last["result"]["status"], "FAILED_TO_PROCESS");
    let message = last["result"]["message"].as_str().unwrap();
    assert!(message.contains("No row matched"), "{message}");
    assert!(message.contains("Sheet1 row 99, Sheet9 row 2"), "{message}");
    assert!(last["result"].get("outputs").is_none());
}

#[tokio::test]
async fn finished_sud_history_links_to_its_parent() {
    let h = harness().await;
    h.run_update("s-demo-sample", CORRECTION, &json!({})).await;
    let failed = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,bldg_name\nSheet1,99,Ghost\n",
            &json!({}),
        )
        .await;
    assert_eq!(failed["request"]["status"], "FAILED");

    let (_, first) = body_json(h.get("/sov/history/s-demo-sample-r001").await).await;
    assert_eq!(first["result"]["status"], "C");
    assert_eq!(first["result"]["previous_sovid"], "s-demo-sample");
    assert_eq!(first["result"]["original_sovid"], "s-demo-sample");
    assert_eq!(first["result"]["revision"], 1);
    assert_eq!(first["result"]["outputs"][0]["output_format"], "JSON");

    let (_, second) = body_json(h.get("/sov/history/s-demo-sample-r002").await).await;
    assert_eq!(second["result"]["status"], "F");
    assert_eq!(second["result"]["previous_sovid"], "s-demo-sample-r001");
    assert!(second["result"]["error_message"]
        .as_str()
        .unwrap()
        .contains("Sheet1 row 99"));
    assert_eq!(second["result"]["outputs"], json!([]));
}

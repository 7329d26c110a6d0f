//! Knobs for client tests: the request log with headers and bodies, scripted outputs (any name, served by the
//! API or by a second origin that needs no token) and scripted fault sequences.
#![allow(clippy::unwrap_used)]

use crate::common::{harness, TOKEN};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sovfixer_sandbox::{Endpoint, Fault, RequestOrigin, ScriptedOutput};

const CSV: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";

#[tokio::test]
async fn the_request_log_keeps_headers_always_and_bodies_when_asked() {
    let h = harness().await;
    h.initiate("s-demo-sample").await;
    let first = &h.sandbox.control().requests_to(Endpoint::InitiateUpdate)[0];
    assert_eq!(
        first.header("authorization"),
        Some(format!("Token {TOKEN}").as_str())
    );
    assert_eq!(first.origin, RequestOrigin::Api);
    assert_eq!(first.body, None, "bodies are off by default");

    h.sandbox.control().set_record_bodies(true);
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CSV).await;
    let logged = h.sandbox.control().requests_to(Endpoint::AddLocations);
    let body = logged[0].body.as_deref().unwrap();
    assert!(body.contains("name=\"file\"; filename=\"c.csv\""), "{body}");
    assert!(body.contains(CSV), "{body}");
    // The handler still got the whole file after the log read it.
    let jobs = h.sandbox.control().jobs();
    let job = jobs.iter().find(|j| j.id == sudid).unwrap();
    assert_eq!(job.uploads[0].rows, 1);
}

#[tokio::test]
async fn scripted_outputs_replace_the_real_ones_and_may_live_on_another_origin() {
    let h = harness().await;
    h.sandbox.control().set_scripted_outputs(Some(vec![
        ScriptedOutput {
            filename: "../../x.json".into(),
            content: "local bytes".into(),
            on_output_origin: false,
        },
        ScriptedOutput {
            filename: "elsewhere.json".into(),
            content: "foreign bytes".into(),
            on_output_origin: true,
        },
    ]));
    let last = h
        .run_update(
            "s-demo-sample",
            CSV,
            &json!({"output_formats": ["JSON", "CSV"]}),
        )
        .await;
    let outputs = last["result"]["outputs"].as_array().unwrap();
    let names: Vec<&str> = outputs
        .iter()
        .map(|o| o["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["../../x.json", "elsewhere.json"]);
    let local = outputs[0]["url"].as_str().unwrap();
    assert!(local.starts_with(&h.sandbox.base_url()), "{local}");
    assert!(local.ends_with("/output/..%2F..%2Fx.json"), "{local}");
    assert_eq!(h.get_url(local).await.text().await.unwrap(), "local bytes");

    let foreign = outputs[1]["url"].as_str().unwrap();
    assert!(
        foreign.starts_with(&h.sandbox.output_origin_url()),
        "{foreign}"
    );
    // No token needed there, and the request is logged with what it carried.
    let response = h.http.get(foreign).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "foreign bytes");
    let on_output_origin: Vec<_> = h
        .sandbox
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.origin == RequestOrigin::Outputs)
        .collect();
    assert_eq!(on_output_origin.len(), 1);
    assert_eq!(on_output_origin[0].header("authorization"), None);
    assert_eq!(on_output_origin[0].status, 200);
    assert_eq!(
        h.sandbox.control().count_requests(Endpoint::Download),
        1,
        "the output origin's download is not an API request"
    );

    h.sandbox.control().set_scripted_outputs(None);
    let real = h.run_update("s-demo-sample", CSV, &json!({})).await;
    assert_eq!(real["result"]["outputs"].as_array().unwrap().len(), 1);
    assert_ne!(real["result"]["outputs"][0]["filename"], "../../x.json");
}

#[tokio::test]
async fn queued_faults_hit_one_request_each_in_order() {
    let h = harness().await;
    h.sandbox.control().queue_faults(
        Endpoint::OutputFormats,
        [
            Fault {
                error_status: Some(502),
                ..Fault::default()
            },
            Fault {
                error_status: Some(429),
                retry_after_s: Some(3),
                ..Fault::default()
            },
        ],
    );
    let statuses = [
        h.get("/output_formats").await,
        h.get("/output_formats").await,
        h.get("/output_formats").await,
    ]
    .map(|r| r.status());
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_GATEWAY,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::OK
        ]
    );
}

#[tokio::test]
async fn the_admin_api_sets_the_new_knobs() {
    let h = harness().await;
    let patch = json!({
        "record_bodies": true,
        "scripted_outputs": [{"filename": "a b.json", "content": "{}", "on_output_origin": true}],
        "queue_faults": {"status": [{"latency_ms": 10}, {"error_status": 503}]},
    });
    let response = h
        .http
        .post(h.admin("/config"))
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let config: Value = response.json().await.unwrap();
    assert_eq!(config["record_bodies"], true);
    assert_eq!(config["scripted_outputs"][0]["filename"], "a b.json");
    assert_eq!(
        config["queued_faults"]["status"].as_array().unwrap().len(),
        2
    );
    let state: Value = h
        .http
        .get(h.admin("/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["output_origin_url"], h.sandbox.output_origin_url());

    h.http.post(h.admin("/reset")).send().await.unwrap();
    let state: Value = h
        .http
        .get(h.admin("/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["config"]["record_bodies"], false);
    assert_eq!(state["config"]["scripted_outputs"], Value::Null);
}

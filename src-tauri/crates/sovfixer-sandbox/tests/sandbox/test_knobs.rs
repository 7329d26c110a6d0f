//! Knobs for client tests: the request log with headers and bodies, scripted outputs (any name, served by the
//! API or by a second origin that needs no token) and scripted fault sequences.
#![allow(clippy::unwrap_used)]

use crate::common::{harness, TOKEN};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sovfixer_sandbox::{
    Endpoint, Fault, ForcedFailure, RequestOrigin, ScriptedOutput, ScriptedStatus,
};

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
            listed_without_url: false,
        },
        ScriptedOutput {
            filename: "elsewhere.json".into(),
            content: "foreign bytes".into(),
            on_output_origin: true,
            listed_without_url: false,
        },
        ScriptedOutput {
            filename: "no url.json".into(),
            content: "at the contract path".into(),
            on_output_origin: false,
            listed_without_url: true,
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
    assert_eq!(names, ["../../x.json", "elsewhere.json", "no url.json"]);
    assert_eq!(outputs[2].get("url"), None);
    let sudid = last["request"]["sudid"].as_str().unwrap();
    let at_contract_path = h.get(&format!("/sov/{sudid}/output/no%20url.json")).await;
    assert_eq!(
        at_contract_path.text().await.unwrap(),
        "at the contract path"
    );
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
        2,
        "the two API downloads; the output origin's is not an API request"
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

#[tokio::test]
async fn a_redirect_with_path_sends_a_download_to_the_same_file_on_the_output_origin() {
    let h = harness().await;
    let last = h.run_update("s-demo-sample", CSV, &json!({})).await;
    let url = last["result"]["outputs"][0]["url"].as_str().unwrap();
    let direct = h.get_url(url).await.bytes().await.unwrap();
    h.sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            redirect_to: Some(format!("{}{{path}}", h.sandbox.output_origin_url())),
            ..Fault::default()
        },
    );
    let no_follow = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_follow
        .get(url)
        .header("Authorization", format!("Token {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let path = url.strip_prefix(&h.sandbox.base_url()).unwrap();
    assert_eq!(location, format!("{}{path}", h.sandbox.output_origin_url()));
    let moved = h.http.get(&location).send().await.unwrap();
    assert_eq!(moved.bytes().await.unwrap(), direct);
}

#[tokio::test]
async fn a_status_script_answers_one_entry_per_poll_then_ends_the_job() {
    let h = harness().await;
    let control = h.sandbox.control();
    let entry = |status: &str, pct: Option<u32>| ScriptedStatus {
        status: status.into(),
        pct_complete: pct,
        health: format!("{status} health"),
    };
    control.set_status_script(Some(vec![
        entry("PENDING", Some(0)),
        entry("PENDING", Some(0)),
        entry("IN_PROGRESS", Some(40)),
    ]));
    control.set_fault(
        Endpoint::Status,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Row 7 matches no building.".into(),
            }),
            ..Fault::default()
        },
    );
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CSV).await;
    h.start_job(&sudid, &json!({})).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let body: Value = h
            .get(&format!("/sov/update/{sudid}"))
            .await
            .json()
            .await
            .unwrap();
        seen.push((
            body["request"]["status"].as_str().unwrap().to_owned(),
            body["request"]["pct_complete"].clone(),
        ));
        if seen.len() == 3 {
            assert_eq!(body["request"]["last_health_status"], "IN_PROGRESS health");
        }
        if seen.len() == 4 {
            assert_eq!(body["result"]["message"], "Row 7 matches no building.");
        }
    }
    assert_eq!(
        seen,
        [
            ("PENDING".to_owned(), json!(0)),
            ("PENDING".to_owned(), json!(0)),
            ("IN_PROGRESS".to_owned(), json!(40)),
            ("FAILED".to_owned(), json!(100)),
        ]
    );

    // Without the forced failure the job ends COMPLETE with its outputs at the poll after the script.
    control.clear_fault(Endpoint::Status);
    control.set_status_script(Some(vec![entry("IN_PROGRESS", Some(10))]));
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CSV).await;
    h.start_job(&sudid, &json!({})).await;
    let first: Value = h
        .get(&format!("/sov/update/{sudid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["request"]["status"], "IN_PROGRESS");
    let second: Value = h
        .get(&format!("/sov/update/{sudid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["request"]["status"], "COMPLETE");
    assert_eq!(second["result"]["outputs"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_injected_answer_can_carry_any_body() {
    let h = harness().await;
    h.sandbox.control().queue_faults(
        Endpoint::OutputFormats,
        [Fault {
            error_status: Some(200),
            error_body: Some("<html>captive portal</html>".into()),
            ..Fault::default()
        }],
    );
    let response = h.get("/output_formats").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert_eq!(
        response.text().await.unwrap(),
        "<html>captive portal</html>"
    );
    let next = h
        .get("/output_formats")
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(next["output_formats"].is_array(), "{next}");
}

#[tokio::test]
async fn an_answer_delay_does_the_work_before_the_client_gives_up() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    h.upload(&sudid, "c.csv", CSV).await;
    h.sandbox.control().queue_faults(
        Endpoint::Start,
        [Fault {
            answer_delay_ms: 5_000,
            ..Fault::default()
        }],
    );
    let impatient = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let gave_up = impatient
        .post(h.url(&format!("/sov/update/{sudid}/start")))
        .header("Authorization", format!("Token {TOKEN}"))
        .json(&json!({}))
        .send()
        .await;
    assert!(gave_up.unwrap_err().is_timeout());
    let jobs = h.sandbox.control().jobs();
    assert!(jobs.iter().any(|j| j.id == sudid && j.started), "{jobs:?}");
}

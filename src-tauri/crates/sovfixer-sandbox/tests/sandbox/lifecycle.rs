//! Starting and stopping the sandbox as a library.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::common::harness;
use reqwest::StatusCode;

#[tokio::test]
async fn urls_and_demo_sovs_are_reported() {
    let h = harness().await;
    let port = h.sandbox.local_addr().port();
    assert_ne!(port, 0);
    assert_eq!(h.sandbox.base_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(
        h.sandbox.api_url(),
        format!("http://127.0.0.1:{port}/api/v1")
    );
    assert_eq!(h.sandbox.token(), crate::common::TOKEN);
    let ids: Vec<String> = h.sandbox.demo_sovs().into_iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            sovfixer_sandbox::SAMPLE_SOV_ID,
            sovfixer_sandbox::LARGE_SOV_ID
        ]
    );
}

#[tokio::test]
async fn default_config_matches_the_documented_one() {
    let config = sovfixer_sandbox::SandboxConfig::default();
    assert_eq!(config.token, "sandbox-token");
    assert_eq!(config.processing, Duration::from_secs(3));
}

#[tokio::test]
async fn shutdown_stops_serving_even_with_an_open_connection() {
    let h = harness().await;
    let url = h.url("/output_formats");
    // Leaves a keep-alive connection open in the client's pool.
    assert_eq!(h.get("/output_formats").await.status(), StatusCode::OK);
    tokio::time::timeout(Duration::from_secs(30), h.sandbox.shutdown())
        .await
        .expect("shutdown finishes");
    let fresh = reqwest::Client::new();
    assert!(
        fresh.get(&url).send().await.is_err(),
        "nothing listens any more"
    );
}

#[tokio::test]
async fn shutdown_removes_uploads_and_a_job_still_processing_does_not_bring_them_back() {
    let processing = Duration::from_millis(600);
    let h = crate::common::harness_with(processing).await;
    let sudid = h.initiate(sovfixer_sandbox::SAMPLE_SOV_ID).await;
    let csv = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";
    assert!(h.upload(&sudid, "c.csv", csv).await.status().is_success());
    let started = h.start_job(&sudid, &serde_json::json!({})).await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let files = h.sandbox.files_dir().to_path_buf();
    assert!(
        files.join(&sudid).exists(),
        "the upload is kept while it runs"
    );

    h.sandbox.shutdown().await;
    assert!(!files.exists(), "{} is left behind", files.display());
    // The job would have written its outputs by now.
    tokio::time::sleep(processing * 3).await;
    assert!(!files.exists(), "{} came back", files.display());
}

//! Helpers shared by the sandbox's integration tests: a sandbox on 127.0.0.1:0 and a plain HTTP client.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use sovfixer_sandbox::{start, RunningSandbox, SandboxConfig};

pub const TOKEN: &str = "test-token";
/// Generous bound for anything that should finish quickly; a loaded 2-core machine can be slow.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct Harness {
    pub sandbox: RunningSandbox,
    pub http: Client,
}

pub fn repo_samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../samples")
}

pub async fn harness_with(processing: Duration) -> Harness {
    // ring, deliberately: it cross-builds for Windows with mingw alone (aws-lc-rs brings its own C toolchain needs);
    // rustls 0.23.48 deprecates it only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = SandboxConfig {
        token: TOKEN.to_string(),
        processing,
        ..SandboxConfig::default()
    };
    let sandbox = start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    Harness {
        sandbox,
        // A fresh connection per request: a pooled one the server has just closed (after a dropped
        // download, say) would fail the next request for reasons that are not under test.
        http: Client::builder().pool_max_idle_per_host(0).build().unwrap(),
    }
}

/// A sandbox whose jobs finish almost at once.
pub async fn harness() -> Harness {
    harness_with(Duration::from_millis(200)).await
}

impl Harness {
    pub fn url(&self, api_path: &str) -> String {
        format!("{}{api_path}", self.sandbox.api_url())
    }

    pub fn admin(&self, path: &str) -> String {
        format!("{}/__sandbox{path}", self.sandbox.base_url())
    }

    pub async fn get(&self, api_path: &str) -> Response {
        self.http
            .get(self.url(api_path))
            .header("Authorization", format!("Token {TOKEN}"))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_url(&self, url: &str) -> Response {
        self.http
            .get(url)
            .header("Authorization", format!("Token {TOKEN}"))
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, api_path: &str, body: &Value) -> Response {
        self.http
            .post(self.url(api_path))
            .header("Authorization", format!("Token {TOKEN}"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// initiate_update with no body, as the vendor's example does; returns the SUD id.
    pub async fn initiate(&self, sovid: &str) -> String {
        let response = self
            .http
            .post(self.url(&format!("/sov/{sovid}/initiate_update")))
            .header("Authorization", format!("Token {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().to_string()
    }

    /// add_locations with a part lacking Content-Type, like the official Python client.
    pub async fn upload(&self, sudid: &str, filename: &str, csv: &str) -> Response {
        let part = Part::bytes(csv.as_bytes().to_vec()).file_name(filename.to_string());
        self.http
            .post(self.url(&format!("/sov/update/{sudid}/add_locations")))
            .header("Authorization", format!("Token {TOKEN}"))
            .multipart(Form::new().part("file", part))
            .send()
            .await
            .unwrap()
    }

    pub async fn start_job(&self, sudid: &str, body: &Value) -> Response {
        self.post_json(&format!("/sov/update/{sudid}/start"), body)
            .await
    }

    /// Polls the status until COMPLETE or FAILED; returns every body seen, the last one terminal.
    pub async fn wait_for_end(&self, sudid: &str) -> Vec<Value> {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        loop {
            let response = self.get(&format!("/sov/update/{sudid}")).await;
            assert_eq!(response.status(), StatusCode::OK);
            let body: Value = response.json().await.unwrap();
            let status = body["request"]["status"].as_str().unwrap().to_string();
            seen.push(body);
            if status == "COMPLETE" || status == "FAILED" {
                return seen;
            }
            assert!(Instant::now() < deadline, "job {sudid} did not finish");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// initiate → upload → start → wait; returns the final status body.
    pub async fn run_update(&self, sovid: &str, csv: &str, start: &Value) -> Value {
        let sudid = self.initiate(sovid).await;
        assert_eq!(
            self.upload(&sudid, "corrections.csv", csv).await.status(),
            StatusCode::CREATED
        );
        assert_eq!(
            self.start_job(&sudid, start).await.status(),
            StatusCode::CREATED
        );
        self.wait_for_end(&sudid).await.pop().unwrap()
    }

    pub async fn download_json(&self, url: &str) -> Value {
        let response = self.get_url(url).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

pub fn output_url(status: &Value, description: &str) -> String {
    status["result"]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["description"] == description)
        .unwrap_or_else(|| panic!("no {description} output in {status}"))["url"]
        .as_str()
        .unwrap()
        .to_string()
}

pub fn building(output: &Value, sheet_row: u64) -> &Value {
    output["buildings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["sheet_row_number"] == json!(sheet_row))
        .unwrap()
}

pub async fn body_json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap())
}

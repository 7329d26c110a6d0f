//! The `sovfixer-sandbox` binary: its first stdout lines and its flags.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the child even when an assertion fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn prints_its_address_and_demo_sovs_then_serves() {
    // ring, deliberately: it cross-builds for Windows with mingw alone (aws-lc-rs brings its own C toolchain needs);
    // rustls 0.23.48 deprecates it only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_sovfixer-sandbox"))
            .args([
                "--port",
                "0",
                "--token",
                "bin-token",
                "--processing-ms",
                "100",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_line = || lines_rx.recv_timeout(Duration::from_secs(60)).unwrap();

    let first = next_line();
    let base = first.strip_prefix("listening on ").unwrap().to_string();
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let sample = next_line();
    let large = next_line();
    assert!(sample.starts_with("s-demo-sample  "), "{sample}");
    assert!(large.starts_with("s-demo-large  "), "{large}");
    assert!(large.contains("5000"), "{large}");

    let http = reqwest::Client::new();
    let ok = http
        .get(format!("{base}/api/v1/output_formats"))
        .header("Authorization", "Token bin-token")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), reqwest::StatusCode::OK);
    let default_token = http
        .get(format!("{base}/api/v1/output_formats"))
        .header("Authorization", "Token sandbox-token")
        .send()
        .await
        .unwrap();
    assert_eq!(default_token.status(), reqwest::StatusCode::UNAUTHORIZED);
    let state: serde_json::Value = http
        .get(format!("{base}/__sandbox/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["config"]["processing_ms"], 100);
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_sovfixer-sandbox"))
        .args(["--port", &port])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Could not listen"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

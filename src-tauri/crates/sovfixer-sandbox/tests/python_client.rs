//! Proof the sandbox speaks the real API: the official Python client (`pingintel-api`) runs
//! its `update` and `list-output-formats` commands against it.
//! Needs env `SOVFIXERAPI` = path of the `sovfixerapi` command (`scripts/setup-python-client` prints it).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use common::{harness_with, repo_samples, TOKEN};

fn sovfixerapi() -> PathBuf {
    PathBuf::from(
        std::env::var("SOVFIXERAPI")
            .expect("set SOVFIXERAPI to the path printed by scripts/setup-python-client"),
    )
}

async fn run_cli(args: Vec<String>, dir: PathBuf) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(sovfixerapi())
            .args(&args)
            .current_dir(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the official client: run scripts/test"]
async fn official_client_updates_an_sov_and_downloads_the_json() {
    let h = harness_with(Duration::from_secs(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let corrections = repo_samples().join("corrections.csv");
    let args: Vec<String> = [
        "-u",
        &h.sandbox.base_url(),
        "--auth-token",
        TOKEN,
        "update",
        "s-demo-sample",
        corrections.to_str().unwrap(),
        "-o",
        "JSON",
        "--noinput",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = run_cli(args, dir.path().to_path_buf()).await;
    assert!(output.status.success(), "{}", describe(&output));

    let saved: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}\n{}", describe(&output));
    let name = saved[0].file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("s-demo-sample "), "{name}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&saved[0]).unwrap()).unwrap();
    let row2 = common::building(&json, 2);
    assert_eq!(row2["bldg_name"], "Normal House");

    // The client made exactly one update job and started it once.
    let jobs = h.sandbox.control().jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status, "COMPLETE");
    assert_eq!(jobs[0].uploads[0].filename, "corrections.csv");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the official client: run scripts/test"]
async fn official_client_lists_output_formats() {
    let h = harness_with(Duration::from_secs(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = [
        "-u",
        &h.sandbox.base_url(),
        "--auth-token",
        TOKEN,
        "list-output-formats",
        "--sovid",
        "s-demo-large",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = run_cli(args, dir.path().to_path_buf()).await;
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for expected in ["JSON", "DEBUGJSON", "Buildings CSV", "CARRIER_BORDEREAU"] {
        assert!(
            stdout.contains(expected),
            "{expected} missing:\n{}",
            describe(&output)
        );
    }
}

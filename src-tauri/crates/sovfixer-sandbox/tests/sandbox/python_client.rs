//! Proof the sandbox speaks the real API: the official Python client (`pingintel-api`) runs
//! its `update`, `list-output-formats`, `activity`, `history` and `get-output` commands against it.
//! Needs env `SOVFIXERAPI` = path of the `sovfixerapi` command (`scripts/setup-python-client` prints it).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use crate::common::{harness_with, repo_samples, TOKEN};

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
    let row2 = crate::common::building(&json, 2);
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

/// Runs the official CLI against `h` in a fresh folder; returns its output and the folder.
async fn cli(h: &crate::common::Harness, command: &[&str]) -> (Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let base = h.sandbox.base_url();
    let mut args: Vec<String> = ["-u", base.as_str(), "--auth-token", TOKEN]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(command.iter().map(|s| s.to_string()));
    let output = run_cli(args, dir.path().to_path_buf()).await;
    assert!(output.status.success(), "{}", describe(&output));
    (output, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the official client: run scripts/test"]
async fn official_client_lists_activity_by_search_and_pages_with_its_cursor() {
    let h = harness_with(Duration::from_secs(1)).await;
    let (found, _dir) = cli(&h, &["activity", "--search", "acme", "-l", "5"]).await;
    let text = String::from_utf8_lossy(&found.stdout);
    assert!(
        text.contains("'filename': 'Acme 2026 SOV.xlsx'"),
        "{}",
        describe(&found)
    );
    assert!(
        text.contains("'filename': 'Acme Logistics warehouses.xlsx'"),
        "{text}"
    );
    assert!(text.contains("'total_count': 2"), "{text}");

    let (first, _dir) = cli(
        &h,
        &[
            "activity", "-l", "2", "--fields", "id", "--fields", "filename",
        ],
    )
    .await;
    let first = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(first.contains("'remaining_count': 28"), "{first}");
    assert!(
        !first.contains("insured_name"),
        "fields limit the keys: {first}"
    );
    let cursor = first
        .split("'cursor_id': '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap()
        .to_string();
    let (second, _dir) = cli(&h, &["activity", "-l", "2", "--cursor-id", &cursor]).await;
    let second = String::from_utf8_lossy(&second.stdout);
    assert!(second.contains("'remaining_count': 26"), "{second}");
    assert!(
        !second.contains(&format!("'id': '{cursor}'")),
        "the cursor's SOV is not repeated"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the official client: run scripts/test"]
async fn official_client_lists_history_since_a_date() {
    let h = harness_with(Duration::from_secs(1)).await;
    let (output, _dir) = cli(&h, &["history", "-l", "250", "--start", "2026-11-20"]).await;
    let text = String::from_utf8_lossy(&output.stdout);
    // The client turns completed_time into datetimes; all listed ones are on or after the start.
    let late_november: Vec<&str> = text.matches("datetime.datetime(2026, 11, 2").collect();
    assert!(!late_november.is_empty(), "{}", describe(&output));
    assert!(!text.contains("datetime.datetime(2026, 11, 1,"), "{text}");
    assert!(
        text.contains("'record_type': 'SCRUB'"),
        "a seeded update is listed: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the official client: run scripts/test"]
async fn official_client_gets_the_current_json_of_an_sov() {
    let h = harness_with(Duration::from_secs(1)).await;
    h.sandbox
        .control()
        .set_output_delay(Duration::from_millis(300));
    let (output, dir) = cli(&h, &["get-output", "s-demo-sample", "-o", "JSON"]).await;
    let saved: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{}", describe(&output));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&saved[0]).unwrap()).unwrap();
    assert_eq!(json["id"], "s-demo-sample");
    assert_eq!(json["num_buildings"], 2);
    assert_eq!(
        crate::common::building(&json, 2)["const__bldg_year_built"],
        "1969"
    );
}

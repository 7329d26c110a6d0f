//! Ctrl-C (SIGINT; SIGTERM alike) during upload, processing and download: exit 130, no partial files, the update
//! id printed, and (once the update was started) `status --wait --download` completes the job.
//! Unix only: each test signals one child process, which Windows has no way to do for Ctrl-C (a console control
//! event reaches every process of the console, the test runner included); see `crate::support::interrupt`. The
//! Windows counterpart is tests/windows/ctrl-c.sh, which gives the CLI a console of its own and presses Ctrl-C there.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::process::{Child, Stdio};
use std::time::Duration;

use crate::support::*;
use serde_json::Value;
use sovfixer_sandbox::{Endpoint, Fault};

/// Spawns `sov-update -u <sandbox> --auth-token <token> <args…>` with its stdout and stderr piped.
fn spawn_cli(sandbox: &Sandbox, work: &Workspace, args: &[&str]) -> Child {
    let url = sandbox.url();
    let mut all = vec!["-u", url.as_str(), "--auth-token", TOKEN];
    all.extend_from_slice(args);
    work.cli()
        .args(all)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Spawns `run` of the sample corrections into `out` (`--json` first when `json`).
fn spawn_run(sandbox: &Sandbox, work: &Workspace, json: bool) -> Child {
    let corrections = work.corrections();
    let run = ["run", SOV, corrections.as_str(), "--out", "out"];
    let args: Vec<&str> = if json {
        std::iter::once("--json").chain(run).collect()
    } else {
        run.to_vec()
    };
    spawn_cli(sandbox, work, &args)
}

/// Starts `run --json` and returns the child with a reader of its stdout lines.
fn start_run(sandbox: &Sandbox, work: &Workspace) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = spawn_run(sandbox, work, true);
    let lines = line_reader(child.stdout.take().unwrap());
    (child, lines)
}

fn is_phase(line: &str, phase: &str) -> bool {
    serde_json::from_str::<Value>(line).is_ok_and(|v| v["event"] == "phase" && v["phase"] == phase)
}

/// A sandbox whose answers at `endpoint` take 30 s, so a signal arrives while that request is in flight.
fn sandbox_stalling_at(endpoint: Endpoint) -> Sandbox {
    let sandbox = Sandbox::start(Duration::from_millis(500));
    sandbox.control().set_fault(
        endpoint,
        Fault {
            latency_ms: 30_000,
            ..Fault::default()
        },
    );
    sandbox
}

/// Interrupts, then returns the exit code and the summary (all lines validated against the schema).
fn interrupt_and_collect(
    child: &mut Child,
    lines: &std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
) -> (i32, Value) {
    signal_and_collect(child, lines, seen, interrupt)
}

/// Sends `signal`, then returns the exit code and the summary (all lines validated against the schema).
fn signal_and_collect(
    child: &mut Child,
    lines: &std::sync::mpsc::Receiver<String>,
    mut seen: Vec<String>,
    signal: fn(&Child),
) -> (i32, Value) {
    // Let the request in flight actually be in flight.
    std::thread::sleep(Duration::from_millis(300));
    signal(child);
    let code = wait_with_patience(child);
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(5)) {
        seen.push(line);
    }
    let events = events(&seen.join("\n"));
    (code, summary(&events).clone())
}

fn collect_again(sandbox: &Sandbox, work: &Workspace, resume_command: &str) {
    let words: Vec<&str> = resume_command.split_whitespace().collect();
    assert_eq!(words[0], "sov-update");
    let mut command = work.cli();
    command.arg("--auth-token").arg(TOKEN).args(&words[1..]);
    let output = output_of(command);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!work.out_entries().is_empty());
    assert!(sandbox.control().jobs()[0].status == "COMPLETE");
    assert!(
        work.out_entries().iter().all(|name| !name.starts_with('.')),
        "{:?}",
        work.out_entries()
    );
}

#[test]
fn ctrl_c_during_upload_says_the_update_was_not_started() {
    let sandbox = sandbox_stalling_at(Endpoint::AddLocations);
    let work = Workspace::new();
    let (mut child, lines) = start_run(&sandbox, &work);
    let seen = read_until(&lines, |line| is_phase(line, "uploading"));
    let (code, summary) = interrupt_and_collect(&mut child, &lines, seen);
    assert_eq!(code, 130);
    assert_eq!(summary["outcome"], "cancelled");
    let update_id = summary["update_id"].as_str().unwrap();
    assert_eq!(update_id, sandbox.control().jobs()[0].id);
    assert!(
        summary["note"]
            .as_str()
            .unwrap()
            .contains("Run the same command again"),
        "{summary}"
    );
    assert!(!sandbox.control().jobs()[0].started);
    assert!(work.out_entries().is_empty(), "{:?}", work.out_entries());
}

#[test]
fn ctrl_c_during_processing_prints_the_status_command_that_finishes_the_job() {
    let sandbox = Sandbox::start(Duration::from_secs(10));
    let work = Workspace::new();
    // Human mode: the update id and the resume command are on stderr.
    let mut child = spawn_run(&sandbox, &work, false);
    let errors = line_reader(child.stderr.take().unwrap());
    let mut seen = read_until(&errors, |line| {
        line.starts_with("Processing:") || line.starts_with("Waiting in")
    });
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&child);
    assert_eq!(wait_with_patience(&mut child), 130);
    while let Ok(line) = errors.recv_timeout(Duration::from_secs(5)) {
        seen.push(line);
    }
    let update_id = sandbox.control().jobs()[0].id.clone();
    let text = seen.join("\n");
    assert!(text.contains(&format!("Update id: {update_id}")), "{text}");
    assert!(text.contains("The update was cancelled."), "{text}");
    let resume = seen
        .iter()
        .find_map(|line| line.strip_prefix("To pick it up again, run: "))
        .unwrap_or_else(|| panic!("no resume command: {text}"))
        .to_owned();
    assert!(
        resume.contains(&format!("status {update_id} --wait --download --out out")),
        "{resume}"
    );
    assert!(work.out_entries().is_empty());
    collect_again(&sandbox, &work, &resume);
}

#[test]
fn ctrl_c_during_download_leaves_no_partial_file() {
    let sandbox = sandbox_stalling_at(Endpoint::Download);
    let work = Workspace::new();
    let (mut child, lines) = start_run(&sandbox, &work);
    let seen = read_until(&lines, |line| is_phase(line, "downloading"));
    let (code, summary) = interrupt_and_collect(&mut child, &lines, seen);
    assert_eq!(code, 130);
    assert_eq!(summary["outcome"], "cancelled");
    assert_eq!(summary["error"]["step"], "download");
    assert!(
        work.out_entries().is_empty(),
        "partial files left: {:?}",
        work.out_entries()
    );
    sandbox.control().clear_faults();
    collect_again(&sandbox, &work, summary["resume_command"].as_str().unwrap());
}

#[test]
fn sigterm_during_download_is_handled_like_ctrl_c() {
    let sandbox = sandbox_stalling_at(Endpoint::Download);
    let work = Workspace::new();
    let (mut child, lines) = start_run(&sandbox, &work);
    let seen = read_until(&lines, |line| is_phase(line, "downloading"));
    let (code, summary) = signal_and_collect(&mut child, &lines, seen, terminate);
    assert_eq!(code, 130);
    assert_eq!(summary["outcome"], "cancelled");
    assert!(
        summary["resume_command"]
            .as_str()
            .unwrap()
            .contains("--wait --download"),
        "{summary}"
    );
    assert!(
        work.out_entries().is_empty(),
        "partial files left: {:?}",
        work.out_entries()
    );
}

#[test]
fn ctrl_c_while_status_waits_exits_130_and_the_update_goes_on() {
    let sandbox = Sandbox::start(Duration::from_secs(60));
    let work = Workspace::new();
    let started = work.run(&sandbox, &["run", SOV, &work.corrections(), "--nowait"]);
    assert_eq!(code(&started), 0, "{}", stderr(&started));
    let update_id = stdout(&started).trim().to_owned();
    let mut child = spawn_cli(&sandbox, &work, &["--json", "status", &update_id, "--wait"]);
    let lines = line_reader(child.stdout.take().unwrap());
    let seen = read_until(&lines, |line| line.contains("\"event\":\"processing\""));
    let (code, summary) = interrupt_and_collect(&mut child, &lines, seen);
    assert_eq!(code, 130);
    assert_eq!(summary["outcome"], "cancelled");
    assert!(summary["resume_command"]
        .as_str()
        .unwrap()
        .contains(&format!("status {update_id} --wait --download")));
    assert_eq!(
        sandbox.control().jobs()[0].status,
        "PENDING",
        "the update itself is not cancelled"
    );
}

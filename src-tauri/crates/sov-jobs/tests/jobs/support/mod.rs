//! A sandbox in its own runtime, temp folders, and the `sov-jobs-runner` binary driven line by line.
#![allow(dead_code, clippy::unwrap_used)]

pub mod in_process;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use sov_history::{HistoryStore, JobDetail, Page};
use sovfixer_sandbox::{Endpoint, RunningSandbox, SandboxConfig, SandboxControl};

/// How long a line of the runner may take to come (the shared test patience).
pub const LINE_WAIT: Duration = sov_test_support::PATIENCE;

pub use sov_test_support::list_dir;

pub struct Harness {
    // Declared before the runtime so it is dropped while the runtime still runs.
    pub sandbox: Option<RunningSandbox>,
    pub runtime: tokio::runtime::Runtime,
    pub dir: tempfile::TempDir,
}

impl Harness {
    pub fn new(processing: Duration) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(sov_test_support::start_sandbox_with(SandboxConfig {
            processing,
            ..SandboxConfig::default()
        }));
        Self {
            sandbox: Some(sandbox),
            runtime,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn sandbox(&self) -> &RunningSandbox {
        self.sandbox.as_ref().unwrap()
    }

    pub fn control(&self) -> SandboxControl {
        self.sandbox().control()
    }

    pub fn history(&self) -> PathBuf {
        self.dir.path().join("history")
    }

    pub fn downloads(&self) -> PathBuf {
        self.dir.path().join("downloads")
    }

    /// The small sample corrections file of `s-demo-sample`.
    pub fn sample_file(&self) -> PathBuf {
        let path = self.dir.path().join("corrections.csv");
        std::fs::write(
            &path,
            "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n",
        )
        .unwrap();
        path
    }

    /// About 5 MB of corrections for `s-demo-large`: big enough to be caught mid-upload.
    pub fn large_file(&self) -> PathBuf {
        let path = self.dir.path().join("large corrections.csv");
        let mut text = String::from("sheet_name,sheet_row_number,bldg_name\n");
        let padding = "x".repeat(1000);
        for row in 2..=5001 {
            text.push_str(&format!("Locations,{row},Building {row} {padding}\n"));
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Starts the runner for a new job.
    pub fn start_job(&self, sov: &str, file: &Path, formats: &[&str]) -> RunnerProcess {
        let mut args: Vec<String> = vec![
            "--sov".into(),
            sov.into(),
            "--file".into(),
            file.display().to_string(),
            "--download".into(),
            self.downloads().display().to_string(),
            "--insured".into(),
            "Acme Corp".into(),
        ];
        for format in formats {
            args.push("--format".into());
            args.push((*format).into());
        }
        self.spawn(&args)
    }

    /// Starts a job of the sample SOV with the sample corrections, asking for `formats`.
    pub fn start_sample_job(&self, formats: &[&str]) -> RunnerProcess {
        let file = self.sample_file();
        self.start_job(sovfixer_sandbox::SAMPLE_SOV_ID, &file, formats)
    }

    /// Makes the sandbox sit on every request to `endpoint` for `ms` before acting on it.
    pub fn hold(&self, endpoint: Endpoint, ms: u64) {
        self.control().set_fault(
            endpoint,
            sovfixer_sandbox::Fault {
                latency_ms: ms,
                ..sovfixer_sandbox::Fault::default()
            },
        );
    }

    /// Starts the runner in `--resume` mode.
    pub fn resume(&self) -> RunnerProcess {
        self.spawn(&["--resume".to_owned()])
    }

    fn spawn(&self, extra: &[String]) -> RunnerProcess {
        let child = Command::new(env!("CARGO_BIN_EXE_sov-jobs-runner"))
            .arg("--api-url")
            .arg(self.sandbox().api_url())
            .arg("--token")
            .arg(self.control().token())
            .arg("--history")
            .arg(self.history())
            .arg("--poll-ms")
            .arg("100")
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        RunnerProcess::new(child)
    }

    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.control().count_requests(endpoint)
    }

    /// The one job in the history.
    pub fn only_job(&self) -> JobDetail {
        let (store, _) = HistoryStore::open(&self.history()).unwrap();
        let listing = store.list_recent(Page::first(10)).unwrap();
        assert_eq!(listing.items.len(), 1, "{:?}", listing.items);
        store.get_job(&listing.items[0].job_id).unwrap()
    }

    /// File names in the download folder, sorted.
    pub fn downloaded_names(&self) -> Vec<String> {
        list_dir(&self.downloads())
    }

    /// Requests to `endpoint` that reached the sandbox, answered or not (a request cut off by a kill counts).
    pub fn seen(&self, endpoint: Endpoint) -> usize {
        self.control().count_seen(endpoint)
    }

    /// Blocks until the sandbox has seen `count` requests to `endpoint` (its request log, no sleep); fails the
    /// test if they never arrive.
    pub fn wait_until_seen(&self, endpoint: Endpoint, count: usize) {
        let seen = self
            .runtime
            .block_on(self.control().wait_for_requests(endpoint, count, LINE_WAIT));
        assert!(
            seen >= count,
            "{endpoint:?}: {seen} of {count} requests arrived"
        );
    }
}

/// The runner as a child process whose stdout is read line by line.
pub struct RunnerProcess {
    child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
}

impl RunnerProcess {
    fn new(mut child: Child) -> Self {
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle`; panics with everything seen if it does not come.
    pub fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + LINE_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no line with `{needle}` within {LINE_WAIT:?}; seen: {:#?}",
                        self.seen
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("runner exited before `{needle}`; seen: {:#?}", self.seen)
                }
            }
        }
    }

    /// SIGKILL: no chance to clean up, like a crash or a power cut.
    pub fn kill(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.seen
    }

    /// Waits for the process to exit and returns every line it printed.
    pub fn finish(mut self) -> Vec<String> {
        let deadline = Instant::now() + LINE_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!(
                        "runner did not finish within {LINE_WAIT:?}; seen: {:#?}",
                        self.seen
                    )
                }
            }
        }
        self.child.wait().unwrap();
        self.seen
    }
}

/// The `resume <job> {json}` line's action.
pub fn resume_action(lines: &[String]) -> serde_json::Value {
    let line = lines
        .iter()
        .find(|line| line.starts_with("resume "))
        .unwrap_or_else(|| panic!("no resume line in {lines:#?}"));
    let json = line.splitn(3, ' ').nth(2).unwrap();
    serde_json::from_str(json).unwrap()
}

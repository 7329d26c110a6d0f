//! Shared by the CLI's process tests: an in-process sandbox, the `sov-update` binary with a clean
//! environment, readers with generous timeouts, and the JSON-schema check of docs/cli.md.
#![allow(dead_code, clippy::unwrap_used)]

pub mod schema;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::Value;
use sovfixer_sandbox::{RunningSandbox, SandboxConfig, SandboxControl};

pub const TOKEN: &str = "cli-test-token-5f2a9c";
pub const SOV: &str = "s-demo-sample";
pub use sov_test_support::{CORRECTIONS, PATIENCE};

/// A sandbox served by its own runtime for the duration of a test.
pub struct Sandbox {
    sandbox: RunningSandbox,
    _runtime: tokio::runtime::Runtime,
}

impl Sandbox {
    pub fn start(processing: Duration) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let config = SandboxConfig {
            token: TOKEN.to_owned(),
            processing,
            ..SandboxConfig::default()
        };
        let address: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let sandbox = runtime
            .block_on(sovfixer_sandbox::start(config, address))
            .unwrap();
        Self {
            sandbox,
            _runtime: runtime,
        }
    }

    pub fn url(&self) -> String {
        self.sandbox.base_url()
    }

    pub fn control(&self) -> SandboxControl {
        self.sandbox.control()
    }
}

/// A temporary home and working folder with a corrections file in it.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("corrections.csv"), CORRECTIONS).unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn corrections(&self) -> String {
        self.dir
            .path()
            .join("corrections.csv")
            .display()
            .to_string()
    }

    /// A copy of the two-sheet workbook of the pre-flight corpus: `Corrections` (first; Sheet1 row 2
    /// renamed "Normal, House") and `Notes` (a single `bldg_name` column, no building ids).
    pub fn two_sheet_workbook(&self) -> String {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../sov-preflight/tests/corpus/legacy_workbook.xls");
        let copy = self.dir.path().join("corrections.xls");
        std::fs::copy(source, &copy).unwrap();
        copy.display().to_string()
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Every entry of the output folder, hidden temporary files included.
    pub fn out_entries(&self) -> Vec<String> {
        assert!(self.out().is_dir(), "no output folder");
        sov_test_support::list_dir(&self.out())
    }

    /// `sov-update` with no token in its environment and this workspace as home and folder.
    pub fn cli(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sov-update"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("SOVFIXER_") {
                command.env_remove(name);
            }
        }
        command
            .env("HOME", self.path())
            .env("USERPROFILE", self.path())
            // Fetched revisions are kept per SOV id; each test's sandbox starts the SOVs afresh.
            .env("XDG_CACHE_HOME", self.path().join(".cache"))
            .env("LOCALAPPDATA", self.path().join(".cache"))
            .current_dir(self.path())
            .stdin(Stdio::null());
        command
    }

    /// `sov-update -u SANDBOX --auth-token TOKEN ARGS...`, run to the end.
    pub fn run(&self, sandbox: &Sandbox, args: &[&str]) -> Output {
        let mut command = self.cli();
        command
            .args(["-u", &sandbox.url(), "--auth-token", TOKEN])
            .args(args);
        output_of(command)
    }
}

pub fn output_of(mut command: Command) -> Output {
    command.output().unwrap()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses a `--json` stream, checking every line against the schema in docs/cli.md.
pub fn events(stdout: &str) -> Vec<Value> {
    let schema = schema::events_schema();
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let value: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            if let Err(problem) = schema::validate(&schema, &value) {
                panic!("line does not follow docs/cli.md: {problem}\n{line}");
            }
            value
        })
        .collect()
}

pub fn summary(events: &[Value]) -> &Value {
    let last = events.last().expect("no events");
    assert_eq!(
        last["event"], "summary",
        "the last line must be the summary"
    );
    last
}

/// Lines of a child's pipe, delivered through a channel so a test can wait with a timeout.
pub fn line_reader(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Reads lines until one satisfies `wanted`; returns every line read.
pub fn read_until(lines: &Receiver<String>, wanted: impl Fn(&str) -> bool) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match lines.recv_timeout(PATIENCE) {
            Ok(line) => {
                let done = wanted(&line);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(e) => panic!("gave up waiting ({e}); lines so far: {seen:#?}"),
        }
    }
}

// Signals are Unix; on Windows Ctrl-C is a console control event, which a test cannot send to one child alone
// (GenerateConsoleCtrlEvent reaches the whole console group, the test runner included).

/// Sends SIGINT (Ctrl-C) to a child.
#[cfg(unix)]
pub fn interrupt(child: &Child) {
    send_signal(child, nix::sys::signal::Signal::SIGINT);
}

/// SIGTERM, as `kill`, a CI timeout or a service manager sends it.
#[cfg(unix)]
pub fn terminate(child: &Child) {
    send_signal(child, nix::sys::signal::Signal::SIGTERM);
}

#[cfg(unix)]
fn send_signal(child: &Child, signal: nix::sys::signal::Signal) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, signal).unwrap();
}

/// Waits for a child with a generous bound; kills it if it hangs.
pub fn wait_with_patience(child: &mut Child) -> i32 {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("sov-update did not exit in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SHA-256 (lower-case hex) of the file at `path`.
pub fn sha256_hex(path: &Path) -> String {
    sov_test_support::sha256_hex(&std::fs::read(path).unwrap())
}

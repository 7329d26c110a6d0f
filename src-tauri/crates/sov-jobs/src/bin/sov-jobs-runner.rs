//! Runs one recorded update job (or resumes the unfinished ones) and prints one line per step, so
//! tests can kill it at a chosen point and start it again.
//!
//! Lines: `store …` (what opening the history did), `job <id>`, `<id> phase <phase>`,
//! `<id> update_id <id>`, `<id> upload_started <n>`, `<id> upload_bytes <n>`,
//! `<id> download <n> <name>`, `<id> saved <path>`, `resume <id> <action as JSON>`,
//! `removed_partial <path>`, `<id> end ok` or `<id> end <code>: <message>`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser;
use sov_history::HistoryStore;
use sov_jobs::{Connection, JobEvents, JobResult, JobRunner, RunningJob, Target};
use sov_update::{
    ApiToken, ClientConfig, Environment, JobProgress, JobSpec, Phase, PollConfig, SovFixerClient,
    StartRequest,
};

#[derive(Parser, Debug)]
#[command(about = "Run or resume SOV update jobs with a history folder (test tool).")]
struct Args {
    /// SOV Fixer base URL (with or without /api/v1).
    #[arg(long)]
    api_url: String,
    #[arg(long)]
    token: String,
    /// Folder of the job history.
    #[arg(long)]
    history: PathBuf,
    /// Resume the unfinished jobs of the history instead of starting one.
    #[arg(long)]
    resume: bool,
    #[arg(long, default_value = "")]
    sov: String,
    /// A corrections file; repeat for several.
    #[arg(long = "file")]
    files: Vec<PathBuf>,
    #[arg(long)]
    download: Option<PathBuf>,
    /// An output format; repeat for several.
    #[arg(long = "format")]
    formats: Vec<String>,
    #[arg(long)]
    insured: Option<String>,
    /// First poll interval in milliseconds.
    #[arg(long, default_value_t = 500)]
    poll_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            say(&format!("error {message}"));
            ExitCode::from(2)
        }
    }
}

/// `Ok(true)` when every job ended well.
async fn run(args: Args) -> Result<bool, String> {
    let (store, report) = HistoryStore::open(&args.history).map_err(|e| e.to_string())?;
    if report.created {
        say("store created");
    }
    if let Some(from) = report.migrated_from {
        say(&format!("store migrated_from {from}"));
    }
    if let Some(recovery) = &report.recovered {
        say(&format!("store recovered {}", recovery.moved_to.display()));
    }
    if let Some(version) = report.newer_version {
        say(&format!("store read_only {version}"));
    }
    let environment = Environment::custom(&args.api_url).map_err(|e| e.to_string())?;
    let client = SovFixerClient::new(ClientConfig::new(
        environment.clone(),
        ApiToken::new(&args.token),
    ))
    .map_err(|e| e.message())?;
    let connection = Connection::new(client, Target::Server(environment));
    let poll = PollConfig {
        initial_interval: Duration::from_millis(args.poll_ms),
        max_interval: Duration::from_millis(args.poll_ms.saturating_mul(4)),
        ..PollConfig::default()
    };
    let runner = JobRunner::new(Arc::new(store)).with_poll(poll);
    let printer = Printer::default();
    let events: JobEvents =
        Arc::new(move |job_id: &str, progress: &JobProgress| printer.print(job_id, progress));
    let mut jobs: Vec<RunningJob> = Vec::new();
    if args.resume {
        let report = runner
            .resume_unfinished(&connection, Some(events))
            .await
            .map_err(|e| e.to_string())?;
        for skipped in &report.skipped {
            say(&format!(
                "skipped {} {} {}",
                skipped.job_id, skipped.table, skipped.reason
            ));
        }
        for path in &report.removed_partials {
            say(&format!("removed_partial {}", path.display()));
        }
        for resumed in report.jobs {
            let action = serde_json::to_string(&resumed.action).unwrap_or_default();
            say(&format!("resume {} {action}", resumed.job_id));
            jobs.extend(resumed.running);
        }
    } else {
        let mut start = StartRequest {
            output_formats: args.formats.clone(),
            ..StartRequest::default()
        };
        if let Some(insured) = &args.insured {
            start
                .extra_data
                .insert("insured_name".to_owned(), insured.clone().into());
        }
        let spec = JobSpec {
            sov_id: args.sov.clone(),
            files: args.files.clone(),
            start,
            download_dir: args.download.clone().unwrap_or_else(|| PathBuf::from(".")),
            ..JobSpec::default()
        };
        let running = runner
            .start(&connection, spec, Some(events))
            .await
            .map_err(|e| e.to_string())?;
        say(&format!("job {}", running.job_id));
        jobs.push(running);
    }
    let mut all_ok = true;
    for job in jobs {
        let id = job.job_id.clone();
        let result: JobResult = job
            .task
            .await
            .map_err(|e| format!("job task ended abnormally: {e}"))?;
        for warning in job.recorder.warnings() {
            say(&format!("{id} history_warning {warning}"));
        }
        match result {
            Ok(_) => say(&format!("{id} end ok")),
            Err(failure) => {
                all_ok = false;
                say(&format!(
                    "{id} end {}: {}",
                    failure.error.code(),
                    failure.error.message()
                ));
            }
        }
    }
    Ok(all_ok)
}

/// Prints the changes between consecutive snapshots of each job.
#[derive(Default)]
struct Printer {
    seen: Mutex<HashMap<String, Seen>>,
}

#[derive(Default)]
struct Seen {
    phase: Option<Phase>,
    update_id: bool,
    upload_started: usize,
    upload_bytes: usize,
    download: usize,
    outputs: usize,
}

impl Printer {
    fn print(&self, job_id: &str, progress: &JobProgress) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let seen = seen.entry(job_id.to_owned()).or_default();
        if seen.phase != Some(progress.phase) {
            seen.phase = Some(progress.phase);
            say(&format!("{job_id} phase {}", phase_name(progress.phase)));
        }
        if let (Some(id), false) = (&progress.update_id, seen.update_id) {
            seen.update_id = true;
            say(&format!("{job_id} update_id {id}"));
        }
        if let Some(upload) = &progress.upload {
            if upload.file_index > seen.upload_started {
                seen.upload_started = upload.file_index;
                say(&format!("{job_id} upload_started {}", upload.file_index));
            }
            if upload.file_bytes_sent > 0 && upload.file_index > seen.upload_bytes {
                seen.upload_bytes = upload.file_index;
                say(&format!("{job_id} upload_bytes {}", upload.file_index));
            }
        }
        if let Some(download) = &progress.download {
            if download.output_index > seen.download {
                seen.download = download.output_index;
                say(&format!(
                    "{job_id} download {} {}",
                    download.output_index, download.filename
                ));
            }
        }
        for saved in progress.outputs.iter().skip(seen.outputs) {
            say(&format!("{job_id} saved {}", saved.path.display()));
        }
        seen.outputs = progress.outputs.len();
    }
}

fn phase_name(phase: Phase) -> String {
    serde_json::to_value(phase)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{phase:?}"))
}

/// One line, flushed at once: the test reading it may kill this process right after.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

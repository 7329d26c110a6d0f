//! `engine-load`: runs many update jobs at once through the `sov-update` engine (what a pipeline's
//! night run does), all sharing one client and so one connection pool, and prints one JSON line:
//! how many finished, the total time, per-job times, peak memory and peak open connections.
//!
//! ```text
//! engine-load --api-url http://127.0.0.1:PORT --token sandbox-token --sov s-demo-large \
//!             --file corrections.csv --jobs 50 --out /tmp/load
//! ```
//! Exit code 0 when every job finished with its outputs on disk, 1 otherwise, 2 for bad usage.

mod args;
mod process_stats;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};
use sov_update::{
    ApiToken, ClientConfig, Environment, Job, JobOutcome, JobSpec, PollConfig, ProgressCallback,
    SovFixerClient, StartRequest,
};
use tokio_util::sync::CancellationToken;

use args::LoadArgs;
use process_stats::PeakSampler;

#[tokio::main]
async fn main() {
    let args = match LoadArgs::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("engine-load: {message}\n{}", args::USAGE);
            std::process::exit(2);
        }
    };
    match run(&args).await {
        Ok((report, all_ok)) => {
            println!("{report}");
            std::process::exit(if all_ok { 0 } else { 1 });
        }
        Err(message) => {
            eprintln!("engine-load: {message}");
            std::process::exit(1);
        }
    }
}

async fn run(args: &LoadArgs) -> Result<(Value, bool), String> {
    let environment = Environment::custom(&args.api_url)
        .map_err(|e| format!("--api-url {} is not a URL: {e}", args.api_url))?;
    let mut config = ClientConfig::new(environment, ApiToken::new(&args.token));
    config.max_connections = args.max_connections;
    let client = SovFixerClient::new(config).map_err(|e| e.to_string())?;
    let sampler = PeakSampler::start(Duration::from_millis(20));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for index in 1..=args.jobs {
        let download_dir = args.out.join(format!("job-{index:03}"));
        std::fs::create_dir_all(&download_dir)
            .map_err(|e| format!("cannot create {}: {e}", download_dir.display()))?;
        let spec = job_spec(args, index, download_dir);
        let client = client.clone();
        tasks.spawn(async move {
            let began = Instant::now();
            let result = one_job(client, spec).await;
            (began.elapsed(), result)
        });
    }
    let mut durations = Vec::with_capacity(args.jobs);
    let mut failures = Vec::new();
    let mut bytes_downloaded: u64 = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((elapsed, Ok(bytes))) => {
                durations.push(elapsed.as_secs_f64());
                bytes_downloaded += bytes;
            }
            Ok((_, Err(message))) => failures.push(message),
            Err(panic) => failures.push(format!("a job task panicked: {panic}")),
        }
    }
    let total = started.elapsed();
    let peaks = sampler.stop().await;
    durations.sort_by(f64::total_cmp);
    let report = json!({
        "jobs": args.jobs,
        "max_connections": args.max_connections,
        "succeeded": durations.len(),
        "failed": failures.len(),
        "total_s": round3(total.as_secs_f64()),
        "job_median_s": durations.get(durations.len() / 2).copied().map(round3),
        "job_max_s": durations.last().copied().map(round3),
        "peak_rss_mb": round3(peaks.rss_kb as f64 / 1024.0),
        "peak_open_sockets": peaks.open_sockets,
        "bytes_downloaded": bytes_downloaded,
        "first_error": failures.first(),
    });
    Ok((report, failures.is_empty()))
}

fn job_spec(args: &LoadArgs, index: usize, download_dir: std::path::PathBuf) -> JobSpec {
    let mut extra_data = Map::new();
    extra_data.insert(
        "insured_name".to_owned(),
        Value::String(format!("Load {index:03}")),
    );
    JobSpec {
        sov_id: args.sov_id.clone(),
        files: vec![args.file.clone()],
        start: StartRequest {
            extra_data,
            output_formats: vec![args.format.clone()],
            ..StartRequest::default()
        },
        download_dir,
        ..JobSpec::default()
    }
}

/// Runs one job with the CLI's polling settings; `Ok` carries the bytes saved, after checking
/// that every output is on disk at the size the engine reported.
async fn one_job(client: SovFixerClient, spec: JobSpec) -> Result<u64, String> {
    let quiet: ProgressCallback = Arc::new(|_| {});
    let job = Job::new(
        client,
        PollConfig::default(),
        quiet,
        CancellationToken::new(),
    );
    let sov_id = spec.sov_id.clone();
    let outcome: JobOutcome = job
        .run(spec)
        .await
        .map_err(|e| format!("job on {sov_id} failed at {:?}: {}", e.step, e.error))?;
    if outcome.outputs.is_empty() {
        return Err(format!("update {} saved no output", outcome.update_id));
    }
    let mut bytes = 0;
    for output in &outcome.outputs {
        let on_disk = file_size(&output.path)?;
        if on_disk != output.size {
            return Err(format!(
                "{} is {on_disk} bytes on disk, {} expected",
                output.path.display(),
                output.size
            ));
        }
        bytes += on_disk;
    }
    Ok(bytes)
}

fn file_size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{} is missing: {e}", path.display()))
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

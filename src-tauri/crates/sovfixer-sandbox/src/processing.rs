//! Runs a started job: a queue wait (PENDING), progress with health messages (IN_PROGRESS),
//! then the outputs are built, the job ends COMPLETE or FAILED and its callback_url is called.

use std::sync::Arc;

use crate::callback::spawn_delivery;
use crate::catalog::OutputFormat;
use crate::clock::UtcTime;
use crate::outputs::{
    apply_corrections, nothing_matched_message, success_message, write_outputs, Corrected,
    OutputContext,
};
use crate::scripted::write_scripted_outputs;
use crate::state::{Job, JobResult, JobStatus, Revision, SandboxState, StartRequest};

/// Share of the processing time a job waits in the queue.
const QUEUE_SHARE: f64 = 0.2;
const PROGRESS_STEPS: u32 = 8;
const HEALTH_MESSAGES: &[&str] = &[
    "Loading SOV revision.",
    "Applying corrected locations.",
    "Priming enrichment cache.",
    "Geocoding changed addresses.",
    "Refreshing third-party enrichments.",
    "Computing policy terms.",
    "Running outputter.",
    "Writing output files.",
];

/// Spawns the task that drives job `sudid` to its end. `client_origin` is the origin the start
/// request used; the callback's output URLs are built from it.
pub fn spawn_job(state: Arc<SandboxState>, sudid: String, client_origin: String) {
    tokio::spawn(async move { run_job(state, sudid, client_origin).await });
}

async fn run_job(state: Arc<SandboxState>, sudid: String, client_origin: String) {
    let scripted = state
        .lock()
        .jobs
        .get(&sudid)
        .is_some_and(|job| job.script.is_some());
    if scripted {
        return; // its status polls drive it (`next_scripted_status`)
    }
    let processing = state.lock().knobs.processing;
    tokio::time::sleep(processing.mul_f64(QUEUE_SHARE)).await;
    let step = processing.mul_f64(1.0 - QUEUE_SHARE) / PROGRESS_STEPS;
    for index in 0..PROGRESS_STEPS {
        let still_there = update(&state, &sudid, |job| {
            job.status = JobStatus::InProgress;
            job.pct_complete = Some(index * 100 / PROGRESS_STEPS);
            job.last_health_status =
                Some(HEALTH_MESSAGES[index as usize % HEALTH_MESSAGES.len()].to_string());
            job.last_health_check_time = Some(UtcTime::now().iso());
        });
        if !still_there {
            return; // forgotten by a reset
        }
        tokio::time::sleep(step).await;
    }
    end_job(state, sudid, client_origin).await;
}

/// A scripted job's poll: shows the script's next status, or ends the job once the script ran out.
pub async fn next_scripted_status(state: &Arc<SandboxState>, sudid: &str, client_origin: String) {
    let ran_out = {
        let mut inner = state.lock();
        let Some(job) = inner.jobs.get_mut(sudid) else {
            return;
        };
        if job.is_finished() {
            return;
        }
        let Some(script) = job.script.as_mut() else {
            return;
        };
        match script.pop_front() {
            Some(next) => {
                job.status = if next.status == "PENDING" {
                    JobStatus::Pending
                } else {
                    JobStatus::InProgress
                };
                job.pct_complete = next.pct_complete;
                job.last_health_status = Some(next.health);
                job.last_health_check_time = Some(UtcTime::now().iso());
                false
            }
            None => {
                // Only this poll ends the job; one arriving meanwhile shows the last scripted status.
                job.script = None;
                true
            }
        }
    };
    if ran_out {
        end_job(state.clone(), sudid.to_string(), client_origin).await;
    }
}

/// Builds the outputs, stores the final status and calls the callback.
async fn end_job(state: Arc<SandboxState>, sudid: String, client_origin: String) {
    let result = match tokio::task::spawn_blocking({
        let state = state.clone();
        let sudid = sudid.clone();
        move || finish(&state, &sudid)
    })
    .await
    {
        Ok(Some(result)) => result,
        Ok(None) => return,
        Err(join_error) => JobResult {
            status: "FAILED_TO_PROCESS".into(),
            message: format!("The sandbox crashed while processing: {join_error}"),
            outputs: Vec::new(),
        },
    };
    let still_there = update(&state, &sudid, move |job| {
        let now = UtcTime::now().iso();
        job.status = if result.status == "SUCCESS" {
            JobStatus::Complete
        } else {
            JobStatus::Failed
        };
        job.pct_complete = Some(100);
        job.last_health_status = Some(if job.status == JobStatus::Complete {
            "Processing completed, storing internal artifacts.".into()
        } else {
            "Processing failed.".into()
        });
        job.last_health_check_time = Some(now.clone());
        job.completed_at = Some(now);
        job.result = Some(result);
    });
    if still_there {
        spawn_delivery(state, &sudid, client_origin);
    }
}

fn update(state: &SandboxState, sudid: &str, change: impl FnOnce(&mut crate::state::Job)) -> bool {
    let mut inner = state.lock();
    match inner.jobs.get_mut(sudid) {
        Some(job) => {
            change(job);
            true
        }
        None => false,
    }
}

/// The job's data becomes the SOV's next revision. A failed update records none (its number stays used,
/// like its id).
fn record_revision(state: &SandboxState, job: &Job, start: &StartRequest, corrected: &Corrected) {
    let revision = Revision {
        number: job.revision,
        id: job.id.clone(),
        record_type: job.record_type.clone(),
        completed_time: UtcTime::now().iso(),
        client_ref: job.client_ref.clone(),
        changes: Arc::new(corrected.changes.clone()),
        extra_data: start.extra_data.clone(),
        num_rows: corrected.rows_total,
    };
    let mut inner = state.lock();
    // A reset meanwhile forgot the job: its revision must not appear.
    if inner.jobs.get(&job.id).map(|j| &j.request_uuid) != Some(&job.request_uuid) {
        return;
    }
    let list = inner.revisions.entry(job.sov_id.clone()).or_default();
    list.push(revision);
    list.sort_by_key(|r| r.number);
}

/// Builds the outputs (blocking file work). `None` when the job was forgotten meanwhile, or the sandbox was shut
/// down and its files removed (writing outputs would recreate the folder it just removed).
fn finish(state: &SandboxState, sudid: &str) -> Option<JobResult> {
    if !state.files.path().exists() {
        return None;
    }
    let (job, sov, forced, base, annotated, ignored, scripted) = {
        let inner = state.lock();
        let job = inner.jobs.get(sudid)?.clone();
        let sov = inner.sovs.get(&job.sov_id)?.clone();
        // The update applies to the latest finished revision, so revisions build on each other.
        let base = inner
            .latest_revision(&job.sov_id)
            .map(|r| r.changes.clone())
            .unwrap_or_default();
        (
            job,
            sov,
            inner.knobs.faults.forced_failure(),
            base,
            inner.knobs.annotated_attributes,
            inner.knobs.ignored_attribute.clone(),
            inner.knobs.scripted_outputs.clone(),
        )
    };
    if let Some(forced) = forced {
        return Some(JobResult {
            status: forced.status,
            message: forced.message,
            outputs: Vec::new(),
        });
    }
    let start = job.start.as_ref()?;
    let failed = |message: String| JobResult {
        status: "FAILED_TO_PROCESS".into(),
        message,
        outputs: Vec::new(),
    };
    let uploads: Vec<_> = job.uploads.iter().map(|u| u.path.clone()).collect();
    let corrected = match apply_corrections(&sov, &base, &uploads, ignored.as_deref()) {
        Ok(corrected) => corrected,
        Err(e) => return Some(failed(format!("Could not read the locations files: {e}"))),
    };
    if corrected.rows_matched == 0 {
        return Some(failed(nothing_matched_message(&sov.id, &corrected)));
    }
    let formats: Vec<OutputFormat> = start
        .output_formats
        .iter()
        .filter_map(|f| sov.format(f).cloned())
        .collect();
    let year_month = UtcTime::now().year_month();
    let ctx = OutputContext {
        sov: &sov,
        sudid,
        revision: job.revision,
        record_type: &job.record_type,
        start,
        corrected: &corrected,
        year_month: &year_month,
        annotated,
    };
    let outputs_dir = job.dir.join("outputs");
    let written = match &scripted {
        Some(scripted) => write_scripted_outputs(scripted, &outputs_dir, &state.output_origin_url),
        None => write_outputs(&ctx, &formats, &outputs_dir),
    };
    Some(match written {
        Ok(outputs) => {
            record_revision(state, &job, start, &corrected);
            JobResult {
                status: "SUCCESS".into(),
                message: success_message(&corrected),
                outputs,
            }
        }
        Err(e) => failed(format!("Could not write the outputs: {e}")),
    })
}

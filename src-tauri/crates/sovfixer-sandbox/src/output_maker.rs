//! Makes the outputs `get_or_create_output` asks for: a revision's data (the SOV plus that revision's changes)
//! written in one format, after the configured delay, then cached for the next request.

use std::sync::Arc;

use crate::catalog::OutputFormat;
use crate::outputs::{write_outputs, Corrected, OutputContext};
use crate::sov::Sov;
use crate::state::{JobStatus, Revision, SandboxState, StartRequest, StoredOutput};

/// Progress steps reported while an output is being made.
const STEPS: u32 = 4;

/// Writes one output of `revision` into `dir` (blocking file work).
pub fn write_revision_output(
    sov: &Sov,
    revision: &Revision,
    format: &OutputFormat,
    annotated: bool,
    dir: &std::path::Path,
) -> std::io::Result<StoredOutput> {
    let start = StartRequest {
        extra_data: revision.extra_data.clone(),
        output_formats: vec![format.output_format.clone()],
        policy_terms: serde_json::Value::Null,
        outputter_name: None,
        metadata: serde_json::Value::Null,
        integrations: Vec::new(),
    };
    let corrected = Corrected {
        changes: (*revision.changes).clone(),
        rows_total: revision.num_rows,
        rows_matched: revision.num_rows,
        unmatched: Vec::new(),
    };
    let year_month = revision.completed_time.get(..7).unwrap_or("0000-00");
    let ctx = OutputContext {
        sov,
        sudid: &revision.id,
        revision: revision.number,
        record_type: &revision.record_type,
        start: &start,
        corrected: &corrected,
        year_month,
        annotated,
    };
    write_outputs(&ctx, std::slice::from_ref(format), dir)?
        .pop()
        .ok_or_else(|| std::io::Error::other("no output was written"))
}

/// Drives request `request_id` to COMPLETE (or FAILED when the file cannot be written) in its own task.
pub fn spawn_output(
    state: Arc<SandboxState>,
    request_id: String,
    sov: Arc<Sov>,
    revision: Revision,
    format: OutputFormat,
) {
    tokio::spawn(async move {
        let delay = state.lock().knobs.output_delay;
        for step in 0..STEPS {
            set_progress(&state, &request_id, step * 100 / STEPS);
            tokio::time::sleep(delay / STEPS).await;
        }
        let annotated = state.lock().knobs.annotated_attributes;
        let dir = state.files.path().join("made").join(&request_id);
        let written = tokio::task::spawn_blocking({
            let format = format.clone();
            let revision = revision.clone();
            move || write_revision_output(&sov, &revision, &format, annotated, &dir)
        })
        .await;
        let mut inner = state.lock();
        let output = match written {
            Ok(Ok(output)) => Ok(output),
            Ok(Err(e)) => Err(format!("Could not write the output: {e}")),
            Err(e) => Err(format!("The sandbox crashed while writing the output: {e}")),
        };
        if let Ok(output) = &output {
            inner.made_outputs.insert(
                (revision.id.clone(), format.output_format.clone()),
                output.clone(),
            );
        }
        if let Some(request) = inner.output_requests.get_mut(&request_id) {
            request.pct_complete = 100;
            match output {
                Ok(output) => {
                    request.status = JobStatus::Complete;
                    request.output = Some(output);
                }
                Err(message) => {
                    request.status = JobStatus::Failed;
                    request.error = Some(message);
                }
            }
        }
    });
}

fn set_progress(state: &SandboxState, request_id: &str, pct: u32) {
    if let Some(request) = state.lock().output_requests.get_mut(request_id) {
        request.status = if pct == 0 {
            JobStatus::Pending
        } else {
            JobStatus::InProgress
        };
        request.pct_complete = pct;
    }
}

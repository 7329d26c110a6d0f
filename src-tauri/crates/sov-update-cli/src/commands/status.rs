//! `sov-update status`: look at an update, wait for it, or collect its outputs (also an update
//! whose `run` was interrupted with Ctrl-C).

use std::sync::{Arc, Mutex};

use sov_update::{
    ErrorKind, Job, PollConfig, ProgressCallback, ResumeSpec, SovFixerClient, UpdateError,
    UpdateStatus,
};

use super::run::download_dir;
use super::{deadline_message, fail, resume_command};
use crate::cli::{GlobalOptions, StatusArgs};
use crate::connection::{connect, Failure};
use crate::events::{ErrorInfo, Event, OutputInfo, Summary, Tracker};
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;
use crate::watcher::Watcher;

const COMMAND: &str = "status";

pub async fn status(
    global: &GlobalOptions,
    args: StatusArgs,
    out: &Output,
    interrupt: &Interrupt,
) -> u8 {
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return fail(out, COMMAND, exit_code, error),
    };
    if out.verbose() >= 2 {
        out.note(&connection.description);
    }
    let client = connection.client;
    let poll = PollConfig {
        deadline: args.deadline.or(PollConfig::default().deadline),
        ..PollConfig::default()
    };
    let mut summary = Summary::new(COMMAND, "running", exit_code::DONE);
    summary.update_id = Some(args.update_id.clone());
    if args.download && !args.wait {
        // Collect only what is already finished; waiting is what --wait is for.
        let current = match lookup(&client, &args.update_id, interrupt).await {
            Ok(current) => current,
            Err(error) => return finish_with_error(out, summary, &error, global, &args),
        };
        if !current.request.status.is_terminal() {
            summary.exit_code = exit_code::TIMED_OUT;
            summary.outcome = "running".to_owned();
            summary.server_status = Some(current.request.status.as_str().to_owned());
            summary.error = Some(ErrorInfo::local(
                "not_finished",
                format!(
                    "Update {} is still {}, so there is nothing to download yet. Add --wait to wait for it to finish.",
                    args.update_id,
                    current.request.status.as_str()
                ),
            ));
            summary.resume_command =
                Some(resume_command(global, &args.update_id, args.out.as_deref()));
            out.finish(summary);
            return exit_code::TIMED_OUT;
        }
    }
    if args.download {
        return collect(client, poll, global, args, out, interrupt, summary).await;
    }
    let status = if args.wait {
        wait_until_finished(client, &args.update_id, poll, out, interrupt).await
    } else {
        lookup(&client, &args.update_id, interrupt).await
    };
    match status {
        Ok(status) => describe(out, summary, &status),
        Err(error) => finish_with_error(out, summary, &error, global, &args),
    }
}

/// `--download`: the engine polls (until the deadline) and downloads every output.
async fn collect(
    client: SovFixerClient,
    poll: PollConfig,
    global: &GlobalOptions,
    args: StatusArgs,
    out: &Output,
    interrupt: &Interrupt,
    mut summary: Summary,
) -> u8 {
    let download_dir = match download_dir(args.out.as_deref()) {
        Ok(dir) => dir,
        Err(failure) => return fail(out, COMMAND, failure.exit_code, failure.error),
    };
    let watcher = Arc::new(Watcher::new(out.clone(), None));
    let callback_watcher = watcher.clone();
    let callback: ProgressCallback = Arc::new(move |progress| callback_watcher.observe(progress));
    let job = Job::new(client, poll, callback, interrupt.child_token());
    let spec = ResumeSpec {
        update_id: args.update_id.clone(),
        download_dir,
        ..ResumeSpec::default()
    };
    match job.resume(spec).await {
        Ok(outcome) => {
            summary.outcome = "done".to_owned();
            summary.server_status = watcher.server_status();
            summary.outputs = outcome.outputs.iter().map(OutputInfo::from).collect();
            super::record_rows_not_applied(&mut summary, outcome.rows_not_applied);
            let code = summary.exit_code;
            out.finish(summary);
            code
        }
        Err(failure) => {
            summary.outputs = watcher.saved_outputs();
            summary.server_status = watcher.server_status();
            finish_with_error(out, summary, &failure.error, global, &args)
        }
    }
}

async fn lookup(
    client: &SovFixerClient,
    update_id: &str,
    interrupt: &Interrupt,
) -> Result<UpdateStatus, UpdateError> {
    tokio::select! {
        biased;
        _ = interrupt.pressed() => Err(UpdateError::cancelled()),
        status = client.status(update_id) => status,
    }
}

/// `--wait` without `--download`: the engine polls until the update finishes and hands back its
/// final status for the summary; only the processing events are printed, as for a plain `status`.
async fn wait_until_finished(
    client: SovFixerClient,
    update_id: &str,
    poll: PollConfig,
    out: &Output,
    interrupt: &Interrupt,
) -> Result<UpdateStatus, UpdateError> {
    let tracker = Mutex::new(Tracker::default());
    let printer = out.clone();
    let callback: ProgressCallback = Arc::new(move |progress| {
        let events = match tracker.lock() {
            Ok(mut tracker) => tracker.changes(progress),
            Err(poisoned) => poisoned.into_inner().changes(progress),
        };
        for event in events {
            if matches!(event, Event::Processing { .. }) {
                printer.event(&event);
            }
        }
    });
    Job::new(client, poll, callback, interrupt.child_token())
        .watch(update_id)
        .await
        .map_err(|failure| failure.error)
}

/// The summary of a looked-up update: running, done (with its outputs listed) or failed.
fn describe(out: &Output, mut summary: Summary, status: &UpdateStatus) -> u8 {
    let request = &status.request;
    summary.server_status = Some(request.status.as_str().to_owned());
    let mut line = format!(
        "Update {}: {}",
        summary.update_id.as_deref().unwrap_or(""),
        request.status.as_str()
    );
    if let Some(pct) = request.pct_complete {
        line.push_str(&format!(" {pct:.0} %"));
    }
    if let Some(health) = request
        .last_health_status
        .as_deref()
        .filter(|h| !h.trim().is_empty())
    {
        line.push_str(&format!(" ({health})"));
    }
    out.result(&line);
    match &status.result {
        Some(result) if result.is_success() && request.status.as_str() == "COMPLETE" => {
            summary.outcome = "done".to_owned();
            for output in &result.outputs {
                let listed = OutputInfo::listed(output);
                let line = format!(
                    "  {}  {}",
                    listed.filename,
                    listed.description.as_deref().unwrap_or("")
                );
                out.result(line.trim_end());
                summary.outputs.push(listed);
            }
            summary.note = Some("Add --download to save the outputs.".to_owned());
        }
        Some(result) if request.status.is_terminal() => {
            let error = UpdateError::new(
                ErrorKind::JobFailed {
                    status: result.status.clone().unwrap_or_else(|| "FAILED".to_owned()),
                    message: result
                        .message
                        .clone()
                        .unwrap_or_else(|| "no reason given".to_owned()),
                },
                serde_json::to_string(status).unwrap_or_default(),
            );
            summary.outcome = "failed".to_owned();
            summary.exit_code = exit_code::JOB_FAILED;
            summary.error = Some(ErrorInfo::from_update_error(&error, None));
        }
        _ if request.status.is_terminal() => {
            summary.outcome = "failed".to_owned();
            summary.exit_code = exit_code::JOB_FAILED;
            summary.error = Some(ErrorInfo::local(
                "job_failed",
                format!(
                    "The update ended {} without a result. Start a new update.",
                    request.status.as_str()
                ),
            ));
        }
        _ => summary.outcome = "running".to_owned(),
    }
    let code = summary.exit_code;
    out.finish(summary);
    code
}

fn finish_with_error(
    out: &Output,
    mut summary: Summary,
    error: &UpdateError,
    global: &GlobalOptions,
    args: &StatusArgs,
) -> u8 {
    let code = exit_code::for_error(error);
    summary.exit_code = code;
    summary.outcome = exit_code::outcome_word(code).to_owned();
    let mut info = ErrorInfo::from_update_error(error, None);
    if code == exit_code::TIMED_OUT {
        deadline_message(&mut info, summary.update_id.as_deref());
    }
    summary.error = Some(info);
    if matches!(
        code,
        exit_code::CANCELLED | exit_code::TIMED_OUT | exit_code::NETWORK
    ) {
        if let Some(update_id) = &summary.update_id {
            summary.note = Some(format!("Update {update_id} keeps running on SOV Fixer."));
            summary.resume_command = Some(resume_command(global, update_id, args.out.as_deref()));
        }
    }
    out.finish(summary);
    code
}

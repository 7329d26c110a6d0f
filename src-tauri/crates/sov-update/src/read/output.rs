//! Waiting for a get_or_create_output request: the engine's poll schedule, a deadline, cancellation.

use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::{OutputAnswer, OutputResult};
use crate::client::{RequestStatus, SovFixerClient};
use crate::engine::PollConfig;
use crate::error::{ErrorKind, UpdateError};

/// Polls `answer`'s request until it is COMPLETE (its result, which names a URL) or FAILED (an
/// `output_failed` error), with `poll`'s back-off and deadline. Cancelling stops at once.
pub async fn wait_for_output(
    client: &SovFixerClient,
    mut answer: OutputAnswer,
    poll: &PollConfig,
    cancel: &CancellationToken,
) -> Result<OutputResult, UpdateError> {
    let began = Instant::now();
    let mut polls = 0;
    loop {
        match &answer.request.status {
            RequestStatus::Complete => return finished(answer),
            RequestStatus::Failed => return Err(failed(&answer)),
            _ => {}
        }
        let wait = poll.interval(polls);
        if let Some(deadline) = poll.deadline {
            if began.elapsed() + wait > deadline {
                return Err(UpdateError::new(
                    ErrorKind::TimedOut,
                    format!(
                        "output request {} still {} after {:?}",
                        answer.request.id,
                        answer.request.status.as_str(),
                        began.elapsed()
                    ),
                ));
            }
        }
        tokio::select! {
            () = cancel.cancelled() => return Err(UpdateError::cancelled()),
            () = tokio::time::sleep(wait) => {}
        }
        let request_id = answer.request.id.clone();
        answer = tokio::select! {
            () = cancel.cancelled() => return Err(UpdateError::cancelled()),
            polled = client.output_request(&request_id) => polled?,
        };
        polls += 1;
    }
}

fn finished(answer: OutputAnswer) -> Result<OutputResult, UpdateError> {
    let id = answer.request.id.clone();
    match answer.result {
        Some(result) if result.is_failure() => Err(failed_result(&id, &result)),
        Some(result) if result.url().is_some() => Ok(result),
        _ => Err(UpdateError::new(
            ErrorKind::ServerError { status: None },
            format!("output request {id} is COMPLETE but names no file URL"),
        )),
    }
}

fn failed(answer: &OutputAnswer) -> UpdateError {
    match &answer.result {
        Some(result) => failed_result(&answer.request.id, result),
        None => UpdateError::new(
            ErrorKind::OutputFailed {
                message: "no reason given".to_owned(),
            },
            format!("output request {} FAILED", answer.request.id),
        ),
    }
}

fn failed_result(id: &str, result: &OutputResult) -> UpdateError {
    let reason = result
        .message
        .clone()
        .or_else(|| result.status.clone())
        .unwrap_or_else(|| "no reason given".to_owned());
    UpdateError::new(
        ErrorKind::OutputFailed {
            message: reason.clone(),
        },
        format!(
            "output request {id} failed: {} {reason}",
            result.status.as_deref().unwrap_or("")
        ),
    )
}

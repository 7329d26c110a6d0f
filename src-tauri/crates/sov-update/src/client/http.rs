//! Reading answers, and the careful start.

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error_mapping::{error_from_response, error_from_transport, unreadable_success};
use super::{retry, SovFixerClient, StartOutcome, StartRequest};
use crate::error::{Resource, UpdateError};

/// Why a POST that must not be repeated blindly failed.
pub(crate) enum PostFailure {
    /// The server answered with an error status.
    Answered(UpdateError, StatusCode),
    /// No complete answer arrived: the request may or may not have been processed.
    Transport(reqwest::Error),
}

impl PostFailure {
    pub(crate) fn into_error(self) -> UpdateError {
        match self {
            Self::Answered(error, _) => error,
            Self::Transport(error) => error_from_transport(&error),
        }
    }
}

/// Parses a 2xx JSON body; anything else (an HTML page from a proxy) is a clear error, never a panic.
pub(crate) async fn read_json<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, UpdateError> {
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| error_from_transport(&e))?;
    serde_json::from_slice(&body).map_err(|e| unreadable_success(status, &body, &e.to_string()))
}

/// Like `read_json`, for answers whose body carries nothing we need (`{"message": "OK"}`): an
/// empty or unexpected body after a 2xx still counts as success.
pub(crate) async fn read_json_or_default<T: DeserializeOwned + Default>(
    response: reqwest::Response,
) -> Result<T, UpdateError> {
    let body = response
        .bytes()
        .await
        .map_err(|e| error_from_transport(&e))?;
    Ok(serde_json::from_slice(&body).unwrap_or_default())
}

/// Reads an error answer's body (best effort) and maps it.
pub(crate) async fn error_of(response: reqwest::Response, subject: Resource) -> UpdateError {
    let status = response.status();
    let retry_after = retry::retry_after(response.headers());
    let body = response.bytes().await.unwrap_or_default();
    error_from_response(status, &body, retry_after, subject)
}

/// Statuses after which a start may or may not have happened (a proxy can time out after the
/// backend committed).
fn is_ambiguous(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 500 | 502 | 503 | 504)
}

/// Most starts tried, including the first; only reached after ambiguous failures with the
/// update still PENDING.
const MAX_START_TRIES: u32 = 3;

/// Start an update at most once. After an ambiguous failure, the status decides: an update that
/// left PENDING was started. One still PENDING may be queued or not started; a repeat is then
/// safe because the service refuses a second start with 409, which we read as "already started".
pub(crate) async fn start_with_check(
    client: &SovFixerClient,
    update_id: &str,
    request: &StartRequest,
) -> Result<StartOutcome, UpdateError> {
    let url = client.endpoint(&["sov", "update", update_id, "start"]);
    let subject = Resource::Update(update_id.to_owned());
    let mut after_ambiguous = false;
    let mut attempt = 1;
    loop {
        let post = client
            .post_unrepeatable(
                || client.http.post(url.clone()).json(request),
                subject.clone(),
            )
            .await;
        let failure = match post {
            Ok(answer) => {
                let _ = answer.response.bytes().await;
                return Ok(StartOutcome::Started);
            }
            Err(PostFailure::Answered(_, StatusCode::CONFLICT)) if after_ambiguous => {
                return Ok(StartOutcome::ConfirmedByStatus);
            }
            Err(PostFailure::Answered(error, status)) if !is_ambiguous(status) => {
                return Err(error)
            }
            Err(failure) => failure.into_error(),
        };
        tracing::debug!(
            update_id,
            "start answer lost ({}); checking the status",
            failure.detail()
        );
        after_ambiguous = true;
        match client.status(update_id).await {
            Ok(status) if status.request.status != super::RequestStatus::Pending => {
                return Ok(StartOutcome::ConfirmedByStatus);
            }
            Ok(_) if attempt < MAX_START_TRIES => {}
            // Still pending after every try, or the status cannot be read: report the start's failure.
            _ => return Err(failure),
        }
        tokio::time::sleep(client.retry.backoff(attempt)).await;
        attempt += 1;
    }
}

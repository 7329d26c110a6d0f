//! The reading side of the API (§14): finding SOVs, their revisions, one building, and the
//! current data of an SOV. Apart from the update workflow; shares only the client's transport
//! (retries, timeouts, connection slots, error mapping).

mod current;
mod output;
mod query;
mod types;

use serde_json::{Map, Value};

pub use current::{CurrentData, CurrentDataSource};
pub use output::wait_for_output;
pub use query::{ActivityQuery, Cursor, HistoryQuery, SovStatus, UtcStamp, MAX_PAGE_SIZE};
pub use types::*;

use crate::client::SovFixerClient;
use crate::error::{ErrorKind, Resource, UpdateError};

impl SovFixerClient {
    /// `GET /sov/activity`: one page of SOVs, most recent first. Retried like every GET.
    pub async fn list_activity(&self, query: &ActivityQuery) -> Result<ActivityPage, UpdateError> {
        let mut url = self.endpoint(&["sov", "activity"]);
        url.query_pairs_mut().extend_pairs(query.pairs());
        self.get_json(url, Resource::Endpoint)
            .await
            .map_err(|error| cursor_gone(error, query.cursor.is_some()))
    }

    /// One SOV by id through `/sov/activity?id=…`, or `not_found` when the service lists none.
    pub async fn sov_summary(&self, sov_id: &str) -> Result<SovSummary, UpdateError> {
        let sov_id = require(sov_id, "SOV id")?;
        let query = ActivityQuery {
            id: Some(sov_id.to_owned()),
            ..ActivityQuery::default()
        };
        let page = self.list_activity(&query).await?;
        page.results
            .into_iter()
            .find(|sov| sov.id == sov_id)
            .ok_or_else(|| {
                UpdateError::new(
                    ErrorKind::NotFound(Resource::Sov(sov_id.to_owned())),
                    format!("/sov/activity?id={sov_id} listed no such SOV"),
                )
            })
    }

    /// `GET /sov/history`: one page of completed and failed SOVs and updates.
    pub async fn list_history(&self, query: &HistoryQuery) -> Result<HistoryPage, UpdateError> {
        let mut url = self.endpoint(&["sov", "history"]);
        url.query_pairs_mut().extend_pairs(query.pairs());
        self.get_json(url, Resource::Endpoint)
            .await
            .map_err(|error| cursor_gone(error, query.cursor_id.is_some()))
    }

    /// `POST /sov/{id}/get_or_create_output`. Asking again is harmless while
    /// `overwrite_existing` is false (the service answers from its cache or with the request
    /// already under way), so then a lost answer is asked again like a GET; with
    /// `overwrite_existing` only a request that provably never arrived is repeated.
    pub async fn get_or_create_output(
        &self,
        id: &str,
        request: &OutputRequest,
    ) -> Result<OutputAnswer, UpdateError> {
        let id = require(id, "SOV or update id")?;
        let url = self.endpoint(&["sov", id, "get_or_create_output"]);
        let subject = Resource::Sov(id.to_owned());
        let mut attempt = 1;
        loop {
            let post = self
                .post_unrepeatable(
                    || self.http().post(url.clone()).json(request),
                    subject.clone(),
                )
                .await;
            let error = match post {
                Ok(answer) => return crate::client::read_json(answer.response).await,
                Err(failure) => failure.into_error(),
            };
            let repeatable = !request.overwrite_existing && error.is_transient();
            if !repeatable || attempt >= self.retry_policy().max_attempts {
                return Err(error);
            }
            tokio::time::sleep(self.retry_policy().backoff(attempt)).await;
            attempt += 1;
        }
    }

    /// `GET /sov/get_or_create_output/{request_id}`: how an output request is getting on.
    pub async fn output_request(&self, request_id: &str) -> Result<OutputAnswer, UpdateError> {
        let request_id = require(request_id, "output request id")?;
        let url = self.endpoint(&["sov", "get_or_create_output", request_id]);
        self.get_json(url, Resource::Output(request_id.to_owned()))
            .await
    }

    /// `GET /building/{item_key}`: one building's data as the service holds it now.
    pub async fn building(&self, item_key: &str) -> Result<Map<String, Value>, UpdateError> {
        let item_key = require(item_key, "building key")?;
        let url = self.endpoint(&["building", item_key]);
        self.get_json(url, Resource::Building(item_key.to_owned()))
            .await
    }
}

/// A 404 to a paged request that named a cursor means the cursor's item is gone (DRF answers
/// "Invalid cursor"), not that the endpoint is missing: say to start from the first page.
fn cursor_gone(error: UpdateError, had_cursor: bool) -> UpdateError {
    if had_cursor && matches!(error.kind(), ErrorKind::NotFound(_)) {
        return UpdateError::new(
            ErrorKind::InvalidInput {
                reason: "The place in the list you were paging through no longer exists (the list changed \
                         meanwhile). Start again from the first page."
                    .to_owned(),
            },
            error.detail().to_owned(),
        );
    }
    error
}

fn require<'a>(id: &'a str, what: &str) -> Result<&'a str, UpdateError> {
    let trimmed = id.trim();
    if trimmed.is_empty() {
        return Err(UpdateError::new(
            ErrorKind::InvalidInput {
                reason: format!("The {what} is empty."),
            },
            format!("empty {what}"),
        ));
    }
    Ok(trimmed)
}

//! Typed client for the SOV Fixer update workflow.

mod environment;
mod error_mapping;
mod http;
mod retry;
mod slots;
mod token;
mod types;
mod upload;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::StatusCode;
use url::Url;

pub use environment::Environment;
pub use retry::RetryPolicy;
pub use token::ApiToken;
pub use types::*;
pub use upload::{BytesSent, FileUpload, UploadSource};

use crate::error::{ErrorKind, Resource, UpdateError};
use http::PostFailure;
use slots::{Answer, ConnectionSlots};

/// Everything needed to talk to one SOV Fixer deployment.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub environment: Environment,
    pub token: ApiToken,
    pub connect_timeout: Duration,
    /// Longest silence between two reads; there is deliberately no total timeout, so a large
    /// download on a slow line is never cut off while bytes keep arriving.
    pub read_timeout: Duration,
    pub retry: RetryPolicy,
    /// Most requests in flight at once, across every clone of the client (so at most this many
    /// connections are open to the service); further requests wait their turn.
    pub max_connections: usize,
}

/// What a browser allows per host: enough for a job's downloads beside another job's polls.
pub const DEFAULT_MAX_CONNECTIONS: usize = 6;

impl ClientConfig {
    pub fn new(environment: Environment, token: ApiToken) -> Self {
        Self {
            environment,
            token,
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(90),
            retry: RetryPolicy::default(),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// How `start` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOutcome {
    /// The server answered the start with success.
    Started,
    /// The answer was lost (dropped connection, timeout, gateway error), but the update's status
    /// shows it was started; it is never started a second time.
    ConfirmedByStatus,
}

/// A cheap-to-clone handle; clones share one connection pool.
#[derive(Clone)]
pub struct SovFixerClient {
    http: reqwest::Client,
    base: Url,
    token: ApiToken,
    retry: RetryPolicy,
    slots: ConnectionSlots,
}

impl std::fmt::Debug for SovFixerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SovFixerClient")
            .field("base", &self.base.as_str())
            .field("token", &self.token)
            .finish()
    }
}

impl SovFixerClient {
    pub fn new(config: ClientConfig) -> Result<Self, UpdateError> {
        // Another part of the process may have installed the provider already; that is fine.
        // ring, deliberately: it cross-builds for Windows with mingw alone (aws-lc-rs brings its own C toolchain needs);
        // rustls 0.23.48 deprecates it only for lacking post-quantum key exchange.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        if config.token.is_empty() {
            return Err(UpdateError::new(
                ErrorKind::InvalidInput {
                    reason: "No API key is set.".to_owned(),
                },
                "empty API token",
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .user_agent(concat!("sov-updater/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(config.max_connections.max(1))
            .build()
            .map_err(|e| UpdateError::new(ErrorKind::Internal, e.to_string()))?;
        Ok(Self {
            http,
            base: config.environment.api_base(),
            token: config.token,
            retry: config.retry,
            slots: ConnectionSlots::new(config.max_connections),
        })
    }

    /// The API root, ending in `/api/v1/`.
    pub fn api_base(&self) -> &Url {
        &self.base
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// `POST /sov/{sovid}/initiate_update`. Never repeated after the request may have reached the
    /// server: a repeat could create a second update job.
    pub async fn initiate_update(
        &self,
        sov_id: &str,
        request: &InitiateUpdateRequest,
    ) -> Result<InitiateUpdateResponse, UpdateError> {
        require_id(sov_id, "SOV id")?;
        let url = self.endpoint(&["sov", sov_id, "initiate_update"]);
        let subject = Resource::Sov(sov_id.to_owned());
        let answer = self
            .post_unrepeatable(
                || self.http.post(url.clone()).json(request),
                subject.clone(),
            )
            .await
            .map_err(PostFailure::into_error)?;
        http::read_json(answer.response).await
    }

    /// `POST /sov/update/{id}/add_locations`, streaming `source` as the multipart field `file`.
    /// Repeated only when the connection failed before a single byte was sent.
    pub async fn add_locations(
        &self,
        update_id: &str,
        source: &dyn UploadSource,
        on_bytes: Option<BytesSent>,
    ) -> Result<MessageResponse, UpdateError> {
        self.add_locations_delegated(update_id, source, None, on_bytes)
            .await
    }

    /// `add_locations` on behalf of another team: `delegate_to_team`, when given, is sent as a
    /// text field next to `file`.
    pub async fn add_locations_delegated(
        &self,
        update_id: &str,
        source: &dyn UploadSource,
        delegate_to_team: Option<&str>,
        on_bytes: Option<BytesSent>,
    ) -> Result<MessageResponse, UpdateError> {
        require_id(update_id, "update id")?;
        let url = self.endpoint(&["sov", "update", update_id, "add_locations"]);
        let subject = Resource::Update(update_id.to_owned());
        let mut attempt = 1;
        loop {
            let sent = Arc::new(AtomicU64::new(0));
            let read_failure = upload::ReadFailure::default();
            let form = upload::multipart_form(
                source,
                delegate_to_team,
                sent.clone(),
                read_failure.clone(),
                on_bytes.clone(),
            )?;
            let request = self.authorized(self.http.post(url.clone())).multipart(form);
            let slot = self.slots.acquire().await;
            let failure = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    return http::read_json_or_default(response).await;
                }
                Ok(response) => {
                    return Err(http::error_of(response, subject)
                        .await
                        .with_file(source.file_name()));
                }
                Err(error) => error,
            };
            drop(slot);
            if let Some(reason) = read_failure.lock().ok().and_then(|slot| slot.clone()) {
                return Err(UpdateError::new(
                    ErrorKind::FileError {
                        path: source.file_name().to_owned(),
                        reason: reason.clone(),
                    },
                    format!("reading the file failed while sending: {reason}"),
                ));
            }
            let never_sent = failure.is_connect() && sent.load(Ordering::SeqCst) == 0;
            if !never_sent || attempt >= self.retry.max_attempts {
                return Err(error_mapping::error_from_transport(&failure));
            }
            tokio::time::sleep(self.retry.backoff(attempt)).await;
            attempt += 1;
        }
    }

    /// `POST /sov/update/{id}/start`. Never starts an update twice: after an ambiguous failure it
    /// asks for the update's status instead of repeating the start (see `http::start_with_check`).
    pub async fn start(
        &self,
        update_id: &str,
        request: &StartRequest,
    ) -> Result<StartOutcome, UpdateError> {
        require_id(update_id, "update id")?;
        http::start_with_check(self, update_id, request).await
    }

    /// `GET /sov/update/{id}`, retried on connection errors, 429, 502, 503 and 504.
    pub async fn status(&self, update_id: &str) -> Result<UpdateStatus, UpdateError> {
        require_id(update_id, "update id")?;
        let url = self.endpoint(&["sov", "update", update_id]);
        self.get_json(url, Resource::Update(update_id.to_owned()))
            .await
    }

    /// `GET /output_formats?sovid=…`: the formats this SOV's organization may request.
    pub async fn list_output_formats(
        &self,
        sov_id: Option<&str>,
    ) -> Result<Vec<OutputFormat>, UpdateError> {
        let mut url = self.endpoint(&["output_formats"]);
        let subject = match sov_id.map(str::trim).filter(|id| !id.is_empty()) {
            Some(id) => {
                url.query_pairs_mut().append_pair("sovid", id);
                Resource::Sov(id.to_owned())
            }
            None => Resource::Endpoint,
        };
        let list: OutputFormatList = self.get_json(url, subject).await?;
        Ok(list.output_formats)
    }

    /// `GET /sov/history/{id}` for an SOV or update id.
    pub async fn history(&self, id: &str) -> Result<HistoryRecord, UpdateError> {
        require_id(id, "SOV or update id")?;
        let url = self.endpoint(&["sov", "history", id]);
        let response: HistoryResponse =
            self.get_json(url, Resource::History(id.to_owned())).await?;
        Ok(response.result)
    }

    /// The base URL with percent-encoded path segments appended (ids are opaque strings).
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    pub(crate) fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match HeaderValue::from_str(&self.token.header_value()) {
            Ok(mut value) => {
                value.set_sensitive(true);
                request.header(AUTHORIZATION, value)
            }
            // A key with characters a header cannot carry is sent without auth and answered 401.
            Err(_) => request,
        }
    }

    /// True when `url` is on the API's own origin (scheme, host and port), the only place the
    /// token is ever sent.
    pub(crate) fn is_api_origin(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// Where an output lives by the contract (`/sov/{id}/output/{filename}`), for an output
    /// listed without a URL.
    pub fn output_url(&self, update_id: &str, filename: &str) -> Url {
        self.endpoint(&["sov", update_id, "output", filename])
    }

    /// `output` with its URL filled in (see `output_url`) when the server listed it without one;
    /// an output with neither a URL nor a filename cannot be fetched and is a server error.
    pub fn with_output_url(
        &self,
        update_id: &str,
        mut output: OutputFile,
    ) -> Result<OutputFile, UpdateError> {
        if output.url.trim().is_empty() {
            let Some(filename) = output.filename.as_deref() else {
                return Err(UpdateError::new(
                    ErrorKind::ServerError { status: None },
                    "an output was listed with neither a URL nor a filename",
                ));
            };
            output.url = self.output_url(update_id, filename).to_string();
        }
        Ok(output)
    }

    pub(crate) fn resolve(&self, reference: &str) -> Result<Url, UpdateError> {
        self.base.join(reference.trim()).map_err(|e| {
            UpdateError::new(
                ErrorKind::ServerError { status: None },
                format!("output URL `{reference}` is not usable: {e}"),
            )
        })
    }

    pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        subject: Resource,
    ) -> Result<T, UpdateError> {
        let answer = self.get_with_retries(&url, subject, true).await?;
        http::read_json(answer.response).await
    }

    /// A GET with the retry policy; `with_token` is false for URLs outside the API origin.
    pub(crate) async fn get_with_retries(
        &self,
        url: &Url,
        subject: Resource,
        with_token: bool,
    ) -> Result<Answer, UpdateError> {
        let mut attempt = 1;
        loop {
            let mut request = self.http.get(url.clone());
            if with_token {
                request = self.authorized(request);
            }
            let slot = self.slots.acquire().await;
            let retry_after = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    return Ok(Answer {
                        response,
                        _slot: slot,
                    })
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = retry::retry_after(response.headers());
                    if !retry::is_retryable_status(status) || attempt >= self.retry.max_attempts {
                        return Err(http::error_of(response, subject).await);
                    }
                    retry_after
                }
                Err(error) => {
                    let transient = error.is_connect() || error.is_timeout() || error.is_request();
                    if !transient || attempt >= self.retry.max_attempts {
                        return Err(error_mapping::error_from_transport(&error));
                    }
                    None
                }
            };
            drop(slot);
            let delay = self.retry.delay_after(attempt, retry_after);
            // Only the URL is logged: the token lives in a header that is never printed.
            tracing::debug!(url = %url, attempt, ?delay, "retrying GET");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// A POST that is repeated only when it provably did not reach the server or was refused
    /// unprocessed: a connect error, or a 429 (bounded, honouring `Retry-After`).
    pub(crate) async fn post_unrepeatable(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
        subject: Resource,
    ) -> Result<Answer, PostFailure> {
        let mut attempt = 1;
        loop {
            let slot = self.slots.acquire().await;
            let delay = match self.authorized(build()).send().await {
                Ok(response) if response.status().is_success() => {
                    return Ok(Answer {
                        response,
                        _slot: slot,
                    })
                }
                Ok(response) if response.status() == StatusCode::TOO_MANY_REQUESTS => {
                    let retry_after = retry::retry_after(response.headers());
                    if attempt >= self.retry.max_attempts {
                        return Err(PostFailure::Answered(
                            http::error_of(response, subject).await,
                            StatusCode::TOO_MANY_REQUESTS,
                        ));
                    }
                    self.retry.delay_after(attempt, retry_after)
                }
                Ok(response) => {
                    let status = response.status();
                    return Err(PostFailure::Answered(
                        http::error_of(response, subject).await,
                        status,
                    ));
                }
                Err(error) if error.is_connect() && attempt < self.retry.max_attempts => {
                    self.retry.backoff(attempt)
                }
                Err(error) => return Err(PostFailure::Transport(error)),
            };
            drop(slot);
            tracing::debug!(attempt, ?delay, "repeating a POST that was not processed");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}

fn require_id(id: &str, what: &str) -> Result<(), UpdateError> {
    if id.trim().is_empty() {
        return Err(UpdateError::new(
            ErrorKind::InvalidInput {
                reason: format!("The {what} is empty."),
            },
            format!("empty {what}"),
        ));
    }
    Ok(())
}

pub(crate) use error_mapping::error_from_transport;
pub(crate) use http::read_json;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn client() -> SovFixerClient {
        let env = Environment::custom("http://127.0.0.1:9/").unwrap();
        SovFixerClient::new(ClientConfig::new(env, ApiToken::new("k"))).unwrap()
    }

    #[test]
    fn output_urls_resolve_against_the_api_base() {
        let client = client();
        let resolve = |u: &str| client.resolve(u).unwrap().to_string();
        assert_eq!(
            resolve("/api/v1/sov/s-1-r001/output/a%20b.json"),
            "http://127.0.0.1:9/api/v1/sov/s-1-r001/output/a%20b.json"
        );
        assert_eq!(
            resolve("sov/s-1-r001/output/a.json"),
            "http://127.0.0.1:9/api/v1/sov/s-1-r001/output/a.json"
        );
        assert_eq!(
            resolve("https://files.example/x.json"),
            "https://files.example/x.json"
        );
        assert!(client.is_api_origin(&client.resolve("/x").unwrap()));
        assert!(!client.is_api_origin(&client.resolve("http://127.0.0.1:10/x").unwrap()));
        assert_eq!(
            client
                .output_url("s-1-r001", "Acme Corp/2026.json")
                .as_str(),
            "http://127.0.0.1:9/api/v1/sov/s-1-r001/output/Acme%20Corp%2F2026.json"
        );
    }

    #[test]
    fn ids_are_percent_encoded_path_segments() {
        let client = client();
        assert_eq!(
            client
                .endpoint(&["sov", "a/../b c", "initiate_update"])
                .as_str(),
            "http://127.0.0.1:9/api/v1/sov/a%2F..%2Fb%20c/initiate_update"
        );
    }

    #[test]
    fn an_empty_key_is_refused_up_front() {
        let env = Environment::Prod;
        let error = SovFixerClient::new(ClientConfig::new(env, ApiToken::new("  "))).unwrap_err();
        assert_eq!(error.code(), sov_error::Code::InvalidInput);
    }
}

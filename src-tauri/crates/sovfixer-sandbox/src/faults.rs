//! Fault injection: per-endpoint latency, error answers, dropped downloads and forced failures.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The API endpoints a fault can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    InitiateUpdate,
    AddLocations,
    Start,
    Status,
    Download,
    OutputFormats,
    History,
    Activity,
    GetOrCreateOutput,
    OutputRequest,
    Building,
}

impl Endpoint {
    pub const ALL: [Endpoint; 11] = [
        Endpoint::InitiateUpdate,
        Endpoint::AddLocations,
        Endpoint::Start,
        Endpoint::Status,
        Endpoint::Download,
        Endpoint::OutputFormats,
        Endpoint::History,
        Endpoint::Activity,
        Endpoint::GetOrCreateOutput,
        Endpoint::OutputRequest,
        Endpoint::Building,
    ];

    /// Which endpoint an `/api/v1/...` path (without the prefix) belongs to.
    pub fn classify(method: &str, api_path: &str) -> Option<Endpoint> {
        let segments: Vec<&str> = api_path.trim_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("POST", ["sov", _, "initiate_update"]) => Some(Endpoint::InitiateUpdate),
            ("POST", ["sov", "update", _, "add_locations"]) => Some(Endpoint::AddLocations),
            ("POST", ["sov", "update", _, "start"]) => Some(Endpoint::Start),
            ("GET", ["sov", "update", _]) => Some(Endpoint::Status),
            ("GET", ["sov", _, "output", ..]) => Some(Endpoint::Download),
            ("GET", ["output_formats"]) => Some(Endpoint::OutputFormats),
            ("GET", ["sov", "history", ..]) => Some(Endpoint::History),
            ("GET", ["sov", "activity"]) => Some(Endpoint::Activity),
            ("POST", ["sov", _, "get_or_create_output"]) => Some(Endpoint::GetOrCreateOutput),
            ("GET", ["sov", "get_or_create_output", _]) => Some(Endpoint::OutputRequest),
            ("GET", ["building", ..]) => Some(Endpoint::Building),
            _ => None,
        }
    }
}

/// A forced end of processing: the job finishes FAILED with this result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForcedFailure {
    #[serde(default = "default_failed_status")]
    pub status: String,
    #[serde(default = "default_failed_message")]
    pub message: String,
}

fn default_failed_status() -> String {
    "FAILED_TO_PROCESS".to_string()
}

fn default_failed_message() -> String {
    "Processing failed (failure injected by the sandbox).".to_string()
}

/// What goes wrong on one endpoint. Every field is optional; an empty fault changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fault {
    /// Added before the request is handled.
    pub latency_ms: u64,
    /// Added after the request was handled, before the answer goes out: the work is done at once but its
    /// answer may come after the client gave up (a start that committed while the client timed out).
    pub answer_delay_ms: u64,
    /// Status of injected errors: 502 (HTML body), 503, 429 (with Retry-After) or any other. Default 503.
    pub error_status: Option<u16>,
    /// The next N requests get the error, then the endpoint works again.
    pub error_count: u32,
    /// Probability (0..=1) that a request gets the error.
    pub error_rate: f64,
    /// `Retry-After` seconds sent with 429 (and 503) errors.
    pub retry_after_s: Option<u64>,
    /// The injected answer's body instead of the usual one for its status (`text/html` when it starts with
    /// `<`, else `application/json`): a captive portal's page with a 200, say.
    pub error_body: Option<String>,
    /// Downloads only: the connection is cut after this many body bytes.
    pub drop_after_bytes: Option<u64>,
    /// `start` or `status`: the job ends FAILED with this result instead of producing outputs.
    pub force_failed: Option<ForcedFailure>,
    /// The injected error is sent *after* the request was handled (its state change happened): a proxy
    /// failing after the backend committed. Without it the error replaces the handling.
    pub after_commit: bool,
    /// Answer `302 Found` with this `Location` instead of handling the request (after the token check); `{path}`
    /// in it becomes the request's path.
    pub redirect_to: Option<String>,
    /// Downloads only: send the body in chunks of this many bytes…
    pub slow_chunk_bytes: Option<u64>,
    /// …with this pause between chunks (a slow link).
    pub slow_pause_ms: u64,
}

pub const DEFAULT_ERROR_STATUS: u16 = 503;

/// An error the sandbox answers instead of handling the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectedError {
    pub status: u16,
    pub retry_after_s: Option<u64>,
    pub body: Option<String>,
}

/// The decision for one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultPlan {
    pub latency: Duration,
    pub answer_delay: Duration,
    pub error: Option<InjectedError>,
    /// Send `error` after handling the request instead of in its place.
    pub after_commit: bool,
    pub redirect_to: Option<String>,
    pub drop_after_bytes: Option<u64>,
    /// Chunk size and pause of a slow download.
    pub slow: Option<(u64, Duration)>,
}

/// The faults in force, with the remaining error counts, and the scripted one-request faults.
#[derive(Debug, Clone, Default)]
pub struct FaultBook {
    faults: HashMap<Endpoint, Fault>,
    /// Each entry applies to exactly one request, in order, before the standing fault.
    queued: HashMap<Endpoint, VecDeque<Fault>>,
}

impl FaultBook {
    pub fn set(&mut self, endpoint: Endpoint, fault: Option<Fault>) {
        match fault {
            Some(fault) => {
                self.faults.insert(endpoint, fault);
            }
            None => {
                self.faults.remove(&endpoint);
            }
        }
    }

    pub fn get(&self, endpoint: Endpoint) -> Option<&Fault> {
        self.faults.get(&endpoint)
    }

    pub fn all(&self) -> &HashMap<Endpoint, Fault> {
        &self.faults
    }

    pub fn clear(&mut self) {
        self.faults.clear();
        self.queued.clear();
    }

    /// Scripts the next requests to `endpoint`: the first gets `faults[0]`, the second `faults[1]`, … (a
    /// sequence such as "slow, then 502, then 503"); then the standing fault applies again.
    pub fn queue(&mut self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        self.queued.entry(endpoint).or_default().extend(faults);
    }

    /// The scripted faults not used yet.
    pub fn queued(&self) -> &HashMap<Endpoint, VecDeque<Fault>> {
        &self.queued
    }

    /// The forced failure set on `start` or `status`, if any.
    pub fn forced_failure(&self) -> Option<ForcedFailure> {
        [Endpoint::Start, Endpoint::Status]
            .iter()
            .find_map(|e| self.faults.get(e).and_then(|f| f.force_failed.clone()))
    }

    /// Decides what happens to one request, consuming one unit of `error_count` when it fires.
    pub fn plan(&mut self, endpoint: Endpoint, random_unit: f64) -> FaultPlan {
        if let Some(mut scripted) = self.queued.get_mut(&endpoint).and_then(VecDeque::pop_front) {
            // A scripted fault is for this one request: an error status alone makes it fire.
            if scripted.error_status.is_some() {
                scripted.error_count = scripted.error_count.max(1);
            }
            return Self::plan_for(&mut scripted, random_unit);
        }
        let Some(fault) = self.faults.get_mut(&endpoint) else {
            return FaultPlan::default();
        };
        Self::plan_for(fault, random_unit)
    }

    fn plan_for(fault: &mut Fault, random_unit: f64) -> FaultPlan {
        let fires = if fault.error_count > 0 {
            fault.error_count -= 1;
            true
        } else {
            fault.error_rate > 0.0 && random_unit < fault.error_rate
        };
        FaultPlan {
            latency: Duration::from_millis(fault.latency_ms),
            answer_delay: Duration::from_millis(fault.answer_delay_ms),
            error: fires.then(|| InjectedError {
                status: fault.error_status.unwrap_or(DEFAULT_ERROR_STATUS),
                retry_after_s: fault.retry_after_s,
                body: fault.error_body.clone(),
            }),
            after_commit: fault.after_commit,
            redirect_to: fault.redirect_to.clone(),
            drop_after_bytes: fault.drop_after_bytes,
            slow: fault
                .slow_chunk_bytes
                .filter(|&chunk| chunk > 0)
                .map(|chunk| (chunk, Duration::from_millis(fault.slow_pause_ms))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_endpoint() {
        let cases = [
            ("POST", "/sov/s-1/initiate_update", Endpoint::InitiateUpdate),
            (
                "POST",
                "/sov/update/s-1-r001/add_locations",
                Endpoint::AddLocations,
            ),
            ("POST", "/sov/update/s-1-r001/start", Endpoint::Start),
            ("GET", "/sov/update/s-1-r001", Endpoint::Status),
            ("GET", "/sov/s-1-r001/output/a%20b.json", Endpoint::Download),
            ("GET", "/output_formats", Endpoint::OutputFormats),
            ("GET", "/sov/history/s-1", Endpoint::History),
        ];
        for (method, path, expected) in cases {
            assert_eq!(Endpoint::classify(method, path), Some(expected), "{path}");
        }
        assert_eq!(Endpoint::classify("GET", "/sov/s-1/initiate_update"), None);
    }

    #[test]
    fn error_count_runs_out() {
        let mut book = FaultBook::default();
        book.set(
            Endpoint::Status,
            Some(Fault {
                error_status: Some(502),
                error_count: 2,
                ..Fault::default()
            }),
        );
        assert_eq!(
            book.plan(Endpoint::Status, 0.9).error.map(|e| e.status),
            Some(502)
        );
        assert!(book.plan(Endpoint::Status, 0.9).error.is_some());
        assert!(book.plan(Endpoint::Status, 0.0).error.is_none());
        assert!(book.plan(Endpoint::Start, 0.0).error.is_none());
    }

    #[test]
    fn error_rate_uses_the_draw() {
        let mut book = FaultBook::default();
        book.set(
            Endpoint::Download,
            Some(Fault {
                error_rate: 0.5,
                ..Fault::default()
            }),
        );
        assert_eq!(
            book.plan(Endpoint::Download, 0.2).error.map(|e| e.status),
            Some(DEFAULT_ERROR_STATUS)
        );
        assert!(book.plan(Endpoint::Download, 0.7).error.is_none());
    }

    #[test]
    fn queued_faults_apply_once_each_in_order_before_the_standing_one() {
        let mut book = FaultBook::default();
        book.set(
            Endpoint::Status,
            Some(Fault {
                latency_ms: 5,
                ..Fault::default()
            }),
        );
        book.queue(
            Endpoint::Status,
            [
                Fault {
                    latency_ms: 300,
                    ..Fault::default()
                },
                Fault {
                    error_status: Some(502),
                    ..Fault::default()
                },
            ],
        );
        let first = book.plan(Endpoint::Status, 0.9);
        assert_eq!(
            (first.latency, first.error),
            (Duration::from_millis(300), None)
        );
        let second = book.plan(Endpoint::Status, 0.9);
        assert_eq!(second.error.map(|e| e.status), Some(502));
        let third = book.plan(Endpoint::Status, 0.9);
        assert_eq!(
            (third.latency, third.error),
            (Duration::from_millis(5), None)
        );
        assert!(book.queued()[&Endpoint::Status].is_empty());
    }
}

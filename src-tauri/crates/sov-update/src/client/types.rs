//! Request and response bodies of the SOV Fixer update workflow (docs/api-contract.md §5).
//! Responses are deliberately lenient: unknown fields are ignored, optional fields may be absent.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// `update_type` of `initiate_update`: the seven documented values, plus whatever else a server sends.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UpdateType {
    Scrub,
    Air,
    Rms,
    RmsAnalysis,
    Api,
    Complete,
    PingReady,
    Other(String),
}

impl UpdateType {
    pub const DOCUMENTED: [UpdateType; 7] = [
        UpdateType::Scrub,
        UpdateType::Air,
        UpdateType::Rms,
        UpdateType::RmsAnalysis,
        UpdateType::Api,
        UpdateType::Complete,
        UpdateType::PingReady,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Self::Scrub => "SCRUB",
            Self::Air => "AIR",
            Self::Rms => "RMS",
            Self::RmsAnalysis => "RMS_ANALYSIS",
            Self::Api => "API",
            Self::Complete => "COMPLETE",
            Self::PingReady => "PINGREADY",
            Self::Other(other) => other,
        }
    }

    /// The label the vendor's documentation gives each value.
    pub fn label(&self) -> &str {
        match self {
            Self::Scrub => "Scrubber Reoutput",
            Self::Air => "AIR Exports",
            Self::Rms => "RMS Exports",
            Self::RmsAnalysis => "RMS Analysis",
            Self::Api => "API Reoutput",
            Self::Complete => "Scrubbing Complete",
            Self::PingReady => "Ping Ready",
            Self::Other(other) => other,
        }
    }

    pub fn parse(value: &str) -> Self {
        let trimmed = value.trim();
        Self::DOCUMENTED
            .iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(trimmed))
            .cloned()
            .unwrap_or_else(|| Self::Other(trimmed.to_owned()))
    }
}

impl fmt::Display for UpdateType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UpdateType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UpdateType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(Self::parse(&raw))
    }
}

/// Body of `POST /sov/{sovid}/initiate_update`. Absent fields are not sent at all.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitiateUpdateRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_type: Option<UpdateType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ref: Option<String>,
    /// Team uuid to act on behalf of (needs the `delegate` permission; contract §3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegate_to_team: Option<String>,
}

/// Answer of `initiate_update`: the new update (SUD) id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiateUpdateResponse {
    #[serde(default)]
    pub message: String,
    pub id: String,
}

/// The `{"message": "..."}` answer of add_locations and start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageResponse {
    #[serde(default)]
    pub message: String,
}

/// Body of `POST /sov/update/{id}/start`. `extra_data` is always sent (`{}` when empty) because the
/// reference page marks it required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StartRequest {
    pub extra_data: Map<String, Value>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub output_formats: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_terms: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputter_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integrations: Option<Vec<String>>,
    /// Team uuid to act on behalf of (needs the `delegate` permission; contract §3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegate_to_team: Option<String>,
}

/// `request.status`. Anything the contract does not name is kept and treated as still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStatus {
    Pending,
    InProgress,
    Complete,
    Failed,
    Other(String),
}

impl RequestStatus {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "PENDING",
            Self::InProgress => "IN_PROGRESS",
            Self::Complete => "COMPLETE",
            Self::Failed => "FAILED",
            Self::Other(other) => other,
        }
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Complete | Self::Failed)
    }
}

impl Serialize for RequestStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RequestStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(match raw.as_str() {
            "PENDING" => Self::Pending,
            "IN_PROGRESS" => Self::InProgress,
            "COMPLETE" => Self::Complete,
            "FAILED" => Self::Failed,
            _ => Self::Other(raw),
        })
    }
}

/// `GET /sov/update/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateStatus {
    pub request: UpdateRequestInfo,
    /// Absent until `request.status` is terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<UpdateResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateRequestInfo {
    pub status: RequestStatus,
    #[serde(default)]
    pub request_uuid: Option<String>,
    #[serde(default)]
    pub pct_complete: Option<f64>,
    #[serde(default)]
    pub last_health_status: Option<String>,
    #[serde(default)]
    pub last_health_check_time: Option<String>,
    #[serde(default)]
    pub sudid: Option<String>,
    #[serde(default)]
    pub record_type: Option<String>,
    #[serde(default)]
    pub completed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateResult {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub outputs: Vec<OutputFile>,
}

impl UpdateResult {
    pub fn is_success(&self) -> bool {
        self.status.as_deref() == Some("SUCCESS")
    }
}

/// One entry of `result.outputs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    #[serde(default)]
    pub filename: Option<String>,
    /// Absolute or relative to the API base; empty when the server left it out.
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl OutputFile {
    /// The name the output is known by: the server's file name, else its URL.
    pub fn name(&self) -> String {
        self.filename.clone().unwrap_or_else(|| self.url.clone())
    }
}

/// `GET /output_formats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputFormatList {
    #[serde(default)]
    pub output_formats: Vec<OutputFormat>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFormat {
    pub output_format: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub output_extension: Option<String>,
    #[serde(default)]
    pub is_public: bool,
}

/// `GET /sov/history/{id}`: the documented fields are typed, everything else is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryResponse {
    pub result: HistoryRecord,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    #[serde(default)]
    pub sovid: Option<String>,
    #[serde(default)]
    pub previous_sovid: Option<String>,
    #[serde(default)]
    pub original_sovid: Option<String>,
    #[serde(default)]
    pub sheet_name: Option<String>,
    #[serde(default)]
    pub error_message: Option<String>,
    #[serde(default)]
    pub outputs: Vec<HistoryOutput>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryOutput {
    pub url: String,
    #[serde(default)]
    pub output_format: Option<String>,
    #[serde(default)]
    pub completed_time: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn update_type_round_trips_known_and_unknown_values() {
        for known in UpdateType::DOCUMENTED {
            let text = serde_json::to_string(&known).unwrap();
            assert_eq!(serde_json::from_str::<UpdateType>(&text).unwrap(), known);
        }
        let other: UpdateType = serde_json::from_str("\"READY_FOR_REVIEW\"").unwrap();
        assert_eq!(other, UpdateType::Other("READY_FOR_REVIEW".into()));
        assert_eq!(UpdateType::parse("scrub"), UpdateType::Scrub);
    }

    #[test]
    fn status_without_result_and_with_unknown_status_parses() {
        let body = json!({"request": {"status": "ENRICHING", "pct_complete": null}});
        let status: UpdateStatus = serde_json::from_value(body).unwrap();
        assert_eq!(
            status.request.status,
            RequestStatus::Other("ENRICHING".into())
        );
        assert!(!status.request.status.is_terminal());
        assert!(status.result.is_none());
    }

    #[test]
    fn start_request_always_carries_extra_data() {
        let body = serde_json::to_value(StartRequest::default()).unwrap();
        assert_eq!(body, json!({"extra_data": {}}));
    }

    #[test]
    fn delegate_to_team_is_sent_only_when_given() {
        let plain = serde_json::to_value(InitiateUpdateRequest::default()).unwrap();
        assert_eq!(plain, json!({}));
        let delegated = InitiateUpdateRequest {
            delegate_to_team: Some("team-1".into()),
            ..InitiateUpdateRequest::default()
        };
        assert_eq!(
            serde_json::to_value(delegated).unwrap(),
            json!({"delegate_to_team": "team-1"})
        );
        let start = StartRequest {
            delegate_to_team: Some("team-1".into()),
            ..StartRequest::default()
        };
        assert_eq!(
            serde_json::to_value(start).unwrap(),
            json!({"extra_data": {}, "delegate_to_team": "team-1"})
        );
    }
}

//! Bodies of the reading endpoints (docs/api-contract.md §14, §5.7–5.10). Every item is an open
//! object: the keys we use are typed and optional, every other key is kept in `extra`, and a key
//! with an unexpected type reads as absent rather than failing the page.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::client::RequestStatus;

/// Reads a field leniently: a value of an unexpected type (a string where a number was expected,
/// say) becomes `None` instead of failing the whole page.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// A number sent as a number or as a numeric string (`"12"`).
fn lenient_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A list that may be absent, `null`, or hold items of an unexpected shape (those are skipped).
fn lenient_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// One output file as the reading endpoints list it (`output_data[]`, `outputs[]`, `result`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputLink {
    #[serde(default, deserialize_with = "lenient")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub output_format: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub scrubbed_filename: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub completed_time: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One update of an SOV as `/sov/activity` lists it under `updates{revision: …}` (§14.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateData {
    #[serde(default, deserialize_with = "lenient")]
    pub sovid: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub sudid: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub filename: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub record_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub posted_time: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub num_rows: Option<i64>,
    #[serde(default, deserialize_with = "lenient_list")]
    pub outputs: Vec<OutputLink>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One SOV as `/sov/activity` lists it (`SOVData`, §14.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SovSummary {
    #[serde(default)]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub filename: Option<String>,
    /// One letter: `P`, `I`, `E`, `R`, `C`, `F` (see `SovStatus`).
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub status_display: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub extra_data: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub num_buildings: Option<i64>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub latest_revision: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub completed_time: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub created_time: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub client_ref: Option<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    pub output_data: Vec<OutputLink>,
    /// Keyed by revision number as the server sends it (a string in JSON).
    #[serde(default, deserialize_with = "lenient")]
    pub updates: Option<std::collections::BTreeMap<String, UpdateData>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SovSummary {
    /// `extra_data.insured_name`, where the service keeps the insured.
    pub fn insured_name(&self) -> Option<&str> {
        self.extra_data
            .as_ref()?
            .get("insured_name")?
            .as_str()
            .map(str::trim)
            .filter(|name| !name.is_empty())
    }

    /// When it last changed: the newest of its updates' posting times, else its completion or
    /// creation time (timestamps are ISO 8601 and compare as text).
    pub fn last_updated(&self) -> Option<&str> {
        let newest_update = self
            .updates
            .iter()
            .flat_map(|updates| updates.values())
            .filter_map(|update| update.posted_time.as_deref())
            .max();
        let own = self
            .completed_time
            .as_deref()
            .or(self.created_time.as_deref());
        match (newest_update, own) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A page of `/sov/activity`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityPage {
    #[serde(default, deserialize_with = "lenient_list")]
    pub results: Vec<SovSummary>,
    /// Pass as `cursor_id` for the next (older) page; absent on the last page.
    #[serde(default, deserialize_with = "lenient")]
    pub cursor_id: Option<String>,
    /// Pass as `prev_cursor_id` for the previous (newer) page; absent on the first page.
    #[serde(default, deserialize_with = "lenient")]
    pub prev_cursor_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub remaining_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient")]
    pub has_remaining: Option<bool>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub total_count: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ActivityPage {
    /// More pages follow: the server says so, or (when it does not say) it gave a cursor.
    pub fn has_more(&self) -> bool {
        self.has_remaining
            .unwrap_or_else(|| self.cursor_id.is_some())
            && self.cursor_id.is_some()
    }
}

/// One entry of `/sov/history` (§14.2): the original parse (revision 0) or an update.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryItem {
    #[serde(default)]
    pub id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub sovid: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub pingid: Option<String>,
    #[serde(default, deserialize_with = "lenient_number")]
    pub revision: Option<i64>,
    /// `C` complete or `F` failed.
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub record_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub completed_time: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub client_ref: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub incremental: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub is_data_ready: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl HistoryItem {
    /// `record_type` `ORIG` is the original parse; anything else is an update.
    pub fn is_original(&self) -> bool {
        self.record_type.as_deref() == Some("ORIG")
    }
}

/// A page of `/sov/history`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    #[serde(default, deserialize_with = "lenient_list")]
    pub results: Vec<HistoryItem>,
    #[serde(default, deserialize_with = "lenient")]
    pub cursor_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /sov/{id}/get_or_create_output` (§5.9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRequest {
    pub output_format: String,
    /// -1 is the latest, 0 the original parse; ignored for an update id.
    pub revision: i64,
    pub overwrite_existing: bool,
}

impl OutputRequest {
    /// The JSON output of one revision (-1: the latest), from the cache when the server has it.
    pub fn json(revision: i64) -> Self {
        Self {
            output_format: "JSON".to_owned(),
            revision,
            overwrite_existing: false,
        }
    }
}

/// `request` of a get_or_create_output answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputRequestInfo {
    #[serde(default)]
    pub id: String,
    pub status: RequestStatus,
    #[serde(default, deserialize_with = "lenient")]
    pub pct_complete: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `result` of a get_or_create_output answer: the flat form (`{label, output_format,
/// scrubbed_filename, url}`), or the older `{status, message, outputs[]}`; both are read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputResult {
    #[serde(flatten)]
    pub link: OutputLink,
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    pub outputs: Vec<OutputLink>,
}

impl OutputResult {
    /// A present status other than `SUCCESS` is a failure; an absent one is not (§5.9).
    pub fn is_failure(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|status| status != "SUCCESS")
    }

    /// Where the file is: the flat form's `url`, else the first listed output with a URL.
    pub fn url(&self) -> Option<&str> {
        self.link
            .url
            .as_deref()
            .into_iter()
            .chain(self.outputs.iter().filter_map(|o| o.url.as_deref()))
            .map(str::trim)
            .find(|url| !url.is_empty())
    }
}

/// Answer of get_or_create_output and of its poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputAnswer {
    pub request: OutputRequestInfo,
    #[serde(default, deserialize_with = "lenient")]
    pub result: Option<OutputResult>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn an_activity_page_keeps_unknown_keys_and_survives_missing_and_odd_ones() {
        let page: ActivityPage = serde_json::from_value(json!({
            "results": [
                {"id": "s-1", "filename": "Acme 2026 SOV.xlsx", "status": "C",
                 "extra_data": {"insured_name": " Acme Corp "}, "num_buildings": "12",
                 "latest_revision": 2, "ping_maps_url": "https://maps.example/x",
                 "updates": {"1": {"sudid": "s-1-r001", "posted_time": "2026-03-02T10:00:00Z", "shiny": 1},
                             "2": {"sudid": "s-1-r002", "posted_time": "2026-03-05T10:00:00Z"}},
                 "completed_time": "2026-03-01T10:00:00Z"},
                {"id": "s-2"},
                {"id": "s-3", "num_buildings": {"weird": true}, "output_data": null, "updates": []}
            ],
            "cursor_id": "s-3", "has_remaining": true, "total_count": 40, "surprise": [1]
        }))
        .unwrap();
        assert_eq!(page.results.len(), 3);
        let first = &page.results[0];
        assert_eq!(first.insured_name(), Some("Acme Corp"));
        assert_eq!(first.num_buildings, Some(12));
        assert_eq!(first.extra["ping_maps_url"], "https://maps.example/x");
        let updates = first.updates.as_ref().unwrap();
        assert_eq!(updates["1"].extra["shiny"], 1);
        assert_eq!(first.last_updated(), Some("2026-03-05T10:00:00Z"));
        assert_eq!(page.results[1].insured_name(), None);
        assert_eq!(page.results[1].last_updated(), None);
        assert_eq!(page.results[2].num_buildings, None);
        assert!(page.results[2].updates.is_none());
        assert!(page.has_more());
        assert_eq!(page.extra["surprise"], json!([1]));
        let round_trip = serde_json::to_value(first).unwrap();
        assert_eq!(round_trip["ping_maps_url"], "https://maps.example/x");
    }

    #[test]
    fn the_last_page_has_no_more() {
        let last: ActivityPage = serde_json::from_value(
            json!({"results": [], "cursor_id": null, "has_remaining": false}),
        )
        .unwrap();
        assert!(!last.has_more());
        let unsaid: ActivityPage = serde_json::from_value(json!({"results": []})).unwrap();
        assert!(!unsaid.has_more());
    }

    #[test]
    fn history_items_tell_the_original_from_updates() {
        let page: HistoryPage = serde_json::from_value(json!({
            "results": [{"id": "s-1", "sovid": "s-1", "revision": 0, "record_type": "ORIG", "status": "C"},
                        {"id": "s-1-r001", "revision": "1", "record_type": "API", "status": "C", "x": 1}],
            "cursor_id": "s-1-r001"
        }))
        .unwrap();
        assert!(page.results[0].is_original());
        assert!(!page.results[1].is_original());
        assert_eq!(page.results[1].revision, Some(1));
        assert_eq!(page.results[1].extra["x"], 1);
    }

    #[test]
    fn output_answers_in_both_renderings() {
        let flat: OutputAnswer = serde_json::from_value(json!({
            "request": {"id": "immediately-done-1", "status": "COMPLETE"},
            "result": {"label": "JSON", "output_format": "JSON", "scrubbed_filename": "a.json", "url": "/x/a.json"}
        }))
        .unwrap();
        let result = flat.result.unwrap();
        assert!(!result.is_failure());
        assert_eq!(result.url(), Some("/x/a.json"));
        let older: OutputAnswer = serde_json::from_value(json!({
            "request": {"id": "9f", "status": "COMPLETE"},
            "result": {"status": "SUCCESS", "outputs": [{"filename": "a.json", "url": "/y/a.json"}]}
        }))
        .unwrap();
        assert_eq!(older.result.unwrap().url(), Some("/y/a.json"));
        let failed: OutputAnswer = serde_json::from_value(json!({
            "request": {"id": "9f", "status": "FAILED"},
            "result": {"status": "FAILED_TO_PROCESS", "message": "boom"}
        }))
        .unwrap();
        assert!(failed.result.unwrap().is_failure());
        let pending: OutputAnswer = serde_json::from_value(
            json!({"request": {"id": "9f", "status": "PENDING", "pct_complete": 10}}),
        )
        .unwrap();
        assert!(pending.result.is_none() && !pending.request.status.is_terminal());
    }

    #[test]
    fn the_output_request_body_is_what_the_contract_names() {
        assert_eq!(
            serde_json::to_value(OutputRequest::json(-1)).unwrap(),
            json!({"output_format": "JSON", "revision": -1, "overwrite_existing": false})
        );
    }
}

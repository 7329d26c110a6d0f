//! `GET /sov/activity`: the SOVs, newest first, searchable and filterable, in cursor pages (contract §14.1).
//!
//! `search` is a case-insensitive substring of the file name, the insured name or the SOV id (the service's
//! own matching is unknown). Items are ordered by the time the SOV was received (parse start), newest first;
//! that time never changes, so cursors stay valid while updates complete.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::paging::{self, Direction, QueryPairs, SortKey};
use super::UrlOrigin;
use crate::responses::{field_error, json_response};
use crate::sov::{ParseStatus, Sov};
use crate::state::{Inner, SandboxState};

/// Every key an activity item has; `fields` may name any of them.
pub const ACTIVITY_FIELDS: &[&str] = &[
    "id",
    "document_type",
    "pct_complete",
    "filename",
    "additional_filenames",
    "status",
    "status_display",
    "last_health_status",
    "client_ref",
    "input_data",
    "output_data",
    "origin",
    "organization__short_name",
    "company__short_name",
    "team__name",
    "division__short_name",
    "global_request_id",
    "ping_maps_url",
    "ping_vision_url",
    "input_file_url",
    "extra_data",
    "updates",
    "all_updates",
    "latest_revision",
    "completed_time",
    "created_time",
    "subject",
    "from_email",
    "to_email",
    "num_buildings",
    "progress_started_time",
    "parsing_completed_time",
    "pingdata_stats",
    "ping_maps",
    "data_readiness_score",
    "data_readiness_notes",
];

const STATUS_LETTERS: &[&str] = &["P", "I", "E", "R", "C", "F"];

fn status_display(letter: &str) -> &'static str {
    match letter {
        "C" => "Complete",
        "F" => "Failed",
        "I" => "In progress",
        _ => "Pending",
    }
}

/// The SOV's sort key: when it was received (the parse time; the seed's only time for one still parsing).
fn sort_key(sov: &Sov) -> SortKey {
    (sov.parsed_at.clone(), sov.id.clone())
}

fn matches_search(sov: &Sov, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    [&sov.source_filename, &sov.insured_name, &sov.id]
        .iter()
        .any(|text| text.to_lowercase().contains(&needle))
}

/// One `SOVData` item (contract §14.1), with its finished updates under `updates` and `all_updates`.
fn item(inner: &Inner, sov: &Sov, origin: &UrlOrigin) -> Value {
    let revisions = inner.revisions.get(&sov.id).cloned().unwrap_or_default();
    let letter = sov.parse.letter();
    let parsing = matches!(sov.parse, ParseStatus::InProgress(_));
    let updates: Map<String, Value> = revisions
        .iter()
        .filter(|r| r.number > 0)
        .map(|r| {
            let outputs: Vec<Value> = inner
                .jobs
                .get(&r.id)
                .and_then(|job| job.result.as_ref())
                .map(|result| {
                    result
                        .outputs
                        .iter()
                        .map(|o| {
                            json!({
                                "url": origin.output_url(&r.id, &o.filename),
                                "output_format": o.output_format,
                                "completed_time": r.completed_time,
                                "scrubbed_filename": o.filename,
                                "label": o.description,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let filename = inner
                .jobs
                .get(&r.id)
                .and_then(|job| job.uploads.first())
                .map_or_else(|| "corrections.csv".to_string(), |u| u.filename.clone());
            (
                r.number.to_string(),
                json!({
                    "sovid": sov.id,
                    "sudid": r.id,
                    "status": "C",
                    "filename": filename,
                    "record_type": r.record_type,
                    "sheet_name": sov.buildings.first().map(|b| b.sheet_name.clone()),
                    "original_sovid": sov.id,
                    "posted_time": r.completed_time,
                    "num_rows": r.num_rows,
                    "outputs": outputs,
                    "client_ref": r.client_ref,
                    "extra_data": r.extra_data,
                }),
            )
        })
        .collect();
    let all_updates: Vec<Value> = updates.values().cloned().collect();
    let latest = revisions.last();
    json!({
        "id": sov.id,
        "document_type": "SOV",
        "pct_complete": match sov.parse { ParseStatus::InProgress(pct) => pct, _ => 100 },
        "filename": sov.source_filename,
        "additional_filenames": [],
        "status": letter,
        "status_display": status_display(letter),
        "last_health_status": match &sov.parse {
            ParseStatus::Complete => "Complete.".to_string(),
            ParseStatus::Failed(message) => message.clone(),
            ParseStatus::InProgress(_) => "Reading the spreadsheet.".to_string(),
        },
        "client_ref": null,
        "input_data": [],
        "output_data": [],
        "origin": sov.origin,
        "organization__short_name": "sandbox",
        "company__short_name": "sandbox",
        "team__name": "Underwriting",
        "division__short_name": "property",
        "global_request_id": format!("g-{}", sov.id),
        "ping_maps_url": null,
        "ping_vision_url": null,
        "input_file_url": null,
        "extra_data": { "insured_name": sov.insured_name },
        "updates": updates,
        "all_updates": all_updates,
        "latest_revision": latest.map(|r| r.number),
        "completed_time": if parsing { None } else { Some(sov.parsed_at.clone()) },
        "created_time": sov.parsed_at,
        "subject": if sov.origin == "email" { Some(format!("SOV: {}", sov.insured_name)) } else { None },
        "from_email": null,
        "to_email": null,
        "num_buildings": sov.buildings.len(),
        "progress_started_time": sov.parsed_at,
        "parsing_completed_time": if parsing { None } else { Some(sov.parsed_at.clone()) },
        "pingdata_stats": {},
        "ping_maps": null,
        "data_readiness_score": null,
        "data_readiness_notes": null,
    })
}

/// Keeps the keys `fields` names (all when none).
fn select_fields(item: Value, fields: &[&str]) -> Value {
    if fields.is_empty() {
        return item;
    }
    match item {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(key, _)| fields.contains(&key.as_str()))
                .collect(),
        ),
        other => other,
    }
}

struct Filters {
    id: Option<String>,
    search: Option<String>,
    status: Option<String>,
    origin: Option<String>,
    gt: Option<String>,
    gte: Option<String>,
    lt: Option<String>,
    lte: Option<String>,
}

impl Filters {
    fn parse(query: &QueryPairs) -> Result<Self, Response> {
        let status = paging::first(query, "status").map(str::to_string);
        if let Some(status) = &status {
            if !STATUS_LETTERS.contains(&status.as_str()) {
                return Err(field_error(
                    "status",
                    format!("Select a valid choice. {status} is not one of the available choices."),
                ));
            }
        }
        let origin = paging::first(query, "origin").map(str::to_string);
        if let Some(origin) = &origin {
            if origin != "api" && origin != "email" {
                return Err(field_error(
                    "origin",
                    format!("Select a valid choice. {origin} is not one of the available choices."),
                ));
            }
        }
        Ok(Self {
            id: paging::first(query, "id").map(str::to_string),
            search: paging::first(query, "search").map(str::to_string),
            status,
            origin,
            gt: paging::time_filter(query, "completed_time__gt")?,
            gte: paging::time_filter(query, "completed_time__gte")?,
            lt: paging::time_filter(query, "completed_time__lt")?,
            lte: paging::time_filter(query, "completed_time__lte")?,
        })
    }

    fn accepts(&self, sov: &Sov) -> bool {
        // Compared on whole seconds, as the filters are given.
        let time = sov.parsed_at.get(..19).unwrap_or("");
        let finished = !matches!(sov.parse, ParseStatus::InProgress(_));
        let time_ok = |bound: &Option<String>, ok: fn(&str, &str) -> bool| {
            bound.as_ref().is_none_or(|b| finished && ok(time, b))
        };
        self.id.as_ref().is_none_or(|id| *id == sov.id)
            && self.search.as_ref().is_none_or(|s| matches_search(sov, s))
            && self.status.as_ref().is_none_or(|s| s == sov.parse.letter())
            && self.origin.as_ref().is_none_or(|o| o == sov.origin)
            && time_ok(&self.gt, |t, b| t > b)
            && time_ok(&self.gte, |t, b| t >= b)
            && time_ok(&self.lt, |t, b| t < b)
            && time_ok(&self.lte, |t, b| t <= b)
    }
}

pub async fn activity(
    State(state): State<Arc<SandboxState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query: QueryPairs =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let size = match paging::page_size(&query) {
        Ok(size) => size,
        Err(response) => return response,
    };
    let filters = match Filters::parse(&query) {
        Ok(filters) => filters,
        Err(response) => return response,
    };
    let fields = paging::all(&query, "fields");
    if let Some(unknown) = fields.iter().find(|f| !ACTIVITY_FIELDS.contains(f)) {
        return field_error(
            "fields",
            format!("Select a valid choice. {unknown} is not one of the available choices."),
        );
    }
    let origin = UrlOrigin::for_request(&state, &headers);
    let inner = state.lock();
    let cursor_key = |name: &str| -> Result<Option<SortKey>, Response> {
        match paging::first(&query, name) {
            None => Ok(None),
            Some(id) => inner
                .sovs
                .get(id)
                .map(|sov| Some(sort_key(sov)))
                .ok_or_else(paging::invalid_cursor),
        }
    };
    let direction = match (cursor_key("cursor_id"), cursor_key("prev_cursor_id")) {
        (Err(response), _) | (_, Err(response)) => return response,
        (Ok(_), Ok(Some(before))) => Direction::Before(before),
        (Ok(after), Ok(None)) => Direction::After(after),
    };
    let mut matching: Vec<(SortKey, &Arc<Sov>)> = inner
        .sovs
        .values()
        .filter(|sov| filters.accepts(sov))
        .map(|sov| (sort_key(sov), sov))
        .collect();
    matching.sort_by(|a, b| b.0.cmp(&a.0));
    let total = matching.len();
    let page = paging::page(&matching, direction, size);
    let results: Vec<Value> = page
        .items
        .iter()
        .map(|sov| select_fields(item(&inner, sov, &origin), &fields))
        .collect();
    json_response(
        StatusCode::OK,
        json!({
            "results": results,
            "cursor_id": page.next_cursor,
            "prev_cursor_id": page.prev_cursor,
            "remaining_count": page.remaining,
            "has_remaining": page.remaining > 0,
            "total_count": total,
            "total_size_without_cursors": total,
        }),
    )
}

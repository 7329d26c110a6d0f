//! "Find your SOV": search the SOVs the key can see, page through them, read a pasted id or SOV Fixer web
//! address, and sum one SOV up for the window's card. The listing comes from `/sov/activity` (contract §14.1).

use crate::state::AppState;
use crate::AppResult;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sov_error::AppError;
use sov_update::read::{ActivityQuery, Cursor, SovStatus, SovSummary, UpdateData, MAX_PAGE_SIZE};

/// Results per page in the window: enough to scan at a glance, few enough to fit without scrolling far.
pub const FIND_PAGE_SIZE: u32 = 10;

/// Whether an SOV can be chosen for an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SovReadiness {
    /// Its spreadsheet was read: it has buildings to correct.
    Ready,
    /// SOV Fixer is still reading its spreadsheet.
    Processing,
    /// SOV Fixer could not read its spreadsheet.
    Failed,
}

/// One SOV as the search results and the summary card show it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SovListing {
    pub id: String,
    pub insured: Option<String>,
    pub file_name: Option<String>,
    /// When it last changed (RFC 3339): its newest update, else when it was read.
    pub last_updated: Option<String>,
    pub readiness: SovReadiness,
    /// The status in words ("Ready", "Still being read (40% done)", "Could not be read").
    pub status_text: String,
    /// Why it cannot be chosen, in words; `null` when it can.
    pub not_choosable_reason: Option<String>,
    /// The latest revision (0 = the original spreadsheet, one more per update).
    pub revision: Option<i64>,
    pub buildings: Option<i64>,
}

/// One page of search results, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SovSearchPage {
    pub results: Vec<SovListing>,
    /// Pass as `after` for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// Pass as `before` for the previous (newer) page; `null` on the first page.
    pub previous_cursor: Option<String>,
    /// How many SOVs match in all, when the server says.
    pub total: Option<i64>,
}

/// One revision of an SOV: the original spreadsheet (0) or an update.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SovRevision {
    pub revision: i64,
    /// "Original spreadsheet", or the kind of update ("API update", "SCRUB update").
    pub kind: String,
    pub at: Option<String>,
    pub file_name: Option<String>,
    pub client_ref: Option<String>,
}

/// An output file SOV Fixer made for the SOV's latest revision.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SovOutputView {
    pub label: String,
    pub file_name: Option<String>,
}

/// The summary card of a chosen SOV.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SovDetails {
    pub sov: SovListing,
    /// Newest first.
    pub revisions: Vec<SovRevision>,
    /// The files made by its latest update (or its original read, when never updated).
    pub last_outputs: Vec<SovOutputView>,
}

/// What the window asks: text to search for, an optional status, and which page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindQuery {
    #[serde(default)]
    pub search: String,
    /// A status letter or word of the API (`C`, `complete`, `failed`), or the window's `finished` (= complete)
    /// and `processing` (any of the four unfinished statuses); empty = any.
    #[serde(default)]
    pub status: Option<String>,
    /// The page after this cursor (older SOVs).
    #[serde(default)]
    pub after: Option<String>,
    /// The page before this cursor (newer SOVs).
    #[serde(default)]
    pub before: Option<String>,
}

/// Which SOVs the status filter keeps: the API's own statuses, or "processing" (all four unfinished ones,
/// which the API can only be asked for one at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusFilter {
    Any,
    One(SovStatus),
    Processing,
}

/// The statuses of an SOV SOV Fixer is still reading.
const PROCESSING: [SovStatus; 4] = [
    SovStatus::Pending,
    SovStatus::InProgress,
    SovStatus::Enriching,
    SovStatus::ReEnriching,
];

/// A page of the "processing" filter is a position in the merged list (`@20`), not a server cursor.
const MERGED_CURSOR: char = '@';

impl FindQuery {
    fn status_filter(&self) -> AppResult<StatusFilter> {
        match self.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(StatusFilter::Any),
            Some(text) if ["processing", "unfinished"].contains(&text.to_ascii_lowercase().as_str()) => {
                Ok(StatusFilter::Processing)
            }
            Some(text) if text.eq_ignore_ascii_case("finished") => Ok(StatusFilter::One(SovStatus::Complete)),
            Some(text) => SovStatus::parse(text).map(StatusFilter::One).ok_or_else(|| {
                AppError::invalid_input(format!(
                    "“{text}” is not a status SOV Fixer knows. Choose finished (complete), processing, failed, \
                     pending, in-progress, enriching or re-enriching, or leave the status empty."
                ))
            }),
        }
    }

    fn activity_query(&self) -> AppResult<ActivityQuery> {
        let status = match self.status_filter()? {
            StatusFilter::One(status) => Some(status),
            StatusFilter::Any | StatusFilter::Processing => None,
        };
        let cursor = match (non_empty(&self.after), non_empty(&self.before)) {
            (Some(after), _) => Some(Cursor::After(after)),
            (None, Some(before)) => Some(Cursor::Before(before)),
            (None, None) => None,
        };
        let search = self.search.trim();
        Ok(ActivityQuery {
            search: (!search.is_empty()).then(|| search.to_owned()),
            status,
            page_size: Some(FIND_PAGE_SIZE),
            cursor,
            ..ActivityQuery::default()
        })
    }

    /// Where a page of the merged "processing" list starts.
    fn merged_offset(&self) -> usize {
        non_empty(&self.after)
            .or_else(|| non_empty(&self.before))
            .and_then(|cursor| {
                cursor
                    .strip_prefix(MERGED_CURSOR)
                    .and_then(|n| n.parse().ok())
            })
            .unwrap_or(0)
    }
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

impl AppState {
    /// One page of the SOVs matching the window's search (insured, file name or id), newest first.
    pub async fn find_sovs(&self, query: FindQuery) -> AppResult<SovSearchPage> {
        if query.status_filter()? == StatusFilter::Processing {
            return self.find_processing(&query).await;
        }
        let activity = query.activity_query()?;
        let connection = self.connection().await?;
        let page = connection.client.list_activity(&activity).await?;
        Ok(SovSearchPage {
            results: page.results.iter().map(listing).collect(),
            next_cursor: page.has_more().then(|| page.cursor_id.clone()).flatten(),
            previous_cursor: page.prev_cursor_id.clone(),
            total: page.total_count,
        })
    }

    /// The SOVs still being read, whatever their exact status: one request per status (the API filters by
    /// one), merged newest first and paged here. Each status lists at most `MAX_PAGE_SIZE` SOVs; an account
    /// with more unfinished ones than that shows the newest, and no total.
    async fn find_processing(&self, query: &FindQuery) -> AppResult<SovSearchPage> {
        let connection = self.connection().await?;
        let search = query.search.trim();
        let mut found: Vec<SovSummary> = Vec::new();
        let mut complete = true;
        for status in PROCESSING {
            let activity = ActivityQuery {
                search: (!search.is_empty()).then(|| search.to_owned()),
                status: Some(status),
                page_size: Some(MAX_PAGE_SIZE),
                ..ActivityQuery::default()
            };
            let page = connection.client.list_activity(&activity).await?;
            complete &= !page.has_more();
            found.extend(page.results);
        }
        // Newest received first, as the API orders each page.
        found.sort_by(|a, b| received(b).cmp(received(a)));
        found.dedup_by(|a, b| a.id == b.id);
        let size = FIND_PAGE_SIZE as usize;
        let offset = query
            .merged_offset()
            .min(found.len().saturating_sub(1) / size * size);
        let results = found.iter().skip(offset).take(size).map(listing).collect();
        Ok(SovSearchPage {
            results,
            next_cursor: (offset + size < found.len())
                .then(|| format!("{MERGED_CURSOR}{}", offset + size)),
            previous_cursor: (offset > 0)
                .then(|| format!("{MERGED_CURSOR}{}", offset.saturating_sub(size))),
            total: complete.then(|| i64::try_from(found.len()).unwrap_or(i64::MAX)),
        })
    }

    /// The summary card of the SOV named by `reference`: an SOV id or a SOV Fixer web address holding one.
    pub async fn sov_details(&self, reference: &str) -> AppResult<SovDetails> {
        let sov_id = sov_id_from_text(reference)?;
        let connection = self.connection().await?;
        let summary = connection.client.sov_summary(&sov_id).await?;
        Ok(details(&summary))
    }
}

/// Reads an SOV id out of what a person pasted: the id itself (`s-no-ping-hggcsk`), or a web address with
/// it as a path segment or query value (the address an SOV Fixer page or output link shows). An update's id
/// (`<SOV id>-r001`) names its SOV. Anything else is refused in words.
pub fn sov_id_from_text(text: &str) -> AppResult<String> {
    let trimmed = text
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '<' | '>' | '“' | '”'));
    if trimmed.is_empty() {
        return Err(AppError::invalid_input(
            "Paste the SOV's id (like s-no-ping-hggcsk) or its SOV Fixer web address, or search by the insured's name.",
        ));
    }
    if looks_like_sov_id(trimmed) {
        return Ok(sov_of(&trimmed.to_ascii_lowercase()));
    }
    let lower = trimmed.to_ascii_lowercase();
    // An address is pasted with its scheme, or copied without it from an SOV Fixer page.
    let is_address = lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.contains("sovfixer.");
    if is_address {
        let found = lower
            .split(['/', '?', '&', '=', '#', ';'])
            .map(|part| part.trim())
            .find(|part| looks_like_sov_id(part));
        return found.map(sov_of).ok_or_else(|| {
            AppError::invalid_input(format!(
                "The web address “{}” does not name an SOV. Open the SOV in SOV Fixer and copy the address \
                 from your browser then, or search by the insured's name.",
                shortened(trimmed)
            ))
        });
    }
    Err(AppError::invalid_input(format!(
        "“{}” is neither an SOV id (like s-no-ping-hggcsk) nor a SOV Fixer web address. Search by the insured's \
         name or the spreadsheet's name instead, or copy the id from SOV Fixer.",
        shortened(trimmed)
    )))
}

/// The service's ids: `s-` and lower-case letters, digits and dashes (any case is accepted when pasted).
fn looks_like_sov_id(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.len() > 2
        && lower.starts_with("s-")
        && lower[2..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !lower.ends_with('-')
}

/// An update's id is its SOV's id and `-r` with the revision's three or more digits.
fn sov_of(id: &str) -> String {
    if let Some((sov, revision)) = id.rsplit_once("-r") {
        if revision.len() >= 3
            && revision.chars().all(|c| c.is_ascii_digit())
            && looks_like_sov_id(sov)
        {
            return sov.to_owned();
        }
    }
    id.to_owned()
}

/// Long pasted text is cut in messages so the words stay readable.
fn shortened(text: &str) -> String {
    const LIMIT: usize = 80;
    if text.chars().count() <= LIMIT {
        return text.to_owned();
    }
    let cut: String = text.chars().take(LIMIT).collect();
    format!("{cut}…")
}

/// When SOV Fixer received the SOV (the activity list's order), else when it last changed.
fn received(summary: &SovSummary) -> &str {
    summary
        .created_time
        .as_deref()
        .or_else(|| summary.last_updated())
        .unwrap_or("")
}

fn listing(summary: &SovSummary) -> SovListing {
    let status = summary.status.as_deref().and_then(SovStatus::parse);
    let pct = summary
        .extra
        .get("pct_complete")
        .and_then(serde_json::Value::as_f64)
        .filter(|pct| (0.0..100.0).contains(pct));
    let health = summary
        .extra
        .get("last_health_status")
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty());
    let (readiness, status_text, reason) = match status {
        Some(SovStatus::Complete) | None => (SovReadiness::Ready, "Ready".to_owned(), None),
        Some(SovStatus::Failed) => {
            let why = health.map_or_else(String::new, |text| format!(" SOV Fixer said: “{text}”"));
            (
                SovReadiness::Failed,
                "Could not be read".to_owned(),
                Some(format!(
                    "SOV Fixer could not read this spreadsheet, so it has no buildings to correct.{why} Send the \
                     spreadsheet to SOV Fixer again, then choose the new SOV."
                )),
            )
        }
        Some(_) => {
            let done = pct.map_or_else(String::new, |pct| format!(" ({pct:.0}% done)"));
            (
                SovReadiness::Processing,
                format!("Still being read{done}"),
                Some(format!(
                    "SOV Fixer is still reading this spreadsheet{done}. It can be corrected once it is complete; \
                     search again in a few minutes."
                )),
            )
        }
    };
    SovListing {
        id: summary.id.clone(),
        insured: summary.insured_name().map(str::to_owned),
        file_name: summary
            .filename
            .clone()
            .filter(|name| !name.trim().is_empty()),
        last_updated: summary.last_updated().map(str::to_owned),
        readiness,
        status_text,
        not_choosable_reason: reason,
        revision: summary.latest_revision,
        buildings: summary.num_buildings,
    }
}

fn details(summary: &SovSummary) -> SovDetails {
    let mut revisions: Vec<SovRevision> = summary
        .updates
        .iter()
        .flatten()
        .filter_map(|(number, update)| Some((number.trim().parse::<i64>().ok()?, update)))
        .map(|(revision, update)| revision_of(revision, update))
        .collect();
    revisions.push(SovRevision {
        revision: 0,
        kind: "Original spreadsheet".to_owned(),
        at: summary
            .completed_time
            .clone()
            .or_else(|| summary.created_time.clone()),
        file_name: summary.filename.clone(),
        client_ref: summary.client_ref.clone(),
    });
    revisions.sort_by_key(|r| std::cmp::Reverse(r.revision));
    let newest_update = summary
        .updates
        .iter()
        .flatten()
        .filter_map(|(number, update)| Some((number.trim().parse::<i64>().ok()?, update)))
        .max_by_key(|(number, _)| *number)
        .map(|(_, update)| update);
    let links = match newest_update {
        Some(update) if !update.outputs.is_empty() => &update.outputs,
        _ => &summary.output_data,
    };
    let last_outputs = links
        .iter()
        .map(|link| SovOutputView {
            label: link
                .label
                .clone()
                .or_else(|| link.output_format.clone())
                .unwrap_or_else(|| "Output".to_owned()),
            file_name: link.scrubbed_filename.clone(),
        })
        .collect();
    SovDetails {
        sov: listing(summary),
        revisions,
        last_outputs,
    }
}

fn revision_of(revision: i64, update: &UpdateData) -> SovRevision {
    let kind = match update.record_type.as_deref().map(str::trim) {
        Some("ORIG") => "Original spreadsheet".to_owned(),
        Some(kind) if !kind.is_empty() => format!("{kind} update"),
        _ => "Update".to_owned(),
    };
    SovRevision {
        revision,
        kind,
        at: update.posted_time.clone(),
        file_name: update.filename.clone(),
        client_ref: update
            .extra
            .get("client_ref")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_error::Code;

    #[test]
    fn a_plain_id_is_read_in_any_case_and_with_spaces_or_quotes_around_it() {
        assert_eq!(
            sov_id_from_text("  s-no-ping-hggcsk ").unwrap(),
            "s-no-ping-hggcsk"
        );
        assert_eq!(
            sov_id_from_text("S-No-Ping-HGGCSK").unwrap(),
            "s-no-ping-hggcsk"
        );
        assert_eq!(
            sov_id_from_text("“s-demo-sample”").unwrap(),
            "s-demo-sample"
        );
    }

    #[test]
    fn a_web_address_gives_the_sov_it_names_and_an_update_address_gives_its_sov() {
        let cases = [
            (
                "https://app.sovfixer.com/sov/s-no-ping-hggcsk",
                "s-no-ping-hggcsk",
            ),
            (
                "https://app.sovfixer.com/sov/s-no-ping-hggcsk/",
                "s-no-ping-hggcsk",
            ),
            (
                "https://app.sovfixer.com/sovs?id=s-no-ping-hggcsk&tab=outputs",
                "s-no-ping-hggcsk",
            ),
            (
                "https://app.sovfixer.com/#/sov/s-no-ping-hggcsk",
                "s-no-ping-hggcsk",
            ),
            ("app.sovfixer.com/sov/s-no-ping-hggcsk", "s-no-ping-hggcsk"),
            (
                "https://api.sovfixer.com/api/v1/sov/s-no-ping-hggcsk-r001/output/Acme%20Corp.json",
                "s-no-ping-hggcsk",
            ),
        ];
        for (address, id) in cases {
            assert_eq!(sov_id_from_text(address).unwrap(), id, "{address}");
        }
    }

    #[test]
    fn text_that_is_neither_an_id_nor_an_address_is_refused_with_a_next_step() {
        for garbage in ["Acme Corp", "12345", "s-", "s-abc_def", "sov s-abc"] {
            let error = sov_id_from_text(garbage).unwrap_err();
            assert_eq!(error.code, Code::InvalidInput, "{garbage}");
            assert!(
                error.message.contains("neither an SOV id"),
                "{garbage}: {}",
                error.message
            );
            assert!(
                error.message.contains("Search by the insured"),
                "{}",
                error.message
            );
        }
        let empty = sov_id_from_text("   ").unwrap_err();
        assert!(
            empty.message.starts_with("Paste the SOV's id"),
            "{}",
            empty.message
        );
    }

    #[test]
    fn an_address_without_an_sov_in_it_says_so() {
        let error = sov_id_from_text("https://app.sovfixer.com/dashboard?tab=recent").unwrap_err();
        assert_eq!(error.code, Code::InvalidInput);
        assert!(
            error.message.contains("does not name an SOV"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_long_paste_is_shortened_in_the_message() {
        let long = "x".repeat(500);
        let error = sov_id_from_text(&long).unwrap_err();
        assert!(error.message.chars().count() < 300, "{}", error.message);
        assert!(error.message.contains('…'));
    }

    #[test]
    fn an_unknown_status_filter_is_refused_in_words() {
        let query = FindQuery {
            status: Some("sleeping".to_owned()),
            ..FindQuery::default()
        };
        let error = query.activity_query().unwrap_err();
        assert_eq!(error.code, Code::InvalidInput);
        assert!(
            error.message.contains("“sleeping” is not a status"),
            "{}",
            error.message
        );
    }
}

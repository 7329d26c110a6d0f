//! Query parameters of `/sov/activity` and `/sov/history`, and the UTC stamps their time filters take.

use std::fmt;

use crate::error::{ErrorKind, UpdateError};

/// The most items one page may hold (§14.1: `page_size` 1–250).
pub const MAX_PAGE_SIZE: u32 = 250;

/// An SOV's processing status as `/sov/activity` filters and lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SovStatus {
    Pending,
    InProgress,
    Enriching,
    ReEnriching,
    Complete,
    Failed,
}

impl SovStatus {
    pub const ALL: [SovStatus; 6] = [
        SovStatus::Pending,
        SovStatus::InProgress,
        SovStatus::Enriching,
        SovStatus::ReEnriching,
        SovStatus::Complete,
        SovStatus::Failed,
    ];

    /// The letter the API uses.
    pub fn letter(self) -> &'static str {
        match self {
            Self::Pending => "P",
            Self::InProgress => "I",
            Self::Enriching => "E",
            Self::ReEnriching => "R",
            Self::Complete => "C",
            Self::Failed => "F",
        }
    }

    /// The word a person reads.
    pub fn word(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in-progress",
            Self::Enriching => "enriching",
            Self::ReEnriching => "re-enriching",
            Self::Complete => "complete",
            Self::Failed => "failed",
        }
    }

    /// From a letter (`C`) or a word (`complete`, `in_progress`), any case.
    pub fn parse(text: &str) -> Option<Self> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|s| s.letter().eq_ignore_ascii_case(&wanted) || s.word() == wanted)
    }
}

impl fmt::Display for SovStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// A UTC instant in the form the time filters take (`YYYYmmddHHMMSS`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcStamp(String);

impl UtcStamp {
    /// From `2026-03-01`, `2026-03-01T10:30`, `2026-03-01 10:30:15`, a trailing `Z`, or the
    /// compact `20260301103015`; anything else is refused with an example.
    pub fn parse(text: &str) -> Result<Self, UpdateError> {
        let digits: String = text
            .trim()
            .trim_end_matches(['Z', 'z'])
            .chars()
            .filter(|c| !matches!(c, '-' | ':' | 'T' | 't' | ' '))
            .collect();
        let well_formed = digits.chars().all(|c| c.is_ascii_digit())
            && matches!(digits.len(), 8 | 12 | 14)
            && plausible(&digits);
        if !well_formed {
            return Err(UpdateError::new(
                ErrorKind::InvalidInput {
                    reason: format!(
                        "`{}` is not a date SOV Updater understands. Write it as 2026-03-01 or 2026-03-01 14:30 (UTC).",
                        text.trim()
                    ),
                },
                format!("unreadable date {text:?}"),
            ));
        }
        Ok(Self(format!("{digits:0<14}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn plausible(digits: &str) -> bool {
    let field = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (month, day) = (field(4..6), field(6..8));
    let (hour, minute, second) = (field(8..10), field(10..12), field(12..14));
    (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60 && second < 60
}

/// Which way to page through `/sov/activity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// Older items after this cursor (`cursor_id`).
    After(String),
    /// Newer items before this cursor (`prev_cursor_id`).
    Before(String),
}

/// Filters and paging of `GET /sov/activity`. Empty fields are not sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityQuery {
    /// Case-insensitive text; what the server matches it against is its choice (§14.1).
    pub search: Option<String>,
    /// Exactly this SOV.
    pub id: Option<String>,
    pub status: Option<SovStatus>,
    pub completed_after: Option<UtcStamp>,
    pub completed_before: Option<UtcStamp>,
    /// The keys each item carries (`fields`, repeatable); empty = all.
    pub fields: Vec<String>,
    /// 1–250; `None` leaves the server's default (50).
    pub page_size: Option<u32>,
    pub cursor: Option<Cursor>,
}

impl ActivityQuery {
    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |key: &'static str, value: Option<&str>| {
            if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
                pairs.push((key, value.to_owned()));
            }
        };
        push("search", self.search.as_deref());
        push("id", self.id.as_deref());
        push("status", self.status.map(SovStatus::letter));
        push(
            "completed_time__gte",
            self.completed_after.as_ref().map(UtcStamp::as_str),
        );
        push(
            "completed_time__lt",
            self.completed_before.as_ref().map(UtcStamp::as_str),
        );
        for field in &self.fields {
            push("fields", Some(field));
        }
        let page_size = self.page_size.map(|n| n.to_string());
        push("page_size", page_size.as_deref());
        match &self.cursor {
            Some(Cursor::After(id)) => push("cursor_id", Some(id)),
            Some(Cursor::Before(id)) => push("prev_cursor_id", Some(id)),
            None => {}
        }
        pairs
    }
}

/// Paging of `GET /sov/history`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryQuery {
    /// The last id received; the next page starts after it.
    pub cursor_id: Option<String>,
    pub page_size: Option<u32>,
    /// Only entries from this instant on.
    pub start: Option<UtcStamp>,
}

impl HistoryQuery {
    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(cursor) = self.cursor_id.as_deref().filter(|c| !c.trim().is_empty()) {
            pairs.push(("cursor_id", cursor.trim().to_owned()));
        }
        if let Some(size) = self.page_size {
            pairs.push(("page_size", size.to_string()));
        }
        if let Some(start) = &self.start {
            pairs.push(("start", start.as_str().to_owned()));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dates_become_utc_stamps() {
        assert_eq!(
            UtcStamp::parse("2026-03-01").unwrap().as_str(),
            "20260301000000"
        );
        assert_eq!(
            UtcStamp::parse("2026-03-01T10:30Z").unwrap().as_str(),
            "20260301103000"
        );
        assert_eq!(
            UtcStamp::parse(" 2026-03-01 10:30:15 ").unwrap().as_str(),
            "20260301103015"
        );
        assert_eq!(
            UtcStamp::parse("20260301103015").unwrap().as_str(),
            "20260301103015"
        );
        for bad in ["yesterday", "2026-13-01", "2026-03", "2026-03-01 25:00", ""] {
            let error = UtcStamp::parse(bad).unwrap_err();
            assert_eq!(error.code(), sov_error::Code::InvalidInput, "{bad}");
            assert!(error.message().contains("2026-03-01"), "{bad}");
        }
    }

    #[test]
    fn statuses_read_letters_and_words() {
        assert_eq!(SovStatus::parse("c"), Some(SovStatus::Complete));
        assert_eq!(SovStatus::parse("In_Progress"), Some(SovStatus::InProgress));
        assert_eq!(SovStatus::parse("failed"), Some(SovStatus::Failed));
        assert_eq!(SovStatus::parse("done"), None);
    }

    #[test]
    fn activity_queries_send_only_what_is_set() {
        assert!(ActivityQuery::default().pairs().is_empty());
        let query = ActivityQuery {
            search: Some("acme".into()),
            status: Some(SovStatus::Complete),
            completed_after: Some(UtcStamp::parse("2026-01-01").unwrap()),
            fields: vec!["id".into(), "filename".into()],
            page_size: Some(20),
            cursor: Some(Cursor::Before("s-9".into())),
            id: Some("  ".into()),
            ..ActivityQuery::default()
        };
        let pairs = query.pairs();
        let get = |k: &str| {
            pairs
                .iter()
                .filter(|(key, _)| *key == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("search"), ["acme"]);
        assert_eq!(get("status"), ["C"]);
        assert_eq!(get("completed_time__gte"), ["20260101000000"]);
        assert_eq!(get("fields"), ["id", "filename"]);
        assert_eq!(get("page_size"), ["20"]);
        assert_eq!(get("prev_cursor_id"), ["s-9"]);
        assert!(get("cursor_id").is_empty() && get("id").is_empty());
    }
}

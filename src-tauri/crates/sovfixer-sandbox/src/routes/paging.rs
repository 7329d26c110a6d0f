//! Cursor pages of the list endpoints (`/sov/activity`, `/sov/history`): `page_size` bounds, cursors that
//! name the last (or first) item seen, and the 14-digit UTC time filters.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::responses::{field_error, json_response};

pub const DEFAULT_PAGE_SIZE: usize = 50;
pub const MAX_PAGE_SIZE: usize = 250;

/// The query as sent, repeated keys kept (`fields=a&fields=b`).
pub type QueryPairs = Vec<(String, String)>;

pub fn first<'a>(query: &'a QueryPairs, name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.is_empty())
}

pub fn all<'a>(query: &'a QueryPairs, name: &str) -> Vec<&'a str> {
    query
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// `page_size`: default 50, a whole number from 1 to 250, else 400 in DRF's words.
pub fn page_size(query: &QueryPairs) -> Result<usize, Response> {
    let Some(text) = first(query, "page_size") else {
        return Ok(DEFAULT_PAGE_SIZE);
    };
    let size: i64 = text
        .trim()
        .parse()
        .map_err(|_| field_error("page_size", "A valid integer is required."))?;
    if size < 1 {
        return Err(field_error(
            "page_size",
            "Ensure this value is greater than or equal to 1.",
        ));
    }
    if size > MAX_PAGE_SIZE as i64 {
        return Err(field_error(
            "page_size",
            format!("Ensure this value is less than or equal to {MAX_PAGE_SIZE}."),
        ));
    }
    Ok(size as usize)
}

/// A `YYYYmmddHHMMSS` filter turned into the ISO prefix it compares with (`2026-06-03T22:16:01`).
pub fn time_filter(query: &QueryPairs, name: &str) -> Result<Option<String>, Response> {
    let Some(text) = first(query, name) else {
        return Ok(None);
    };
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(field_error(
            name,
            "Enter a UTC time as YYYYmmddHHMMSS, for example 20260101130000.",
        ));
    }
    Ok(Some(format!(
        "{}-{}-{}T{}:{}:{}",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[8..10],
        &text[10..12],
        &text[12..14]
    )))
}

/// DRF's CursorPagination answers an unknown cursor with 404 "Invalid cursor".
pub fn invalid_cursor() -> Response {
    json_response(StatusCode::NOT_FOUND, json!({"detail": "Invalid cursor"}))
}

/// An item's place in a list ordered newest first: (time, id), compared descending. Both never change,
/// so a cursor keeps its meaning while items are added.
pub type SortKey = (String, String);

/// One page of `matching` (sorted newest first).
pub struct Page<T> {
    pub items: Vec<T>,
    /// Id of the last item when more follow.
    pub next_cursor: Option<String>,
    /// Id of the first item when some come before it.
    pub prev_cursor: Option<String>,
    /// Matching items after this page.
    pub remaining: usize,
}

pub enum Direction {
    /// The first page, or the page after the item with this key.
    After(Option<SortKey>),
    /// The page just before the item with this key.
    Before(SortKey),
}

/// Cuts one page out of `matching`, which is sorted by key, newest (greatest) first.
pub fn page<T: Clone>(matching: &[(SortKey, T)], direction: Direction, size: usize) -> Page<T> {
    let (start, end) = match direction {
        Direction::After(None) => (0, size.min(matching.len())),
        Direction::After(Some(key)) => {
            let start = matching.iter().take_while(|(k, _)| *k >= key).count();
            (start, (start + size).min(matching.len()))
        }
        Direction::Before(key) => {
            let end = matching.iter().take_while(|(k, _)| *k > key).count();
            (end.saturating_sub(size), end)
        }
    };
    let items: Vec<T> = matching[start..end]
        .iter()
        .map(|(_, v)| v.clone())
        .collect();
    Page {
        next_cursor: (end < matching.len() && end > start).then(|| matching[end - 1].0 .1.clone()),
        prev_cursor: (start > 0 && end > start).then(|| matching[start].0 .1.clone()),
        remaining: matching.len() - end,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Vec<(SortKey, usize)> {
        // Newest first: time descending.
        (0..n)
            .map(|i| ((format!("t{:03}", n - i), format!("id{i}")), i))
            .collect()
    }

    #[test]
    fn pages_forward_and_back_without_gaps_or_repeats() {
        let items = list(7);
        let first = page(&items, Direction::After(None), 3);
        assert_eq!(first.items, [0, 1, 2]);
        assert_eq!(first.prev_cursor, None);
        assert_eq!(first.next_cursor.as_deref(), Some("id2"));
        let key = |id: &str| {
            items
                .iter()
                .find(|(k, _)| k.1 == id)
                .expect("listed id")
                .0
                .clone()
        };
        let second = page(&items, Direction::After(Some(key("id2"))), 3);
        assert_eq!(second.items, [3, 4, 5]);
        assert_eq!(second.remaining, 1);
        let last = page(&items, Direction::After(Some(key("id5"))), 3);
        assert_eq!(last.items, [6]);
        assert_eq!(last.next_cursor, None);
        assert_eq!(last.remaining, 0);
        let back = page(&items, Direction::Before(key("id6")), 3);
        assert_eq!(back.items, [3, 4, 5]);
        let front = page(&items, Direction::Before(key("id1")), 3);
        assert_eq!(front.items, [0]);
        assert_eq!(front.prev_cursor, None);
    }
}

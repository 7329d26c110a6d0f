//! The verdict on a finished update: did the server apply every row it was sent? Its `result.status` can be
//! `SUCCESS` while `result.message` says some rows matched no building; such an update finished, but must not
//! be reported as a clean success.

use serde::Serialize;

use crate::client::UpdateResult;

/// Rows the server said it did not apply, as it named them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RowsNotApplied {
    /// How many rows the server could not apply.
    pub count: u64,
    /// The rows it named (`Sheet1 row 99`, `item_key i-…`), at most `count`; it may name only the first few.
    pub named: Vec<String>,
    /// The server's own words.
    pub server_message: String,
    /// The CSV listing these rows, saved beside the outputs (`None` when nothing was saved).
    pub saved_to: Option<std::path::PathBuf>,
}

impl RowsNotApplied {
    /// The CSV saved beside the outputs: one line per row the server named, then how many it did not name.
    pub fn to_csv(&self) -> String {
        let mut text = String::from("row not applied by SOV Fixer,what to do\r\n");
        let advice = "Check item_key, or sheet_name and sheet_row_number, then send this row again";
        for name in &self.named {
            text.push_str(&format!("{},{}\r\n", csv_field(name), csv_field(advice)));
        }
        let unnamed = self.count.saturating_sub(self.named.len() as u64);
        if unnamed > 0 {
            let line = format!("{unnamed} more rows that SOV Fixer did not name");
            let look = "Compare your corrections with the updated SOV in the outputs";
            text.push_str(&format!("{},{}\r\n", csv_field(&line), csv_field(look)));
        }
        text.push_str(&format!(
            "{},{}\r\n",
            csv_field("SOV Fixer said"),
            csv_field(&self.server_message)
        ));
        text
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `None` for a clean success; `Some` when the successful result says rows matched no building.
pub fn rows_not_applied(result: &UpdateResult) -> Option<RowsNotApplied> {
    let message = result.message.as_deref()?.trim();
    let marker = " matched no building";
    let at = message.find(marker)?;
    // "Success. 12 rows matched no building: Sheet1 row 4, item_key i-9 and 10 more."
    let before = message[..at].trim_end();
    let before = before
        .strip_suffix("rows")
        .or_else(|| before.strip_suffix("row"))?
        .trim_end();
    let digits: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .filter(char::is_ascii_digit)
        .collect();
    let count: u64 = digits.parse().ok()?;
    let listed = message[at + marker.len()..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches('.');
    let listed = match listed.rfind(" and ") {
        Some(and) if listed[and..].ends_with(" more") => &listed[..and],
        _ => listed,
    };
    let named = listed
        .split(", ")
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .collect();
    Some(RowsNotApplied {
        count,
        named,
        server_message: message.to_owned(),
        saved_to: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn result(message: &str) -> UpdateResult {
        UpdateResult {
            status: Some("SUCCESS".into()),
            message: Some(message.into()),
            outputs: Vec::new(),
        }
    }

    #[test]
    fn the_csv_lists_each_named_row_the_unnamed_rest_and_the_servers_words() {
        let verdict = rows_not_applied(&result(
            "Success. 3 rows matched no building: Sheet1 row 4, item_key a,b and 1 more.",
        ))
        .unwrap();
        let csv = verdict.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "row not applied by SOV Fixer,what to do");
        assert!(lines[1].starts_with("Sheet1 row 4,"));
        assert!(lines[2].starts_with("\"item_key a,b\","), "{csv}");
        assert!(lines[3].starts_with("1 more rows that SOV Fixer did not name,"));
        assert!(lines[4].starts_with("SOV Fixer said,\"Success. 3 rows"));
    }

    #[test]
    fn a_plain_success_is_clean() {
        assert_eq!(rows_not_applied(&result("Success.")), None);
        assert_eq!(
            rows_not_applied(&UpdateResult {
                status: Some("SUCCESS".into()),
                message: None,
                outputs: Vec::new()
            }),
            None
        );
    }

    #[test]
    fn unmatched_rows_are_counted_and_named_even_when_the_server_names_only_some() {
        let verdict = rows_not_applied(&result(
            "Success. 49,998 rows matched no building: Sheet1 row 4, item_key i-s!Sheet1!9 and 49,996 more.",
        ))
        .unwrap();
        assert_eq!(verdict.count, 49_998);
        assert_eq!(verdict.named, vec!["Sheet1 row 4", "item_key i-s!Sheet1!9"]);
        let one =
            rows_not_applied(&result("Success. 1 row matched no building: Sheet1 row 7.")).unwrap();
        assert_eq!(
            (one.count, one.named),
            (1, vec!["Sheet1 row 7".to_string()])
        );
    }
}

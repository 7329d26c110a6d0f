//! Collects findings, keeping only the first few of each kind and counting the rest, so a
//! 100,000-row file with one repeated mistake gives one line with "and 99,999 more rows".

use std::collections::HashMap;

use crate::report::{Finding, Severity};

/// The parts of a finding other than its kind and place, built only when it will be kept.
pub(crate) struct Detail {
    pub value: Option<String>,
    pub message: String,
    pub suggestion: String,
}

pub(crate) struct Findings {
    file: String,
    cap: usize,
    kept: Vec<Finding>,
    /// (code, column index) → (occurrences, index in `kept` of the last kept one).
    per_kind: HashMap<(&'static str, Option<usize>), (u64, usize)>,
}

impl Findings {
    pub(crate) fn new(file: &str, cap: usize) -> Self {
        Self {
            file: file.to_owned(),
            cap: cap.max(1),
            kept: Vec::new(),
            per_kind: HashMap::new(),
        }
    }

    /// Records one occurrence; `detail` is only called for occurrences that are kept.
    pub(crate) fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        row: Option<u64>,
        column: Option<(usize, &str)>,
        detail: impl FnOnce() -> Detail,
    ) {
        let key = (code, column.map(|(index, _)| index));
        let entry = self.per_kind.entry(key).or_insert((0, usize::MAX));
        entry.0 += 1;
        if entry.0 > self.cap as u64 {
            return;
        }
        let detail = detail();
        entry.1 = self.kept.len();
        self.kept.push(Finding {
            severity,
            code: code.to_owned(),
            file: self.file.clone(),
            row,
            column: column.map(|(_, name)| name.to_owned()),
            value: detail.value,
            message: detail.message,
            suggestion: detail.suggestion,
            more_count: 0,
        });
    }

    /// The findings, file-wide ones first then by row, with the left-out counts filled in.
    pub(crate) fn finish(mut self) -> (Vec<Finding>, u64, u64) {
        let (mut errors, mut warnings) = (0u64, 0u64);
        for &(count, last_kept) in self.per_kind.values() {
            let Some(finding) = self.kept.get_mut(last_kept) else {
                continue;
            };
            match finding.severity {
                Severity::Error => errors += count,
                Severity::Warning => warnings += count,
                Severity::Info => {}
            }
            let more = count.saturating_sub(self.cap as u64);
            if more > 0 {
                finding.more_count = more;
                let rows = if more == 1 { "row" } else { "rows" };
                finding
                    .message
                    .push_str(&format!(" And {} more {rows} like this.", thousands(more)));
            }
        }
        self.kept.sort_by_key(|finding| finding.row.unwrap_or(0));
        (self.kept, errors, warnings)
    }
}

/// 99999 → "99,999", the way the user reads numbers.
pub(crate) fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Excel's letter for a zero-based column index: 0 → A, 26 → AA.
pub(crate) fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut rest = index + 1;
    while rest > 0 {
        let remainder = (rest - 1) % 26;
        letters.push(char::from(b'A' + remainder as u8));
        rest = (rest - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(message: &str) -> impl FnOnce() -> Detail + '_ {
        move || Detail {
            value: None,
            message: message.to_owned(),
            suggestion: String::new(),
        }
    }

    #[test]
    fn repeated_findings_are_capped_with_a_count() {
        let mut findings = Findings::new("f.csv", 1);
        for row in 2..=100_001 {
            findings.push(
                Severity::Warning,
                "bad",
                Some(row),
                Some((0, "c")),
                detail("Bad."),
            );
        }
        findings.push(Severity::Error, "other", None, None, detail("Other."));
        let (kept, errors, warnings) = findings.finish();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[1].message, "Bad. And 99,999 more rows like this.");
        assert_eq!(kept[1].more_count, 99_999);
        assert_eq!((errors, warnings), (1, 100_000));
    }

    #[test]
    fn formats_numbers_and_column_letters() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
    }
}

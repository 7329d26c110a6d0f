//! Collects findings, keeping only the first few of each kind and counting the rest, so a
//! 100,000-row file with one repeated mistake gives one finding, with the list of its rows
//! (up to [`ROW_LIST_LIMIT`]; the whole list is saved by [`crate::save_problem_rows`]).

use std::collections::HashMap;

use crate::report::{Finding, Severity};

/// Rows listed per kind of problem in the report; memory stays bounded on huge files.
pub const ROW_LIST_LIMIT: usize = 10_000;

/// Receives every occurrence of one kind of problem, for "Save the list".
pub(crate) trait Tap {
    fn occurrence(&mut self, row: Option<u64>, column: Option<&str>, detail: Detail);
    /// The file is read again from the start: forget what was received.
    fn restart(&mut self);
}

/// Which kind of problem a [`Tap`] wants: the finding code and the column's name as reported.
pub(crate) struct TapKey {
    pub code: String,
    pub column: Option<String>,
}

/// The parts of a finding other than its kind and place, built only when it will be kept.
pub(crate) struct Detail {
    pub value: Option<String>,
    pub message: String,
    pub suggestion: String,
}

pub(crate) struct Findings<'a> {
    file: String,
    cap: usize,
    kept: Vec<Finding>,
    /// (code, column index) → the kind's count and rows.
    per_kind: HashMap<(&'static str, Option<usize>), Kind>,
    tap: Option<(TapKey, &'a mut dyn Tap)>,
}

struct Kind {
    count: u64,
    /// Index in `kept` of the last kept finding of this kind.
    last_kept: usize,
    /// The first [`ROW_LIST_LIMIT`] rows, in file order.
    rows: Vec<u64>,
    row_count: u64,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(file: &str, cap: usize) -> Self {
        Self {
            file: file.to_owned(),
            cap: cap.max(1),
            kept: Vec::new(),
            per_kind: HashMap::new(),
            tap: None,
        }
    }

    /// Also hands every occurrence of the kind `key` to `tap`.
    pub(crate) fn with_tap(mut self, key: TapKey, tap: &'a mut dyn Tap) -> Self {
        self.tap = Some((key, tap));
        self
    }

    /// Gives the tap back (to read the file again with it).
    pub(crate) fn take_tap(&mut self) -> Option<(TapKey, &'a mut dyn Tap)> {
        self.tap.take()
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
        let entry = self.per_kind.entry(key).or_insert(Kind {
            count: 0,
            last_kept: usize::MAX,
            rows: Vec::new(),
            row_count: 0,
        });
        entry.count += 1;
        if let Some(row) = row {
            entry.row_count += 1;
            if entry.rows.len() < ROW_LIST_LIMIT {
                entry.rows.push(row);
            }
        }
        if let Some((wanted, tap)) = &mut self.tap {
            let name = column.map(|(_, name)| name);
            if wanted.code == code && wanted.column.as_deref() == name {
                tap.occurrence(row, name, detail());
                return;
            }
        }
        if entry.count > self.cap as u64 {
            return;
        }
        let detail = detail();
        entry.last_kept = self.kept.len();
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
            rows: Vec::new(),
            row_count: 0,
        });
    }

    /// The findings, file-wide ones first then by row, with the left-out counts filled in.
    pub(crate) fn finish(mut self) -> (Vec<Finding>, u64, u64) {
        let (mut errors, mut warnings) = (0u64, 0u64);
        for kind in self.per_kind.into_values() {
            let Some(finding) = self.kept.get_mut(kind.last_kept) else {
                continue;
            };
            match finding.severity {
                Severity::Error => errors += kind.count,
                Severity::Warning => warnings += kind.count,
                Severity::Info => {}
            }
            // The count is said once, by whoever shows `more_count` and `rows`, not in the message.
            finding.more_count = kind.count.saturating_sub(self.cap as u64);
            finding.row_count = kind.row_count;
            finding.rows = kind.rows;
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
        assert_eq!(
            kept[1].message, "Bad.",
            "the count is not said in the message too"
        );
        assert_eq!(kept[1].more_count, 99_999);
        assert_eq!(kept[1].row_count, 100_000);
        assert_eq!(kept[1].rows.len(), ROW_LIST_LIMIT, "bounded");
        assert_eq!(kept[1].rows[..3], [2, 3, 4]);
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

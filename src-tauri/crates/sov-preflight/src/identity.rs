//! Which building a row targets.

use std::hash::{Hash, Hasher};

/// The columns that identify a row's building, by header index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdentityColumns {
    pub item_key: Option<usize>,
    /// `sheet_name` and `sheet_row_number`, present only when both are.
    pub sheet: Option<(usize, usize)>,
}

/// The building a row targets, as the user would name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    ItemKey(&'a str),
    SheetRow(&'a str, u64),
}

impl Target<'_> {
    /// Never 0 (which stands for "no target" in [`crate::duplicates::RowTargets`]).
    pub(crate) fn hash64(&self) -> u64 {
        // SipHash with fixed keys: stable within a run, which is all the comparison needs.
        let mut hasher = std::hash::DefaultHasher::new();
        match self {
            Target::ItemKey(key) => (0u8, key).hash(&mut hasher),
            Target::SheetRow(sheet, row) => (1u8, sheet, row).hash(&mut hasher),
        }
        hasher.finish().max(1)
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Target::ItemKey(key) => format!("item_key `{key}`"),
            Target::SheetRow(sheet, row) => format!("sheet `{sheet}`, row {row}"),
        }
    }
}

/// A positive whole number as `sheet_row_number` requires ("12"; Excel may write "12.0").
pub(crate) fn parse_sheet_row_number(raw: &str) -> Option<u64> {
    let value = raw.trim();
    let digits = value
        .strip_suffix(".0")
        .or_else(|| value.strip_suffix(".00"))
        .unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok().filter(|number| *number >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_row_numbers_are_positive_whole_numbers() {
        assert_eq!(parse_sheet_row_number("2"), Some(2));
        assert_eq!(parse_sheet_row_number(" 12.0 "), Some(12));
        for bad in ["0", "-3", "2.5", "two", "", "1e3"] {
            assert_eq!(parse_sheet_row_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn different_targets_hash_differently() {
        let a = Target::SheetRow("Sheet1", 2).hash64();
        assert_eq!(a, Target::SheetRow("Sheet1", 2).hash64());
        assert_ne!(a, Target::SheetRow("Sheet1", 3).hash64());
        assert_ne!(a, Target::SheetRow("Sheet2", 2).hash64());
        assert_ne!(
            Target::ItemKey("Sheet1").hash64(),
            Target::SheetRow("Sheet1", 0).hash64()
        );
    }
}

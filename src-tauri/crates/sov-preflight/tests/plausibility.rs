//! Values that parse but cannot be right are flagged with their rows, in CSV and in workbooks
//! written by LibreOffice (where numbers are number cells and a ZIP code loses its leading zero).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use sov_preflight::{check_file, CheckOptions, Severity};

fn sample(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/underwriter")
        .join(name)
}

/// Every finding kept, one per row.
fn every_row() -> CheckOptions {
    CheckOptions {
        max_findings_per_kind: 100,
        ..CheckOptions::default()
    }
}

fn flagged(name: &str) -> Vec<(String, u64, String)> {
    let report = check_file(&sample(name), &every_row());
    assert!(
        !report.blocking,
        "{name}: plausibility problems are warnings"
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity == Severity::Warning),
        "{name}"
    );
    report
        .findings
        .iter()
        .map(|f| (f.code.clone(), f.row.unwrap(), f.column.clone().unwrap()))
        .collect()
}

fn expected(with_separators_typed: bool) -> Vec<(String, u64, String)> {
    let mut expected: Vec<(&str, u64, &str)> = vec![
        ("zip_shape", 2, "zip"),
        ("implausible_year", 2, "const__bldg_year_built"),
        ("implausible_amount", 2, "limits__building_limit"),
        ("implausible_stories", 2, "const__num_stories"),
        ("invalid_value", 2, "latitude"),
        ("unknown_code", 2, "const__code_iso"),
        ("unknown_code", 2, "fema_flood_zone"),
        ("amount_with_symbols", 2, "limits__total_value"),
        ("implausible_year", 4, "const__bldg_year_built"),
        ("implausible_amount", 4, "limits__building_limit"),
        ("implausible_stories", 4, "const__num_stories"),
    ];
    if with_separators_typed {
        expected.push(("amount_with_symbols", 4, "limits__total_value"));
    }
    let mut expected: Vec<(String, u64, String)> = expected
        .into_iter()
        .map(|(code, row, column)| (code.to_owned(), row, column.to_owned()))
        .collect();
    expected.sort();
    expected
}

#[test]
fn implausible_values_are_warnings_naming_row_and_column() {
    let mut csv = flagged("implausible_values.csv");
    csv.sort();
    assert_eq!(csv, expected(true));
    // A spreadsheet reads "1,200,000" as the number it is; everything else is flagged the same.
    for name in ["implausible_values.xlsx", "implausible_values.ods"] {
        let mut found = flagged(name);
        found.sort();
        assert_eq!(found, expected(false), "{name}");
    }
}

#[test]
fn the_messages_say_what_is_wrong_and_what_to_type() {
    let report = check_file(&sample("implausible_values.xlsx"), &every_row());
    let message = |code: &str, row: u64| {
        let finding = report
            .findings
            .iter()
            .find(|f| f.code == code && f.row == Some(row))
            .unwrap();
        (finding.message.clone(), finding.suggestion.clone())
    };
    assert_eq!(
        message("zip_shape", 2),
        (
            "Row 2, column `zip`: `2134` is not a US ZIP code (5 digits); Excel may have dropped its leading zero: 02134.".to_owned(),
            "Enter it as 02134, and format the column as Text in Excel so the zero stays.".to_owned()
        )
    );
    assert!(message("implausible_year", 2)
        .0
        .starts_with("Row 2, column `const__bldg_year_built`: `3020` is in the future (it is "));
    assert_eq!(
        message("amount_with_symbols", 2).1,
        "Enter it as 1200000, a plain number, so it cannot be read differently."
    );
    assert_eq!(
        message("implausible_amount", 2).0,
        "Row 2, column `limits__building_limit`: `-5` is negative."
    );
}

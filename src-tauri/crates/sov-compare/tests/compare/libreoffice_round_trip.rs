//! The corrections workbook through a real spreadsheet program: LibreOffice (headless, Python-UNO) edits three
//! cells, re-sorts the rows, hides a column, adds a column of notes, and saves as xlsx and as CSV; the preview
//! finds exactly the three edits in each.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use crate::support::{sov, workbook, SOV_ID, THIS_YEAR};
use sov_compare::preview;
use sov_compare::Preview;
use sov_workbook::reader::read_corrections;
use sov_workbook::value::{format_number, suggest_number};
use sov_workbook::Value;

/// Debian's Python is the one with the `uno` module.
const UNO_PYTHON: &str = "/usr/bin/python3";

fn edit_in_libreoffice(input: &Path, out_dir: &Path, spec: &serde_json::Value) {
    let spec_path = out_dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/libreoffice/edit_workbook.py");
    let output = Command::new(UNO_PYTHON)
        .arg(script)
        .arg(input)
        .arg(out_dir)
        .arg(&spec_path)
        .output()
        .expect("LibreOffice and Python-UNO are installed by scripts/install-deps --test");
    assert!(
        output.status.success(),
        "LibreOffice script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A CSV holds text ("1972", or "5,500,000" when saved as shown): values compared as the number they mean.
fn plain(value: &Value) -> String {
    let field = value.to_field();
    suggest_number(&field).map_or(field, format_number)
}

fn changes(preview: &Preview) -> Vec<(u32, String, Option<String>, String)> {
    let mut changes: Vec<_> = preview
        .changes
        .iter()
        .map(|change| {
            (
                change.sheet_row_number,
                change.attribute.clone(),
                change.old.as_ref().map(plain),
                plain(&change.new),
            )
        })
        .collect();
    changes.sort_by(|left, right| (left.0, &left.1).cmp(&(right.0, &right.1)));
    changes
}

#[test]
#[ignore = "needs LibreOffice and Python-UNO (scripts/install-deps --test): run by scripts/test"]
fn edits_made_in_libreoffice_are_exactly_what_the_preview_finds_in_xlsx_and_csv() {
    let buildings = sov();
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("Acme corrections.xlsx");
    std::fs::write(&input, workbook(&buildings, "rev-1")).unwrap();
    let spec = serde_json::json!({
        "edits": [
            {"item_key": "i-4242!Locations!2", "header": "Year built", "value": 1972},
            {"item_key": "i-4242!Locations!4", "header": "Roof covering", "value": "Metal"},
            {"item_key": "i-4242!Locations!5", "header": "Building value", "value": 5_500_000},
        ],
        "sort_by": "Row", "descending": true,
        "hide": "Street",
        "add_column": {"header": "My notes", "value": "call the broker"},
    });
    edit_in_libreoffice(&input, folder.path(), &spec);
    let expected: Vec<(u32, String, Option<String>, String)> = [
        (2, "const__bldg_year_built", "1962", "1972"),
        (4, "const__roof_covering", "Built-up", "Metal"),
        (5, "limits__building_value", "5000000", "5500000"),
    ]
    .into_iter()
    .map(|(row, attribute, old, new)| {
        (
            row,
            attribute.to_owned(),
            Some(old.to_owned()),
            new.to_owned(),
        )
    })
    .collect();

    let xlsx = read_corrections(&folder.path().join("edited.xlsx")).unwrap();
    assert!(
        xlsx.snapshot.is_some(),
        "LibreOffice kept the hidden sheet intact: {:?}",
        xlsx.warnings
    );
    assert_eq!(
        xlsx.rows[0].key.sheet_row_number,
        Some(6),
        "rows were re-sorted"
    );
    assert_eq!(xlsx.warnings.len(), 1);
    assert!(xlsx.warnings[0].contains("“My notes”"));
    let from_xlsx = preview(SOV_ID, "rev-1", &buildings, &xlsx, THIS_YEAR);
    assert_eq!(changes(&from_xlsx), expected);
    let numbers_stay_numbers = from_xlsx.changes.iter().all(|change| {
        change.attribute == "const__roof_covering" || matches!(change.new, Value::Number(_))
    });
    assert!(numbers_stay_numbers, "{:?}", from_xlsx.changes);
    assert!(from_xlsx.flags.is_empty());
    assert_eq!(
        from_xlsx.summary,
        "3 buildings change, 3 values. 2 rows change nothing."
    );

    for csv in ["edited.csv", "edited-as-shown.csv"] {
        let file = read_corrections(&folder.path().join(csv)).unwrap();
        assert!(file.snapshot.is_none());
        let from_csv = preview(SOV_ID, "rev-1", &buildings, &file, THIS_YEAR);
        assert_eq!(changes(&from_csv), expected, "{csv}");
        assert!(!from_csv.blocked, "{csv}");
        // Saved as shown, the new building value is the text "5,500,000": flagged, with the number suggested.
        let flags: Vec<_> = from_csv
            .flags
            .iter()
            .map(|flag| (flag.attribute.as_str(), flag.suggested))
            .collect();
        if csv == "edited-as-shown.csv" {
            assert_eq!(flags, [("limits__building_value", Some(5_500_000.0))]);
        } else {
            assert!(flags.is_empty(), "{flags:?}");
        }
    }
}

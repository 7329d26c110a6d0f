//! What an underwriter sends is what comes back: corrections files as Excel users really save them go through the
//! pre-flight check (and its fixes), the engine and the sandbox, and the regenerated output carries exactly the
//! corrected values: no mangled characters, no Excel floats, no lost commas.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use sov_e2e::{building, json_output, sandbox, update};
use sov_preflight::{apply_fixes, check_file, CheckOptions, FileKind};
use sovfixer_sandbox::SAMPLE_SOV_ID;

/// Excel's "CSV" on a European Windows: semicolons, Windows-1252, CRLF.
const WINDOWS_1252_SEMICOLONS: &[u8] =
    b"sheet_name;sheet_row_number;bldg_name;const__bldg_year_built\r\nSheet1;2;Caf\xe9 M\xfcller, Annex;1975\r\n";

fn legacy_workbook() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../src-tauri/crates/sov-preflight/tests/corpus/legacy_workbook.xls")
}

/// The year as the output gives it, whether a JSON number or text.
fn year(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn a_windows_1252_semicolon_file_arrives_with_every_character_intact() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("corrections.csv");
    std::fs::write(&file, WINDOWS_1252_SEMICOLONS).unwrap();

    let report = check_file(&file, &CheckOptions::default());
    assert!(!report.blocking, "{:#?}", report.findings);
    assert!(
        report.notices.iter().any(|n| n.contains("1252")),
        "the user is told about the encoding: {:?}",
        report.notices
    );

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let outcome = update(&sandbox, SAMPLE_SOV_ID, vec![file], &["JSON"], &out).await;
    let output = json_output(&outcome);
    let corrected = building(&output, 2);
    assert_eq!(corrected["bldg_name"], "Café Müller, Annex");
    assert_eq!(year(&corrected["const__bldg_year_built"]), "1975");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_one_click_fix_sends_the_same_corrections_as_the_original_file() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("corrections.csv");
    std::fs::write(&original, WINDOWS_1252_SEMICOLONS).unwrap();
    let (fixed, fixed_report) = apply_fixes(&original, &CheckOptions::default()).unwrap();
    assert!(
        fixed_report.notices.is_empty(),
        "{:?}",
        fixed_report.notices
    );
    assert_eq!(
        std::fs::read(&original).unwrap(),
        WINDOWS_1252_SEMICOLONS,
        "the user's own file is left as it was"
    );

    let mut buildings = Vec::new();
    for (name, file) in [("original", original), ("fixed", fixed)] {
        let out = dir.path().join(name);
        std::fs::create_dir(&out).unwrap();
        let outcome = update(&sandbox, SAMPLE_SOV_ID, vec![file], &["JSON"], &out).await;
        buildings.push(building(&json_output(&outcome), 2).clone());
    }
    assert_eq!(buildings[0], buildings[1]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_legacy_xls_workbook_arrives_as_its_values_not_as_excel_floats() {
    let sandbox = sandbox().await;
    let workbook = legacy_workbook();
    assert_eq!(
        check_file(&workbook, &CheckOptions::default()).kind,
        FileKind::Excel
    );
    let out = tempfile::tempdir().unwrap();
    let outcome = update(
        &sandbox,
        SAMPLE_SOV_ID,
        vec![workbook],
        &["JSON"],
        out.path(),
    )
    .await;
    let output = json_output(&outcome);
    let corrected = building(&output, 2);
    assert_eq!(corrected["bldg_name"], "Normal, House");
    assert_eq!(year(&corrected["const__bldg_year_built"]), "1969");
    sandbox.shutdown().await;
}

//! `check --suggest-mapping`, `--map`, `--mapping FILE` and `--header-row` as a user runs them,
//! on an underwriter's own workbook (a title row, friendly headers), and `run` sending it.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use crate::support::*;

/// A copy of the corpus workbook: title row, blank row, then Sheet, Row, Building Name, Year
/// Built, TIV, # Stories, Notes; two buildings.
fn friendly_workbook(work: &Workspace) -> String {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/underwriter/friendly_headers.xlsx");
    let copy = work.path().join("Acme corrections.xlsx");
    std::fs::copy(source, &copy).unwrap();
    copy.display().to_string()
}

fn check(work: &Workspace, args: &[&str]) -> std::process::Output {
    let mut command = work.cli();
    command.arg("check").args(args);
    output_of(command)
}

#[test]
fn friendly_headers_block_with_a_way_forward_and_the_suggestions_become_a_mapping_file() {
    let work = Workspace::new();
    let workbook = friendly_workbook(&work);

    let blocked = check(&work, &[&workbook]);
    assert_eq!(code(&blocked), 3, "{}", stdout(&blocked));
    let text = format!("{}{}", stdout(&blocked), stderr(&blocked));
    assert!(text.contains("`Year Built` is not an attribute name; it looks like Year built (const__bldg_year_built)."), "{text}");
    assert!(
        text.contains("The column names were found in row 3"),
        "{text}"
    );
    assert!(
        text.contains("--suggest-mapping"),
        "the way forward is named: {text}"
    );

    let suggested = check(&work, &["--suggest-mapping", &workbook]);
    assert_eq!(code(&suggested), 0, "{}", stderr(&suggested));
    let mapping_text = stdout(&suggested);
    assert_eq!(
        mapping_text,
        "column,attribute\n\
         Sheet,sheet_name\n\
         Row,sheet_row_number\n\
         Building Name,bldg_name\n\
         Year Built,const__bldg_year_built\n\
         TIV,limits__total_value\n\
         # Stories,const__num_stories\n\
         Notes,\n"
    );

    // Used as printed, the Notes column without an attribute stays undecided: still blocked.
    let file = work.file("mapping.csv", &mapping_text);
    let file = file.display().to_string();
    let undecided = check(&work, &["--mapping", &file, &workbook]);
    assert_eq!(code(&undecided), 3);
    assert!(stdout(&undecided).contains("`Notes`"));

    let decided = check(&work, &["--mapping", &file, "--map", "Notes=-", &workbook]);
    assert_eq!(code(&decided), 0, "{}", stdout(&decided));
}

#[test]
fn a_map_without_an_attribute_or_a_missing_mapping_file_is_bad_usage() {
    let work = Workspace::new();
    let workbook = friendly_workbook(&work);
    let bad = check(&work, &["--map", "Year Built", &workbook]);
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("Write it as `Year Built=const__bldg_year_built`"),
        "{}",
        stderr(&bad)
    );

    let missing = check(&work, &["--mapping", "no-such-mapping.csv", &workbook]);
    assert_eq!(code(&missing), 2);
    let text = format!("{}{}", stdout(&missing), stderr(&missing));
    assert!(text.contains("no-such-mapping.csv"), "{text}");
}

#[test]
fn a_chosen_header_row_is_read() {
    let work = Workspace::new();
    let workbook = friendly_workbook(&work);
    let output = check(&work, &["--json", "--header-row", "1", &workbook]);
    assert_eq!(code(&output), 3);
    let reports: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(reports[0]["header_row"], 1);
    assert_eq!(
        reports[0]["preview"]["header"][0],
        "Acme Property corrections 2026"
    );
}

#[test]
fn run_sends_the_mapped_columns_under_attribute_names() {
    let sandbox = Sandbox::start(Duration::from_millis(600));
    let work = Workspace::new();
    let workbook = friendly_workbook(&work);
    let suggested = stdout(&check(&work, &["--suggest-mapping", &workbook]));
    let file = work.file("mapping.csv", &suggested).display().to_string();
    let output = work.run(
        &sandbox,
        &[
            "run",
            SOV,
            &workbook,
            "--mapping",
            &file,
            "--map",
            "Notes=-",
            "--nowait",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let job = &sandbox.control().jobs()[0];
    // The sandbox refuses a header that is not an attribute name, so accepting the upload shows
    // it received attribute names; the size shows the Notes column was left out.
    let expected = "sheet_name,sheet_row_number,bldg_name,const__bldg_year_built,limits__total_value,const__num_stories\n\
                    Sheet1,2,Normal House,1969,1200000,2\n\
                    Sheet1,3,Warehouse 4,1988,850000,1\n";
    assert_eq!(job.uploads.len(), 1);
    assert_eq!(job.uploads[0].filename, "Acme corrections.csv");
    assert_eq!(job.uploads[0].rows, 2);
    assert_eq!(job.uploads[0].bytes, expected.len() as u64);
}

#[test]
fn check_lists_every_row_of_a_problem_once() {
    let work = Workspace::new();
    let mut text = String::from("sheet_name,sheet_row_number,const__bldg_year_built\n");
    for row in 2..=31 {
        let year = if row % 3 == 0 { "3020" } else { "1969" };
        text.push_str(&format!("Sheet1,{row},{year}\n"));
    }
    let file = work.file("years.csv", &text).display().to_string();
    let output = check(&work, &[&file]);
    assert_eq!(code(&output), 0, "warnings only: {}", stdout(&output));
    let out = stdout(&output);
    assert!(
        out.contains("    10 rows: 3, 6, 9, 12, 15, 18, 21, 24, 27, 30\n"),
        "{out}"
    );
    assert!(
        !out.contains("more rows like this"),
        "the count is said once: {out}"
    );
}

#[test]
fn all_sheets_checks_and_reports_each_sheet_of_a_workbook() {
    let work = Workspace::new();
    // `Corrections` holds corrections; `Notes` only building names, with no way to find the building.
    let workbook = work.two_sheet_workbook();

    let output = check(&work, &["--all-sheets", &workbook]);
    assert_eq!(
        code(&output),
        3,
        "the Notes sheet blocks: {}",
        stdout(&output)
    );
    let text = stdout(&output);
    let corrections = text.find("Sheet `Corrections` of").unwrap();
    let notes = text.find("Sheet `Notes` of").unwrap();
    assert!(corrections < notes, "in workbook order: {text}");
    assert!(text[corrections..notes].contains("ready to send"), "{text}");
    assert!(
        text[notes..].contains("must be fixed before sending"),
        "{text}"
    );

    let json = check(&work, &["--json", "--all-sheets", &workbook]);
    let reports: serde_json::Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    let sheets: Vec<_> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|report| (report["sheet"].clone(), report["blocking"].clone()))
        .collect();
    assert_eq!(
        sheets,
        vec![
            (serde_json::json!("Corrections"), serde_json::json!(false)),
            (serde_json::json!("Notes"), serde_json::json!(true)),
        ]
    );

    let both = check(&work, &["--all-sheets", "--sheet", "Notes", &workbook]);
    assert_eq!(code(&both), 2, "--sheet picks one sheet: {}", stderr(&both));
}

//! `run` ends with what changed on SOV Fixer, checked against the corrections sent; `diff` compares any two
//! revisions. Against the sandbox as a process, the report read back from disk.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::schema::{events_schema, validate};
use crate::support::*;

const QUICK: Duration = Duration::from_millis(400);
const YEAR_AND_NAME: &str =
    "sheet_name,sheet_row_number,const__bldg_year_built,bldg_name\nSheet1,2,1972,Lincoln Tower\n";

fn run_json(
    work: &Workspace,
    sandbox: &Sandbox,
    corrections: &Path,
    extra: &[&str],
) -> (i32, Value) {
    let out = work.out().display().to_string();
    let corrections = corrections.display().to_string();
    let mut args = vec![
        "--json",
        "run",
        SOV,
        &corrections,
        "--out",
        &out,
        "-o",
        "JSON",
    ];
    args.extend_from_slice(extra);
    let output = work.run(sandbox, &args);
    let events = events(&stdout(&output));
    let schema = events_schema();
    for event in &events {
        validate(&schema, event).unwrap_or_else(|e| panic!("{e}: {event}"));
    }
    (code(&output), summary(&events).clone())
}

fn report_rows(path: &str, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut workbook = open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}

#[test]
fn a_run_whose_corrections_took_confirms_each_and_saves_the_report_beside_the_outputs() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let corrections = work.file("year.csv", YEAR_AND_NAME);
    let (code, summary) = run_json(&work, &sandbox, &corrections, &[]);

    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["outcome"], "done");
    let changes = &summary["changes"];
    assert_eq!(changes["from_revision"], 0);
    assert_eq!(changes["to_revision"], 1);
    assert_eq!(changes["counts"]["confirmed"], 2, "{changes}");
    assert_eq!(changes["counts"]["not_applied"], 0);
    assert_eq!(changes["counts"]["untouched_buildings"], 1);
    let requested = changes["diff"]["requested"].as_array().unwrap();
    assert!(requested
        .iter()
        .all(|change| change["outcome"] == "confirmed"));
    let report = changes["report"].as_str().unwrap();
    assert!(Path::new(report).starts_with(work.out()), "{report}");
    let rows = report_rows(report, "Requested changes");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows[1..].iter().all(|row| row[9] == "Confirmed"),
        "{rows:?}"
    );
}

#[test]
fn on_a_terminal_the_run_ends_with_the_counts_and_the_report_path_and_stdout_keeps_only_outputs() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let corrections = work.file("year.csv", YEAR_AND_NAME);
    let out = work.out().display().to_string();
    let output = work.run(
        &sandbox,
        &[
            "run",
            SOV,
            &corrections.display().to_string(),
            "--out",
            &out,
            "-o",
            "JSON",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let stderr = stderr(&output);
    assert!(
        stderr.contains(
            "What changed (revision 0 → 1): 2 requested changes confirmed. 1 building untouched."
        ),
        "{stderr}"
    );
    let report_line = stderr
        .lines()
        .find(|line| line.starts_with("Change report: "))
        .unwrap();
    let report = report_line.trim_start_matches("Change report: ");
    assert!(Path::new(report).exists(), "{report}");
    assert!(report.ends_with(".xlsx"));
    assert_eq!(
        stdout(&output).lines().count(),
        1,
        "only the JSON output's path"
    );
}

#[test]
fn a_value_sov_fixer_ignored_is_not_applied_with_exit_code_10_and_named_on_stderr() {
    let sandbox = Sandbox::start(QUICK);
    sandbox
        .control()
        .set_ignored_attribute(Some("const__bldg_year_built".into()));
    let work = Workspace::new();
    let corrections = work.file("year.csv", YEAR_AND_NAME);
    let (code, summary) = run_json(&work, &sandbox, &corrections, &[]);

    assert_eq!(code, 10, "{summary}");
    assert_eq!(summary["outcome"], "done_with_changes_not_applied");
    assert_eq!(summary["changes"]["counts"]["confirmed"], 1);
    assert_eq!(summary["changes"]["counts"]["not_applied"], 1);
    let not_applied: Vec<&Value> = summary["changes"]["diff"]["requested"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|change| change["outcome"] == "not_applied")
        .collect();
    assert_eq!(not_applied.len(), 1);
    assert_eq!(not_applied[0]["attribute"], "const__bldg_year_built");
    assert_eq!(not_applied[0]["sheet_row_number"], 2);
    let note = summary["note"].as_str().unwrap();
    assert!(
        note.contains("did not apply 1 of the values you sent"),
        "{note}"
    );
    let rows = report_rows(
        summary["changes"]["report"].as_str().unwrap(),
        "Requested changes",
    );
    let row = rows
        .iter()
        .find(|row| row[5] == "const__bldg_year_built")
        .unwrap();
    assert_eq!(row[9], "Not applied");

    let human = work.run(
        &sandbox,
        &[
            "run",
            SOV,
            &corrections.display().to_string(),
            "--out",
            &work.out().display().to_string(),
            "-o",
            "JSON",
        ],
    );
    assert_eq!(code_of(&human), 10);
    let stderr = stderr(&human);
    let line = stderr
        .lines()
        .find(|line| line.contains("Not applied:"))
        .unwrap();
    assert!(
        line.contains("(Sheet1 row 2)")
            && line.contains("you sent 1972")
            && line.contains("kept 1969"),
        "{line}"
    );
}

fn code_of(output: &std::process::Output) -> i32 {
    code(output)
}

#[test]
fn an_address_sov_fixer_recomputed_is_listed_as_changed_by_sov_fixer() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let corrections = work.file(
        "city.csv",
        "sheet_name,sheet_row_number,city\nSheet1,2,Miami\n",
    );
    let (code, summary) = run_json(&work, &sandbox, &corrections, &[]);

    assert_eq!(code, 0, "{summary}");
    let changes = &summary["changes"];
    assert_eq!(changes["counts"]["confirmed"], 1);
    assert_eq!(changes["counts"]["derived"], 1);
    let derived = &changes["diff"]["derived"][0];
    assert_eq!(derived["attribute"], "bldg_street_descriptor");
    assert_eq!(derived["after"], "1111 Lincoln Rd, Miami, FL 33139");
    assert!(
        changes["diff"]["summary"]
            .as_str()
            .unwrap()
            .contains("SOV Fixer changed 1 other value on its own."),
        "{changes}"
    );
    let rows = report_rows(changes["report"].as_str().unwrap(), "Changed by SOV Fixer");
    assert_eq!(rows[1][5], "bldg_street_descriptor");
}

#[test]
fn no_report_skips_the_check_and_saves_no_report() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let corrections = work.file("year.csv", YEAR_AND_NAME);
    let (code, summary) = run_json(&work, &sandbox, &corrections, &["--no-report"]);

    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["changes"], Value::Null);
    let entries = work.out_entries();
    assert_eq!(entries.len(), 1, "only the JSON output: {entries:?}");
    assert!(entries[0].ends_with(".json"), "{entries:?}");
}

#[test]
fn no_write_saves_no_report_and_fetches_no_revision() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let corrections = work.file("year.csv", YEAR_AND_NAME);
    let corrections = corrections.display().to_string();
    // `--out` and `--no-write` exclude each other: the run saves into the current folder, which must stay as it was.
    let before = sov_test_support::list_dir(work.path());
    let output = work.run(
        &sandbox,
        &[
            "--json",
            "run",
            SOV,
            &corrections,
            "-o",
            "JSON",
            "--no-write",
        ],
    );
    let events = events(&stdout(&output));
    let summary = summary(&events);

    assert_eq!(code(&output), 0, "{summary}");
    assert_eq!(summary["outcome"], "done");
    // Nothing saved means no change report either, and no revision downloaded to compare.
    assert_eq!(summary["changes"], Value::Null);
    assert_eq!(sov_test_support::list_dir(work.path()), before);
    let control = sandbox.control();
    assert_eq!(
        control.count_requests(sovfixer_sandbox::Endpoint::GetOrCreateOutput),
        0
    );
    assert_eq!(
        control.count_requests(sovfixer_sandbox::Endpoint::Download),
        0
    );
    assert!(
        !work.path().join(".cache").exists(),
        "no revision was kept in the cache"
    );
    // The update itself did change the SOV: `diff` still says what it changed.
    let diff = work.run(&sandbox, &["diff", SOV]);
    assert_eq!(code_of(&diff), 0, "{}", stderr(&diff));
    assert!(
        stdout(&diff).contains("const__bldg_year_built\t1969\t1972"),
        "{}",
        stdout(&diff)
    );
}

#[test]
fn diff_compares_any_two_revisions_and_saves_the_report_without_overwriting() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let first = work.file("year.csv", YEAR_AND_NAME);
    run_json(&work, &sandbox, &first, &["--no-report"]);
    let second = work.file(
        "stories.csv",
        "sheet_name,sheet_row_number,const__num_stories\nSheet1,3,6\n",
    );
    run_json(&work, &sandbox, &second, &["--no-report"]);

    let latest = work.run(&sandbox, &["diff", SOV]);
    assert_eq!(code(&latest), 0, "{}", stderr(&latest));
    let lines: Vec<String> = stdout(&latest).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0].split('\t').collect::<Vec<_>>(),
        [
            "Sheet1",
            "3",
            "Capitol Hill Offices, 1600 Pennsylvania Ave SE, Washington",
            "const__num_stories",
            "5",
            "6"
        ]
    );
    assert!(
        stderr(&latest).contains("What changed (revision 1 → 2)"),
        "{}",
        stderr(&latest)
    );

    let wanted = work.path().join("since original.xlsx");
    std::fs::write(&wanted, b"keep me").unwrap();
    let since = work.run(
        &sandbox,
        &[
            "--json",
            "diff",
            SOV,
            "--from",
            "0",
            "--out",
            &wanted.display().to_string(),
        ],
    );
    assert_eq!(code(&since), 0, "{}", stderr(&since));
    let events = events(&stdout(&since));
    validate(&events_schema(), &events[events.len() - 1]).unwrap();
    let changes = &summary(&events)["changes"];
    assert_eq!(changes["counts"]["derived"], 3, "{changes}");
    assert_eq!(std::fs::read(&wanted).unwrap(), b"keep me");
    let saved = changes["report"].as_str().unwrap();
    assert!(saved.ends_with("since original (2).xlsx"), "{saved}");
    assert_eq!(report_rows(saved, "Changed by SOV Fixer").len(), 4);
}

#[test]
fn diff_of_a_revision_the_sov_does_not_have_is_bad_usage_naming_the_range() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let output = work.run(&sandbox, &["diff", SOV, "--to", "3"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output)
            .contains("has no revision 3 (--to): its revisions are 0 (the original) to 0."),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_report_is_named_after_the_insured_given_with_extra_data_not_after_sov_fixers_name() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let corrections = work.file("year.csv", YEAR_AND_NAME);
    let (code, summary) = run_json(
        &work,
        &sandbox,
        &corrections,
        &["-E", "insured_name=Ridgeway Holdings"],
    );

    assert_eq!(code, 0, "{summary}");
    let report = Path::new(summary["changes"]["report"].as_str().unwrap());
    let name = report.file_name().unwrap().to_string_lossy();
    assert!(name.starts_with("Ridgeway Holdings "), "{name}");
    assert!(report.exists(), "{}", report.display());
}

//! `template`, `preview` and `run` of a corrections workbook, as processes against the sandbox: the workbook is
//! made from the SOV's current data, edited as a spreadsheet program saves it, previewed, and only its changes
//! are sent.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use calamine::{Data, Reader as _};
use serde_json::Value;
use sov_test_support::spreadsheet::resave_with_edits;

use crate::support::*;

const QUICK: Duration = Duration::from_millis(300);

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../samples")
}

/// Runs a command with a cache folder of this workspace (never the user's).
fn run_cli(work: &Workspace, sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    let cache = work.path().join("cache").display().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--cache-dir", &cache]);
    work.run(sandbox, &all)
}

fn make_template(work: &Workspace, sandbox: &Sandbox) -> PathBuf {
    let path = work.path().join("made.xlsx");
    let output = run_cli(
        work,
        sandbox,
        &["template", SOV, "--out", &path.display().to_string()],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), path.display().to_string());
    path
}

const ROW_2: &str = "i-s-demo-sample!Sheet1!2";
const ROW_3: &str = "i-s-demo-sample!Sheet1!3";

fn current_value(work: &Workspace, sandbox: &Sandbox, row: &str, attribute: &str) -> String {
    let output = run_cli(work, sandbox, &["show", SOV, "--buildings", "csv"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == attribute).unwrap();
    let record = reader
        .records()
        .map(Result::unwrap)
        .find(|record| &record[0] == row)
        .unwrap();
    record[column].to_owned()
}

/// A value as a person reads it: `1972` whether SOV Fixer keeps it as text or the spreadsheet as a number.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number
            .as_f64()
            .map_or_else(|| number.to_string(), |n| format!("{n}")),
        other => other.to_string(),
    }
}

fn preview_event(events: &[Value]) -> &Value {
    &events
        .iter()
        .find(|event| event["event"] == "preview")
        .expect("a preview event")["preview"]
}

#[test]
fn the_preview_text_shows_numbers_as_the_spreadsheet_does_and_the_json_keeps_them_numbers() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let made = make_template(&work, &sandbox);
    let edited = work.path().join("edited.xlsx");
    // A value worked out by a formula carries the float's noise (220000.00000000003); Excel shows 220000.
    resave_with_edits(
        &made,
        &[
            (ROW_2, "Year built", Data::Float(1972.0)),
            (ROW_3, "Building value", Data::Float(200_000.0 * 1.1)),
        ],
        &edited,
    );
    let edited_arg = edited.display().to_string();

    let human = run_cli(&work, &sandbox, &["preview", SOV, &edited_arg]);
    let text = stdout(&human);
    assert!(text.contains("Year built: 1969 → 1972"), "{text}");
    assert!(text.contains("Building value: 200000 → 220000\n"), "{text}");

    let output = run_cli(&work, &sandbox, &["preview", SOV, &edited_arg, "--json"]);
    let events = events(&stdout(&output));
    let changes = preview_event(&events)["changes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(changes[0]["old"], "1969", "SOV Fixer's text stays text");
    assert!(changes[0]["new"].is_number(), "{}", changes[0]);
    assert!(changes[1]["new"].is_number(), "{}", changes[1]);
}

#[test]
fn three_edits_are_previewed_old_to_new_and_only_they_are_sent() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let made = make_template(&work, &sandbox);
    let edited = work.path().join("edited.xlsx");
    resave_with_edits(
        &made,
        &[
            (ROW_2, "Year built", Data::Float(1972.0)),
            (ROW_2, "Roof covering", Data::String("Metal".into())),
            (ROW_3, "Building value", Data::Float(250_000.0)),
        ],
        &edited,
    );
    let edited_arg = edited.display().to_string();

    let output = run_cli(&work, &sandbox, &["preview", SOV, &edited_arg, "--json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let events = events(&stdout(&output));
    let preview = preview_event(&events);
    let changes: Vec<(String, String, String)> = preview["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            (
                change["attribute"].as_str().unwrap().to_owned(),
                plain(&change["old"]),
                plain(&change["new"]),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "const__bldg_year_built".into(),
                "1969".into(),
                "1972".into()
            ),
            (
                "const__roof_covering".into(),
                "Built-up".into(),
                "Metal".into()
            ),
            (
                "limits__building_value".into(),
                "200000".into(),
                "250000".into()
            ),
        ],
        "{preview}"
    );
    assert_eq!(preview["blocked"], false);
    assert_eq!(summary(&events)["outcome"], "done");

    let human = run_cli(&work, &sandbox, &["preview", SOV, &edited_arg]);
    let text = stdout(&human);
    assert!(text.contains("2 buildings change, 3 values."), "{text}");
    assert!(text.contains("Year built: 1969 → 1972"), "{text}");
    assert!(text.contains("Lincoln Road Tower"), "{text}");

    let output = run_cli(
        &work,
        &sandbox,
        &[
            "run",
            SOV,
            &edited_arg,
            "--out",
            &work.out().display().to_string(),
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let jobs = sandbox.control().jobs();
    assert_eq!(jobs.len(), 1);
    let uploads = &jobs[0].uploads;
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].filename, "edited changes.csv");
    assert_eq!(uploads[0].rows, 2, "one row per changed building");
    assert_eq!(
        current_value(&work, &sandbox, ROW_2, "const__bldg_year_built"),
        "1972"
    );
    assert_eq!(
        current_value(&work, &sandbox, ROW_2, "const__roof_covering"),
        "Metal"
    );
    assert_eq!(
        current_value(&work, &sandbox, ROW_3, "limits__building_value"),
        "250000"
    );
}

#[test]
fn a_workbook_that_changes_nothing_is_not_sent() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let made = make_template(&work, &sandbox);
    let output = run_cli(
        &work,
        &sandbox,
        &["--json", "run", SOV, &made.display().to_string()],
    );
    assert_eq!(code(&output), 9, "{}", stderr(&output));
    let events = events(&stdout(&output));
    let summary = summary(&events);
    assert_eq!(summary["outcome"], "nothing_to_send");
    assert!(summary["note"]
        .as_str()
        .unwrap()
        .contains("Nothing to send"));
    assert!(sandbox.control().jobs().is_empty(), "no update was made");
}

#[test]
fn someone_elses_update_after_the_template_is_reported_and_not_overwritten() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let made = make_template(&work, &sandbox);
    // Someone else corrects the year built of row 2 on SOV Fixer meanwhile.
    let theirs = work.file(
        "theirs.csv",
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1980\n",
    );
    let output = run_cli(
        &work,
        &sandbox,
        &["run", SOV, &theirs.display().to_string(), "--no-write"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // The user changes the same cell, and the roof of row 3.
    let edited = work.path().join("edited.xlsx");
    resave_with_edits(
        &made,
        &[
            (ROW_2, "Year built", Data::Float(1972.0)),
            (ROW_3, "Roof covering", Data::String("Tile".into())),
        ],
        &edited,
    );
    let edited_arg = edited.display().to_string();

    let output = run_cli(&work, &sandbox, &["preview", SOV, &edited_arg, "--json"]);
    let events = events(&stdout(&output));
    let preview = preview_event(&events);
    assert_eq!(preview["stale_base"], true, "{preview}");
    let stale = &preview["stale_cells"][0];
    assert_eq!(stale["attribute"], "const__bldg_year_built");
    assert_eq!(
        (
            plain(&stale["made_from"]),
            plain(&stale["server_now"]),
            plain(&stale["yours"])
        ),
        ("1969".into(), "1980".into(), "1972".into())
    );

    let refused = run_cli(&work, &sandbox, &["run", SOV, &edited_arg, "--no-write"]);
    assert_eq!(code(&refused), 3, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--stale-cells"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(sandbox.control().jobs().len(), 1, "nothing more was sent");
    assert_eq!(
        current_value(&work, &sandbox, ROW_2, "const__bldg_year_built"),
        "1980"
    );

    let kept = run_cli(
        &work,
        &sandbox,
        &[
            "run",
            SOV,
            &edited_arg,
            "--no-write",
            "--stale-cells",
            "server",
        ],
    );
    assert_eq!(code(&kept), 0, "{}", stderr(&kept));
    assert_eq!(
        current_value(&work, &sandbox, ROW_2, "const__bldg_year_built"),
        "1980"
    );
    assert_eq!(
        current_value(&work, &sandbox, ROW_3, "const__roof_covering"),
        "Tile"
    );
}

#[test]
fn send_as_is_sends_every_row_of_the_workbook() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let made = make_template(&work, &sandbox);
    let output = run_cli(
        &work,
        &sandbox,
        &[
            "run",
            SOV,
            &made.display().to_string(),
            "--no-write",
            "--send-as-is",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let jobs = sandbox.control().jobs();
    assert_eq!(jobs[0].uploads[0].rows, 2);
    assert_eq!(jobs[0].uploads[0].filename, "made.csv");
}

#[test]
fn the_demo_sample_changes_real_values() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let sample = samples().join("demo-corrections.csv").display().to_string();
    let output = run_cli(&work, &sandbox, &["preview", SOV, &sample, "--json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let events = events(&stdout(&output));
    let preview = preview_event(&events);
    let changes = preview["changes"].as_array().unwrap();
    assert!(changes.len() >= 3, "{preview}");
    let attributes: Vec<&str> = changes
        .iter()
        .map(|change| change["attribute"].as_str().unwrap())
        .collect();
    for wanted in [
        "const__bldg_year_built",
        "const__roof_covering",
        "limits__building_value",
    ] {
        assert!(attributes.contains(&wanted), "{attributes:?}");
    }
}

#[test]
fn a_row_matching_no_building_blocks_the_preview_with_its_reason() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let file = work.file(
        "wrong.csv",
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1970\nSheet1,99,1990\n",
    );
    let output = run_cli(
        &work,
        &sandbox,
        &["preview", SOV, &file.display().to_string()],
    );
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("1 row matches no building"), "{text}");
    assert!(text.contains("Row 3 matches no building"), "{text}");
}

#[test]
fn template_never_replaces_a_file() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let taken = work.file("taken.xlsx", "mine");
    let output = run_cli(
        &work,
        &sandbox,
        &["template", SOV, "--out", &taken.display().to_string()],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");

    // Without --out: the insured's plain name in the current folder, numbered the second time.
    let first = run_cli(&work, &sandbox, &["template", SOV]);
    let second = run_cli(
        &work,
        &sandbox,
        &[
            "template",
            SOV,
            "--attributes",
            "const__bldg_year_built,street",
        ],
    );
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    let first = stdout(&first).trim().to_owned();
    let second = stdout(&second).trim().to_owned();
    assert!(
        first.contains("Harbor Point Properties LLC corrections "),
        "{first}"
    );
    assert!(second.ends_with(" (2).xlsx"), "{second}");
    let mut book = calamine::open_workbook_auto(&second).unwrap();
    let range = book.worksheet_range("Corrections").unwrap();
    let headers: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(headers[3..], ["Year built", "Street"]);
}

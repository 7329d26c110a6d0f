//! `find` and `show` as processes against the sandbox's demo book.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::*;
use serde_json::Value;

const QUICK: Duration = Duration::from_millis(600);

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn find_lists_matching_sovs_as_json_lines_when_piped() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let output = work.run(&sandbox, &["find", "acme"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let found = json_lines(&stdout(&output));
    assert!(found.len() >= 2);
    let acme = found
        .iter()
        .find(|sov| sov["insured_name"] == "Acme Corp")
        .unwrap();
    assert_eq!(acme["filename"], "Acme 2026 SOV.xlsx");
    assert!(acme["id"].as_str().unwrap().starts_with("s-"));
    assert!(acme["num_buildings"].as_i64().unwrap() > 0);
    // Each SOV says when it last changed.
    let times: Vec<&str> = found
        .iter()
        .filter_map(|sov| sov["last_updated"].as_str())
        .collect();
    assert!(!times.is_empty());
}

#[test]
fn find_honours_limit_status_and_since_across_pages() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let limited = work.run(&sandbox, &["find", "", "--limit", "3"]);
    assert_eq!(code(&limited), 0, "{}", stderr(&limited));
    assert_eq!(json_lines(&stdout(&limited)).len(), 3);
    assert!(
        stderr(&limited).contains("more match"),
        "{}",
        stderr(&limited)
    );
    // More than one page of 250 is never needed here, but a limit above the page size still works.
    let all = work.run(&sandbox, &["find", "", "--limit", "400"]);
    assert!(json_lines(&stdout(&all)).len() >= 30);

    let failed = work.run(&sandbox, &["find", "", "--status", "failed"]);
    let failed = json_lines(&stdout(&failed));
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|sov| sov["status"] == "failed"));

    let recent = work.run(
        &sandbox,
        &["find", "", "--since", "2026-11-01", "--limit", "100"],
    );
    let recent = json_lines(&stdout(&recent));
    assert!(!recent.is_empty() && recent.len() < 30);
}

#[test]
fn find_with_no_match_says_what_to_try_and_bad_filters_are_usage_errors() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let none = work.run(&sandbox, &["find", "no insured is called this"]);
    assert_eq!(code(&none), 0);
    assert!(stdout(&none).trim().is_empty());
    assert!(stderr(&none).contains("Nothing found"), "{}", stderr(&none));
    assert!(stderr(&none).contains("insured's name"));

    let bad_status = work.run(&sandbox, &["find", "acme", "--status", "done"]);
    assert_eq!(code(&bad_status), 2);
    assert!(
        stderr(&bad_status).contains("complete"),
        "{}",
        stderr(&bad_status)
    );
    let bad_date = work.run(&sandbox, &["find", "acme", "--since", "last week"]);
    assert_eq!(code(&bad_date), 2);
    assert!(
        stderr(&bad_date).contains("2026-03-01"),
        "{}",
        stderr(&bad_date)
    );
    let zero = work.run(&sandbox, &["find", "acme", "--limit", "0"]);
    assert_eq!(code(&zero), 2);

    let mut wrong_key = work.cli();
    wrong_key.args([
        "-u",
        &sandbox.url(),
        "--auth-token",
        "wrong",
        "find",
        "acme",
    ]);
    assert_eq!(code(&output_of(wrong_key)), 4);
}

#[test]
fn show_gives_the_summary_and_every_revision() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let found = json_lines(&stdout(
        &work.run(&sandbox, &["find", "", "--limit", "100"]),
    ));
    let updated = found
        .iter()
        .find(|sov| sov["latest_revision"].as_i64().unwrap_or(0) >= 2)
        .unwrap();
    let id = updated["id"].as_str().unwrap();
    let output = work.run(&sandbox, &["show", id]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let shown = &json_lines(&stdout(&output))[0];
    assert_eq!(shown["id"], id);
    assert_eq!(shown["insured_name"], updated["insured_name"]);
    let revisions = shown["revisions"].as_array().unwrap();
    let latest = updated["latest_revision"].as_i64().unwrap();
    assert_eq!(revisions.len() as i64, latest + 1);
    assert_eq!(revisions[0]["kind"], "original");
    assert_eq!(
        revisions[0]["status"], "complete",
        "a word, not the API's letter"
    );
    assert_eq!(revisions.last().unwrap()["revision"], latest);

    let unknown = work.run(&sandbox, &["show", "s-no-such-sov", "--json"]);
    assert_eq!(code(&unknown), 5);
    let events = events(&stdout(&unknown));
    let summary = summary(&events);
    assert_eq!(summary["command"], "show");
    assert_eq!(summary["error"]["code"], "not_found");
}

#[test]
fn show_buildings_writes_current_values_as_csv_even_when_attributes_are_objects() {
    let sandbox = Sandbox::start(QUICK);
    sandbox
        .control()
        .set_output_delay(Duration::from_millis(200));
    sandbox.control().set_annotated_attributes(true);
    let work = Workspace::new();
    let cache = work.path().join("cache");
    let cache_arg = cache.display().to_string();
    let output = work.run(
        &sandbox,
        &["show", SOV, "--buildings", "csv", "--cache-dir", &cache_arg],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Revision 0 of s-demo-sample"),
        "{}",
        stderr(&output)
    );
    let text = stdout(&output);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(&header[..3], ["item_key", "sheet_name", "sheet_row_number"]);
    let year = header
        .iter()
        .position(|h| h == "const__bldg_year_built")
        .unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "i-s-demo-sample!Sheet1!2");
    let year_value = &rows[0][year];
    assert!(
        !year_value.is_empty() && !year_value.contains('{'),
        "the value, not the object: {year_value}"
    );

    // The second time comes from the saved copy; --out writes a file and never replaces one.
    let out = work.path().join("buildings.jsonl");
    let out_arg = out.display().to_string();
    let again = work.run(
        &sandbox,
        &[
            "show",
            SOV,
            "--buildings",
            "jsonl",
            "--out",
            &out_arg,
            "--cache-dir",
            &cache_arg,
        ],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(stderr(&again).contains("saved copy"), "{}", stderr(&again));
    let lines = json_lines(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]["const__bldg_year_built"]["value"].is_string()
            || lines[0]["const__bldg_year_built"]["value"].is_number()
    );
    let refused = work.run(
        &sandbox,
        &[
            "show",
            SOV,
            "--buildings",
            "jsonl",
            "--out",
            &out_arg,
            "--cache-dir",
            &cache_arg,
        ],
    );
    assert_eq!(code(&refused), 1);
    assert!(
        stderr(&refused).contains("already exists"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn show_buildings_never_takes_another_servers_saved_copy_of_the_same_sov_id() {
    let first = Sandbox::start(QUICK);
    let second = Sandbox::start(QUICK);
    // The second server's SOV says something else for the same id and revision.
    second.control().set_annotated_attributes(true);
    let work = Workspace::new();
    let cache_arg = work.path().join("cache").display().to_string();
    let show = |sandbox: &Sandbox| {
        work.run(
            sandbox,
            &[
                "show",
                SOV,
                "--buildings",
                "jsonl",
                "--cache-dir",
                &cache_arg,
            ],
        )
    };
    let from_first = show(&first);
    assert_eq!(code(&from_first), 0, "{}", stderr(&from_first));
    let from_second = show(&second);
    assert_eq!(code(&from_second), 0, "{}", stderr(&from_second));
    assert!(
        !stderr(&from_second).contains("saved copy"),
        "the other server's copy was used: {}",
        stderr(&from_second)
    );
    let year = |output: &std::process::Output| {
        json_lines(&stdout(output))[0]["const__bldg_year_built"].clone()
    };
    assert!(!year(&from_first).is_object(), "{}", year(&from_first));
    assert!(year(&from_second).is_object(), "{}", year(&from_second));
    // Each server's copy is still its own the next time.
    let again = show(&first);
    assert!(stderr(&again).contains("saved copy"), "{}", stderr(&again));
    assert!(!year(&again).is_object(), "{}", year(&again));
}

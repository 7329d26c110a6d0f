//! `check`, `status`, `formats`, `sandbox`, `--help` and the API key lookup, as processes.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::*;

const QUICK: Duration = Duration::from_millis(600);

#[test]
fn no_api_key_anywhere_exits_4_and_says_where_to_put_one() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let mut command = work.cli();
    command.args(["-u", &sandbox.url(), "formats"]);
    let output = output_of(command);
    assert_eq!(code(&output), 4);
    let text = stderr(&output);
    assert!(
        text.contains("SOVFIXER_AUTH_TOKEN_PRD") && text.contains(".pingintel.ini"),
        "{text}"
    );
}

#[test]
fn the_key_is_found_like_sovfixerapi_finds_it() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    // The environment-specific variable wins over the general one.
    let mut staging = work.cli();
    staging
        .env("SOVFIXER_AUTH_TOKEN", "general-wrong")
        .env("SOVFIXER_AUTH_TOKEN_STG", TOKEN)
        .args(["formats", "-e", "staging", "-u", &sandbox.url()]);
    assert_eq!(code(&output_of(staging)), 0);
    let mut prod = work.cli();
    prod.env("SOVFIXER_AUTH_TOKEN", "general-wrong")
        .env("SOVFIXER_AUTH_TOKEN_STG", TOKEN)
        .args(["formats", "-u", &sandbox.url()]);
    assert_eq!(
        code(&output_of(prod)),
        4,
        "prod must not use the staging key"
    );
    // Then ~/.pingintel.ini, keys case-insensitive.
    work.file(
        ".pingintel.ini",
        &format!("[sovfixer]\nsovfixer_auth_token = {TOKEN}\n"),
    );
    let mut ini = work.cli();
    ini.args(["formats", "-u", &sandbox.url()]);
    assert_eq!(code(&output_of(ini)), 0);
}

#[test]
fn check_reports_findings_and_exits_3_only_on_a_blocking_error() {
    let work = Workspace::new();
    let good = output_of({
        let mut c = work.cli();
        c.args(["check", &work.corrections()]);
        c
    });
    assert_eq!(code(&good), 0, "{}", stderr(&good));
    assert!(
        stdout(&good).contains("corrections.csv: 1 rows"),
        "{}",
        stdout(&good)
    );

    let bad = work.file(
        "bad.csv",
        "sheet_name,sheet_row_number,bldg_name\nSheet1,two,Normal House\n",
    );
    let blocked = output_of({
        let mut c = work.cli();
        c.args(["check", &work.corrections(), &bad.display().to_string()]);
        c
    });
    assert_eq!(code(&blocked), 3);
    let text = stdout(&blocked);
    assert!(
        text.contains("bad.csv, row 2, column `sheet_row_number`"),
        "{text}"
    );
    assert!(text.contains("->"), "a suggestion is shown: {text}");

    let json = output_of({
        let mut c = work.cli();
        c.args([
            "check",
            "--json",
            &work.corrections(),
            &bad.display().to_string(),
        ]);
        c
    });
    assert_eq!(code(&json), 3);
    let reports: serde_json::Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    assert_eq!(reports.as_array().unwrap().len(), 2);
    assert_eq!(reports[0]["blocking"], false);
    assert_eq!(reports[1]["blocking"], true);
    assert_eq!(reports[1]["findings"][0]["row"], 2);

    let missing = output_of({
        let mut c = work.cli();
        c.args(["check", "no-such-file.csv"]);
        c
    });
    assert_eq!(code(&missing), 3);
    assert!(stdout(&missing).contains("no-such-file.csv"));
}

#[test]
fn check_reads_the_sheet_given_with_sheet_and_a_missing_sheet_exits_3_naming_the_sheets() {
    let work = Workspace::new();
    let workbook = work.two_sheet_workbook();
    let check = |args: &[&str]| {
        output_of({
            let mut c = work.cli();
            c.arg("check").args(args);
            c
        })
    };

    let notes = check(&["--json", "--sheet", "Notes", &workbook]);
    assert_eq!(code(&notes), 3, "no building ids on Notes");
    let reports: serde_json::Value = serde_json::from_str(stdout(&notes).trim()).unwrap();
    assert_eq!(reports[0]["sheet"], "Notes");
    assert_eq!(
        reports[0]["preview"]["header"],
        serde_json::json!(["bldg_name"])
    );

    // A CSV given with it is read as usual (another building than the workbook's, which would be a duplicate).
    let csv = work.file(
        "more.csv",
        "sheet_name,sheet_row_number,bldg_name\nSheet1,3,Annex\n",
    );
    let corrections = check(&[
        "--sheet",
        "Corrections",
        &workbook,
        &csv.display().to_string(),
    ]);
    assert_eq!(code(&corrections), 0, "{}", stdout(&corrections));

    let missing = check(&["--sheet", "Summary", &workbook]);
    assert_eq!(code(&missing), 3);
    let text = stdout(&missing);
    assert!(
        text.contains("Summary") && text.contains("Corrections") && text.contains("Notes"),
        "{text}"
    );
}

#[test]
fn status_of_an_unknown_update_exits_5() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let output = work.run(&sandbox, &["status", "s-demo-sample-r999"]);
    assert_eq!(code(&output), 5);
    assert!(
        stderr(&output).contains("no update with the id `s-demo-sample-r999`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn formats_lists_a_table_or_json() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let table = work.run(&sandbox, &["formats"]);
    assert_eq!(code(&table), 0);
    let text = stdout(&table);
    assert!(text.lines().next().unwrap().starts_with("Format"));
    assert!(
        text.contains("JSON") && text.contains("Buildings CSV"),
        "{text}"
    );

    let json = work.run(
        &sandbox,
        &["list-output-formats", "--json", "--sovid", "s-demo-large"],
    );
    assert_eq!(code(&json), 0);
    let formats: serde_json::Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    let names: Vec<&str> = formats
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["output_format"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"CARRIER_BORDEREAU"), "{names:?}");

    let unknown = work.run(&sandbox, &["formats", "--sovid", "s-nope"]);
    assert_eq!(code(&unknown), 5, "{}", stderr(&unknown));
}

#[test]
#[cfg(unix)] // Sends a signal: see `crate::support::interrupt`.
fn sandbox_command_serves_until_ctrl_c() {
    let work = Workspace::new();
    let mut child = work
        .cli()
        .args([
            "sandbox",
            "--port",
            "0",
            "--token",
            TOKEN,
            "--processing-ms",
            "500",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    let first = read_until(&lines, |_| true).remove(0);
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let demo = read_until(&lines, |_| true).remove(0);
    assert!(demo.starts_with(SOV), "{demo}");

    let mut formats = work.cli();
    formats.args(["-u", url, "--auth-token", TOKEN, "formats"]);
    assert_eq!(code(&output_of(formats)), 0);
    interrupt(&child);
    assert_eq!(wait_with_patience(&mut child), 0);
}

#[test]
#[cfg(unix)] // Sends a signal: see `crate::support::interrupt`.
fn sandbox_command_stops_cleanly_on_sigterm_and_removes_the_files_it_was_sent() {
    let work = Workspace::new();
    // The sandbox keeps uploads in a folder under TMPDIR; a private one shows what is left behind.
    let scratch = tempfile::tempdir().unwrap();
    let mut child = work
        .cli()
        .env("TMPDIR", scratch.path())
        .args(["sandbox", "--port", "0", "--token", TOKEN])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    let first = read_until(&lines, |_| true).remove(0);
    let url = first.strip_prefix("listening on ").unwrap().to_owned();
    let mut upload = work.cli();
    upload.args([
        "-u",
        &url,
        "--auth-token",
        TOKEN,
        "run",
        SOV,
        &work.corrections(),
        "--nowait",
    ]);
    let uploaded = output_of(upload);
    assert_eq!(code(&uploaded), 0, "{}", stderr(&uploaded));
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        1,
        "the sandbox's folder holds the upload while it runs"
    );

    terminate(&child);
    assert_eq!(
        wait_with_patience(&mut child),
        0,
        "a clean stop, not a kill"
    );
    let left: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn help_documents_the_exit_codes() {
    let work = Workspace::new();
    let output = output_of({
        let mut c = work.cli();
        c.arg("--help");
        c
    });
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    for expected in [
        "Exit codes",
        "130",
        "pre-flight",
        "network failure",
        "--environment",
        "SOVFIXER_AUTH_TOKEN",
    ] {
        assert!(text.contains(expected), "--help lacks {expected}: {text}");
    }
}

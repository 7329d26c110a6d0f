//! `sov-update run` as a process against a sandbox: results, the JSON stream, and every exit code.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use crate::support::*;
use sovfixer_sandbox::{Endpoint, Fault, ForcedFailure};

const QUICK: Duration = Duration::from_millis(600);

/// A sandbox whose jobs finish quickly and a fresh workspace: how most tests here begin.
fn quick() -> (Sandbox, Workspace) {
    (Sandbox::start(QUICK), Workspace::new())
}

/// `sov-update run <sample SOV> <corrections> <extra…>` in `work` against `sandbox`.
fn run_update(sandbox: &Sandbox, work: &Workspace, extra: &[&str]) -> std::process::Output {
    let corrections = work.corrections();
    let mut args = vec!["run", SOV, corrections.as_str()];
    args.extend_from_slice(extra);
    work.run(sandbox, &args)
}

/// `sov-update run <sample SOV> <corrections> --out <out> <extra…>` in `work` against `sandbox`.
fn run_into_out(sandbox: &Sandbox, work: &Workspace, extra: &[&str]) -> std::process::Output {
    let out = work.out().display().to_string();
    let mut args = vec!["--out", out.as_str()];
    args.extend_from_slice(extra);
    run_update(sandbox, work, &args)
}

#[test]
fn run_saves_the_outputs_and_prints_only_their_paths_on_stdout() {
    let (sandbox, work) = quick();
    let out = work.out().display().to_string();
    let output = run_update(&sandbox, &work, &["--out", &out, "-o", "JSON", "-o", "CSV"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let paths: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(paths.len(), 2, "one line per output: {paths:?}");
    for path in &paths {
        let metadata = std::fs::metadata(path).unwrap();
        assert!(metadata.len() > 0, "{path} is empty");
        assert!(path.starts_with(&out), "{path} is not in --out");
    }
    let job = &sandbox.control().jobs()[0];
    assert!(stderr(&output).contains(&format!("Update id: {}", job.id)));
    assert_eq!(job.output_formats, vec!["JSON", "CSV"]);
    assert!(
        work.out_entries().iter().all(|name| !name.starts_with('.')),
        "{:?}",
        work.out_entries()
    );
}

#[test]
fn json_stream_follows_the_documented_schema_and_ends_with_a_summary() {
    let (sandbox, work) = quick();
    let out = work.out().display().to_string();
    let output = work.run(
        &sandbox,
        &["--json", "run", SOV, &work.corrections(), "--out", &out],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let events = events(&stdout(&output));
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    let position = |kind: &str| {
        kinds
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_else(|| panic!("no {kind}: {kinds:?}"))
    };
    assert!(position("update_created") < position("upload"));
    assert!(position("upload") < position("processing"));
    assert!(position("processing") < position("output_saved"));
    let summary = summary(&events);
    assert_eq!(summary["outcome"], "done");
    assert_eq!(summary["exit_code"], 0);
    assert_eq!(
        summary["update_id"],
        sandbox.control().jobs()[0].id.as_str()
    );
    let outputs = summary["outputs"].as_array().unwrap();
    assert!(!outputs.is_empty());
    for saved in outputs {
        let path = std::path::Path::new(saved["path"].as_str().unwrap());
        assert_eq!(
            saved["size"].as_u64().unwrap(),
            std::fs::metadata(path).unwrap().len()
        );
        assert_eq!(saved["sha256"].as_str().unwrap(), sha256_hex(path));
    }
}

#[test]
fn nowait_prints_the_update_id_and_status_collects_it_later() {
    let sandbox = Sandbox::start(Duration::from_secs(2));
    let work = Workspace::new();
    let output = run_update(&sandbox, &work, &["--nowait"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let update_id = stdout(&output).trim().to_owned();
    let job = &sandbox.control().jobs()[0];
    assert_eq!(update_id, job.id);
    assert!(
        job.started,
        "--nowait must return after the start, not before"
    );
    assert!(work.out_entries().is_empty());

    let out = work.out().display().to_string();
    let collected = work.run(
        &sandbox,
        &["status", &update_id, "--wait", "--download", "--out", &out],
    );
    assert_eq!(code(&collected), 0, "{}", stderr(&collected));
    assert!(!work.out_entries().is_empty());
    assert_eq!(stdout(&collected).lines().count(), work.out_entries().len());
}

#[test]
fn a_file_of_more_rows_than_one_batch_arrives_complete_in_parts() {
    let sandbox = Sandbox::start(Duration::from_secs(2));
    let work = Workspace::new();
    let header = "sheet_name,sheet_row_number,bldg_name\n";
    let rows: String = (0..25_003)
        .map(|row| format!("Sheet1,{},House {row}\n", row + 2))
        .collect();
    let file = work.file("large.csv", &format!("{header}{rows}"));
    let output = work.run(
        &sandbox,
        &["run", SOV, &file.display().to_string(), "--nowait"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let job = &sandbox.control().jobs()[0];
    assert!(job.started);
    let parts: Vec<(&str, u64)> = job
        .uploads
        .iter()
        .map(|upload| (upload.filename.as_str(), upload.rows))
        .collect();
    assert_eq!(
        parts,
        [
            ("large (part 1 of 2).csv", 25_000),
            ("large (part 2 of 2).csv", 3)
        ]
    );
    let bytes: u64 = job.uploads.iter().map(|upload| upload.bytes).sum();
    assert_eq!(bytes, (2 * header.len() + rows.len()) as u64);
}

#[test]
fn options_work_before_or_after_the_command_like_sovfixerapi() {
    let (sandbox, work) = quick();
    let mut command = work.cli();
    command.args([
        "--auth-token",
        TOKEN,
        "update",
        SOV,
        &work.corrections(),
        "-u",
        &sandbox.url(),
        "--noinput",
        "-E",
        "insured_name=Acme Corp",
        "-E",
        "sov_description=a=b",
        "--client-ref",
        "nightly-7",
        "--update-type",
        "scrub",
        "--out",
        "out",
    ]);
    let output = output_of(command);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let job = &sandbox.control().jobs()[0];
    assert_eq!(job.extra_data["insured_name"], "Acme Corp");
    assert_eq!(
        job.extra_data["sov_description"], "a=b",
        "a value may contain `=`"
    );
    assert_eq!(job.client_ref.as_deref(), Some("nightly-7"));
    assert_eq!(job.record_type, "SCRUB");
}

#[test]
fn output_formats_and_extra_data_are_accepted_before_the_command_too() {
    let (sandbox, work) = quick();
    let mut command = work.cli();
    command.args([
        "-o",
        "JSON",
        "-E",
        "insured_name=Acme Corp",
        "-u",
        &sandbox.url(),
        "--auth-token",
        TOKEN,
        "update",
        SOV,
        &work.corrections(),
        "-o",
        "CSV",
        "-E",
        "sov_description=nightly",
        "--out",
        "out",
    ]);
    let output = output_of(command);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let job = &sandbox.control().jobs()[0];
    assert_eq!(job.output_formats, vec!["JSON", "CSV"]);
    assert_eq!(job.extra_data["insured_name"], "Acme Corp");
    assert_eq!(job.extra_data["sov_description"], "nightly");

    // The same key before and after the command is still a repeated key.
    let repeated = work.run(
        &sandbox,
        &[
            "-E",
            "insured_name=A",
            "run",
            SOV,
            &work.corrections(),
            "-E",
            "insured_name=B",
        ],
    );
    assert_eq!(code(&repeated), 2, "{}", stderr(&repeated));

    // Before another command they have nothing to apply to.
    let formats = work.run(&sandbox, &["-o", "JSON", "formats"]);
    assert_eq!(code(&formats), 2, "{}", stderr(&formats));
    assert!(
        stderr(&formats).contains("apply to `run`"),
        "{}",
        stderr(&formats)
    );
    assert_eq!(sandbox.control().jobs().len(), 1, "nothing else was sent");
}

#[test]
fn a_repeated_or_malformed_extra_data_key_is_bad_usage() {
    let (sandbox, work) = quick();
    let repeated = run_update(
        &sandbox,
        &work,
        &["-E", "insured_name=A", "-E", "insured_name=B"],
    );
    assert_eq!(code(&repeated), 2);
    assert!(
        stderr(&repeated).contains("-E insured_name was given more than once"),
        "{}",
        stderr(&repeated)
    );
    let malformed = work.run(
        &sandbox,
        &["run", SOV, &work.corrections(), "-E", "insured_name"],
    );
    assert_eq!(code(&malformed), 2);
    assert!(stderr(&malformed).contains("KEY=VALUE"));
    assert!(
        sandbox.control().jobs().is_empty(),
        "nothing may be sent on bad usage"
    );
    let nothing = output_of(work.cli());
    assert_eq!(code(&nothing), 2);
    let bad_deadline = work.run(
        &sandbox,
        &["run", SOV, &work.corrections(), "--deadline", "soon"],
    );
    assert_eq!(code(&bad_deadline), 2);
    assert!(stderr(&bad_deadline).contains("90s, 10m"));
}

#[test]
fn a_rejected_token_exits_4_and_is_never_printed_even_with_vvv() {
    let (sandbox, work) = quick();
    let secret = "wrong-secret-token-81c3";
    let mut command = work.cli();
    command.args([
        "-vvv",
        "-u",
        &sandbox.url(),
        "--auth-token",
        secret,
        "run",
        SOV,
        &work.corrections(),
    ]);
    let output = output_of(command);
    assert_eq!(code(&output), 4);
    assert!(
        stderr(&output).contains("did not accept your API key"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("Detail (credentials_rejected)"),
        "-v shows the raw detail"
    );
    for text in [stdout(&output), stderr(&output)] {
        assert!(!text.contains(secret), "the token leaked: {text}");
    }
    let mut json = work.cli();
    json.args([
        "-vvv",
        "--json",
        "-u",
        &sandbox.url(),
        "--auth-token",
        secret,
        "formats",
    ]);
    let output = output_of(json);
    assert_eq!(code(&output), 4);
    assert!(!stdout(&output).contains(secret) && !stderr(&output).contains(secret));
    assert_eq!(
        summary(&events(&stdout(&output)))["error"]["code"],
        "credentials_rejected"
    );

    let good = work.run(&sandbox, &["-vvv", "formats"]);
    assert_eq!(code(&good), 0);
    assert!(!stdout(&good).contains(TOKEN) && !stderr(&good).contains(TOKEN));
}

#[test]
fn server_refusals_and_failed_jobs_exit_5_with_the_engine_message() {
    let (sandbox, work) = quick();
    let unknown = work.run(&sandbox, &["run", "s-does-not-exist", &work.corrections()]);
    assert_eq!(code(&unknown), 5, "{}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("no SOV with the id `s-does-not-exist`"),
        "{}",
        stderr(&unknown)
    );

    let format = work.run(
        &sandbox,
        &["--json", "run", SOV, &work.corrections(), "-o", "NOPE"],
    );
    assert_eq!(code(&format), 5);
    let format_events = events(&stdout(&format));
    let error = &summary(&format_events)["error"];
    assert_eq!(error["code"], "format_not_enabled");
    assert!(
        error["message"].as_str().unwrap().contains("JSON"),
        "lists the allowed formats: {error}"
    );

    sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Geocoder down".into(),
            }),
            ..Fault::default()
        },
    );
    let failed = work.run(&sandbox, &["--json", "run", SOV, &work.corrections()]);
    assert_eq!(code(&failed), 5);
    let failed_events = events(&stdout(&failed));
    let summary = summary(&failed_events);
    assert_eq!(summary["outcome"], "failed");
    assert_eq!(summary["error"]["code"], "job_failed");
    assert!(summary["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Geocoder down"));
    assert!(work.out_entries().is_empty());

    // `status` of that failed update says so too.
    let update_id = summary["update_id"].as_str().unwrap();
    let status = work.run(&sandbox, &["status", update_id]);
    assert_eq!(code(&status), 5);
    assert!(stderr(&status).contains("Geocoder down"));
}

#[test]
fn an_unreachable_server_is_a_network_failure() {
    let work = Workspace::new();
    // Bind and drop a listener to get a local port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = work.cli();
    command.args([
        "--auth-token",
        TOKEN,
        "-u",
        &format!("http://127.0.0.1:{port}"),
        "formats",
    ]);
    let output = output_of(command);
    assert_eq!(code(&output), 7, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("could not reach SOV Fixer"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_passed_deadline_exits_6_and_names_the_command_that_collects_the_update() {
    let sandbox = Sandbox::start(Duration::from_secs(120));
    let work = Workspace::new();
    let output = work.run(
        &sandbox,
        &[
            "--json",
            "run",
            SOV,
            &work.corrections(),
            "--deadline",
            "2s",
            "--out",
            "out",
        ],
    );
    assert_eq!(code(&output), 6, "{}", stderr(&output));
    let events = events(&stdout(&output));
    let summary = summary(&events);
    assert_eq!(summary["outcome"], "timed_out");
    let update_id = summary["update_id"].as_str().unwrap();
    let resume = summary["resume_command"].as_str().unwrap();
    assert!(
        resume.contains(&format!("status {update_id} --wait --download --out out")),
        "{resume}"
    );
    assert!(
        resume.contains(&sandbox.url()),
        "the resume command must reach the same server: {resume}"
    );

    let waiting = work.run(
        &sandbox,
        &["status", update_id, "--wait", "--deadline", "1s"],
    );
    assert_eq!(code(&waiting), 6);
    let early = work.run(&sandbox, &["status", update_id, "--download"]);
    assert_eq!(code(&early), 6);
    assert!(stderr(&early).contains("Add --wait"), "{}", stderr(&early));
    let look = work.run(&sandbox, &["status", update_id]);
    assert_eq!(code(&look), 0);
    assert!(
        stdout(&look).contains(&format!("Update {update_id}: ")),
        "{}",
        stdout(&look)
    );
}

#[test]
fn a_blocking_preflight_error_exits_3_before_anything_is_sent() {
    let (sandbox, work) = quick();
    let bad = work.file(
        "bad.csv",
        "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,Normal House\n",
    );
    let output = work.run(&sandbox, &["run", SOV, &bad.display().to_string()]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("bad.csv") && text.contains("sheet_row_numbah"),
        "{text}"
    );
    assert!(
        text.contains("sheet_row_number"),
        "suggests the right name: {text}"
    );
    assert_eq!(
        sandbox.control().count_requests(Endpoint::InitiateUpdate),
        0
    );

    let json = work.run(
        &sandbox,
        &["--json", "run", SOV, &bad.display().to_string()],
    );
    assert_eq!(code(&json), 3);
    let events = events(&stdout(&json));
    assert_eq!(events[0]["event"], "preflight");
    assert_eq!(events[0]["report"]["blocking"], true);
    assert_eq!(summary(&events)["outcome"], "preflight_blocked");
}

#[test]
fn run_sends_the_sheet_given_with_sheet_and_stops_before_sending_a_sheet_that_blocks() {
    let (sandbox, work) = quick();
    let workbook = work.two_sheet_workbook();
    let out = work.out().display().to_string();

    let notes = work.run(&sandbox, &["run", SOV, &workbook, "--sheet", "Notes"]);
    assert_eq!(code(&notes), 3, "{}", stderr(&notes));
    let missing = work.run(&sandbox, &["run", SOV, &workbook, "--sheet", "Summary"]);
    assert_eq!(code(&missing), 3, "{}", stderr(&missing));
    assert!(
        stderr(&missing)
            .contains("no sheet named `Summary`. Its sheets are: `Corrections`, `Notes`"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(
        sandbox.control().count_requests(Endpoint::InitiateUpdate),
        0
    );

    let corrections = work.run(
        &sandbox,
        &[
            "run",
            SOV,
            &workbook,
            "--sheet",
            "Corrections",
            "--out",
            &out,
            "-o",
            "JSON",
        ],
    );
    assert_eq!(code(&corrections), 0, "{}", stderr(&corrections));
    let saved = stdout(&corrections);
    let body = std::fs::read_to_string(saved.trim()).unwrap();
    assert!(
        body.contains("Normal, House"),
        "the sheet's correction arrived"
    );
}

#[test]
fn override_preflight_sends_a_blocked_file_and_reports_what_sov_fixer_says() {
    let (sandbox, work) = quick();
    let bad = work.file(
        "bad.csv",
        "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,Normal House\n",
    );
    let output = work.run(
        &sandbox,
        &[
            "run",
            SOV,
            &bad.display().to_string(),
            "--override-preflight",
        ],
    );
    let text = stderr(&output);
    assert!(text.contains("sheet_row_numbah"), "still reported: {text}");
    assert!(text.contains("Sending bad.csv anyway"), "{text}");
    assert_eq!(
        sandbox.control().count_requests(Endpoint::AddLocations),
        1,
        "the file was sent"
    );
    // The server refuses rows that name no building: its verdict is the command's.
    assert_eq!(code(&output), 5, "{text}");
}

#[test]
fn a_server_that_keeps_failing_is_a_network_failure_after_retries() {
    let sandbox = Sandbox::start(QUICK);
    sandbox.control().set_fault(
        Endpoint::OutputFormats,
        Fault {
            error_status: Some(503),
            error_count: 1_000,
            ..Fault::default()
        },
    );
    let work = Workspace::new();
    let output = work.run(&sandbox, &["-v", "formats"]);
    assert_eq!(code(&output), 7, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("SOV Fixer had a problem on its side"),
        "{text}"
    );
    assert!(text.contains("HTTP 503"), "-v shows the raw answer: {text}");
    assert!(
        sandbox.control().count_requests(Endpoint::OutputFormats) > 1,
        "GETs are retried"
    );
}

#[test]
fn an_output_folder_that_cannot_be_used_exits_1_naming_it() {
    let (sandbox, work) = quick();
    let not_a_folder = work.file("not-a-folder", "x");
    let output = run_update(
        &sandbox,
        &work,
        &["--out", &not_a_folder.display().to_string()],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("not-a-folder"), "{text}");
    assert_eq!(
        std::fs::read_to_string(&not_a_folder).unwrap(),
        "x",
        "never overwritten"
    );
}

#[test]
fn existing_files_are_never_overwritten() {
    let (sandbox, work) = quick();
    let first = run_update(
        &sandbox,
        &work,
        &["--out", "out", "-E", "insured_name=Acme"],
    );
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let first_path = stdout(&first).trim().to_owned();
    std::fs::write(&first_path, "edited by hand").unwrap();
    let second = run_update(
        &sandbox,
        &work,
        &["--out", "out", "-E", "insured_name=Acme", "--noinput"],
    );
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    let second_path = stdout(&second).trim().to_owned();
    assert_ne!(first_path, second_path);
    assert!(second_path.contains("(2)"), "{second_path}");
    assert_eq!(
        std::fs::read_to_string(&first_path).unwrap(),
        "edited by hand"
    );
}

#[test]
#[cfg(unix)] // `script` is Unix; a Windows console cannot be faked for one child from a test.
fn a_terminal_gets_progress_bars() {
    // `script` (util-linux, part of every Debian base system) gives the command a terminal.
    let (sandbox, work) = quick();
    let log = work.path().join("terminal.log");
    let command_line = format!(
        "{} -u {} --auth-token {TOKEN} run {SOV} corrections.csv --out out",
        env!("CARGO_BIN_EXE_sov-update"),
        sandbox.url()
    );
    let mut script = std::process::Command::new("script");
    script.current_dir(work.path()).env("HOME", work.path());
    script.args(["-qec", &command_line, &log.display().to_string()]);
    let output = output_of(script);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let screen = std::fs::read_to_string(&log).unwrap();
    assert!(
        screen.contains("Uploading corrections.csv (1 of 1)"),
        "{screen}"
    );
    assert!(screen.contains('█'), "no bar was drawn: {screen}");
    assert!(screen.contains("Done: update"), "{screen}");
}

#[test]
fn no_write_runs_the_update_saves_nothing_and_lists_the_output_urls() {
    let (sandbox, work) = quick();
    let output = work.run(
        &sandbox,
        &[
            "--json",
            "run",
            SOV,
            &work.corrections(),
            "-o",
            "JSON",
            "-o",
            "CSV",
            "--no-write",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(work.out_entries().is_empty(), "{:?}", work.out_entries());
    let control = sandbox.control();
    let job = &control.jobs()[0];
    assert!(job.started, "--no-write still starts the update");
    assert_eq!(job.status, "COMPLETE");
    assert_eq!(control.count_requests(Endpoint::Download), 0);

    let events = events(&stdout(&output));
    assert!(events.iter().all(|e| e["event"] != "output_saved"));
    let summary = summary(&events);
    assert_eq!(summary["outcome"], "done");
    assert_eq!(summary["update_id"], job.id.as_str());
    let outputs = summary["outputs"].as_array().unwrap();
    let mut names: Vec<&str> = outputs
        .iter()
        .map(|o| o["filename"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = job.output_filenames.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
    for listed in outputs {
        let url = listed["url"].as_str().unwrap();
        assert!(
            url.starts_with(&sandbox.url()) && url.contains(&job.id),
            "{url}"
        );
        assert!(listed["path"].is_null() && listed["size"].is_null());
        assert!(listed["sha256"].is_null());
    }
}

#[test]
fn update_with_delegate_to_team_and_no_write_is_accepted_like_sovfixerapi() {
    let (sandbox, work) = quick();
    let output = work.run(
        &sandbox,
        &[
            "update",
            SOV,
            &work.corrections(),
            "-D",
            "team-1",
            "--no-write",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // Human output: one tab-separated `filename, description, URL` line per output on stdout.
    let job = &sandbox.control().jobs()[0];
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), job.output_filenames.len(), "{lines:?}");
    for line in &lines {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert!(job.output_filenames.iter().any(|name| name == fields[0]));
        assert!(fields[2].starts_with("http"), "{line}");
    }
    assert!(
        stderr(&output).contains("nothing saved"),
        "{}",
        stderr(&output)
    );
    // Nothing was written next to the corrections file either (the default folder).
    let mut entries: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, vec!["corrections.csv", "out"]);

    let blank_team = run_update(&sandbox, &work, &["-D", ""]);
    assert_eq!(code(&blank_team), 2, "{}", stderr(&blank_team));
}

#[test]
fn the_last_of_write_and_no_write_wins() {
    let (sandbox, work) = quick();
    let output = run_into_out(&sandbox, &work, &["--no-write", "--write"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!work.out_entries().is_empty(), "--write came last: save");
}

#[test]
fn a_failed_update_exits_5_with_no_write_too() {
    let (sandbox, work) = quick();
    sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Geocoder down".into(),
            }),
            ..Fault::default()
        },
    );
    let failed = work.run(
        &sandbox,
        &["--json", "run", SOV, &work.corrections(), "--no-write"],
    );
    assert_eq!(code(&failed), 5, "{}", stderr(&failed));
    let failed_events = events(&stdout(&failed));
    let summary = summary(&failed_events);
    assert_eq!(summary["outcome"], "failed");
    assert_eq!(summary["error"]["code"], "job_failed");
    assert!(summary["outputs"].as_array().unwrap().is_empty());
}

#[test]
fn out_with_no_write_is_refused_before_anything_is_sent() {
    let (sandbox, work) = quick();
    let output = run_into_out(&sandbox, &work, &["--no-write"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("--out") && message.contains("--no-write"),
        "{message}"
    );
    assert!(sandbox.control().jobs().is_empty(), "nothing was sent");
}

#[test]
fn rows_the_server_did_not_apply_exit_8_and_are_named_in_the_summary() {
    let (sandbox, work) = quick();
    let corrections = work.file(
        "some-unknown.csv",
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\nSheet1,99,Nowhere\nSheet1,98,Nowhere Else\n",
    );
    let out = work.out().display().to_string();
    let corrections = corrections.display().to_string();
    let output = work.run(
        &sandbox,
        &["--json", "run", SOV, &corrections, "--out", &out],
    );
    assert_eq!(code(&output), 8, "{}", stderr(&output));
    let events = events(&stdout(&output));
    let summary = summary(&events);
    assert_eq!(summary["outcome"], "done_with_rows_not_applied");
    assert_eq!(summary["exit_code"], 8);
    assert_eq!(summary["rows_not_applied"]["count"], 2);
    assert_eq!(
        summary["rows_not_applied"]["named"],
        serde_json::json!(["Sheet1 row 99", "Sheet1 row 98"])
    );
    assert!(!summary["outputs"].as_array().unwrap().is_empty());

    let human = work.run(&sandbox, &["run", SOV, &corrections, "--out", &out]);
    assert_eq!(code(&human), 8);
    let text = stderr(&human);
    assert!(
        text.contains("did not apply 2 rows") && text.contains("Sheet1 row 99"),
        "{text}"
    );

    let clean = run_update(&sandbox, &work, &["--out", &out]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
}

/// `--run-folder` saves each run into a new folder inside --out named after the insured and the local time;
/// without it, the outputs go straight into --out as before (what scripts expect).
#[test]
fn run_folder_gives_each_run_its_own_folder_inside_out() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let out = work.out().display().to_string();
    let args = [
        "run",
        SOV,
        &work.corrections(),
        "--out",
        &out,
        "-E",
        "insured_name=Acme: Corp",
        "--run-folder",
    ];
    let first = work.run(&sandbox, &args);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let second = work.run(&sandbox, &args);
    assert_eq!(code(&second), 0, "{}", stderr(&second));

    let folder_of = |output: &std::process::Output| {
        let path = std::path::PathBuf::from(stdout(output).lines().next().unwrap());
        let folder = path.parent().unwrap().to_path_buf();
        assert!(path.is_file(), "{}", path.display());
        assert_eq!(
            folder.parent(),
            Some(work.out().as_path()),
            "one level inside --out"
        );
        folder.file_name().unwrap().to_string_lossy().into_owned()
    };
    let (first_folder, second_folder) = (folder_of(&first), folder_of(&second));
    assert_ne!(first_folder, second_folder, "a run never shares a folder");
    for name in [&first_folder, &second_folder] {
        // "Acme_ Corp 2026-12-06 14.05": the colon is not allowed in Windows names.
        assert!(name.starts_with("Acme_ Corp 20"), "{name}");
        assert!(!name.contains(':'), "{name}");
    }
    assert_eq!(work.out_entries().len(), 2, "{:?}", work.out_entries());

    let flat = work.run(&sandbox, &["run", SOV, &work.corrections(), "--out", &out]);
    assert_eq!(code(&flat), 0, "{}", stderr(&flat));
    let path = std::path::PathBuf::from(stdout(&flat).lines().next().unwrap());
    assert_eq!(path.parent(), Some(work.out().as_path()), "flat by default");
}

#[test]
fn run_folder_with_no_write_is_refused_before_anything_is_sent() {
    let sandbox = Sandbox::start(QUICK);
    let work = Workspace::new();
    let output = work.run(
        &sandbox,
        &[
            "run",
            SOV,
            &work.corrections(),
            "--no-write",
            "--run-folder",
        ],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(sandbox.control().jobs().is_empty());
}

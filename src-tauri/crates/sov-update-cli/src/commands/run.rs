//! `sov-update run`: pre-flight check, then the whole update through the engine.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sov_preflight::{
    check_and_plan_every_sheet, check_and_plan_files, CheckOptions, CheckedFile, ColumnChoice,
    FileReport, Severity, UploadPlan,
};
use sov_update::download::{create_run_folder, local_now};
use sov_update::{
    ErrorKind, Job, JobError, JobSpec, Phase, PollConfig, ProgressCallback, StartRequest, Step,
    UpdateError, UpdateType,
};

use super::changes::{check_changes, Sent};
use super::changes_only::{as_is_mapping, changes_only, our_workbook};
use super::{deadline_message, diff_command, fail, resume_command, wait_command};
use crate::cli::{GlobalOptions, RunArgs};
use crate::connection::{connect, connection_flags, Failure};
use crate::events::{ErrorInfo, Event, OutputInfo, Summary};
use crate::exit_code;
use crate::extra_data::extra_data_map;
use crate::interrupt::Interrupt;
use crate::output::Output;
use crate::watcher::Watcher;

const COMMAND: &str = "run";

pub async fn run(global: &GlobalOptions, args: RunArgs, out: &Output, interrupt: &Interrupt) -> u8 {
    let extra_data = match extra_data_map(&args.extra_data) {
        Ok(map) => map,
        Err(message) => {
            return fail(
                out,
                COMMAND,
                exit_code::USAGE,
                ErrorInfo::local("invalid_input", message),
            )
        }
    };
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return fail(out, COMMAND, exit_code, error),
    };
    if out.verbose() >= 2 {
        out.note(&connection.description);
    }
    let mut options = match args.mapping.check_options(args.sheet.clone()) {
        Ok(options) => options,
        Err(message) => {
            return fail(
                out,
                COMMAND,
                exit_code::USAGE,
                ErrorInfo::local("invalid_input", message),
            )
        }
    };
    if args.send_as_is {
        // Our workbook's plain headers are sent as the attributes they hold; the user's own --map wins.
        for workbook in args.files.iter().filter_map(|path| our_workbook(path)) {
            for (header, attribute) in as_is_mapping(&workbook) {
                options
                    .mapping
                    .choices
                    .entry(header)
                    .or_insert(ColumnChoice::SendAs(attribute));
            }
        }
    }
    // Our corrections workbook sends only what it changes (unless --send-as-is); the folder of the changes
    // files lives until the job has uploaded them.
    let to_send = if args.send_as_is {
        None
    } else {
        match changes_only(connection.client.clone(), &args, out, interrupt).await {
            Ok(Some(to_send)) => Some(to_send),
            Ok(None) => return nothing_to_send(out, &args),
            Err(stop) => return fail(out, COMMAND, stop.exit_code, stop.error),
        }
    };
    let files: Vec<PathBuf> = match &to_send {
        Some(to_send) => to_send.files.clone(),
        None => args.files.clone(),
    };
    let (files, upload_plans) = match preflight(&files, &options, &args, out, interrupt).await {
        Ok(Planned { files, plans }) => (files, plans),
        Err(blocked) => return blocked,
    };
    let download_dir = match download_dir(args.out.as_deref()) {
        Ok(dir) => dir,
        Err(failure) => return fail(out, COMMAND, failure.exit_code, failure.error),
    };
    let download_dir = if args.run_folder {
        match make_run_folder(&download_dir, &run_label(&extra_data, &args.sov_id)) {
            Ok(folder) => folder,
            Err(failure) => return fail(out, COMMAND, failure.exit_code, failure.error),
        }
    } else {
        download_dir
    };
    // Where a printed resume command saves: the run's own folder when one was made.
    let resume_out = if args.run_folder {
        Some(download_dir.clone())
    } else {
        args.out.clone()
    };
    let out_dir = download_dir.clone();
    // The change report is named after the insured the user gave, like the outputs SOV Fixer names after it.
    let insured_name = given_insured_name(&extra_data).map(str::to_owned);
    let plans_for_changes = (!args.no_report).then(|| {
        upload_plans
            .as_ref()
            .map(|plans| plans.iter().map(|plan| Some(plan.clone())).collect())
    });
    let spec = JobSpec {
        sov_id: args.sov_id.clone(),
        files: files.clone(),
        update_type: args.update_type.as_deref().map(UpdateType::parse),
        client_ref: args.client_ref.clone(),
        callback_url: args.callback_url.clone(),
        start: StartRequest {
            extra_data,
            output_formats: args.output_formats.clone(),
            integrations: (!args.integrations.is_empty()).then(|| args.integrations.clone()),
            ..StartRequest::default()
        },
        download_dir,
        // `preflight` above has just checked every file and stopped on a blocking one (unless
        // overridden), and planned their upload in the same read.
        preflight_checked: true,
        override_preflight: args.override_preflight,
        upload_plans,
        delegate_to_team: args.delegate_to_team.clone(),
        save_outputs: !args.no_write,
        // The same sheet for every file, should the engine read one again; CSV files ignore it. With
        // --all-sheets every sheet has its plan (checked above), so the engine reads none again.
        sheets: match &args.sheet {
            Some(sheet) => files
                .iter()
                .map(|path| (path.clone(), sheet.clone()))
                .collect(),
            None => BTreeMap::new(),
        },
        ..JobSpec::default()
    };
    let poll = PollConfig {
        deadline: args.deadline.or(PollConfig::default().deadline),
        ..PollConfig::default()
    };
    let cancel = interrupt.child_token();
    let watcher = Arc::new(Watcher::new(
        out.clone(),
        args.nowait.then(|| cancel.clone()),
    ));
    let callback_watcher = watcher.clone();
    let callback: ProgressCallback = Arc::new(move |progress| callback_watcher.observe(progress));
    let client = connection.client.clone();
    let job = Job::new(connection.client, poll, callback, cancel);
    let result = job.run(spec).await;

    let mut summary = Summary::new(COMMAND, "done", exit_code::DONE);
    summary.sov_id = Some(args.sov_id.clone());
    summary.outputs = watcher.saved_outputs();
    summary.server_status = watcher.server_status();
    match result {
        Ok(outcome) if args.no_write => {
            summary.note = Some(format!(
                "Done: update {}, {} output(s) listed, nothing saved (--no-write).",
                outcome.update_id,
                outcome.listed_outputs.len()
            ));
            summary.outputs = outcome
                .listed_outputs
                .iter()
                .map(OutputInfo::listed)
                .collect();
            for listed in &summary.outputs {
                out.result(&listed_line(listed));
            }
            summary.update_id = Some(outcome.update_id);
            super::record_rows_not_applied(&mut summary, outcome.rows_not_applied);
        }
        Ok(outcome) => {
            summary.note = Some(match outcome.outputs.len() {
                0 => format!(
                    "Update {} finished without output files.",
                    outcome.update_id
                ),
                count => format!(
                    "Done: update {}, {count} output(s) saved.",
                    outcome.update_id
                ),
            });
            summary.outputs = outcome.outputs.iter().map(OutputInfo::from).collect();
            summary.update_id = Some(outcome.update_id.clone());
            super::record_rows_not_applied(&mut summary, outcome.rows_not_applied.clone());
            if let Some(plans) = plans_for_changes {
                let sent = Sent {
                    sov_id: &args.sov_id,
                    files: &files,
                    options: &options,
                    plans,
                    output_formats: &args.output_formats,
                    out_dir: &out_dir,
                    diff_command: diff_command(global, &args.sov_id),
                    insured_name: insured_name.clone(),
                };
                check_changes(&client, sent, &outcome, &mut summary, out, interrupt).await;
            }
        }
        Err(failure) if watcher.reached_nowait_stop() && !interrupt.was_pressed() => {
            let update_id = failure.update_id.unwrap_or_default();
            summary.outcome = "started".to_owned();
            summary.note = Some(format!(
                "Update {update_id} is started and keeps running on SOV Fixer."
            ));
            summary.resume_command = Some(resume(global, &args, resume_out.as_deref(), &update_id));
            summary.update_id = Some(update_id);
        }
        Err(failure) => describe_failure(
            &mut summary,
            failure,
            global,
            &args,
            resume_out.as_deref(),
            &watcher,
        ),
    }
    // The changes files made from a corrections workbook live until the change check has read them again.
    drop(to_send);
    let code = summary.exit_code;
    out.finish(summary);
    code
}

/// Every file was a corrections workbook whose values are all already on SOV Fixer: nothing was sent.
fn nothing_to_send(out: &Output, args: &RunArgs) -> u8 {
    let code = exit_code::NOTHING_TO_SEND;
    let mut summary = Summary::new(COMMAND, exit_code::outcome_word(code), code);
    summary.sov_id = Some(args.sov_id.clone());
    summary.note = Some(
        "Nothing to send: every value in the corrections workbook is already on SOV Fixer, so no update was made. Change some values in the workbook, or use --send-as-is to send it anyway."
            .to_owned(),
    );
    out.finish(summary);
    code
}

/// What the job sends: a file per entry (with --all-sheets, a workbook once per sheet) and its plan.
struct Planned {
    files: Vec<PathBuf>,
    /// `None` when a file could not be planned, so the engine plans it again and reports why.
    plans: Option<Vec<Arc<UploadPlan>>>,
}

/// Checks every file (with --all-sheets, every sheet) first, planning its upload in the same read;
/// a blocking problem ends the command (with its exit code) before anything is sent, unless
/// --override-preflight. The plans go to the job.
async fn preflight(
    files: &[PathBuf],
    options: &CheckOptions,
    args: &RunArgs,
    out: &Output,
    interrupt: &Interrupt,
) -> Result<Planned, u8> {
    let paths = files.to_vec();
    let options = options.clone();
    let all_sheets = args.all_sheets;
    // The job uses the default batch size too (`JobSpec::rows_per_batch` is `None`).
    let checking = tokio::task::spawn_blocking(move || {
        if all_sheets {
            check_and_plan_every_sheet(&paths, &options, None)
        } else {
            check_and_plan_files(&paths, &options, None)
        }
    });
    let checked: Vec<CheckedFile> = tokio::select! {
        checked = checking => match checked {
            Ok(checked) => checked,
            Err(error) => {
                let error = ErrorInfo::local("internal", error.to_string());
                return Err(fail(out, COMMAND, exit_code::UNEXPECTED, error));
            }
        },
        _ = interrupt.pressed() => {
            let error = ErrorInfo::from_update_error(&UpdateError::cancelled(), Some(Step::Validate));
            return Err(fail(out, COMMAND, exit_code::CANCELLED, error));
        }
    };
    let files: Vec<PathBuf> = checked.iter().map(|file| file.path.clone()).collect();
    let (reports, plans): (Vec<_>, Vec<_>) = checked
        .into_iter()
        .map(|file| (file.report, file.plan))
        .unzip();
    for report in &reports {
        // A clean file needs no line in human output; JSON consumers get every report.
        if out.is_json() || report.blocking || !report.findings.is_empty() {
            out.event(&Event::Preflight {
                report: Box::new(report.clone()),
            });
        }
    }
    if let Some(blocked) = reports.iter().find(|r| r.blocking) {
        if !args.override_preflight {
            return Err(refuse_blocked(blocked, all_sheets, out));
        }
        out.note(&format!(
            "Sending {} anyway (--override-preflight): SOV Fixer decides whether to accept it.",
            table_name(blocked, all_sheets)
        ));
    }
    if all_sheets {
        // The engine would read a workbook's first sheet again for a sheet it has no plan for: a sheet
        // that cannot be planned stops the command here instead (a CSV file is planned again as usual).
        let unplanned = reports
            .iter()
            .zip(&plans)
            .filter(|(report, _)| report.sheet.is_some())
            .find_map(|(report, plan)| plan.as_ref().err().map(|error| (report, error)));
        if let Some((report, error)) = unplanned {
            let error = ErrorInfo::local(
                "file_error",
                format!(
                    "{} cannot be sent ({error}). Nothing was sent. Open the workbook in Excel, save it again, or send its other sheets with --sheet.",
                    table_name(report, true)
                ),
            );
            return Err(fail(out, COMMAND, exit_code::UNEXPECTED, error));
        }
    }
    let plans = plans
        .into_iter()
        .map(|plan| plan.ok().map(Arc::new))
        .collect();
    Ok(Planned { files, plans })
}

/// "Acme.xlsx", or with --all-sheets "Acme.xlsx, sheet `South`" for a sheet of a workbook.
fn table_name(report: &FileReport, all_sheets: bool) -> String {
    match (&report.sheet, all_sheets) {
        (Some(sheet), true) => format!("{}, sheet `{sheet}`", report.file_name),
        _ => report.file_name.clone(),
    }
}

/// The command's end for a file with a blocking problem: its first errors, and exit code 3.
fn refuse_blocked(blocked: &FileReport, all_sheets: bool, out: &Output) -> u8 {
    let problems: Vec<String> = blocked
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .take(3)
        .map(|f| match f.row {
            Some(row) => format!("row {row}: {}", f.message),
            None => f.message.clone(),
        })
        .collect();
    let error = UpdateError::new(
        ErrorKind::PreflightBlocked {
            file: table_name(blocked, all_sheets),
            problems,
            fix_offered: blocked.problem_fixes().next().is_some(),
        },
        format!("pre-flight check of {} found blocking errors", blocked.path),
    );
    fail(
        out,
        COMMAND,
        exit_code::PREFLIGHT_BLOCKED,
        ErrorInfo::from_update_error(&error, None),
    )
}

/// The human line of an output listed but not saved: name, description and URL, tab-separated
/// so a script can cut it (names may contain spaces).
fn listed_line(output: &OutputInfo) -> String {
    format!(
        "{}\t{}\t{}",
        output.filename,
        output.description.as_deref().unwrap_or(""),
        output.url.as_deref().unwrap_or("")
    )
}

/// The command that picks this update up again: collecting its outputs, or with --no-write
/// only waiting for it (which lists them).
fn resume(
    global: &GlobalOptions,
    args: &RunArgs,
    out_dir: Option<&Path>,
    update_id: &str,
) -> String {
    if args.no_write {
        wait_command(global, update_id)
    } else {
        resume_command(global, update_id, out_dir)
    }
}

/// What `--run-folder` names the folder after: the insured given with -E, else the SOV id.
fn run_label(extra_data: &serde_json::Map<String, serde_json::Value>, sov_id: &str) -> String {
    given_insured_name(extra_data)
        .unwrap_or(sov_id.trim())
        .to_owned()
}

/// The insured given with `-E insured_name=…`, when it says something.
fn given_insured_name(extra_data: &serde_json::Map<String, serde_json::Value>) -> Option<&str> {
    extra_data
        .get("insured_name")
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|name| !name.is_empty())
}

fn make_run_folder(parent: &Path, label: &str) -> Result<PathBuf, Failure> {
    create_run_folder(parent, label, local_now()).map_err(|e| Failure {
        exit_code: exit_code::UNEXPECTED,
        error: ErrorInfo::local(
            "file_error",
            format!(
                "A folder for this run's outputs cannot be made in {}: {e}. Choose another folder with --out.",
                parent.display()
            ),
        ),
    })
}

pub fn download_dir(out: Option<&Path>) -> Result<PathBuf, Failure> {
    let dir = match out {
        Some(dir) => dir.to_path_buf(),
        None => PathBuf::from("."),
    };
    std::path::absolute(&dir).map_err(|e| Failure {
        exit_code: exit_code::UNEXPECTED,
        error: ErrorInfo::local(
            "file_error",
            format!("The folder {} cannot be used: {e}.", dir.display()),
        ),
    })
}

fn describe_failure(
    summary: &mut Summary,
    failure: JobError,
    global: &GlobalOptions,
    args: &RunArgs,
    resume_out: Option<&Path>,
    watcher: &Watcher,
) {
    let code = exit_code::for_error(&failure.error);
    summary.exit_code = code;
    summary.outcome = exit_code::outcome_word(code).to_owned();
    let mut error = ErrorInfo::from_update_error(&failure.error, Some(failure.step));
    if code == exit_code::TIMED_OUT {
        deadline_message(&mut error, failure.update_id.as_deref());
    }
    summary.error = Some(error);
    let Some(update_id) = failure.update_id else {
        return;
    };
    let resume = resume(global, args, resume_out, &update_id);
    let started = matches!(
        watcher.last_active_phase(),
        Some(Phase::Queued | Phase::Processing | Phase::Downloading)
    );
    match (code, started) {
        (exit_code::CANCELLED, false) if watcher.last_active_phase() == Some(Phase::Starting) => {
            summary.note = Some(format!(
                "Cancelled while starting update {update_id}; it may or may not have started. \
                 Check with: sov-update{} status {update_id}",
                connection_flags(global)
            ));
            summary.resume_command = Some(resume);
        }
        (exit_code::CANCELLED, false) => {
            summary.note = Some(format!(
                "Cancelled before update {update_id} was started: SOV Fixer will not process it. \
                 Run the same command again to send the corrections."
            ));
        }
        (_, true) => {
            summary.note = Some(format!("Update {update_id} keeps running on SOV Fixer."));
            summary.resume_command = Some(resume);
        }
        _ => {
            summary.note = Some(format!("The update id was {update_id}."));
        }
    }
    summary.update_id = Some(update_id);
}

//! `sov-update preview SOVID FILE…`: what each corrections file will change on the SOV, before anything is
//! sent: per building old → new, rows matching no building, cells SOV Fixer also changed since the workbook
//! was made, values worth a second look.

use super::corrections::{fetch_current, preview_of, read_file, report_preview, Stop};
use super::fail;
use crate::cli::{GlobalOptions, PreviewArgs};
use crate::connection::{connect, Failure};
use crate::events::Summary;
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

const COMMAND: &str = "preview";

pub async fn preview(
    global: &GlobalOptions,
    args: PreviewArgs,
    out: &Output,
    interrupt: &Interrupt,
) -> u8 {
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return fail(out, COMMAND, exit_code, error),
    };
    let stop = |stop: Stop| fail(out, COMMAND, stop.exit_code, stop.error);
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        match read_file(path) {
            Ok(file) => files.push(file),
            Err(error) => return stop(error),
        }
    }
    let current = match fetch_current(
        connection.client,
        &args.sov_id,
        args.cache_dir.clone(),
        out,
        interrupt,
    )
    .await
    {
        Ok(current) => current,
        Err(error) => return stop(error),
    };
    let mut blocked = Vec::new();
    let mut changes = 0;
    for file in &files {
        let preview = preview_of(&current, file);
        report_preview(out, &file.file_name, &preview);
        changes += preview.changes.len();
        if preview.blocked {
            blocked.push(file.file_name.clone());
        }
    }
    let code = if blocked.is_empty() {
        exit_code::DONE
    } else {
        exit_code::PREFLIGHT_BLOCKED
    };
    let mut summary = Summary::new(COMMAND, exit_code::outcome_word(code), code);
    summary.sov_id = Some(current.data.sov_id.clone());
    summary.note = Some(if !blocked.is_empty() {
        format!(
            "Blocked: rows of {} match no building in this SOV. Fix or remove those rows; nothing is sent until then.",
            blocked.join(", ")
        )
    } else if changes == 0 {
        "Nothing changes: every value in the file is already on SOV Fixer, so there is nothing to send.".to_owned()
    } else {
        format!("{changes} value(s) would change. `sov-update run` sends only these.")
    });
    out.finish(summary);
    code
}

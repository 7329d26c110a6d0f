//! One module per command; each returns its exit code after printing its summary.

pub mod changes;
mod changes_only;
pub mod check;
mod corrections;
pub mod diff;
pub mod find;
pub mod formats;
pub mod preview;
pub mod run;
pub mod sandbox;
pub mod show;
pub mod status;
mod table;
pub mod template;

use std::path::Path;

use crate::cli::GlobalOptions;
use crate::connection::{connection_flags, shell_quote};
use crate::events::{ErrorInfo, Summary};
use crate::exit_code;
use crate::output::Output;
use sov_update::RowsNotApplied;

/// Ends a command that failed before it had anything else to report.
/// A finished update whose result says rows matched no building is not plain "done": exit code 8, outcome
/// `done_with_rows_not_applied`, the rows in the summary and a next step in the note.
pub fn record_rows_not_applied(summary: &mut Summary, rows: Option<RowsNotApplied>) {
    let Some(rows) = rows else { return };
    summary.exit_code = exit_code::ROWS_NOT_APPLIED;
    summary.outcome = exit_code::outcome_word(exit_code::ROWS_NOT_APPLIED).to_owned();
    let update = summary.update_id.as_deref().unwrap_or("the update");
    let named = if rows.named.is_empty() {
        String::new()
    } else {
        let more = rows.count.saturating_sub(rows.named.len() as u64);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!(": {}{more}", rows.named.join(", "))
    };
    let rows_word = if rows.count == 1 { "row" } else { "rows" };
    summary.note = Some(format!(
        "Finished with rows not applied: SOV Fixer did not apply {count} {rows_word} of your corrections \
         in {update}{named}. The outputs do not include those changes. Check item_key, or sheet_name and \
         sheet_row_number, in those rows and send only them again. SOV Fixer said: {message}",
        count = rows.count,
        message = rows.server_message,
    ));
    if let (Some(note), Some(path)) = (summary.note.as_mut(), rows.saved_to.as_ref()) {
        note.push_str(&format!(" The list is saved in {}.", path.display()));
    }
    summary.rows_not_applied = Some(rows);
}

pub fn fail(out: &Output, command: &'static str, code: u8, error: ErrorInfo) -> u8 {
    let mut summary = Summary::new(command, exit_code::outcome_word(code), code);
    summary.error = Some(error);
    out.finish(summary);
    code
}

/// A passed `--deadline` is not a slow server: say what happened and that the update goes on.
pub fn deadline_message(error: &mut ErrorInfo, update_id: Option<&str>) {
    let update = update_id
        .map(|id| format!("update {id}"))
        .unwrap_or_else(|| "the update".to_owned());
    error.message = format!(
        "Stopped waiting: the --deadline passed before SOV Fixer finished {update}. It keeps running \
         there; collect its outputs later with the command below, or give a longer --deadline."
    );
}

/// `sov-update status ID --wait`: for a `run --no-write`, which wants the outputs listed, not saved.
pub fn wait_command(global: &GlobalOptions, update_id: &str) -> String {
    format!(
        "sov-update{} status {} --wait",
        connection_flags(global),
        shell_quote(update_id)
    )
}

/// `sov-update diff SOV_ID`, pointed at the same server.
pub fn diff_command(global: &GlobalOptions, sov_id: &str) -> String {
    format!(
        "sov-update{} diff {}",
        connection_flags(global),
        shell_quote(sov_id.trim())
    )
}

/// `sov-update status ID --wait --download`, pointed at the same server and folder.
pub fn resume_command(global: &GlobalOptions, update_id: &str, out_dir: Option<&Path>) -> String {
    let mut command = format!(
        "sov-update{} status {} --wait --download",
        connection_flags(global),
        shell_quote(update_id)
    );
    if let Some(dir) = out_dir {
        command.push_str(&format!(
            " --out {}",
            shell_quote(&dir.display().to_string())
        ));
    }
    command
}

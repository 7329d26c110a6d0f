//! One module per command; each returns its exit code after printing its summary.

pub mod check;
pub mod find;
pub mod formats;
pub mod run;
pub mod sandbox;
pub mod show;
pub mod status;
mod table;

use std::path::Path;

use crate::cli::GlobalOptions;
use crate::connection::{connection_flags, shell_quote};
use crate::events::{ErrorInfo, Summary};
use crate::exit_code;
use crate::output::Output;

/// Ends a command that failed before it had anything else to report.
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

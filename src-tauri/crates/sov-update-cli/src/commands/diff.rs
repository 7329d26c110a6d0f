//! `sov-update diff SOV [--from REV] [--to REV] [--out FILE.xlsx]`: what changed between two revisions.

use sov_changes::{compare_two, save_comparison, server_cache_dir, Comparison};
use sov_update::read::CurrentDataSource;
use sov_update::PollConfig;
use tokio_util::sync::CancellationToken;

use super::show::default_cache_dir;
use crate::cli::{DiffArgs, GlobalOptions};
use crate::connection::{connect, Failure};
use crate::events::{ErrorInfo, Summary};
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

const COMMAND: &str = "diff";

pub async fn diff(
    global: &GlobalOptions,
    args: DiffArgs,
    out: &Output,
    interrupt: &Interrupt,
) -> u8 {
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return super::fail(out, COMMAND, exit_code, error),
    };
    let cache_dir = args.cache_dir.clone().unwrap_or_else(default_cache_dir);
    let source = CurrentDataSource::new(
        connection.client.clone(),
        server_cache_dir(&cache_dir, connection.client.api_base()),
        PollConfig::default(),
    );
    let cancel = CancellationToken::new();
    out.note("Getting both revisions from SOV Fixer…");
    let compared = tokio::select! {
        compared = compare_two(&source, &args.sov_id, args.from, args.to, &cancel) => compared,
        _ = interrupt.pressed() => {
            cancel.cancel();
            let error = ErrorInfo::local("cancelled", "Cancelled.".to_owned());
            return super::fail(out, COMMAND, exit_code::CANCELLED, error);
        }
    };
    let mut comparison = match compared {
        Ok(comparison) => comparison,
        Err(error) => {
            let code = exit_code::for_code(error.code);
            let info = ErrorInfo::local(error.code.as_str(), error.message);
            return super::fail(out, COMMAND, code, info);
        }
    };
    if let Some(path) = &args.out {
        match save_comparison(&comparison, path) {
            Ok(saved) => comparison.report = Some(saved),
            Err(error) => {
                let info = ErrorInfo::local(error.code.as_str(), error.message);
                return super::fail(out, COMMAND, exit_code::UNEXPECTED, info);
            }
        }
    }
    if !out.is_json() {
        print_changes(&comparison, out);
    }
    let mut summary = Summary::new(COMMAND, "done", exit_code::DONE);
    summary.sov_id = Some(comparison.sov_id.clone());
    summary.changes = Some(comparison);
    out.finish(summary);
    exit_code::DONE
}

/// Every change on stdout, tab-separated so a script can cut it (the counts and the report follow on stderr).
fn print_changes(comparison: &Comparison, out: &Output) {
    for change in &comparison.diff.derived {
        let place = &change.place;
        out.result(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            place.sheet_name,
            place.sheet_row_number,
            place.building,
            place.attribute,
            change
                .before
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            change
                .after
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ));
    }
}

//! `run`, after a finished update: the new revision checked against the corrections sent, the change
//! report saved beside the outputs, and the summary's outcome and note saying what did not take.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sov_changes::{compare_update, server_cache_dir, Comparison, FinishedUpdate};
use sov_preflight::{plan_upload, CheckOptions, UploadPlan};
use sov_update::read::CurrentDataSource;
use sov_update::{JobOutcome, PollConfig, SovFixerClient};
use tokio_util::sync::CancellationToken;

use super::show::default_cache_dir;
use crate::events::Summary;
use crate::exit_code;
use crate::interrupt::Interrupt;
use crate::output::Output;

/// What the run sent and where its outputs went.
pub struct Sent<'a> {
    pub sov_id: &'a str,
    pub files: &'a [PathBuf],
    pub options: &'a CheckOptions,
    /// The plans the pre-flight check made (`None` for a file it could not plan: planned again here).
    pub plans: Option<Vec<Option<Arc<UploadPlan>>>>,
    pub output_formats: &'a [String],
    pub out_dir: &'a Path,
    /// `sov-update diff` with the run's connection flags, for a comparison that could not be made now.
    pub diff_command: String,
    /// The insured given with `-E insured_name=…`: the report is named after it, else after SOV Fixer's.
    pub insured_name: Option<String>,
}

/// Compares and records the result in `summary`. A comparison that cannot be made leaves the update
/// "done" (its outputs are saved) and says in the note that its changes were not checked, and why.
pub async fn check_changes(
    client: &SovFixerClient,
    sent: Sent<'_>,
    outcome: &JobOutcome,
    summary: &mut Summary,
    out: &Output,
    interrupt: &Interrupt,
) {
    out.note("Checking SOV Fixer's new data against your corrections…");
    let plans = match plans_of(&sent) {
        Ok(plans) => plans,
        Err(message) => return not_checked(summary, &message, &sent.diff_command),
    };
    let update = FinishedUpdate {
        sov_id: sent.sov_id.trim().to_owned(),
        update_id: outcome.update_id.clone(),
        plans,
        saved_outputs: outcome.outputs.clone(),
        output_formats: sent.output_formats.to_vec(),
        report_folder: Some(sent.out_dir.to_path_buf()),
        insured_name: sent.insured_name.clone(),
    };
    let source = CurrentDataSource::new(
        client.clone(),
        server_cache_dir(&default_cache_dir(), client.api_base()),
        PollConfig::default(),
    );
    let cancel = CancellationToken::new();
    let compared = tokio::select! {
        compared = compare_update(&source, &update, &cancel) => compared,
        _ = interrupt.pressed() => {
            cancel.cancel();
            return not_checked(summary, "you pressed Ctrl-C", &sent.diff_command);
        }
    };
    match compared {
        Ok(comparison) => record(summary, comparison),
        Err(error) => not_checked(summary, &error.message, &sent.diff_command),
    }
}

fn plans_of(sent: &Sent<'_>) -> Result<Vec<Arc<UploadPlan>>, String> {
    sent.files
        .iter()
        .enumerate()
        .map(|(index, path)| {
            match sent
                .plans
                .as_ref()
                .and_then(|plans| plans.get(index).cloned().flatten())
            {
                Some(plan) => Ok(plan),
                None => plan_upload(path, sent.options, None)
                    .map(Arc::new)
                    .map_err(|error| error.to_string()),
            }
        })
        .collect()
}

fn record(summary: &mut Summary, comparison: Comparison) {
    let counts = comparison.counts;
    if counts.not_applied > 0 && summary.exit_code == exit_code::DONE {
        summary.exit_code = exit_code::CHANGES_NOT_APPLIED;
        summary.outcome = exit_code::outcome_word(exit_code::CHANGES_NOT_APPLIED).to_owned();
    }
    if counts.not_applied > 0 {
        let report = comparison
            .report
            .as_ref()
            .map(|path| format!(" The change report {} lists them.", path.display()))
            .unwrap_or_default();
        let note = format!(
            "SOV Fixer did not apply {} of the values you sent: its new data still holds other values.{report} \
             Check those values, then send only them again, or ask SOV Fixer support.",
            counts.not_applied
        );
        summary.note = Some(match summary.note.take() {
            Some(earlier) => format!("{earlier} {note}"),
            None => note,
        });
    }
    summary.changes = Some(comparison);
}

fn not_checked(summary: &mut Summary, why: &str, diff_command: &str) {
    let note = format!(
        "Your corrections were not checked against SOV Fixer's new data ({}); compare the revisions later \
         with: {diff_command}",
        why.trim_end_matches('.'),
    );
    summary.note = Some(match summary.note.take() {
        Some(earlier) => format!("{earlier} {note}"),
        None => note,
    });
}

//! Two revisions of an SOV compared from its summary card ("what changed since the original"): what changed
//! between them in the window's words, and the change report saved where the user chooses.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;
use sov_changes::{compare_revisions_of, save_comparison, Comparison};
use sov_error::AppError;
use tokio_util::sync::CancellationToken;

use crate::find::sov_id_from_text;
use crate::state::AppState;
use crate::AppResult;

/// How many changes the window lists; the report lists every one.
pub const COMPARISON_LIST_LIMIT: usize = 200;

/// Two revisions of an SOV compared, as the summary card shows them.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RevisionComparison {
    pub sov_id: String,
    /// The insured's name (the SOV id when SOV Fixer has none).
    pub insured: String,
    pub from_revision: i64,
    pub to_revision: i64,
    pub changed_values: u64,
    pub changed_buildings: u64,
    pub untouched_buildings: u64,
    /// Buildings only in the newer revision, and only in the older one.
    pub added_buildings: u64,
    pub removed_buildings: u64,
    /// The counts in one plain sentence ("3 values changed on 2 buildings. 10 buildings untouched.").
    pub summary: String,
    /// The changes, the first [`COMPARISON_LIST_LIMIT`] of them in sheet order.
    pub changes: Vec<RevisionChange>,
    /// A plain name for the report, offered when saving it.
    pub suggested_report_name: String,
}

/// One value that differs between the two revisions.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RevisionChange {
    /// The building as people know it (its name and address).
    pub building: String,
    pub sheet_name: String,
    pub sheet_row_number: u32,
    /// The attribute in words ("Year built").
    pub label: String,
    /// `null` when the revision has no value.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AppState {
    /// Compares revisions `from` and `to` of an SOV; each revision is downloaded once, then read from the cache
    /// the change check shares.
    pub async fn compare_sov_revisions(
        &self,
        sov_id: &str,
        from: i64,
        to: i64,
    ) -> AppResult<RevisionComparison> {
        Ok(view(&self.comparison(sov_id, from, to).await?))
    }

    /// Saves the report of revisions `from` and `to` compared as `path`, or beside it as "name (2).xlsx" when
    /// that is taken (never overwriting); returns where it went. The revisions come from the cache.
    pub async fn save_revision_report(
        &self,
        sov_id: &str,
        from: i64,
        to: i64,
        path: PathBuf,
    ) -> AppResult<PathBuf> {
        let comparison = self.comparison(sov_id, from, to).await?;
        tokio::task::spawn_blocking(move || save_comparison(&comparison, &path))
            .await
            .map_err(AppError::internal)?
    }

    async fn comparison(&self, sov_id: &str, from: i64, to: i64) -> AppResult<Comparison> {
        let sov_id = sov_id_from_text(sov_id)?;
        if from == to {
            return Err(AppError::invalid_input(format!(
                "Revision {to} was chosen twice. Choose an older revision under “From” and a newer one under “To”."
            )));
        }
        if from > to {
            return Err(AppError::invalid_input(format!(
                "“From” (revision {from}) is newer than “To” (revision {to}). Choose the older revision under “From”."
            )));
        }
        let connection = self.connection().await?;
        let summary = connection.client.sov_summary(&sov_id).await?;
        let latest = summary.latest_revision.unwrap_or(0).max(0);
        if from < 0 || to > latest {
            let missing = if from < 0 { from } else { to };
            return Err(AppError::invalid_input(format!(
                "SOV {sov_id} has no revision {missing}: its revisions are 0 (the original spreadsheet) to {latest}. \
                 Choose the SOV again to see its revisions as they are now."
            )));
        }
        let source = self.current_data_source(&connection);
        let cancel = CancellationToken::new();
        compare_revisions_of(&source, &summary, from, to, &cancel).await
    }
}

fn view(comparison: &Comparison) -> RevisionComparison {
    let diff = &comparison.diff;
    let changes: Vec<RevisionChange> = diff
        .derived
        .iter()
        .take(COMPARISON_LIST_LIMIT)
        .map(|change| RevisionChange {
            building: change.place.building.clone(),
            sheet_name: change.place.sheet_name.clone(),
            sheet_row_number: change.place.sheet_row_number,
            label: change.place.label.clone(),
            before: change.before.as_ref().map(ToString::to_string),
            after: change.after.as_ref().map(ToString::to_string),
        })
        .collect();
    RevisionComparison {
        sov_id: comparison.sov_id.clone(),
        insured: comparison.insured.clone(),
        from_revision: comparison.from_revision,
        to_revision: comparison.to_revision,
        changed_values: diff.derived.len() as u64,
        changed_buildings: diff.changed_buildings as u64,
        untouched_buildings: diff.untouched_buildings as u64,
        added_buildings: diff.added_buildings.len() as u64,
        removed_buildings: diff.removed_buildings.len() as u64,
        summary: diff.summary.clone(),
        changes,
        suggested_report_name: format!(
            "{} changes revision {} to {}.xlsx",
            sov_update::sanitize_filename(&comparison.insured),
            comparison.from_revision,
            comparison.to_revision
        ),
    }
}

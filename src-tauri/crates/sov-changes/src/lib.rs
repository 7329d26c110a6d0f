//! What an update changed on SOV Fixer, checked against the server's new data: the requested changes
//! (read from the files as sent) confirmed or not applied, the values SOV Fixer derived, the buildings left
//! untouched; saved as a change report beside the outputs. Also any two revisions of an SOV compared.

mod comparison_words;
mod requested;
mod revisions;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sov_compare::change_report::{change_report_bytes, save_change_report, ReportInfo};
use sov_compare::{compare_revisions, Outcome, RevisionDiff};
use sov_error::AppError;
use sov_preflight::UploadPlan;
use sov_update::read::{CurrentDataSource, SovSummary};
use sov_update::{SavedOutput, UpdateChanges};
use sov_workbook::file_name::write_new_file;
use tokio_util::sync::CancellationToken;

pub use comparison_words::comparison_summary;
pub use requested::requested_changes;
pub use revisions::{read_buildings, update_revision};

/// The counts a person reads first, and that the history keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub confirmed: usize,
    pub not_applied: usize,
    pub derived: usize,
    pub untouched_buildings: usize,
}

impl ChangeCounts {
    pub fn of(diff: &RevisionDiff) -> Self {
        let not_applied = diff.not_applied();
        Self {
            confirmed: diff.requested.len() - not_applied,
            not_applied,
            derived: diff.derived.len(),
            untouched_buildings: diff.untouched_buildings,
        }
    }
}

/// Two revisions of an SOV compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub sov_id: String,
    /// The insured's name (the SOV id when SOV Fixer has none).
    pub insured: String,
    pub from_revision: i64,
    pub to_revision: i64,
    pub counts: ChangeCounts,
    pub diff: RevisionDiff,
    /// The change report, when one was saved.
    pub report: Option<PathBuf>,
}

impl Comparison {
    /// The counts and the report, as a job's outcome carries them.
    pub fn update_changes(&self) -> UpdateChanges {
        UpdateChanges {
            from_revision: self.from_revision,
            to_revision: self.to_revision,
            confirmed: self.counts.confirmed as u64,
            not_applied: self.counts.not_applied as u64,
            derived: self.counts.derived as u64,
            untouched_buildings: self.counts.untouched_buildings as u64,
            summary: self.diff.summary.clone(),
            not_applied_changes: self.not_applied_sentences(),
            report: self.report.clone(),
        }
    }

    /// Each requested change the new revision does not hold, in words: building, place, attribute, the value
    /// sent and what to do. The window and the CLI say them alike.
    pub fn not_applied_sentences(&self) -> Vec<String> {
        self.diff
            .requested
            .iter()
            .filter(|change| change.outcome == Outcome::NotApplied)
            .map(|change| {
                let place = &change.place;
                format!(
                    "{} ({} row {}), {}: you sent {}. {}",
                    place.building,
                    place.sheet_name,
                    place.sheet_row_number,
                    place.label,
                    change.asked,
                    change.note.as_deref().unwrap_or_default()
                )
            })
            .collect()
    }
}

/// A finished update, as the comparison needs it.
#[derive(Debug, Clone)]
pub struct FinishedUpdate {
    pub sov_id: String,
    pub update_id: String,
    /// The plans of the files sent, in the order sent (their parts are read again: exactly the rows sent).
    pub plans: Vec<Arc<UploadPlan>>,
    /// The outputs the update saved: a JSON one is read instead of downloading the new revision again.
    pub saved_outputs: Vec<SavedOutput>,
    pub output_formats: Vec<String>,
    /// Where the change report goes; `None` compares without saving one.
    pub report_folder: Option<PathBuf>,
    /// The insured the update named (its `extra_data`), which names its outputs too, so the report sits beside
    /// them under the same name; `None` takes SOV Fixer's.
    pub insured_name: Option<String>,
}

/// Compares the revision `update` made with the one it was based on, against the corrections sent, and
/// saves the change report into `update.report_folder`.
pub async fn compare_update(
    source: &CurrentDataSource,
    update: &FinishedUpdate,
    cancel: &CancellationToken,
) -> Result<Comparison, AppError> {
    let client = source.client();
    let to_revision = update_revision(client, &update.update_id).await?;
    let from_revision = (to_revision - 1).max(0);
    let to_path = match saved_json(&update.saved_outputs) {
        Some(saved) => {
            // Read the update's own file; the cached copy only spares a later comparison the download,
            // so failing to make it changes nothing here.
            let _ = source.keep(&update.sov_id, to_revision, saved);
            saved.to_path_buf()
        }
        None => {
            source
                .fetch_revision(&update.sov_id, to_revision, cancel)
                .await?
        }
    };
    let from_path = source
        .fetch_revision(&update.sov_id, from_revision, cancel)
        .await?;
    let named = update
        .insured_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty());
    let insured = match named {
        Some(name) => name.to_owned(),
        None => insured_of(source, &update.sov_id).await,
    };
    let update = update.clone();
    blocking(move || {
        let from = read_buildings(&from_path)?;
        let to = read_buildings(&to_path)?;
        let requested = requested_changes(&update.plans, &from)?;
        let diff = compare_revisions(&from, &to, &requested);
        let report = match &update.report_folder {
            Some(folder) => {
                let info = ReportInfo {
                    sov_id: update.sov_id.clone(),
                    insured: insured.clone(),
                    from_revision: from_revision.to_string(),
                    to_revision: to_revision.to_string(),
                    update_id: update.update_id.clone(),
                    when: sov_workbook::file_name::today_utc(),
                    files_sent: update
                        .plans
                        .iter()
                        .map(|plan| file_name(plan.path()))
                        .collect(),
                    output_formats: update.output_formats.clone(),
                };
                Some(save_change_report(
                    folder,
                    &sov_workbook::file_name::today_utc(),
                    &info,
                    &diff,
                )?)
            }
            None => None,
        };
        Ok(Comparison {
            sov_id: update.sov_id,
            insured,
            from_revision,
            to_revision,
            counts: ChangeCounts::of(&diff),
            diff,
            report,
        })
    })
    .await
}

/// Compares two revisions of an SOV (every change listed as made on SOV Fixer and said as a value that
/// changed, since no request is known);
/// `from` defaults to the one before `to`, `to` to the latest.
pub async fn compare_two(
    source: &CurrentDataSource,
    sov_id: &str,
    from: Option<i64>,
    to: Option<i64>,
    cancel: &CancellationToken,
) -> Result<Comparison, AppError> {
    let sov_id = sov_id.trim();
    let summary = source.client().sov_summary(sov_id).await?;
    let latest = summary.latest_revision.unwrap_or(0).max(0);
    let to_revision = to.unwrap_or(latest);
    let from_revision = from.unwrap_or((to_revision - 1).max(0));
    for (flag, revision) in [("--to", to_revision), ("--from", from_revision)] {
        if !(0..=latest).contains(&revision) {
            return Err(AppError::invalid_input(format!(
                "SOV {sov_id} has no revision {revision} ({flag}): its revisions are 0 (the original) to {latest}."
            )));
        }
    }
    compare_revisions_of(source, &summary, from_revision, to_revision, cancel).await
}

/// Compares revisions `from_revision` and `to_revision` of the SOV `summary` describes, both known to exist
/// (the caller says in its own words when one does not); each revision is downloaded once, then read from the
/// cache.
pub async fn compare_revisions_of(
    source: &CurrentDataSource,
    summary: &SovSummary,
    from_revision: i64,
    to_revision: i64,
    cancel: &CancellationToken,
) -> Result<Comparison, AppError> {
    let sov_id = summary.id.trim().to_owned();
    let from_path = source
        .fetch_revision(&sov_id, from_revision, cancel)
        .await?;
    let to_path = source.fetch_revision(&sov_id, to_revision, cancel).await?;
    let insured = insured_from(summary);
    blocking(move || {
        let mut diff = compare_revisions(
            &read_buildings(&from_path)?,
            &read_buildings(&to_path)?,
            &[],
        );
        diff.summary = comparison_summary(&diff);
        Ok(Comparison {
            sov_id,
            insured,
            from_revision,
            to_revision,
            counts: ChangeCounts::of(&diff),
            diff,
            report: None,
        })
    })
    .await
}

/// Saves the report of two revisions compared as `path`, or beside it as "name (2).xlsx" when `path` is
/// taken (never overwriting); returns where it went.
pub fn save_comparison(comparison: &Comparison, path: &Path) -> Result<PathBuf, AppError> {
    let info = ReportInfo {
        sov_id: comparison.sov_id.clone(),
        insured: comparison.insured.clone(),
        from_revision: comparison.from_revision.to_string(),
        to_revision: comparison.to_revision.to_string(),
        when: sov_workbook::file_name::today_utc(),
        ..ReportInfo::default()
    };
    let bytes = change_report_bytes(&info, &comparison.diff)?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name().map_or_else(
        || format!("{} change report.xlsx", comparison.sov_id),
        |name| name.to_string_lossy().into_owned(),
    );
    write_new_file(folder, &name, &bytes)
}

/// The cache folder for one server inside `cache_dir`: SOV ids are unique only on one server, and a sandbox or
/// the demo (whose address changes every run) starts its SOVs afresh.
pub fn server_cache_dir(cache_dir: &Path, api_base: &url::Url) -> PathBuf {
    cache_dir.join(sov_update::sanitize_filename(&format!(
        "{}-{}",
        api_base.host_str().unwrap_or("server"),
        api_base.port_or_known_default().unwrap_or(0)
    )))
}

fn saved_json(outputs: &[SavedOutput]) -> Option<&Path> {
    outputs
        .iter()
        .find(|output| {
            Path::new(&output.filename)
                .extension()
                .is_some_and(|extension| extension.eq_ignore_ascii_case("json"))
        })
        .map(|output| output.path.as_path())
}

/// The insured's name for the report's file name; the SOV id when SOV Fixer has none (or cannot say).
async fn insured_of(source: &CurrentDataSource, sov_id: &str) -> String {
    match source.client().sov_summary(sov_id).await {
        Ok(summary) => insured_from(&summary),
        Err(_) => sov_id.to_owned(),
    }
}

fn insured_from(summary: &SovSummary) -> String {
    summary
        .extra_data
        .as_ref()
        .and_then(|extra| extra.get("insured_name"))
        .and_then(|name| name.as_str())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map_or_else(|| summary.id.clone(), str::to_owned)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)?
}

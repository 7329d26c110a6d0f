//! Plain-text rendering of events and summaries for people (and for logs of a pipeline).

use sov_changes::Comparison;
use sov_update::Phase;

use super::preflight_text::report_lines;
use crate::events::{Event, Summary};

/// What was already said, so a plain log gets one line per step rather than one per tick.
#[derive(Default)]
pub struct HumanState {
    uploaded_files: usize,
    last_processing: Option<(String, Option<i64>, Option<String>, bool)>,
}

impl HumanState {
    pub fn lines_for(&mut self, event: &Event) -> Vec<String> {
        match event {
            Event::Preflight { report } => report_lines(report),
            Event::UpdateCreated { update_id, .. } => vec![format!("Update id: {update_id}")],
            Event::Phase { phase } => phase_line(*phase).map(str::to_owned).into_iter().collect(),
            Event::Upload {
                file_index,
                file_count,
                file_name,
                file_bytes_sent,
                file_bytes_total,
                ..
            } => {
                if file_bytes_sent < file_bytes_total || *file_index <= self.uploaded_files {
                    return Vec::new();
                }
                self.uploaded_files = *file_index;
                vec![format!(
                    "Uploaded {file_name} ({file_index} of {file_count}, {})",
                    human_bytes(*file_bytes_total)
                )]
            }
            Event::Processing {
                status,
                pct_complete,
                health,
                stalled,
            } => {
                let key = (
                    status.clone(),
                    pct_complete.map(|p| p.round() as i64),
                    health.clone(),
                    *stalled,
                );
                if self.last_processing.as_ref() == Some(&key) {
                    return Vec::new();
                }
                self.last_processing = Some(key);
                vec![processing_line(
                    status,
                    *pct_complete,
                    health.as_deref(),
                    *stalled,
                )]
            }
            Event::Download { .. } => Vec::new(),
            Event::OutputSaved { output } => vec![format!(
                "Saved {} ({})",
                output.path.as_deref().unwrap_or(&output.filename),
                human_bytes(output.size.unwrap_or(0))
            )],
            // `report_preview` prints previews for people itself: they are results (stdout), not progress.
            Event::Preview { .. } | Event::Summary(_) => Vec::new(),
        }
    }
}

fn phase_line(phase: Phase) -> Option<&'static str> {
    match phase {
        Phase::Initiating => Some("Creating the update on SOV Fixer..."),
        Phase::Uploading => Some("Uploading corrections..."),
        Phase::Starting => Some("Starting the update..."),
        Phase::Queued => Some("Waiting in SOV Fixer's queue..."),
        Phase::Downloading => Some("Downloading outputs..."),
        Phase::Validating | Phase::Processing | Phase::Done | Phase::Failed | Phase::Cancelled => {
            None
        }
    }
}

pub fn processing_line(
    status: &str,
    pct: Option<f64>,
    health: Option<&str>,
    stalled: bool,
) -> String {
    let mut line = format!("Processing: {status}");
    if let Some(pct) = pct {
        line.push_str(&format!(" {pct:.0} %"));
    }
    if let Some(health) = health.filter(|h| !h.trim().is_empty()) {
        line.push_str(&format!(" ({health})"));
    }
    if stalled {
        line.push_str(" - no visible progress for a while; SOV Fixer may be busy");
    }
    line
}

/// (stdout lines, stderr lines) for the end of a command.
pub fn summary_text(summary: &Summary, verbose: u8) -> (Vec<String>, Vec<String>) {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    if let Some(error) = &summary.error {
        stderr.push(format!("Error: {}", error.message));
        if verbose > 0 && !error.detail.is_empty() && error.detail != error.message {
            stderr.push(format!("Detail ({}): {}", error.code, error.detail));
        }
    }
    if let Some(note) = &summary.note {
        stderr.push(note.clone());
    }
    if let Some(changes) = &summary.changes {
        stderr.extend(change_lines(changes));
    }
    if let Some(command) = &summary.resume_command {
        let lead = if summary.outcome == "started" {
            "To wait for it and collect the outputs, run"
        } else {
            "To pick it up again, run"
        };
        stderr.push(format!("{lead}: {command}"));
    }
    if summary.outcome == "started" {
        if let Some(update_id) = &summary.update_id {
            stdout.push(update_id.clone());
        }
    }
    stdout.extend(summary.outputs.iter().filter_map(|o| o.path.clone()));
    (stdout, stderr)
}

/// What changed, for people: the summary sentence, each change not applied, and the report's path.
pub fn change_lines(changes: &Comparison) -> Vec<String> {
    let mut lines = vec![format!(
        "What changed (revision {} → {}): {}",
        changes.from_revision, changes.to_revision, changes.diff.summary
    )];
    lines.extend(
        changes
            .not_applied_sentences()
            .into_iter()
            .map(|sentence| format!("  Not applied: {sentence}")),
    );
    if let Some(report) = &changes.report {
        lines.push(format!("Change report: {}", report.display()));
    }
    lines
}

pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(1_234), "1.2 KB");
        assert_eq!(human_bytes(3_000_000), "3.0 MB");
    }

    #[test]
    fn an_upload_is_reported_once_when_its_file_is_complete() {
        let mut state = HumanState::default();
        let tick = |sent| Event::Upload {
            file_index: 1,
            file_count: 1,
            file_name: "corrections.csv".into(),
            file_bytes_sent: sent,
            file_bytes_total: 10,
            bytes_sent: sent,
            bytes_total: 10,
        };
        assert!(state.lines_for(&tick(5)).is_empty());
        assert_eq!(state.lines_for(&tick(10)).len(), 1);
        assert!(state.lines_for(&tick(10)).is_empty());
    }
}

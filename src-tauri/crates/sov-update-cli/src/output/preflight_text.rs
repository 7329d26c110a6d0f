//! A pre-flight report as lines a person can act on: file, row, column, message, suggestion.

use sov_preflight::{FileReport, Severity};

pub fn report_lines(report: &FileReport) -> Vec<String> {
    let summary = &report.summary;
    let mut lines = Vec::new();
    let verdict = if report.blocking {
        "must be fixed before sending"
    } else if summary.warnings > 0 {
        "can be sent; check the warnings"
    } else {
        "ready to send"
    };
    lines.push(format!(
        "{}: {} rows, {} columns, {} errors, {} warnings: {verdict}",
        report.file_name, summary.rows, summary.columns, summary.errors, summary.warnings
    ));
    for notice in &report.notices {
        lines.push(format!("  note: {notice}"));
    }
    for finding in &report.findings {
        let severity = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let mut place = finding.file.clone();
        if let Some(row) = finding.row {
            place.push_str(&format!(", row {row}"));
        }
        if let Some(column) = &finding.column {
            place.push_str(&format!(", column `{column}`"));
        }
        lines.push(format!("  {severity}: {place}: {}", finding.message));
        if !finding.suggestion.is_empty() {
            lines.push(format!("    -> {}", finding.suggestion));
        }
        if finding.more_count > 0 {
            lines.push(format!("    ({} more rows like this)", finding.more_count));
        }
    }
    if !report.fixes.is_empty() {
        let labels: Vec<&str> = report.fixes.iter().map(|f| f.label.as_str()).collect();
        lines.push(format!(
            "  The SOV Updater app can fix this in one click: {}",
            labels.join("; ")
        ));
    }
    lines
}

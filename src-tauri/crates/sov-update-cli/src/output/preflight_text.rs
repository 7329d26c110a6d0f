//! A pre-flight report as lines a person can act on: file, row, column, message, suggestion.

use sov_preflight::{FileReport, Finding, Severity};

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
        if finding.row_count > 1 {
            lines.push(format!("    {}", row_list(finding)));
        }
    }
    // Only fixes that remove a problem: a format conversion is not a fix for anything.
    let labels: Vec<&str> = report.problem_fixes().map(|f| f.label.as_str()).collect();
    if !labels.is_empty() {
        lines.push(format!(
            "  The SOV Updater app can fix this in one click: {}",
            labels.join("; ")
        ));
    }
    lines
}

/// Rows shown in the terminal per problem; `--json` has the report's full list.
const ROWS_SHOWN: usize = 100;

/// "30 rows: 3, 5, 7, …" with every row up to [`ROWS_SHOWN`].
fn row_list(finding: &Finding) -> String {
    let shown: Vec<String> = finding
        .rows
        .iter()
        .take(ROWS_SHOWN)
        .map(u64::to_string)
        .collect();
    let mut text = format!("{} rows: {}", finding.row_count, shown.join(", "));
    let left = finding.row_count.saturating_sub(shown.len() as u64);
    if left > 0 {
        text.push_str(&format!(" and {left} more (all of them with --json)"));
    }
    text
}

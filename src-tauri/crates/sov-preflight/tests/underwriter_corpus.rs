//! The corpus of underwriters' own spreadsheets (`samples/underwriter`, CSV sources and the
//! workbooks LibreOffice wrote from them) against the results kept as data in `expected.txt`:
//! the header row read, each column's mapping, and every finding with its rows.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use sov_preflight::{check_file, CheckOptions, FileReport};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../samples/underwriter")
}

/// What `expected.txt` says of a report: `header_row N`, `column DESCRIBED`, `finding CODE COLUMN ROWS`.
fn observed(report: &FileReport) -> Vec<String> {
    let mut lines = vec![format!(
        "header_row {}",
        report.header_row.map_or("-".into(), |row| row.to_string())
    )];
    lines.extend(
        report
            .columns
            .iter()
            .map(|c| format!("column {}", c.describe())),
    );
    let mut findings: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let rows: Vec<String> = f.rows.iter().map(u64::to_string).collect();
            format!(
                "finding {} `{}` rows {}",
                f.code,
                f.column.as_deref().unwrap_or("-"),
                if rows.is_empty() {
                    "-".into()
                } else {
                    rows.join(",")
                }
            )
        })
        .collect();
    findings.sort();
    lines.extend(findings);
    lines
}

/// `[file, file]` sections of expected lines.
fn expected() -> Vec<(Vec<String>, Vec<String>)> {
    let text = std::fs::read_to_string(corpus().join("expected.txt")).unwrap();
    let mut sections: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if let Some(files) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let files = files.split(", ").map(str::to_owned).collect();
            sections.push((files, Vec::new()));
        } else {
            sections.last_mut().unwrap().1.push(line.to_owned());
        }
    }
    sections
}

#[test]
fn every_corpus_file_gives_its_expected_header_mapping_and_findings() {
    let sections = expected();
    let mut covered = 0;
    for (files, lines) in &sections {
        for file in files {
            let report = check_file(&corpus().join(file), &CheckOptions::default());
            assert_eq!(&observed(&report), lines, "{file}");
            covered += 1;
        }
    }
    let sources = std::fs::read_dir(corpus())
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.ends_with(".csv") || name.ends_with(".xlsx") || name.ends_with(".ods")
        })
        .count();
    assert_eq!(
        covered, sources,
        "every corpus file has its expected results"
    );
}

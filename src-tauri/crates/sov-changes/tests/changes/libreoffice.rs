//! The change report opened by a real spreadsheet program: LibreOffice headless converts every sheet to CSV,
//! and the requested and derived changes read there are the ones the comparison found.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use sov_changes::compare_update;
use sovfixer_sandbox::SAMPLE_SOV_ID;
use tokio_util::sync::CancellationToken;

use crate::support::*;

/// Every sheet as `<name>-<sheet>.csv` (LibreOffice 7.2 on: the last token of the filter options, -1).
fn convert_every_sheet(report: &Path, out_dir: &Path) {
    let output = Command::new("soffice")
        .args([
            "--headless",
            &format!(
                "-env:UserInstallation=file://{}",
                out_dir.join("profile").display()
            ),
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(out_dir)
        .arg(report)
        .output()
        .expect("LibreOffice is installed by scripts/install-deps --test");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs LibreOffice (scripts/install-deps --test): run by scripts/test"]
async fn libreoffice_reads_in_the_report_exactly_the_changes_found() {
    let sandbox = sandbox().await;
    sandbox
        .control()
        .set_ignored_attribute(Some("const__bldg_year_built".into()));
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file(
        "corrections.csv",
        "sheet_name,sheet_row_number,const__bldg_year_built,city\nSheet1,2,1972,Miami\n",
    );
    let update = update(&client, &corrections, &["JSON"], &work.out()).await;
    let compared = compare_update(&work.source(&client), &update, &CancellationToken::new())
        .await
        .unwrap();
    let report = compared.report.clone().unwrap();
    let converted = work.dir.path().join("converted");
    std::fs::create_dir(&converted).unwrap();

    convert_every_sheet(&report, &converted);

    let stem = report.file_stem().unwrap().to_string_lossy().into_owned();
    let requested = csv_rows(&converted.join(format!("{stem}-Requested changes.csv")));
    let seen: Vec<(String, String, String)> = requested[1..]
        .iter()
        .map(|row| (row[5].clone(), row[7].clone(), row[9].clone()))
        .collect();
    let mut expected: Vec<(String, String, String)> = compared
        .diff
        .requested
        .iter()
        .map(|change| {
            (
                change.place.attribute.clone(),
                change.asked.to_field(),
                match change.outcome {
                    sov_compare::Outcome::Confirmed => "Confirmed".to_owned(),
                    sov_compare::Outcome::NotApplied => "Not applied".to_owned(),
                },
            )
        })
        .collect();
    let mut seen_sorted = seen.clone();
    seen_sorted.sort();
    expected.sort();
    assert_eq!(seen_sorted, expected);
    assert!(seen.iter().any(|row| row.2 == "Not applied"), "{seen:?}");
    let derived = csv_rows(&converted.join(format!("{stem}-Changed by SOV Fixer.csv")));
    assert_eq!(derived.len(), 2, "{derived:?}");
    assert_eq!(derived[1][5], "bldg_street_descriptor");
    assert_eq!(derived[1][7], "1111 Lincoln Rd, Miami, FL 33139");
    let summary = csv_rows(&converted.join(format!("{stem}-Summary.csv")));
    assert!(
        summary
            .iter()
            .any(|row| row[0] == "SOV" && row[1] == SAMPLE_SOV_ID),
        "{summary:?}"
    );
}

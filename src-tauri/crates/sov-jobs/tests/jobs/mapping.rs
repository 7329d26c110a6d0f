//! A job carries the user's column mapping and header row: a spreadsheet with a title row and
//! friendly headers ("Building Name", "Year Built", "TIV") is sent with attribute names, is recorded
//! with its mapping, and a Retry sends it the same way.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::in_process::{finish, setup, Setup};
use sov_error::Code;
use sov_history::JobStatus;
use sov_preflight::{CheckOptions, ColumnMapping};
use sov_update::Step;
use sovfixer_sandbox::{Endpoint, Fault, ForcedFailure};

/// Title row, blank row, then `Sheet,Row,Building Name,Year Built,TIV,# Stories,Notes` on row 3.
fn friendly_file(setup: &Setup) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/underwriter/friendly_headers.csv");
    let path = setup.dir.path().join("friendly_headers.csv");
    std::fs::copy(source, &path).unwrap();
    path
}

/// What the window's one click does: accept every suggestion, and leave `Notes` out.
fn accepted_mapping(path: &Path) -> ColumnMapping {
    let report = sov_preflight::check_file(path, &CheckOptions::default());
    let mut mapping = ColumnMapping::accepting_suggestions(&report);
    mapping.dont_send("Notes");
    mapping
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn friendly_headers_are_sent_as_attribute_names_with_the_mapping_chosen() {
    let setup = setup(Duration::from_millis(300)).await;
    let file = friendly_file(&setup);

    let unmapped = setup
        .runner
        .start(
            &setup.connection,
            setup.spec(vec![file.clone()], &["JSON"]),
            None,
        )
        .await
        .unwrap();
    let refused = finish(unmapped).await.unwrap_err();
    assert_eq!(refused.step, Step::Validate);
    assert_eq!(refused.error.code(), Code::PreflightBlocked);
    assert!(
        setup.sandbox.control().jobs().is_empty(),
        "without a mapping nothing is sent"
    );

    let mut spec = setup.spec(vec![file.clone()], &["JSON"]);
    spec.mapping = accepted_mapping(&file);
    spec.header_rows.insert(file.clone(), 3);
    let job = setup
        .runner
        .start(&setup.connection, spec, None)
        .await
        .unwrap();
    let job_id = job.job_id.clone();
    let outcome = finish(job).await.unwrap();

    assert_eq!(
        outcome.rows_not_applied, None,
        "both rows found their building"
    );
    let sent = setup.sandbox.control().jobs();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].result_status.as_deref(), Some("SUCCESS"));
    assert_eq!(sent[0].uploads[0].rows, 2, "the title rows were not sent");
    let output = std::fs::read_to_string(&outcome.outputs[0].path).unwrap();
    assert!(
        output.contains("Warehouse 4"),
        "the renamed building is in the new revision"
    );
    assert!(
        !output.contains("call owner"),
        "the Notes column was not sent"
    );

    let recorded = setup.job(&job_id);
    assert_eq!(recorded.status, JobStatus::Finished);
    assert_eq!(recorded.input_files[0].header_row, Some(3));
    assert_eq!(
        recorded
            .column_mapping
            .get("Year Built")
            .map(String::as_str),
        Some("const__bldg_year_built")
    );
    assert_eq!(
        recorded.column_mapping.get("Notes").map(String::as_str),
        Some("-")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_sends_the_file_with_the_recorded_mapping_and_header_row() {
    let setup = setup(Duration::from_millis(300)).await;
    let file = friendly_file(&setup);
    let mut spec = setup.spec(vec![file.clone()], &["JSON"]);
    spec.mapping = accepted_mapping(&file);
    spec.header_rows.insert(file.clone(), 3);
    setup.sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "Geocoding failed.".into(),
            }),
            ..Fault::default()
        },
    );
    let job = setup
        .runner
        .start(&setup.connection, spec, None)
        .await
        .unwrap();
    let old_id = job.job_id.clone();
    assert!(finish(job).await.is_err());

    setup.sandbox.control().clear_faults();
    let retry = setup
        .runner
        .retry(&setup.connection, &old_id, None)
        .await
        .unwrap()
        .running;
    let new_id = retry.job_id.clone();
    let outcome = finish(retry).await.unwrap();

    assert_eq!(outcome.rows_not_applied, None);
    let new = setup.job(&new_id);
    assert_eq!(new.status, JobStatus::Finished);
    assert_eq!(new.input_files[0].header_row, Some(3));
    assert_eq!(new.column_mapping, setup.job(&old_id).column_mapping);
    let sent = setup.sandbox.control().jobs();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter().all(|job| job.uploads[0].rows == 2),
        "both updates sent the two rows under attribute names"
    );
}

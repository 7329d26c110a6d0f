//! The sheet a user picked in a workbook is the one the engine checks and sends.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{client_with, fast_poll, Events};
use sov_update::{Job, JobSpec, StartRequest, Step};
use sovfixer_sandbox::{SandboxConfig, SAMPLE_SOV_ID};
use tokio_util::sync::CancellationToken;

/// Sheets `Corrections` (first: a correction of row 2) and `Notes` (a single `bldg_name` column).
fn workbook() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../sov-preflight/tests/corpus/legacy_workbook.xls")
}

fn spec(dest: &std::path::Path, sheet: Option<&str>) -> JobSpec {
    let mut spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files: vec![workbook()],
        start: StartRequest {
            output_formats: vec!["JSON".into()],
            ..StartRequest::default()
        },
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    };
    if let Some(sheet) = sheet {
        spec.sheets.insert(workbook(), sheet.to_owned());
    }
    spec
}

#[tokio::test]
async fn the_picked_sheet_is_checked_and_a_sheet_without_building_ids_is_stopped_before_sending() {
    let sandbox = sov_test_support::start_sandbox_with(SandboxConfig {
        processing: Duration::from_millis(200),
        ..SandboxConfig::default()
    })
    .await;
    let job = || {
        Job::new(
            client_with(
                &sandbox.api_url(),
                &sandbox.token(),
                Duration::from_secs(10),
            ),
            fast_poll(),
            Events::default().callback(),
            CancellationToken::new(),
        )
    };
    let dest = tempfile::tempdir().unwrap();

    let notes = job()
        .run(spec(dest.path(), Some("Notes")))
        .await
        .unwrap_err();
    assert_eq!(notes.step, Step::Validate);
    assert_eq!(notes.error.code(), sov_error::Code::PreflightBlocked);
    assert!(
        sandbox.control().jobs().is_empty(),
        "nothing was sent for the Notes sheet"
    );

    let corrections = job()
        .run(spec(dest.path(), Some("Corrections")))
        .await
        .unwrap();
    assert_eq!(corrections.outputs.len(), 1);
    let uploads = &sandbox.control().jobs()[0].uploads;
    assert_eq!(uploads.len(), 1);
    sandbox.shutdown().await;
}

//! Upload plans made by the job's caller (the CLI checks and plans in one read): sent as they
//! are, refused when the file changed since, and not used for other files.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::support::{
    json_spec, quick_job, received_uploads as received, start_sandbox, write_file, Events,
    CORRECTIONS,
};
use sov_preflight::{check_and_plan_files, CheckOptions, UploadPlan};
use sov_update::{JobError, JobOutcome, JobSpec, Step};
use sovfixer_sandbox::{Endpoint, RunningSandbox};

const HEADER: &str = "sheet_name,sheet_row_number,bldg_name\n";

fn five_rows() -> String {
    let rows: String = (2..=6)
        .map(|row| format!("Sheet1,{row},House {row}\n"))
        .collect();
    format!("{HEADER}{rows}")
}

/// Plans as the CLI makes them, but in parts of `rows_per_batch` rows.
fn plans(files: &[PathBuf], rows_per_batch: usize) -> Vec<Arc<UploadPlan>> {
    check_and_plan_files(files, &CheckOptions::default(), Some(rows_per_batch))
        .into_iter()
        .map(|file| Arc::new(file.plan.unwrap()))
        .collect()
}

fn spec(files: Vec<PathBuf>, dest: &Path, upload_plans: Vec<Arc<UploadPlan>>) -> JobSpec {
    JobSpec {
        preflight_checked: true,
        upload_plans: Some(upload_plans),
        ..json_spec(files, dest)
    }
}

/// A sandbox that logs request bodies, so the uploads it received can be read back.
async fn sandbox() -> RunningSandbox {
    let sandbox = start_sandbox().await;
    sandbox.control().set_record_bodies(true);
    sandbox
}

async fn run(sandbox: &RunningSandbox, spec: JobSpec) -> Result<JobOutcome, JobError> {
    quick_job(&sandbox.api_url(), &Events::default())
        .run(spec)
        .await
}

#[tokio::test]
async fn the_callers_plans_are_sent_as_they_are() {
    let sandbox = sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "many.csv", five_rows());
    // The job's own batch size (the default) would send one part: three prove the plans were used.
    let upload_plans = plans(std::slice::from_ref(&file), 2);

    let outcome = run(&sandbox, spec(vec![file], dest.path(), upload_plans))
        .await
        .unwrap();

    let received = received(&sandbox, &outcome.update_id);
    let names: Vec<&str> = received.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "many (part 1 of 3).csv",
            "many (part 2 of 3).csv",
            "many (part 3 of 3).csv"
        ]
    );
    let sent_rows: String = received
        .iter()
        .map(|(_, text)| text.strip_prefix(HEADER).unwrap())
        .collect();
    assert_eq!(format!("{HEADER}{sent_rows}"), five_rows());
}

#[tokio::test]
async fn a_file_changed_after_the_caller_planned_it_is_not_sent() {
    let sandbox = sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let upload_plans = plans(std::slice::from_ref(&file), 2);
    write_file(input.path(), "corrections.csv", five_rows());

    let error = run(&sandbox, spec(vec![file], dest.path(), upload_plans))
        .await
        .unwrap_err();

    assert_eq!(error.step, Step::Upload);
    assert_eq!(error.error.code(), sov_error::Code::FileError);
    assert!(
        error
            .error
            .detail()
            .contains("`corrections.csv` changed after it was checked"),
        "{}",
        error.error.detail()
    );
    let update_id = error.update_id.unwrap();
    assert!(
        received(&sandbox, &update_id).is_empty(),
        "nothing was sent"
    );
    assert_eq!(sandbox.control().count_seen(Endpoint::Start), 0);
}

#[tokio::test]
async fn plans_for_other_files_are_not_used() {
    let sandbox = sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let planned = write_file(input.path(), "planned.csv", five_rows());
    let sent = write_file(input.path(), "sent.csv", CORRECTIONS);
    let upload_plans = plans(&[planned], 2);

    let outcome = run(&sandbox, spec(vec![sent], dest.path(), upload_plans))
        .await
        .unwrap();

    assert_eq!(
        received(&sandbox, &outcome.update_id),
        [("sent.csv".to_owned(), CORRECTIONS.to_owned())]
    );
}

#[tokio::test]
async fn a_blocking_file_is_refused_even_with_plans_when_the_caller_did_not_check_it() {
    let sandbox = sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(
        input.path(),
        "twice.csv",
        format!("{HEADER}Sheet1,2,A\nSheet1,2,A again\n"),
    );
    let upload_plans = plans(std::slice::from_ref(&file), 2);
    let spec = JobSpec {
        preflight_checked: false,
        ..spec(vec![file], dest.path(), upload_plans)
    };

    let error = run(&sandbox, spec).await.unwrap_err();

    assert_eq!(error.step, Step::Validate);
    assert_eq!(error.error.code(), sov_error::Code::PreflightBlocked);
    assert!(sandbox.control().jobs().is_empty(), "no update was created");
}

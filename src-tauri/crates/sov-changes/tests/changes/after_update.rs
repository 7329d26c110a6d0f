//! After a real update of the sandbox's sample SOV: each requested change checked against the new
//! revision's data, derived values listed apart, the report saved beside the outputs.
#![allow(clippy::unwrap_used)]

use sov_changes::compare_update;
use sov_compare::change_report::{DERIVED_SHEET, REQUESTED_SHEET};
use sov_compare::Outcome;
use sovfixer_sandbox::Endpoint;
use tokio_util::sync::CancellationToken;

use crate::support::*;

const YEAR_AND_NAME: &str =
    "sheet_name,sheet_row_number,const__bldg_year_built,bldg_name\nSheet1,2,1972,Lincoln Tower\n";

#[tokio::test]
async fn every_change_that_took_is_confirmed_and_the_report_says_so() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file("corrections.csv", YEAR_AND_NAME);
    let update = update(&client, &corrections, &["JSON"], &work.out()).await;
    let source = work.source(&client);

    let compared = compare_update(&source, &update, &CancellationToken::new())
        .await
        .unwrap();

    assert_eq!((compared.from_revision, compared.to_revision), (0, 1));
    assert_eq!(compared.counts.confirmed, 2, "{:?}", compared.diff);
    assert_eq!(compared.counts.not_applied, 0);
    assert_eq!(compared.counts.derived, 0, "{:?}", compared.diff.derived);
    assert_eq!(compared.counts.untouched_buildings, 1);
    let year = compared
        .diff
        .requested
        .iter()
        .find(|change| change.place.attribute == "const__bldg_year_built")
        .unwrap();
    assert_eq!(year.outcome, Outcome::Confirmed);
    assert_eq!(year.before.as_ref().unwrap().to_field(), "1969");
    assert_eq!(year.now.as_ref().unwrap().to_field(), "1972");

    let report = compared.report.unwrap();
    assert_eq!(report.parent().unwrap(), work.out());
    let rows = sheet_rows(&report, REQUESTED_SHEET);
    assert_eq!(rows.len(), 3, "a header and two changes: {rows:?}");
    assert!(
        rows[1..].iter().all(|row| row[9] == "Confirmed"),
        "{rows:?}"
    );
}

#[tokio::test]
async fn the_new_revision_is_read_from_the_json_output_and_nothing_is_downloaded_twice() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file("corrections.csv", YEAR_AND_NAME);
    let update = update(&client, &corrections, &["JSON"], &work.out()).await;
    let downloads_by_the_update = sandbox.control().count_requests(Endpoint::Download);
    let source = work.source(&client);

    compare_update(&source, &update, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        sandbox.control().count_requests(Endpoint::Download),
        downloads_by_the_update + 1,
        "only the earlier revision is downloaded; the update's own JSON output is read"
    );
    assert_eq!(
        sandbox
            .control()
            .count_requests(Endpoint::GetOrCreateOutput),
        1
    );

    let again = compare_update(&source, &update, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        sandbox.control().count_requests(Endpoint::Download),
        downloads_by_the_update + 1,
        "a second comparison reads both revisions from the cache"
    );
    assert_eq!(again.counts.confirmed, 2);
    assert_ne!(again.report, None);
}

#[tokio::test]
async fn without_a_json_output_the_new_revision_is_fetched_by_number() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file("corrections.csv", YEAR_AND_NAME);
    let update = update(&client, &corrections, &["CSV"], &work.out()).await;
    let source = work.source(&client);

    let compared = compare_update(&source, &update, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(compared.counts.confirmed, 2);
    assert_eq!(
        sandbox
            .control()
            .count_requests(Endpoint::GetOrCreateOutput),
        2
    );
}

#[tokio::test]
async fn an_ignored_attribute_is_not_applied_with_the_value_kept_and_what_to_do() {
    let sandbox = sandbox().await;
    sandbox
        .control()
        .set_ignored_attribute(Some("const__bldg_year_built".into()));
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file("corrections.csv", YEAR_AND_NAME);
    let update = update(&client, &corrections, &["JSON"], &work.out()).await;

    let compared = compare_update(
        &update_source(&work, &client),
        &update,
        &CancellationToken::new(),
    )
    .await
    .unwrap();

    assert_eq!(compared.counts.confirmed, 1);
    assert_eq!(compared.counts.not_applied, 1);
    let year = compared
        .diff
        .requested
        .iter()
        .find(|change| change.outcome == Outcome::NotApplied)
        .unwrap();
    assert_eq!(year.place.attribute, "const__bldg_year_built");
    assert_eq!(year.place.sheet_row_number, 2);
    assert_eq!(year.now.as_ref().unwrap().to_field(), "1969");
    assert!(
        year.note.as_ref().unwrap().contains("kept 1969"),
        "{year:?}"
    );
    assert!(
        compared.diff.summary.contains("1 not applied"),
        "{}",
        compared.diff.summary
    );
    let rows = sheet_rows(&compared.report.unwrap(), REQUESTED_SHEET);
    let row = rows
        .iter()
        .find(|row| row[5] == "const__bldg_year_built")
        .unwrap();
    assert_eq!(row[9], "Not applied");
    assert!(row[10].contains("send this correction again"), "{row:?}");
}

#[tokio::test]
async fn an_address_recomputed_by_sov_fixer_is_listed_as_derived() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file(
        "corrections.csv",
        "sheet_name,sheet_row_number,city\nSheet1,2,Miami\n",
    );
    let update = update(&client, &corrections, &["JSON"], &work.out()).await;

    let compared = compare_update(
        &update_source(&work, &client),
        &update,
        &CancellationToken::new(),
    )
    .await
    .unwrap();

    assert_eq!(compared.counts.confirmed, 1);
    assert_eq!(compared.counts.derived, 1, "{:?}", compared.diff.derived);
    let derived = &compared.diff.derived[0];
    assert_eq!(derived.place.attribute, "bldg_street_descriptor");
    assert_eq!(
        derived.before.as_ref().unwrap().to_field(),
        "1111 Lincoln Rd, Miami Beach, FL 33139"
    );
    assert_eq!(
        derived.after.as_ref().unwrap().to_field(),
        "1111 Lincoln Rd, Miami, FL 33139"
    );
    let rows = sheet_rows(&compared.report.unwrap(), DERIVED_SHEET);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][5], "bldg_street_descriptor");
    assert_eq!(rows[1][7], "1111 Lincoln Rd, Miami, FL 33139");
}

#[tokio::test]
async fn a_value_sent_unchanged_is_not_counted_as_a_change() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file(
        "corrections.csv",
        "sheet_name,sheet_row_number,const__bldg_year_built,const__num_stories\nSheet1,2,1972,9\n",
    );
    let update = update(&client, &corrections, &["JSON"], &work.out()).await;

    let compared = compare_update(
        &update_source(&work, &client),
        &update,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(
        compared.counts.confirmed, 1,
        "{:?}",
        compared.diff.requested
    );
    assert_eq!(
        compared.diff.requested[0].place.attribute,
        "const__bldg_year_built"
    );
}

#[tokio::test]
async fn a_report_folder_of_none_compares_without_saving() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let corrections = work.file("corrections.csv", YEAR_AND_NAME);
    let mut update = update(&client, &corrections, &["JSON"], &work.out()).await;
    update.report_folder = None;
    let before: Vec<_> = std::fs::read_dir(work.out()).unwrap().collect();

    let compared = compare_update(
        &update_source(&work, &client),
        &update,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(compared.report, None);
    assert_eq!(compared.counts.confirmed, 2);
    assert_eq!(std::fs::read_dir(work.out()).unwrap().count(), before.len());
}

fn update_source(
    work: &Work,
    client: &sov_update::SovFixerClient,
) -> sov_update::read::CurrentDataSource {
    work.source(client)
}

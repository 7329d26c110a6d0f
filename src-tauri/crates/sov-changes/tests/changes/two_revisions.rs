//! Any two revisions of an SOV compared: every change listed as made on SOV Fixer, revisions checked.
#![allow(clippy::unwrap_used)]

use sov_changes::{compare_two, save_comparison};
use sov_error::Code;
use sovfixer_sandbox::SAMPLE_SOV_ID;
use tokio_util::sync::CancellationToken;

use crate::support::*;

#[tokio::test]
async fn the_latest_revision_is_compared_with_the_one_before_by_default() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let first = work.file(
        "first.csv",
        "sheet_name,sheet_row_number,const__num_stories\nSheet1,3,6\n",
    );
    update(&client, &first, &["CSV"], &work.out()).await;
    let second = work.file(
        "second.csv",
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Tower\n",
    );
    update(&client, &second, &["CSV"], &work.out()).await;
    let source = work.source(&client);
    let cancel = CancellationToken::new();

    let latest = compare_two(&source, SAMPLE_SOV_ID, None, None, &cancel)
        .await
        .unwrap();
    assert_eq!((latest.from_revision, latest.to_revision), (1, 2));
    assert_eq!(latest.counts.derived, 1);
    assert_eq!(latest.diff.derived[0].place.attribute, "bldg_name");

    let since_original = compare_two(&source, SAMPLE_SOV_ID, Some(0), None, &cancel)
        .await
        .unwrap();
    assert_eq!(since_original.counts.derived, 2);
    assert_eq!(since_original.counts.untouched_buildings, 0);
    let wanted = work.out().join("since the original.xlsx");
    assert_eq!(save_comparison(&since_original, &wanted).unwrap(), wanted);
    let second = save_comparison(&since_original, &wanted).unwrap();
    assert_eq!(
        second,
        work.out().join("since the original (2).xlsx"),
        "never overwritten"
    );
    let rows = sheet_rows(&wanted, sov_compare::change_report::DERIVED_SHEET);
    assert_eq!(rows.len(), 3, "{rows:?}");
}

#[tokio::test]
async fn a_revision_the_sov_does_not_have_is_refused_in_words() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let work = Work::new();
    let error = compare_two(
        &work.source(&client),
        SAMPLE_SOV_ID,
        None,
        Some(4),
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code, Code::InvalidInput);
    assert!(error.message.contains("no revision 4"), "{}", error.message);
    assert!(
        error.message.contains("0 (the original) to 0"),
        "{}",
        error.message
    );
}

#[test]
fn each_server_has_its_own_cache_folder_so_a_restarted_sandbox_never_reads_another_ones_revisions()
{
    let base = std::path::Path::new("cache");
    let sandbox_a = url::Url::parse("http://127.0.0.1:40001/api/v1/").unwrap();
    let sandbox_b = url::Url::parse("http://127.0.0.1:40002/api/v1/").unwrap();
    let production = url::Url::parse("https://api.sovfixer.example/api/v1/").unwrap();
    let a = sov_changes::server_cache_dir(base, &sandbox_a);
    assert_eq!(a, base.join("127.0.0.1-40001"));
    assert_ne!(a, sov_changes::server_cache_dir(base, &sandbox_b));
    assert_eq!(
        sov_changes::server_cache_dir(base, &production),
        base.join("api.sovfixer.example-443")
    );
}

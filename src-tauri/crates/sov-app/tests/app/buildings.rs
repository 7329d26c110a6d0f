//! "See its buildings" against a sandbox over HTTP: what an SOV holds now, searched and paged, one building's
//! values with their labels, the copy kept per revision, cancelling, and the words for an SOV without data.
#![allow(clippy::unwrap_used)]

use sov_app::{AppState, BuildingsQuery, Code, MemoryStore, BUILDINGS_PAGE_SIZE};
use sov_update::{Job, JobSpec, PollConfig, ProgressCallback, StartRequest};
use sovfixer_sandbox::{RunningSandbox, SandboxConfig, LARGE_SOV_ID, SAMPLE_SOV_ID};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "buildings-token";

fn app(dir: &tempfile::TempDir) -> Arc<AppState> {
    Arc::new(AppState::new(
        dir.path().join("config"),
        Box::new(MemoryStore::default()),
        None,
        Box::new(|_| None),
    ))
}

/// The app connected to a sandbox of its own ("custom" address), so the test can turn its knobs.
async fn connected_app(
    dir: &tempfile::TempDir,
    output_delay: Duration,
) -> (Arc<AppState>, RunningSandbox) {
    let sandbox = sovfixer_sandbox::start(
        SandboxConfig {
            token: TOKEN.to_owned(),
            processing: Duration::from_millis(200),
            output_delay,
            ..SandboxConfig::default()
        },
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .unwrap();
    let state = app(dir);
    state
        .save_connection("custom", Some(sandbox.base_url()))
        .unwrap();
    state.set_api_key(TOKEN, true).unwrap();
    (state, sandbox)
}

/// A progress callback that keeps every sentence it was given.
fn recorder() -> (Arc<Mutex<Vec<String>>>, impl Fn(&str) + Send + Sync) {
    let said = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&said);
    (said, move |words: &str| {
        keep.lock().unwrap().push(words.to_owned())
    })
}

/// One update of the sample SOV, run by the engine straight against the sandbox (as another user would).
async fn run_update(sandbox: &RunningSandbox, corrections: &Path, out: &Path) {
    let client =
        sov_test_support::client_for(&sandbox.api_url(), TOKEN, Duration::from_secs(10), 3);
    let poll = PollConfig {
        initial_interval: Duration::from_millis(50),
        min_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(200),
        ..PollConfig::default()
    };
    let spec = JobSpec {
        sov_id: SAMPLE_SOV_ID.into(),
        files: vec![corrections.to_owned()],
        start: StartRequest {
            output_formats: vec!["JSON".to_owned()],
            ..StartRequest::default()
        },
        download_dir: out.to_owned(),
        ..JobSpec::default()
    };
    let callback: ProgressCallback = Arc::new(|_| {});
    Job::new(client, poll, callback, CancellationToken::new())
        .run(spec)
        .await
        .unwrap();
}

fn query(sov_id: &str, search: &str, page: usize) -> BuildingsQuery {
    BuildingsQuery {
        sov_id: sov_id.to_owned(),
        search: search.to_owned(),
        page,
    }
}

#[tokio::test]
async fn the_large_sov_lists_its_five_thousand_buildings_in_pages_and_search_finds_one() {
    let dir = tempfile::tempdir().unwrap();
    let (state, _sandbox) = connected_app(&dir, Duration::from_millis(300)).await;
    let (said, progress) = recorder();

    let first = state.open_buildings(LARGE_SOV_ID, &progress).await.unwrap();
    assert_eq!(first.total, 5_000);
    assert_eq!(first.matching, 5_000);
    assert_eq!(first.page_count, 5_000 / BUILDINGS_PAGE_SIZE);
    assert_eq!(first.buildings.len(), BUILDINGS_PAGE_SIZE);
    assert_eq!(first.revision, 0);
    assert!(!first.from_cache);
    let said = said.lock().unwrap().clone();
    assert!(said[0].contains("which revision"), "{said:?}");
    assert!(
        said.iter()
            .any(|s| s.contains("preparing the original spreadsheet")),
        "words while get_or_create_output runs: {said:?}"
    );
    assert!(
        said.last().unwrap().contains("Reading the 5000 buildings"),
        "{said:?}"
    );
    let one = &first.buildings[0];
    assert_eq!(one.name.as_deref(), Some("Building 1"));
    assert_eq!(one.sheet_name.as_deref(), Some("Locations"));
    assert_eq!(one.sheet_row_number, Some(2));
    assert!(
        one.address.as_deref().unwrap().contains("Harbor Blvd"),
        "{one:?}"
    );

    // The last page, and a page past the end shows the last one.
    let last = state
        .current_buildings(query(LARGE_SOV_ID, "", 99))
        .await
        .unwrap();
    assert_eq!(last.page, 99);
    assert_eq!(
        last.buildings.last().unwrap().name.as_deref(),
        Some("Building 5000")
    );
    let beyond = state
        .current_buildings(query(LARGE_SOV_ID, "", 1_000))
        .await
        .unwrap();
    assert_eq!(beyond.page, 99);

    // Every word must match; a number matches a name or the row as Excel shows it.
    let found = state
        .current_buildings(query(LARGE_SOV_ID, "building 4321", 0))
        .await
        .unwrap();
    let rows: Vec<_> = found
        .buildings
        .iter()
        .map(|b| (b.name.clone().unwrap(), b.sheet_row_number.unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Building 4320".to_owned(), 4321),
            ("Building 4321".to_owned(), 4322)
        ],
        "the one on row 4321 and the one named so, in spreadsheet order"
    );
    assert_eq!(found.matching, 2);
    let by_address = state
        .current_buildings(query(LARGE_SOV_ID, "SAVANNAH harbor", 0))
        .await
        .unwrap();
    assert!(by_address.matching > 0 && by_address.matching < 5_000);
    assert!(by_address.buildings.iter().all(|b| b
        .address
        .as_deref()
        .unwrap()
        .contains("Savannah")));
    let nothing = state
        .current_buildings(query(LARGE_SOV_ID, "no such tower", 0))
        .await
        .unwrap();
    assert_eq!((nothing.matching, nothing.buildings.len()), (0, 0));
}

#[tokio::test]
async fn a_building_shows_every_value_with_its_label_and_where_sov_fixer_got_it() {
    let dir = tempfile::tempdir().unwrap();
    let (state, sandbox) = connected_app(&dir, Duration::from_millis(100)).await;
    sandbox.control().set_annotated_attributes(true);

    let page = state
        .current_buildings(query(SAMPLE_SOV_ID, "", 0))
        .await
        .unwrap();
    let tower = page
        .buildings
        .iter()
        .find(|b| b.name.as_deref() == Some("Lincoln Road Tower"))
        .unwrap();
    let detail = state
        .building_detail(SAMPLE_SOV_ID, &tower.key)
        .await
        .unwrap();
    assert_eq!(detail.building, *tower);
    let year = detail
        .attributes
        .iter()
        .find(|a| a.name == "const__bldg_year_built")
        .unwrap();
    assert_eq!(year.label, "Year built");
    assert!(
        !year.value.is_empty() && !year.value.contains('{'),
        "the value, not the object: {year:?}"
    );
    assert_eq!(year.source.as_deref(), Some("sov"), "{year:?}");
    assert!(year.original.is_some(), "{year:?}");
    let name = detail
        .attributes
        .iter()
        .find(|a| a.name == "bldg_name")
        .unwrap();
    assert_eq!(
        (
            name.label.as_str(),
            name.value.as_str(),
            name.source.as_deref()
        ),
        ("Building name", "Lincoln Road Tower", None),
        "a plain value has no source"
    );
    // Known attributes come in the attribute list's order: the name before the year built.
    let position = |n: &str| detail.attributes.iter().position(|a| a.name == n).unwrap();
    assert!(position("bldg_name") < position("const__bldg_year_built"));

    let missing = state
        .building_detail(SAMPLE_SOV_ID, "i-no-such-building")
        .await
        .unwrap_err();
    assert_eq!(missing.code, Code::NotFound);
    assert!(
        missing.message.contains("no such building"),
        "{}",
        missing.message
    );
}

#[tokio::test]
async fn a_revision_already_fetched_is_read_from_this_computer_and_an_update_fetches_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let (state, sandbox) = connected_app(&dir, Duration::from_millis(100)).await;
    let (_, quiet) = recorder();
    let first = state.open_buildings(SAMPLE_SOV_ID, &quiet).await.unwrap();
    assert!(!first.from_cache);

    let (said, progress) = recorder();
    let again = state
        .open_buildings(SAMPLE_SOV_ID, &progress)
        .await
        .unwrap();
    assert!(again.from_cache);
    assert_eq!(again.revision, 0);
    assert!(
        !said.lock().unwrap().iter().any(|s| s.contains("preparing")),
        "{:?}",
        said.lock().unwrap()
    );
    let asked = sandbox
        .control()
        .count_seen(sovfixer_sandbox::Endpoint::GetOrCreateOutput);
    assert_eq!(asked, 1, "the saved copy is used, not fetched again");

    // After an update completes, the latest revision is 1: that one is fetched, and shown.
    let corrections = dir.path().join("corrections.csv");
    std::fs::write(
        &corrections,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Lincoln Road Tower East\n",
    )
    .unwrap();
    run_update(&sandbox, &corrections, &dir.path().join("out")).await;
    let updated = state.open_buildings(SAMPLE_SOV_ID, &quiet).await.unwrap();
    assert_eq!(updated.revision, 1);
    assert!(!updated.from_cache);
    assert!(updated
        .buildings
        .iter()
        .any(|b| b.name.as_deref() == Some("Lincoln Road Tower East")));
}

#[tokio::test]
async fn cancelling_stops_the_wait_and_a_failed_sov_says_it_has_no_buildings() {
    let dir = tempfile::tempdir().unwrap();
    let (state, sandbox) = connected_app(&dir, Duration::from_secs(30)).await;
    let opening = {
        let state = Arc::clone(&state);
        tokio::spawn(async move { state.open_buildings(LARGE_SOV_ID, &|_| {}).await })
    };
    sandbox
        .control()
        .wait_for_requests(
            sovfixer_sandbox::Endpoint::GetOrCreateOutput,
            1,
            Duration::from_secs(10),
        )
        .await;
    assert!(state.cancel_buildings());
    let error = tokio::time::timeout(Duration::from_secs(5), opening)
        .await
        .expect("cancel ends the wait at once")
        .unwrap()
        .unwrap_err();
    assert_eq!(error.code, Code::Cancelled);
    assert!(!state.cancel_buildings(), "nothing is being read any more");

    let failed = state
        .find_sovs(sov_app::FindQuery {
            status: Some("failed".to_owned()),
            ..sov_app::FindQuery::default()
        })
        .await
        .unwrap();
    let error = state
        .open_buildings(&failed.results[0].id, &|_| {})
        .await
        .unwrap_err();
    assert_eq!(error.code, Code::InvalidInput);
    assert!(
        error.message.contains("holds no buildings"),
        "{}",
        error.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buildings_view_the_preview_and_the_workbook_share_one_fetch_of_the_sovs_data() {
    let dir = tempfile::tempdir().unwrap();
    // SOV Fixer takes a moment to prepare the data, so the list and the preview both wait for it at once.
    let (state, sandbox) = connected_app(&dir, Duration::from_millis(400)).await;
    let corrections = dir.path().join("corrections.csv");
    std::fs::write(
        &corrections,
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Lincoln Road Tower East\n",
    )
    .unwrap();

    let (listed, previewed) = tokio::join!(
        state.open_buildings(SAMPLE_SOV_ID, &|_| {}),
        state.preview_files(SAMPLE_SOV_ID, std::slice::from_ref(&corrections)),
    );
    let listed = listed.unwrap();
    let previewed = previewed.unwrap();
    assert_eq!((listed.total, listed.revision), (2, 0));
    assert_eq!(previewed[0].change_count, 1, "{:?}", previewed[0]);

    // Everything else the window does with this SOV's data uses the same copy.
    let key = listed.buildings[0].key.clone();
    state.building_detail(SAMPLE_SOV_ID, &key).await.unwrap();
    state
        .preview_files(SAMPLE_SOV_ID, std::slice::from_ref(&corrections))
        .await
        .unwrap();
    state
        .save_preferences(Some(dir.path().join("downloads")), None, None)
        .unwrap();
    let workbook = state
        .corrections_workbook(SAMPLE_SOV_ID, sov_app::WorkbookColumns::Default)
        .await
        .unwrap();
    assert_eq!(workbook.buildings, 2);

    let control = sandbox.control();
    assert_eq!(
        control.count_seen(sovfixer_sandbox::Endpoint::GetOrCreateOutput),
        1,
        "the data is asked for once"
    );
    let downloads = control
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(sovfixer_sandbox::Endpoint::Download))
        .count();
    assert_eq!(downloads, 1, "and downloaded once");
}

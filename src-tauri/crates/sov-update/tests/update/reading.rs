//! The reading calls against the project's sandbox over HTTP: finding SOVs page by page (every
//! page edge), the history feed, get_or_create_output and its poll, one building, and the current
//! data of an SOV with its cache.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::time::Duration;

use sov_error::Code;
use sov_update::read::{
    ActivityPage, ActivityQuery, CurrentDataSource, Cursor, HistoryQuery, OutputRequest, SovStatus,
    UtcStamp,
};
use sov_update::{ApiToken, ClientConfig, Environment, PollConfig, RetryPolicy, SovFixerClient};
use sovfixer_sandbox::{Endpoint, Fault, RunningSandbox, SandboxConfig, SAMPLE_SOV_ID};
use tokio_util::sync::CancellationToken;

async fn sandbox() -> RunningSandbox {
    let running = sov_test_support::start_sandbox_with(SandboxConfig::default()).await;
    running
        .control()
        .set_output_delay(Duration::from_millis(300));
    running
}

fn client(sandbox: &RunningSandbox) -> SovFixerClient {
    let mut config = ClientConfig::new(
        Environment::custom(&sandbox.api_url()).unwrap(),
        ApiToken::new("sandbox-token"),
    );
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(1),
    };
    SovFixerClient::new(config).unwrap()
}

fn poll() -> PollConfig {
    PollConfig {
        initial_interval: Duration::from_millis(50),
        max_interval: Duration::from_millis(200),
        min_interval: Duration::from_millis(25),
        deadline: Some(Duration::from_secs(60)),
        ..PollConfig::default()
    }
}

fn ids(page: &ActivityPage) -> Vec<String> {
    page.results.iter().map(|sov| sov.id.clone()).collect()
}

fn query(page_size: u32, cursor: Option<Cursor>) -> ActivityQuery {
    ActivityQuery {
        page_size: Some(page_size),
        cursor,
        ..ActivityQuery::default()
    }
}

#[tokio::test]
async fn activity_pages_forward_and_back_cover_every_sov_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let everything = client.list_activity(&query(250, None)).await.unwrap();
    let all = ids(&everything);
    assert!(all.len() >= 30, "the demo book has at least 30 SOVs");
    assert!(!everything.has_more() && everything.prev_cursor_id.is_none());

    let mut pages = Vec::new();
    let mut page = client.list_activity(&query(7, None)).await.unwrap();
    assert!(
        page.prev_cursor_id.is_none(),
        "the first page has nothing before it"
    );
    loop {
        pages.push(page.clone());
        if !page.has_more() {
            break;
        }
        let cursor = page.cursor_id.clone().map(Cursor::After);
        page = client.list_activity(&query(7, cursor)).await.unwrap();
    }
    let walked: Vec<String> = pages.iter().flat_map(ids).collect();
    assert_eq!(walked, all, "forward paging gives the same list, in order");
    let last = pages.last().unwrap();
    assert!(last.cursor_id.is_none() && !last.has_more());
    assert_eq!(last.remaining_count, Some(0));

    // Back from the last page to the one before it.
    let before_last = last.prev_cursor_id.clone().map(Cursor::Before);
    let back = client.list_activity(&query(7, before_last)).await.unwrap();
    assert_eq!(ids(&back), ids(&pages[pages.len() - 2]));
}

#[tokio::test]
async fn search_finds_an_sov_by_part_of_the_insured_name() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let page = client
        .list_activity(&ActivityQuery {
            search: Some("ACME".into()),
            ..ActivityQuery::default()
        })
        .await
        .unwrap();
    assert!(page
        .results
        .iter()
        .any(|sov| sov.insured_name() == Some("Acme Corp")
            && sov.filename.as_deref() == Some("Acme 2026 SOV.xlsx")));
    for sov in &page.results {
        let haystack = format!(
            "{} {} {}",
            sov.id,
            sov.filename.as_deref().unwrap_or(""),
            sov.insured_name().unwrap_or("")
        )
        .to_lowercase();
        assert!(haystack.contains("acme"), "{haystack}");
    }
    let nothing = client
        .list_activity(&ActivityQuery {
            search: Some("no insured is called this".into()),
            ..ActivityQuery::default()
        })
        .await
        .unwrap();
    assert!(nothing.results.is_empty() && !nothing.has_more());
}

#[tokio::test]
async fn filters_and_fields_are_applied_by_the_server() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let failed = client
        .list_activity(&ActivityQuery {
            status: Some(SovStatus::Failed),
            ..ActivityQuery::default()
        })
        .await
        .unwrap();
    assert!(!failed.results.is_empty());
    assert!(failed
        .results
        .iter()
        .all(|s| s.status.as_deref() == Some("F")));

    let since = UtcStamp::parse("2026-11-01").unwrap();
    let recent = client
        .list_activity(&ActivityQuery {
            completed_after: Some(since),
            page_size: Some(250),
            ..ActivityQuery::default()
        })
        .await
        .unwrap();
    assert!(!recent.results.is_empty());
    for sov in &recent.results {
        assert!(
            sov.completed_time.as_deref().unwrap() >= "2026-11-01",
            "{:?}",
            sov.completed_time
        );
    }
    let all = client.list_activity(&query(250, None)).await.unwrap();
    assert!(recent.results.len() < all.results.len());

    // Only the keys asked for: every other typed key is simply absent, and the page still reads.
    let slim = client
        .list_activity(&ActivityQuery {
            fields: vec!["id".into(), "filename".into()],
            ..ActivityQuery::default()
        })
        .await
        .unwrap();
    assert!(!slim.results.is_empty());
    for sov in &slim.results {
        assert!(!sov.id.is_empty() && sov.filename.is_some());
        assert!(sov.extra_data.is_none() && sov.latest_revision.is_none());
    }
}

#[tokio::test]
async fn page_sizes_outside_one_to_250_and_vanished_cursors_are_plain_errors() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    for size in [0, 251] {
        let error = client.list_activity(&query(size, None)).await.unwrap_err();
        assert_eq!(error.code(), Code::InvalidInput, "{error:?}");
        assert!(error.detail().contains("page_size"), "{error:?}");
        let error = client
            .list_history(&HistoryQuery {
                page_size: Some(size),
                ..HistoryQuery::default()
            })
            .await
            .unwrap_err();
        assert_eq!(error.code(), Code::InvalidInput, "{error:?}");
    }
    let gone = Some(Cursor::After("s-no-such-sov".into()));
    let error = client.list_activity(&query(5, gone)).await.unwrap_err();
    assert_eq!(error.code(), Code::InvalidInput);
    assert!(
        error.message().contains("Start again from the first page"),
        "{error}"
    );
    let gone_back = Some(Cursor::Before("s-no-such-sov".into()));
    let error = client
        .list_activity(&query(5, gone_back))
        .await
        .unwrap_err();
    assert!(error.message().contains("first page"), "{error}");
}

#[tokio::test]
async fn the_history_feed_pages_through_originals_and_updates() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = client
            .list_history(&HistoryQuery {
                cursor_id: cursor,
                page_size: Some(9),
                start: None,
            })
            .await
            .unwrap();
        assert!(page.results.len() <= 9);
        seen.extend(page.results);
        match page.cursor_id {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let unique: HashSet<&str> = seen.iter().map(|item| item.id.as_str()).collect();
    assert_eq!(unique.len(), seen.len(), "no entry twice across pages");
    assert!(seen
        .iter()
        .any(|item| item.is_original() && item.revision == Some(0)));
    let updates: Vec<_> = seen.iter().filter(|item| !item.is_original()).collect();
    assert!(!updates.is_empty());
    assert!(updates
        .iter()
        .all(|item| item.revision.unwrap() >= 1 && item.status.as_deref() == Some("C")));
    let one = client.history(SAMPLE_SOV_ID).await.unwrap();
    assert_eq!(one.sovid.as_deref(), Some(SAMPLE_SOV_ID));
}

#[tokio::test]
async fn get_or_create_output_is_polled_to_a_url_then_answered_from_the_cache() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let cancel = CancellationToken::new();
    let first = client
        .get_or_create_output(SAMPLE_SOV_ID, &OutputRequest::json(-1))
        .await
        .unwrap();
    assert!(
        !first.request.status.is_terminal(),
        "a new output takes a while"
    );
    let result = sov_update::read::wait_for_output(&client, first, &poll(), &cancel)
        .await
        .unwrap();
    assert!(result.url().unwrap().contains("/output/"));
    let again = client
        .get_or_create_output(SAMPLE_SOV_ID, &OutputRequest::json(-1))
        .await
        .unwrap();
    assert!(again.request.id.starts_with("immediately-done-"));
    assert!(again.request.status.is_terminal());

    let unknown = client
        .get_or_create_output("s-no-such-sov", &OutputRequest::json(-1))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    assert!(unknown.message().contains("s-no-such-sov"));
    let unknown_request = client.output_request("no-such-request").await.unwrap_err();
    assert_eq!(unknown_request.code(), Code::NotFound);
}

#[tokio::test]
async fn one_building_by_its_item_key() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let key = format!("i-{SAMPLE_SOV_ID}!Sheet1!2");
    let building = client.building(&key).await.unwrap();
    assert_eq!(building["item_key"], key.as_str());
    assert_eq!(
        building["sheet_row_number"].to_string().trim_matches('"'),
        "2"
    );
    let missing = client
        .building(&format!("i-{SAMPLE_SOV_ID}!Sheet1!999"))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    assert!(
        missing.message().contains("no building with the key"),
        "{missing}"
    );
}

#[tokio::test]
async fn transient_failures_of_the_reading_calls_are_retried() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let control = sandbox.control();
    for endpoint in [
        Endpoint::Activity,
        Endpoint::History,
        Endpoint::GetOrCreateOutput,
    ] {
        control.set_fault(
            endpoint,
            Fault {
                error_status: Some(503),
                error_count: 2,
                ..Fault::default()
            },
        );
    }
    client.list_activity(&query(5, None)).await.unwrap();
    client.list_history(&HistoryQuery::default()).await.unwrap();
    client
        .get_or_create_output(SAMPLE_SOV_ID, &OutputRequest::json(-1))
        .await
        .unwrap();
    assert_eq!(control.count_requests(Endpoint::Activity), 3);
    control.set_fault(
        Endpoint::Activity,
        Fault {
            error_status: Some(503),
            error_count: 10,
            ..Fault::default()
        },
    );
    let error = client.list_activity(&query(5, None)).await.unwrap_err();
    assert_eq!(error.code(), Code::ServerError);
}

#[tokio::test]
async fn current_data_is_the_latest_revision_fetched_once_then_cached() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let cache = tempfile::tempdir().unwrap();
    let source = CurrentDataSource::new(client.clone(), cache.path(), poll());
    let cancel = CancellationToken::new();
    // An SOV of the demo book with updates applied: its latest revision is above 0.
    let updated = client
        .list_activity(&query(250, None))
        .await
        .unwrap()
        .results
        .into_iter()
        .find(|sov| sov.latest_revision.unwrap_or(0) >= 2 && sov.status.as_deref() == Some("C"))
        .unwrap();
    let current = source.fetch(&updated.id, &cancel).await.unwrap();
    assert_eq!(current.revision, updated.latest_revision.unwrap());
    assert!(!current.from_cache);
    assert!(current
        .path
        .ends_with(format!("revision-{}.json", current.revision)));
    let data: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&current.path).unwrap()).unwrap();
    assert_eq!(data["id"], updated.id.as_str());
    assert_eq!(
        data["buildings"].as_array().unwrap().len() as i64,
        updated.num_buildings.unwrap()
    );
    let folder = current.path.parent().unwrap();
    let names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [format!("revision-{}.json", current.revision)],
        "no temp file left"
    );

    let asked = sandbox
        .control()
        .count_requests(Endpoint::GetOrCreateOutput);
    let again = source.fetch(&updated.id, &cancel).await.unwrap();
    assert!(again.from_cache);
    assert_eq!(again.path, current.path);
    assert_eq!(
        sandbox
            .control()
            .count_requests(Endpoint::GetOrCreateOutput),
        asked,
        "a cached revision is not asked for again"
    );
}

#[tokio::test]
async fn current_data_can_be_cancelled_while_the_output_is_prepared() {
    let sandbox = sandbox().await;
    sandbox.control().set_output_delay(Duration::from_secs(30));
    let client = client(&sandbox);
    let cache = tempfile::tempdir().unwrap();
    let source = CurrentDataSource::new(client, cache.path(), poll());
    let cancel = CancellationToken::new();
    let control = sandbox.control();
    let fetch = source.fetch(SAMPLE_SOV_ID, &cancel);
    let canceller = async {
        // Cancel once the poll has begun: the request was made and is being waited for.
        while control.count_requests(Endpoint::OutputRequest) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        cancel.cancel();
    };
    let (result, ()) = tokio::join!(fetch, canceller);
    assert_eq!(result.unwrap_err().code(), Code::Cancelled);
    let cached = source.cached_path(SAMPLE_SOV_ID, 0);
    assert!(!cached.exists());
}

#[tokio::test]
async fn current_data_of_unknown_failed_and_unfinished_sovs_are_plain_errors() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let cache = tempfile::tempdir().unwrap();
    let source = CurrentDataSource::new(client.clone(), cache.path(), poll());
    let cancel = CancellationToken::new();
    let unknown = source.fetch("s-no-such-sov", &cancel).await.unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
    assert!(unknown.message().contains("s-no-such-sov"));
    // The first SOV the sandbox lists with `status`, fetched.
    let fetch_first_with = |status: SovStatus| {
        let (client, source, cancel) = (&client, &source, &cancel);
        async move {
            let listed = client
                .list_activity(&ActivityQuery {
                    status: Some(status),
                    ..ActivityQuery::default()
                })
                .await
                .unwrap();
            source
                .fetch(&listed.results[0].id, cancel)
                .await
                .unwrap_err()
        }
    };
    let error = fetch_first_with(SovStatus::Failed).await;
    assert_eq!(error.code(), Code::JobFailed, "{error:?}");
    assert!(
        error
            .message()
            .contains("could not read this SOV's spreadsheet"),
        "{error}"
    );
    let error = fetch_first_with(SovStatus::InProgress).await;
    assert!(
        error.message().contains("still reading this SOV"),
        "{error}"
    );
    assert!(std::fs::read_dir(cache.path()).unwrap().all(|entry| {
        let path = entry.unwrap().path();
        !path.is_dir() || std::fs::read_dir(path).unwrap().next().is_none()
    }));
}

//! "Find your SOV" against the demo server's book of SOVs over HTTP: search, paging both ways, the status
//! filter, pasted ids and links, and the summary card.
#![allow(clippy::unwrap_used)]

use sov_app::{AppState, Code, FindQuery, MemoryStore, SovReadiness, FIND_PAGE_SIZE};
use std::collections::HashSet;
use std::sync::Arc;

async fn demo_app(dir: &tempfile::TempDir) -> Arc<AppState> {
    let state = Arc::new(AppState::new(
        dir.path().join("config"),
        Box::new(MemoryStore::default()),
        None,
        Box::new(|_| None),
    ));
    state.start_demo().await.unwrap();
    state
}

fn search(text: &str) -> FindQuery {
    FindQuery {
        search: text.to_owned(),
        ..FindQuery::default()
    }
}

#[tokio::test]
async fn part_of_an_insured_name_finds_its_sovs_newest_first_with_what_the_window_shows() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;

    let page = state.find_sovs(search("acme")).await.unwrap();
    let insureds: Vec<_> = page
        .results
        .iter()
        .map(|sov| sov.insured.clone().unwrap())
        .collect();
    assert_eq!(
        insureds,
        ["Acme Corp", "Acme Logistics Inc"],
        "newest first"
    );
    let acme = &page.results[0];
    assert_eq!(acme.file_name.as_deref(), Some("Acme 2026 SOV.xlsx"));
    assert_eq!(acme.buildings, Some(12));
    assert_eq!(acme.revision, Some(2), "two updates already applied");
    assert_eq!(acme.readiness, SovReadiness::Ready);
    assert_eq!(acme.not_choosable_reason, None);
    assert!(
        acme.last_updated
            .as_deref()
            .unwrap()
            .starts_with("2026-11-2"),
        "{acme:?}"
    );
    assert!(acme.id.starts_with("s-"), "{}", acme.id);
    assert_eq!(page.total, Some(2));
    assert_eq!(
        (page.next_cursor.as_deref(), page.previous_cursor.as_deref()),
        (None, None)
    );

    // The file name and the id are searched too, in any case.
    let by_file = state
        .find_sovs(search("LOGISTICS WAREHOUSES"))
        .await
        .unwrap();
    assert_eq!(by_file.results.len(), 1);
    assert_eq!(
        by_file.results[0].insured.as_deref(),
        Some("Acme Logistics Inc")
    );
    let by_id = state.find_sovs(search(&acme.id)).await.unwrap();
    assert_eq!(by_id.results[0].id, acme.id);
}

#[tokio::test]
async fn a_search_that_matches_nothing_is_an_empty_page_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;
    let page = state
        .find_sovs(search("no such insured anywhere"))
        .await
        .unwrap();
    assert!(page.results.is_empty());
    assert_eq!(page.total, Some(0));
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn pages_go_forward_to_the_last_one_and_back_to_the_same_first_page() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;

    let first = state.find_sovs(FindQuery::default()).await.unwrap();
    assert_eq!(first.results.len(), FIND_PAGE_SIZE as usize);
    assert_eq!(
        first.previous_cursor, None,
        "nothing is newer than the first page"
    );
    let total = first.total.unwrap() as usize;
    assert!(
        total >= 30,
        "the demo book holds at least 30 SOVs, not {total}"
    );

    let mut seen: Vec<String> = first.results.iter().map(|sov| sov.id.clone()).collect();
    let mut page = first.clone();
    let mut pages = 1;
    while let Some(after) = page.next_cursor.clone() {
        page = state
            .find_sovs(FindQuery {
                after: Some(after),
                ..FindQuery::default()
            })
            .await
            .unwrap();
        assert!(
            page.previous_cursor.is_some(),
            "page {pages} has a way back"
        );
        seen.extend(page.results.iter().map(|sov| sov.id.clone()));
        pages += 1;
        assert!(pages < 20, "paging never ends");
    }
    assert_eq!(seen.len(), total, "every SOV once");
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        total,
        "no SOV twice"
    );

    // Back from the second page is the first page again.
    let second = state
        .find_sovs(FindQuery {
            after: first.next_cursor.clone(),
            ..FindQuery::default()
        })
        .await
        .unwrap();
    let back = state
        .find_sovs(FindQuery {
            before: second.previous_cursor.clone(),
            ..FindQuery::default()
        })
        .await
        .unwrap();
    let ids = |page: &sov_app::SovSearchPage| {
        page.results
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&back), ids(&first));
}

#[tokio::test]
async fn failed_and_unfinished_sovs_are_listed_with_the_reason_they_cannot_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;

    let failed = state
        .find_sovs(FindQuery {
            status: Some("failed".to_owned()),
            ..FindQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.results.len(), 1, "{failed:?}");
    let atlas = &failed.results[0];
    assert_eq!(atlas.insured.as_deref(), Some("Atlas Freight Terminals"));
    assert_eq!(atlas.readiness, SovReadiness::Failed);
    assert_eq!(atlas.status_text, "Could not be read");
    let reason = atlas.not_choosable_reason.as_deref().unwrap();
    assert!(
        reason.contains("could not read this spreadsheet"),
        "{reason}"
    );
    assert!(
        reason.contains("scanned image"),
        "the server's own words: {reason}"
    );

    let parsing = state.find_sovs(search("Blue Heron")).await.unwrap();
    let heron = &parsing.results[0];
    assert_eq!(heron.readiness, SovReadiness::Processing);
    assert_eq!(heron.status_text, "Still being read (40% done)");
    assert!(heron
        .not_choosable_reason
        .as_deref()
        .unwrap()
        .contains("still reading"));

    let error = state
        .find_sovs(FindQuery {
            status: Some("sleeping".to_owned()),
            ..FindQuery::default()
        })
        .await
        .unwrap_err();
    assert_eq!(error.code, Code::InvalidInput);
}

#[tokio::test]
async fn a_pasted_link_or_id_opens_the_summary_card_with_revisions_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;
    let cedar = state
        .find_sovs(search("Cedar Ridge"))
        .await
        .unwrap()
        .results[0]
        .clone();

    let link = format!("https://app.sovfixer.com/sov/{}?tab=outputs", cedar.id);
    let details = state.sov_details(&link).await.unwrap();
    assert_eq!(details.sov, cedar, "the card shows what the result showed");
    let revisions: Vec<i64> = details.revisions.iter().map(|r| r.revision).collect();
    assert_eq!(revisions, [3, 2, 1, 0]);
    assert_eq!(details.revisions[3].kind, "Original spreadsheet");
    assert_eq!(
        details.revisions[3].file_name.as_deref(),
        Some("Cedar Ridge SOV 2026.xlsx")
    );
    assert!(
        details.revisions[0].kind.ends_with("update"),
        "{:?}",
        details.revisions[0]
    );
    assert_eq!(
        details.revisions[0].client_ref.as_deref(),
        Some("renewal-3")
    );

    let by_id = state
        .sov_details(&format!("  {}  ", cedar.id.to_uppercase()))
        .await
        .unwrap();
    assert_eq!(by_id.sov.id, cedar.id);
}

#[tokio::test]
async fn an_unknown_id_and_pasted_garbage_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;

    let missing = state.sov_details("s-no-such-sov").await.unwrap_err();
    assert_eq!(missing.code, Code::NotFound, "{missing:?}");
    assert!(
        missing.message.contains("s-no-such-sov"),
        "{}",
        missing.message
    );

    let garbage = state.sov_details("Acme Corp 2026").await.unwrap_err();
    assert_eq!(garbage.code, Code::InvalidInput);
    assert!(
        garbage.message.contains("neither an SOV id"),
        "{}",
        garbage.message
    );
}

#[tokio::test]
async fn a_server_that_cannot_be_reached_is_the_offline_error_not_a_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let state = Arc::new(AppState::new(
        dir.path().join("config"),
        Box::new(MemoryStore::default()),
        None,
        Box::new(|_| None),
    ));
    // A port nothing listens on: bound, then let go.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    state
        .save_connection("custom", Some(format!("http://{closed}")))
        .unwrap();
    state.set_api_key("k-offline", true).unwrap();

    let error = state.find_sovs(search("acme")).await.unwrap_err();
    assert_eq!(error.code, Code::NetworkUnreachable, "{error:?}");
    let details = state.sov_details("s-demo-sample").await.unwrap_err();
    assert_eq!(details.code, Code::NetworkUnreachable, "{details:?}");
}

#[tokio::test]
async fn the_status_filter_keeps_finished_processing_or_failed_sovs() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;
    let with_status = |status: &str| FindQuery {
        status: Some(status.to_owned()),
        ..FindQuery::default()
    };
    let everything = state.find_sovs(FindQuery::default()).await.unwrap();
    let all = everything.total.unwrap();

    let processing = state.find_sovs(with_status("processing")).await.unwrap();
    let insureds: Vec<_> = processing
        .results
        .iter()
        .map(|sov| sov.insured.clone().unwrap())
        .collect();
    assert_eq!(insureds, ["Blue Heron Resorts"], "{processing:?}");
    assert_eq!(processing.total, Some(1));
    assert_eq!(
        (processing.next_cursor, processing.previous_cursor),
        (None, None)
    );
    // The search still applies inside a status.
    let none = state
        .find_sovs(FindQuery {
            search: "acme".to_owned(),
            ..with_status("processing")
        })
        .await
        .unwrap();
    assert!(none.results.is_empty());

    let finished = state.find_sovs(with_status("finished")).await.unwrap();
    assert_eq!(
        finished.total,
        Some(all - 2),
        "all but the failed and the unfinished one"
    );
    assert!(finished
        .results
        .iter()
        .all(|sov| sov.readiness == SovReadiness::Ready));
    let failed = state.find_sovs(with_status("failed")).await.unwrap();
    assert!(failed
        .results
        .iter()
        .all(|sov| sov.readiness == SovReadiness::Failed));
}

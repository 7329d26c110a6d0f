//! Two revisions of an SOV compared from its summary card, against the demo server (the sandbox) over HTTP:
//! what changed between them, the report saved without overwriting, and every refusal in words.
#![allow(clippy::unwrap_used)]

use sov_app::{AppState, Code, FindQuery, MemoryStore};
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

/// The demo's Acme Corp: two seeded updates (revision 1 sets a year built, revision 2 a roof covering).
async fn acme(state: &AppState) -> String {
    let page = state
        .find_sovs(FindQuery {
            search: "Acme Corp".to_owned(),
            ..FindQuery::default()
        })
        .await
        .unwrap();
    let acme = &page.results[0];
    assert_eq!(acme.revision, Some(2), "{acme:?}");
    acme.id.clone()
}

fn report_rows(path: &std::path::Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Reader};
    let mut workbook = open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_original_and_the_latest_revision_compared_say_what_each_update_changed() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;
    let sov = acme(&state).await;

    let since_original = state.compare_sov_revisions(&sov, 0, 2).await.unwrap();
    assert_eq!(
        (since_original.from_revision, since_original.to_revision),
        (0, 2)
    );
    assert_eq!(since_original.insured, "Acme Corp");
    assert_eq!(since_original.changed_values, 2, "{since_original:?}");
    assert_eq!(since_original.changed_buildings, 2);
    assert_eq!(since_original.untouched_buildings, 10);
    assert_eq!(
        (
            since_original.added_buildings,
            since_original.removed_buildings
        ),
        (0, 0)
    );
    assert_eq!(
        since_original.summary,
        "2 values changed on 2 buildings. 10 buildings untouched."
    );
    let year = since_original
        .changes
        .iter()
        .find(|change| change.label == "Year built")
        .unwrap();
    assert_eq!(year.after.as_deref(), Some("1972"));
    assert_ne!(year.before, year.after);
    assert!(!year.building.is_empty() && year.sheet_row_number >= 2);
    let roof = since_original
        .changes
        .iter()
        .find(|change| change.label != "Year built")
        .unwrap();
    assert_eq!(roof.after.as_deref(), Some("Single ply membrane"));
    assert_eq!(
        since_original.suggested_report_name,
        "Acme Corp changes revision 0 to 2.xlsx"
    );

    // The last update alone: only its value.
    let last = state.compare_sov_revisions(&sov, 1, 2).await.unwrap();
    assert_eq!(last.changed_values, 1);
    assert_eq!(
        last.changes[0].after.as_deref(),
        Some("Single ply membrane")
    );
    assert_eq!(
        last.summary,
        "1 value changed on 1 building. 11 buildings untouched."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_says_what_the_window_showed_and_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;
    let sov = acme(&state).await;
    let shown = state.compare_sov_revisions(&sov, 0, 2).await.unwrap();

    let wanted = dir.path().join(&shown.suggested_report_name);
    let saved = state
        .save_revision_report(&sov, 0, 2, wanted.clone())
        .await
        .unwrap();
    assert_eq!(saved, wanted);
    let summary = report_rows(&saved, "Summary");
    let line = |name: &str| {
        summary
            .iter()
            .find(|row| row[0] == name)
            .map(|row| row[1].clone())
            .unwrap()
    };
    assert_eq!(line("SOV"), sov);
    assert_eq!(line("Insured"), "Acme Corp");
    assert_eq!(line("Revisions"), "0 → 2");
    assert_eq!(line("In short"), shown.summary, "the window's words");
    let changed = report_rows(&saved, "Changed by SOV Fixer");
    assert_eq!(changed.len(), 1 + shown.changes.len(), "{changed:?}");
    for (row, change) in changed[1..].iter().zip(&shown.changes) {
        assert_eq!(row[0], change.building);
        assert_eq!(row[4], change.label);
        assert_eq!(Some(&row[7]), change.after.as_ref());
    }

    // Saved again under the same name: a second file beside the first, which is left alone.
    let first = std::fs::read(&saved).unwrap();
    let again = state
        .save_revision_report(&sov, 0, 2, wanted.clone())
        .await
        .unwrap();
    assert_eq!(
        again.file_name().unwrap().to_string_lossy(),
        "Acme Corp changes revision 0 to 2 (2).xlsx"
    );
    assert_eq!(std::fs::read(&saved).unwrap(), first);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisions_chosen_the_wrong_way_round_twice_or_not_there_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let state = demo_app(&dir).await;
    let sov = acme(&state).await;

    let same = state.compare_sov_revisions(&sov, 2, 2).await.unwrap_err();
    assert_eq!(same.code, Code::InvalidInput);
    assert_eq!(
        same.message,
        "Revision 2 was chosen twice. Choose an older revision under “From” and a newer one under “To”."
    );
    let backwards = state.compare_sov_revisions(&sov, 2, 0).await.unwrap_err();
    assert_eq!(backwards.code, Code::InvalidInput);
    assert!(
        backwards
            .message
            .contains("“From” (revision 2) is newer than “To” (revision 0)"),
        "{}",
        backwards.message
    );
    let missing = state.compare_sov_revisions(&sov, 0, 5).await.unwrap_err();
    assert_eq!(missing.code, Code::InvalidInput);
    assert_eq!(
        missing.message,
        format!(
            "SOV {sov} has no revision 5: its revisions are 0 (the original spreadsheet) to 2. Choose the SOV \
             again to see its revisions as they are now."
        )
    );
    let unknown = state
        .compare_sov_revisions("s-nosuchsov", 0, 1)
        .await
        .unwrap_err();
    assert_eq!(unknown.code, Code::NotFound, "{unknown:?}");
    let folder = dir.path().join("reports");
    let unsaved = state
        .save_revision_report(&sov, 1, 1, folder.join("r.xlsx"))
        .await
        .unwrap_err();
    assert_eq!(unsaved.code, Code::InvalidInput);
    assert!(!folder.exists(), "nothing written");

    // A "folder" that is a file cannot hold the report: said with the folder and what to do.
    let not_a_folder = dir.path().join("notes.txt");
    std::fs::write(&not_a_folder, b"notes").unwrap();
    let refused = state
        .save_revision_report(&sov, 0, 2, not_a_folder.join("r.xlsx"))
        .await
        .unwrap_err();
    assert_eq!(refused.code, Code::FileError, "{refused:?}");
    assert!(
        refused.message.contains(&format!(
            "could not write into the folder {}",
            not_a_folder.display()
        )) && refused.message.contains("or choose another folder"),
        "{}",
        refused.message
    );
}

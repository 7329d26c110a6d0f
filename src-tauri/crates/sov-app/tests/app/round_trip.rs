//! The corrections workbook's round trip as the window does it, against the demo sandbox over HTTP: the
//! workbook is made from the SOV's current data and saved under a plain name, edited as a spreadsheet program
//! saves it, previewed per building, and Start sends only its changes (the sandbox's request log shows it).
#![allow(clippy::unwrap_used)]

use super::support::{QuietHost, Recording};
use calamine::Data;
use serde_json::json;
use sov_app::{AppState, Code, FilePreview, JobSnapshot, MemoryStore, SentAs, WorkbookColumns};
use sov_test_support::spreadsheet::resave_with_edits;
use sov_update::engine::Phase;
use sovfixer_sandbox::Endpoint;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const ROW_2: &str = "i-s-demo-sample!Sheet1!2";
const ROW_3: &str = "i-s-demo-sample!Sheet1!3";

struct Demo {
    state: Arc<AppState>,
    sov_id: String,
    downloads: PathBuf,
}

async fn demo(dir: &tempfile::TempDir) -> Demo {
    let state = Arc::new(AppState::new(
        dir.path().join("config"),
        Box::new(MemoryStore::default()),
        None,
        Box::new(|_| None),
    ));
    let started = state.start_demo().await.unwrap();
    let downloads = dir.path().join("downloads");
    state
        .save_preferences(Some(downloads.clone()), None, None)
        .unwrap();
    Demo {
        state,
        sov_id: started.sov_id,
        downloads,
    }
}

fn three_edits() -> Vec<(&'static str, &'static str, Data)> {
    vec![
        (ROW_2, "Year built", Data::Float(1972.0)),
        (ROW_2, "Roof covering", Data::String("Metal".into())),
        (ROW_3, "Building value", Data::Float(250_000.0)),
    ]
}

/// (building, attribute label, old, new) of every change, in the preview's order.
fn changes(preview: &FilePreview) -> Vec<(String, String, Option<String>, String)> {
    preview
        .buildings
        .iter()
        .flat_map(|building| {
            building.changes.iter().map(|change| {
                (
                    building.building.clone(),
                    change.label.clone(),
                    change.old.clone(),
                    change.new.clone(),
                )
            })
        })
        .collect()
}

fn start_request(demo: &Demo, files: &[&Path], extra: serde_json::Value) -> sov_app::JobRequest {
    let mut request = json!({
        "sovId": demo.sov_id, "files": files, "outputFormats": ["JSON"],
        "downloadDir": demo.downloads.join("runs"),
    });
    if let (Some(request), Some(extra)) = (request.as_object_mut(), extra.as_object()) {
        request.extend(extra.clone());
    }
    serde_json::from_value(request).unwrap()
}

/// Start refused before anything is sent: the error the window shows.
async fn refused(demo: &Demo, files: &[&Path]) -> sov_app::AppError {
    demo.state
        .start_job(
            Arc::new(QuietHost),
            start_request(demo, files, json!({})),
            Box::new(Recording::default()),
        )
        .await
        .unwrap_err()
}

async fn run(demo: &Demo, request: sov_app::JobRequest) -> JobSnapshot {
    let recording = Recording::default();
    demo.state
        .start_job(Arc::new(QuietHost), request, Box::new(recording.clone()))
        .await
        .unwrap();
    recording.until_final().await
}

/// The CSV bodies the sandbox received as uploads.
async fn uploaded(demo: &Demo) -> Vec<String> {
    let control = demo.state.demo.control().await.unwrap();
    control
        .requests_to(Endpoint::AddLocations)
        .into_iter()
        .map(|record| record.body.unwrap_or_default())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workbook_is_saved_in_the_download_folder_under_a_plain_name_and_never_over_another() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;

    let first = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    let second = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::All)
        .await
        .unwrap();

    assert_eq!(first.path.parent(), Some(demo.downloads.as_path()));
    assert!(
        first.file_name.contains(" corrections ") && first.file_name.ends_with(".xlsx"),
        "{}",
        first.file_name
    );
    assert!(
        second.file_name.ends_with(" (2).xlsx"),
        "{}",
        second.file_name
    );
    assert_eq!((first.buildings, first.revision), (2, 0));
    let default = sov_workbook::read_corrections(&first.path).unwrap();
    let all = sov_workbook::read_corrections(&second.path).unwrap();
    assert!(default.snapshot.is_some(), "the hidden sheet is intact");
    assert!(
        all.attributes.len() > default.attributes.len(),
        "all attributes: {} columns, default: {}",
        all.attributes.len(),
        default.attributes.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_edited_cells_are_previewed_per_building_and_start_sends_only_those_three() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    demo.state
        .demo
        .control()
        .await
        .unwrap()
        .set_record_bodies(true);
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    let edited = dir.path().join("edited.xlsx");
    resave_with_edits(&made.path, &three_edits(), &edited);

    let previews = demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&edited))
        .await
        .unwrap();
    let preview = &previews[0];
    assert_eq!(preview.sent_as, SentAs::ChangesOnly);
    assert!(!preview.blocked && !preview.stale_base, "{preview:?}");
    assert_eq!(preview.change_count, 3);
    assert_eq!(preview.summary, "2 buildings change, 3 values.");
    let tower = "Lincoln Road Tower, 1111 Lincoln Rd, Miami Beach".to_owned();
    let offices = "Capitol Hill Offices, 1600 Pennsylvania Ave SE, Washington".to_owned();
    assert_eq!(
        changes(preview),
        [
            (
                tower.clone(),
                "Year built".into(),
                Some("1969".into()),
                "1972".into()
            ),
            (
                tower,
                "Roof covering".into(),
                Some("Built-up".into()),
                "Metal".into()
            ),
            (
                offices,
                "Building value".into(),
                Some("200000".into()),
                "250000".into()
            ),
        ]
    );

    // The file check knows the workbook's plain headers: no column is asked about.
    let reports = demo
        .state
        .check_files_with_choices(vec![edited.clone()], Default::default())
        .await
        .unwrap();
    assert!(!reports[0].blocking, "{:?}", reports[0].findings);

    let end = run(&demo, start_request(&demo, &[&edited], json!({}))).await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    let bodies = uploaded(&demo).await;
    assert_eq!(bodies.len(), 1, "one upload");
    let csv_lines: Vec<&str> = bodies[0]
        .lines()
        .filter(|line| line.starts_with("sheet_name") || line.starts_with("Sheet1,"))
        .collect();
    assert_eq!(
        csv_lines,
        [
            "sheet_name,sheet_row_number,const__bldg_year_built,const__roof_covering,limits__building_value",
            "Sheet1,2,1972,Metal,",
            "Sheet1,3,,,250000",
        ],
        "only the three changed cells are sent: {}",
        bodies[0]
    );
}

/// The data rows (after the header) of the one CSV the sandbox received.
async fn sent_rows(demo: &Demo) -> Vec<String> {
    let bodies = uploaded(demo).await;
    assert_eq!(bodies.len(), 1, "one upload");
    bodies[0]
        .lines()
        .filter(|line| line.starts_with("sheet_name") || line.starts_with("Sheet1,"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_sends_the_preview_the_window_showed_without_reading_the_file_or_the_sov_again() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let control = demo.state.demo.control().await.unwrap();
    control.set_record_bodies(true);
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    let edited = dir.path().join("edited.xlsx");
    resave_with_edits(&made.path, &three_edits(), &edited);
    let preview = &demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&edited))
        .await
        .unwrap()[0];
    assert_eq!(preview.change_count, 3);
    let reads = demo.state.corrections_reads();
    let fetches = control.count_seen(Endpoint::GetOrCreateOutput);

    let end = run(&demo, start_request(&demo, &[&edited], json!({}))).await;

    assert_eq!(end.phase, Phase::Done, "{end:?}");
    assert_eq!(
        demo.state.corrections_reads(),
        reads,
        "the file is not read again"
    );
    assert_eq!(
        control.count_seen(Endpoint::GetOrCreateOutput),
        fetches,
        "the SOV's data is not fetched again"
    );
    assert_eq!(
        sent_rows(&demo).await,
        [
            "sheet_name,sheet_row_number,const__bldg_year_built,const__roof_covering,limits__building_value",
            "Sheet1,2,1972,Metal,",
            "Sheet1,3,,,250000",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_edited_after_its_preview_sends_its_new_edits() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let control = demo.state.demo.control().await.unwrap();
    control.set_record_bodies(true);
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    let edited = dir.path().join("edited.xlsx");
    resave_with_edits(&made.path, &three_edits(), &edited);
    demo.state
        .preview_files(&demo.sov_id, std::slice::from_ref(&edited))
        .await
        .unwrap();
    let reads = demo.state.corrections_reads();

    // The user changes their mind in the spreadsheet and saves it again, without looking at the preview.
    resave_with_edits(
        &made.path,
        &[(ROW_3, "Number of stories", Data::Float(47.0))],
        &edited,
    );
    let end = run(&demo, start_request(&demo, &[&edited], json!({}))).await;

    assert_eq!(end.phase, Phase::Done, "{end:?}");
    assert!(
        demo.state.corrections_reads() > reads,
        "the file is read again"
    );
    assert_eq!(
        sent_rows(&demo).await,
        [
            "sheet_name,sheet_row_number,const__num_stories",
            "Sheet1,3,47"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_shows_numbers_as_the_spreadsheet_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    // SOV Fixer keeps values as text, as they were sent: here "1980.0" from another tool.
    let theirs = dir.path().join("theirs.csv");
    std::fs::write(
        &theirs,
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1980.0\n",
    )
    .unwrap();
    assert_eq!(
        run(&demo, start_request(&demo, &[&theirs], json!({})))
            .await
            .phase,
        Phase::Done
    );
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    let edited = dir.path().join("edited.xlsx");
    // A value worked out by a formula carries the float's noise (220000.00000000003); Excel shows 220000.
    resave_with_edits(
        &made.path,
        &[
            (ROW_2, "Year built", Data::Float(1985.0)),
            (ROW_3, "Building value", Data::Float(200_000.0 * 1.1)),
        ],
        &edited,
    );

    let preview = &demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&edited))
        .await
        .unwrap()[0];

    let shown: Vec<(String, Option<String>, String)> = changes(preview)
        .into_iter()
        .map(|(_, label, old, new)| (label, old, new))
        .collect();
    assert_eq!(
        shown,
        [
            ("Year built".into(), Some("1980".into()), "1985".into()),
            (
                "Building value".into(),
                Some("200000".into()),
                "220000".into()
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_as_is_sends_the_whole_workbook_under_its_attribute_names() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let control = demo.state.demo.control().await.unwrap();
    control.set_record_bodies(true);
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    let edited = dir.path().join("edited.xlsx");
    resave_with_edits(&made.path, &three_edits(), &edited);

    let end = run(
        &demo,
        start_request(&demo, &[&edited], json!({"sendAsIs": true})),
    )
    .await;

    assert_eq!(end.phase, Phase::Done, "{end:?}");
    let bodies = uploaded(&demo).await;
    assert_eq!(bodies.len(), 1);
    assert!(
        bodies[0].contains("bldg_name") && bodies[0].contains("Lincoln Road Tower"),
        "every column of every row is sent: {}",
        bodies[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_matching_no_building_blocks_the_preview_and_start_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    // A row whose sheet and row name no building: rewritten as the user might, with a wrong row number.
    let edited = dir.path().join("edited.xlsx");
    resave_with_edits(
        &made.path,
        &[
            (ROW_2, "Year built", Data::Float(1972.0)),
            (ROW_3, "Item key", Data::String(String::new())),
            (ROW_3, "Row", Data::Float(99.0)),
        ],
        &edited,
    );

    let preview = &demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&edited))
        .await
        .unwrap()[0];
    assert!(preview.blocked, "{preview:?}");
    assert_eq!(preview.unmatched.len(), 1);
    assert_eq!(preview.unmatched[0].reason, "no_such_row");
    assert!(
        preview
            .summary
            .contains("1 row matches no building in this SOV."),
        "{}",
        preview.summary
    );

    let refused = refused(&demo, &[&edited]).await;
    assert_eq!(refused.code, Code::PreflightBlocked);
    assert!(
        refused.message.contains("edited.xlsx"),
        "{}",
        refused.message
    );
    let control = demo.state.demo.control().await.unwrap();
    assert_eq!(
        control.count_seen(Endpoint::InitiateUpdate),
        0,
        "nothing sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workbook_changing_nothing_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();

    let preview = &demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&made.path))
        .await
        .unwrap()[0];
    assert_eq!(preview.change_count, 0);
    let refused = refused(&demo, &[&made.path]).await;
    assert_eq!(refused.code, Code::InvalidInput);
    assert!(
        refused.message.starts_with("Nothing to send"),
        "{}",
        refused.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cell_sov_fixer_changed_since_shows_three_values_and_is_sent_only_as_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let control = demo.state.demo.control().await.unwrap();
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    // Someone else updates the year built of row 2 after the workbook was made.
    let theirs = dir.path().join("theirs.csv");
    std::fs::write(
        &theirs,
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1980\n",
    )
    .unwrap();
    assert_eq!(
        run(&demo, start_request(&demo, &[&theirs], json!({})))
            .await
            .phase,
        Phase::Done
    );
    let edited = dir.path().join("edited.xlsx");
    resave_with_edits(&made.path, &three_edits(), &edited);
    control.set_record_bodies(true);

    let preview = &demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&edited))
        .await
        .unwrap()[0];
    assert!(preview.stale_base, "{preview:?}");
    assert_eq!(
        (
            preview.made_from_revision.as_deref(),
            preview.revision.as_str()
        ),
        (Some("0"), "1")
    );
    assert_eq!(preview.stale.len(), 1, "{:?}", preview.stale);
    let cell = &preview.stale[0];
    assert_eq!(
        (
            cell.label.as_str(),
            cell.made_from.as_deref(),
            cell.server_now.as_deref(),
            cell.yours.as_str()
        ),
        ("Year built", Some("1969"), Some("1980"), "1972")
    );

    let undecided = refused(&demo, &[&edited]).await;
    assert_eq!(undecided.code, Code::InvalidInput);
    assert!(
        undecided.message.contains("Choose which value to keep"),
        "{}",
        undecided.message
    );

    let keep_theirs = json!({"staleChoices": [
        {"itemKey": ROW_2, "attribute": "const__bldg_year_built", "keep": "server_now"}
    ]});
    let end = run(&demo, start_request(&demo, &[&edited], keep_theirs)).await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    let bodies = uploaded(&demo).await;
    let last = bodies.last().unwrap();
    assert!(
        !last.contains("const__bldg_year_built") && last.contains("Metal"),
        "SOV Fixer's year built is kept, the other changes are sent: {last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_corrections_is_named_unreadable_in_the_preview() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let notes = dir.path().join("notes.csv");
    std::fs::write(&notes, "colour,mood\nblue,calm\n").unwrap();

    let preview = &demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&notes))
        .await
        .unwrap()[0];

    let message = preview.unreadable.as_deref().unwrap();
    assert!(message.contains("notes.csv"), "{message}");
    assert_eq!(preview.change_count, 0);
}

/// (sheet row, attribute, value) of every filled cell of the uploaded corrections CSV, sorted.
fn sent_cells(body: &str) -> Vec<(String, String, String)> {
    let mut lines = body
        .lines()
        .skip_while(|line| !line.starts_with("sheet_name,"));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut cells: Vec<(String, String, String)> = lines
        .take_while(|line| line.starts_with("Sheet1,"))
        .flat_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let row = fields[1].to_owned();
            header
                .iter()
                .zip(fields)
                .skip(2)
                .filter(|(_, value)| !value.is_empty())
                .map(move |(attribute, value)| {
                    (row.clone(), (*attribute).to_owned(), value.to_owned())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    cells.sort();
    cells
}

/// Edits `input` in LibreOffice Calc (headless, Python-UNO; sov-compare's script) and returns the xlsx it saved.
fn edit_in_libreoffice(input: &Path, out_dir: &Path, spec: &serde_json::Value) -> PathBuf {
    let spec_path = out_dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sov-compare/tests/libreoffice/edit_workbook.py");
    // Debian's Python is the one with the `uno` module.
    let output = std::process::Command::new("/usr/bin/python3")
        .arg(script)
        .arg(input)
        .arg(out_dir)
        .arg(&spec_path)
        .output()
        .expect("LibreOffice and Python-UNO are installed by scripts/install-deps --test");
    assert!(
        output.status.success(),
        "LibreOffice script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    out_dir.join("edited.xlsx")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs LibreOffice and Python-UNO (scripts/install-deps --test): run by scripts/test"]
async fn three_cells_changed_in_libreoffice_are_exactly_what_the_preview_shows_and_start_sends() {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo(&dir).await;
    let control = demo.state.demo.control().await.unwrap();
    control.set_record_bodies(true);
    let made = demo
        .state
        .corrections_workbook(&demo.sov_id, WorkbookColumns::Default)
        .await
        .unwrap();
    let office = dir.path().join("libreoffice");
    std::fs::create_dir_all(&office).unwrap();
    // As an underwriter would: three values corrected, the rows re-sorted, a column hidden.
    let spec = json!({
        "edits": [
            {"item_key": ROW_2, "header": "Year built", "value": 1972},
            {"item_key": ROW_2, "header": "Roof covering", "value": "Metal"},
            {"item_key": ROW_3, "header": "Building value", "value": 250_000},
        ],
        "sort_by": "Row", "descending": true,
        "hide": "Street",
    });
    let edited = edit_in_libreoffice(&made.path, &office, &spec);

    let preview = &demo
        .state
        .preview_files(&demo.sov_id, std::slice::from_ref(&edited))
        .await
        .unwrap()[0];
    assert_eq!(preview.sent_as, SentAs::ChangesOnly);
    assert!(!preview.blocked && preview.flags.is_empty(), "{preview:?}");
    assert_eq!(preview.summary, "2 buildings change, 3 values.");
    let mut shown = changes(preview);
    shown.sort();
    let tower = "Lincoln Road Tower, 1111 Lincoln Rd, Miami Beach".to_owned();
    let offices = "Capitol Hill Offices, 1600 Pennsylvania Ave SE, Washington".to_owned();
    assert_eq!(
        shown,
        [
            (
                offices,
                "Building value".into(),
                Some("200000".into()),
                "250000".into()
            ),
            (
                tower.clone(),
                "Roof covering".into(),
                Some("Built-up".into()),
                "Metal".into()
            ),
            (
                tower,
                "Year built".into(),
                Some("1969".into()),
                "1972".into()
            ),
        ]
    );

    let end = run(&demo, start_request(&demo, &[&edited], json!({}))).await;
    assert_eq!(end.phase, Phase::Done, "{end:?}");
    let bodies = uploaded(&demo).await;
    assert_eq!(bodies.len(), 1, "one upload");
    assert_eq!(
        sent_cells(&bodies[0]),
        [
            ("2".into(), "const__bldg_year_built".into(), "1972".into()),
            ("2".into(), "const__roof_covering".into(), "Metal".into()),
            ("3".into(), "limits__building_value".into(), "250000".into()),
        ],
        "exactly the three changed cells are sent: {}",
        bodies[0]
    );
}

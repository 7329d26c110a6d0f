//! Where outputs land on an underwriter's Windows laptop: next to a file Excel has open, and in folders deeper
//! than Windows' classic 260-character path limit. Runs on Linux too; the locks are real only on Windows (wine
//! in CI), where Excel's share modes apply.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::support::{list_dir, run_corrections, scripted_output, start_sandbox, Events};
use sov_update::JobOutcome;
use sovfixer_sandbox::RunningSandbox;

async fn run(sandbox: &RunningSandbox, dest: &Path) -> JobOutcome {
    run_corrections(sandbox, dest, &Events::default()).await
}

/// The sandbox's next update ends with this one output.
fn one_output(sandbox: &RunningSandbox, name: &str, content: &str) {
    sandbox
        .control()
        .set_scripted_outputs(Some(vec![scripted_output(name, content)]));
}

/// Opens `path` the way Excel holds a workbook it shows: written by it, shared with nobody.
fn hold_like_excel(path: &Path) -> std::fs::File {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true);
    #[cfg(windows)]
    std::os::windows::fs::OpenOptionsExt::share_mode(&mut options, 0);
    options.open(path).unwrap()
}

#[tokio::test]
async fn an_output_whose_name_is_open_in_excel_is_saved_beside_it_untouched() {
    let sandbox = start_sandbox().await;
    one_output(&sandbox, "Acme 2026-12.xlsx", "new workbook");
    let dest = tempfile::tempdir().unwrap();
    let open_one = dest.path().join("Acme 2026-12.xlsx");
    std::fs::write(&open_one, b"last month's workbook").unwrap();
    let excel = hold_like_excel(&open_one);

    let outcome = run(&sandbox, dest.path()).await;

    assert_eq!(outcome.outputs.len(), 1);
    assert_eq!(outcome.outputs[0].filename, "Acme 2026-12 (2).xlsx");
    assert_eq!(
        std::fs::read(&outcome.outputs[0].path).unwrap(),
        b"new workbook"
    );
    drop(excel);
    assert_eq!(std::fs::read(&open_one).unwrap(), b"last month's workbook");
    assert_eq!(
        list_dir(dest.path()),
        vec!["Acme 2026-12 (2).xlsx", "Acme 2026-12.xlsx"],
        "no partial or temporary file is left"
    );
}

#[tokio::test]
async fn outputs_are_saved_in_folders_deeper_than_260_characters() {
    let sandbox = start_sandbox().await;
    one_output(&sandbox, "Acme Corp 2026-12.json", "{\"ok\":true}");
    let root = tempfile::tempdir().unwrap();
    let mut dest = root.path().to_owned();
    while dest.as_os_str().len() <= 300 {
        dest.push("Underwriting renewals 2026 - Acme Corporation");
    }

    let outcome = run(&sandbox, &dest).await;

    let saved = &outcome.outputs[0];
    assert!(
        saved.path.as_os_str().len() > 300,
        "{}",
        saved.path.display()
    );
    assert_eq!(saved.filename, "Acme Corp 2026-12.json");
    assert_eq!(std::fs::read(&saved.path).unwrap(), b"{\"ok\":true}");
    assert_eq!(list_dir(&dest), vec!["Acme Corp 2026-12.json"]);
}

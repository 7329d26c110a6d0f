//! The token stays on the API origin; server filenames cannot escape the destination folder.
#![allow(clippy::unwrap_used)]

use crate::support::{
    client_for, client_with, list_dir, run_corrections, scripted_output, start_sandbox, Events,
    TOKEN,
};
use sov_update::JobOutcome;
use sovfixer_sandbox::{
    Endpoint, Fault, RequestOrigin, RequestRecord, RunningSandbox, ScriptedOutput,
};

fn scripted(filename: &str, content: &str, on_output_origin: bool) -> ScriptedOutput {
    ScriptedOutput {
        on_output_origin,
        ..scripted_output(filename, content)
    }
}

/// What reached the sandbox's second listener (the other origin).
fn seen_on_output_origin(sandbox: &RunningSandbox) -> Vec<RequestRecord> {
    sandbox
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.origin == RequestOrigin::Outputs)
        .collect()
}

async fn run(sandbox: &RunningSandbox, dest: &std::path::Path, events: &Events) -> JobOutcome {
    run_corrections(sandbox, dest, events).await
}

#[tokio::test]
async fn an_output_on_another_origin_is_fetched_without_the_token() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_scripted_outputs(Some(vec![
        scripted("local.json", "local", false),
        scripted("elsewhere.json", "foreign bytes", true),
    ]));
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&sandbox, dest.path(), &Events::default()).await;

    assert_eq!(outcome.outputs.len(), 2);
    assert_eq!(
        std::fs::read(dest.path().join("elsewhere.json")).unwrap(),
        b"foreign bytes"
    );
    let seen = seen_on_output_origin(&sandbox);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].header("authorization"),
        None,
        "the token must never reach a second origin"
    );
    let local_download = &sandbox.control().requests_to(Endpoint::Download)[0];
    assert_eq!(
        local_download.header("authorization"),
        Some(&format!("Token {TOKEN}")[..])
    );
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_carry_the_token() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_scripted_outputs(Some(vec![scripted(
        "moved.json",
        "redirected bytes",
        false,
    )]));
    sandbox.control().set_fault(
        Endpoint::Download,
        Fault {
            redirect_to: Some(format!("{}{{path}}", sandbox.output_origin_url())),
            ..Fault::default()
        },
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&sandbox, dest.path(), &Events::default()).await;
    assert_eq!(
        std::fs::read(&outcome.outputs[0].path).unwrap(),
        b"redirected bytes"
    );
    let seen = seen_on_output_origin(&sandbox);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("authorization"), None);
}

#[tokio::test]
async fn hostile_output_filenames_stay_inside_the_destination() {
    let sandbox = start_sandbox().await;
    let hostile = [
        "../../x.json".to_owned(),
        "..\\..\\win.json".to_owned(),
        "CON".to_owned(),
        "nul.csv".to_owned(),
        "a\u{1}b\u{7}\nc.json".to_owned(),
        format!("{}.json", "L".repeat(300)),
        "...".to_owned(),
        "Acme: Corp/CON 2026-12.json".to_owned(),
    ];
    sandbox.control().set_scripted_outputs(Some(
        hostile
            .iter()
            .map(|name| scripted(name, name, false))
            .collect(),
    ));
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("outputs");
    let outcome = run(&sandbox, &dest, &Events::default()).await;

    assert_eq!(
        list_dir(root.path()),
        vec!["outputs"],
        "nothing may land outside the folder"
    );
    let names = list_dir(&dest);
    assert_eq!(names.len(), hostile.len());
    for saved in &outcome.outputs {
        assert_eq!(saved.path.parent().unwrap(), dest);
        assert!(!saved.filename.contains(['/', '\\']) && !saved.filename.contains(".."));
        assert!(!saved.filename.chars().any(char::is_control));
        assert!(saved.filename.len() <= 160);
    }
    let by_name: Vec<&str> = outcome
        .outputs
        .iter()
        .map(|o| o.filename.as_str())
        .collect();
    assert!(by_name.contains(&"x.json"));
    assert!(by_name.contains(&"win.json"));
    assert!(by_name.contains(&"_CON"));
    assert!(by_name.contains(&"_nul.csv"));
    assert!(by_name.contains(&"a_b__c.json"));
    assert!(by_name.contains(&"output"));
    assert!(
        by_name.contains(&"Acme_ Corp_CON 2026-12.json"),
        "a separator inside an insured's name keeps the name: {by_name:?}"
    );
    // Each file holds what the server sent for it.
    for (saved, name) in outcome.outputs.iter().zip(&hostile) {
        assert_eq!(std::fs::read(&saved.path).unwrap(), name.as_bytes());
    }
}

#[tokio::test]
async fn the_token_never_appears_in_debug_output_errors_or_snapshots() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox.api_url());
    assert!(!format!("{client:?}").contains(TOKEN));
    let events = Events::default();
    let dest = tempfile::tempdir().unwrap();
    run(&sandbox, dest.path(), &events).await;
    let snapshots = serde_json::to_string(&events.all()).unwrap();
    assert!(!snapshots.contains(TOKEN));

    let rejected = client_with(
        &sandbox.api_url(),
        "bad-secret-key",
        std::time::Duration::from_secs(5),
    )
    .status("s-demo-sample-r001")
    .await
    .unwrap_err();
    let shown = serde_json::to_string(&rejected).unwrap();
    assert!(!shown.contains("bad-secret-key"));
}

//! The token stays on the API origin; server filenames cannot escape the destination folder.
#![allow(clippy::unwrap_used)]

use crate::support::mock::{Fault, Mock, Output, SOV_ID};
use crate::support::recorder::Recorder;
use crate::support::{
    client_for, client_with, fast_poll, list_dir, write_file, Events, CORRECTIONS, TOKEN,
};
use sov_update::{Job, JobOutcome, JobSpec};
use tokio_util::sync::CancellationToken;

async fn run(mock: &Mock, dest: &std::path::Path, events: &Events) -> JobOutcome {
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let spec = JobSpec {
        sov_id: SOV_ID.into(),
        files: vec![file],
        download_dir: dest.to_owned(),
        ..JobSpec::default()
    };
    Job::new(
        client_for(&mock.base),
        fast_poll(),
        events.callback(),
        CancellationToken::new(),
    )
    .run(spec)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_output_on_another_origin_is_fetched_without_the_token() {
    let mock = Mock::start().await;
    let foreign = Recorder::start(b"foreign bytes").await;
    mock.with(|s| {
        s.outputs = vec![
            Output {
                filename: "local.json".into(),
                url: None,
                bytes: b"local".to_vec(),
            },
            Output {
                filename: "elsewhere.json".into(),
                url: Some(format!(
                    "{}/bucket/elsewhere.json?signature=abc",
                    foreign.base
                )),
                bytes: Vec::new(),
            },
        ];
    });
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&mock, dest.path(), &Events::default()).await;

    assert_eq!(outcome.outputs.len(), 2);
    assert_eq!(
        std::fs::read(dest.path().join("elsewhere.json")).unwrap(),
        b"foreign bytes"
    );
    let seen = foreign.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].authorization, None,
        "the token must never reach a second origin"
    );
    let local_download = mock
        .requests()
        .into_iter()
        .find(|r| r.endpoint == "download")
        .unwrap();
    assert_eq!(
        local_download.authorization.as_deref(),
        Some(&format!("Token {TOKEN}")[..])
    );
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_carry_the_token() {
    let mock = Mock::start().await;
    let foreign = Recorder::start(b"redirected bytes").await;
    mock.fault(
        "download",
        Fault::Redirect(format!("{}/moved.json", foreign.base)),
    );
    let dest = tempfile::tempdir().unwrap();
    let outcome = run(&mock, dest.path(), &Events::default()).await;
    assert_eq!(
        std::fs::read(&outcome.outputs[0].path).unwrap(),
        b"redirected bytes"
    );
    let seen = foreign.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].authorization, None);
}

#[tokio::test]
async fn hostile_output_filenames_stay_inside_the_destination() {
    let mock = Mock::start().await;
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
    mock.with(|s| {
        s.outputs = hostile
            .iter()
            .map(|name| Output {
                filename: name.clone(),
                url: None,
                bytes: name.as_bytes().to_vec(),
            })
            .collect();
    });
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("outputs");
    let outcome = run(&mock, &dest, &Events::default()).await;

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
    let mock = Mock::start().await;
    let client = client_for(&mock.base);
    assert!(!format!("{client:?}").contains(TOKEN));
    let events = Events::default();
    let dest = tempfile::tempdir().unwrap();
    run(&mock, dest.path(), &events).await;
    let snapshots = serde_json::to_string(&events.all()).unwrap();
    assert!(!snapshots.contains(TOKEN));

    let rejected = client_with(
        &mock.base,
        "bad-secret-key",
        std::time::Duration::from_secs(5),
    )
    .status("s-test-sov-r001")
    .await
    .unwrap_err();
    let shown = serde_json::to_string(&rejected).unwrap();
    assert!(!shown.contains("bad-secret-key"));
}

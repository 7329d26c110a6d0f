//! Habits carried over from `sovfixerapi update`: acting for another team (`-D`) and running an
//! update without saving its outputs (`--no-write`).
#![allow(clippy::unwrap_used)]

use crate::support::mock::{Mock, Recorded};
use crate::support::{json_spec as spec, list_dir, quick_job, write_file, Events, CORRECTIONS};
use serde_json::{json, Value};
use sov_update::{ErrorKind, JobSpec, Phase, Step};

const TEAM: &str = "5b0e3c1a-team-uuid";

fn requests_to(mock: &Mock, endpoint: &str) -> Vec<Recorded> {
    mock.requests()
        .into_iter()
        .filter(|r| r.endpoint == endpoint)
        .collect()
}

fn json_body(request: &Recorded) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// The value of a multipart text field, read from the raw body the mock recorded.
fn multipart_text(request: &Recorded, name: &str) -> Option<String> {
    let body = String::from_utf8_lossy(&request.body);
    let marker = format!("name=\"{name}\"\r\n\r\n");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find("\r\n")?;
    Some(body[start..start + end].to_owned())
}

#[tokio::test]
async fn delegate_to_team_is_sent_with_initiate_every_upload_and_start() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let first = write_file(input.path(), "first.csv", CORRECTIONS);
    let second = write_file(
        input.path(),
        "second.csv",
        "sheet_name,sheet_row_number,bldg_name\nSheet1,3,Barn\n",
    );
    let events = Events::default();
    let spec = JobSpec {
        delegate_to_team: Some(TEAM.into()),
        ..spec(vec![first, second], dest.path())
    };

    let outcome = quick_job(&mock.base, &events).run(spec).await.unwrap();

    let initiate = requests_to(&mock, "initiate_update");
    assert_eq!(json_body(&initiate[0])["delegate_to_team"], TEAM);
    let uploads = requests_to(&mock, "add_locations");
    assert_eq!(uploads.len(), 2);
    for upload in &uploads {
        assert_eq!(
            multipart_text(upload, "delegate_to_team").as_deref(),
            Some(TEAM)
        );
    }
    // The file itself still arrives as the `file` part.
    let (files, _, start_body) = mock.update(&outcome.update_id);
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].bytes, CORRECTIONS.as_bytes());
    assert_eq!(files[1].file_name.as_deref(), Some("second.csv"));
    assert_eq!(
        start_body.unwrap(),
        json!({"extra_data": {}, "output_formats": ["JSON"], "delegate_to_team": TEAM})
    );
    // Status polls and downloads carry no such field (the contract has none for GETs).
    assert!(requests_to(&mock, "status")
        .iter()
        .all(|r| !r.path.contains("delegate") && r.body.is_empty()));
    assert_eq!(outcome.outputs.len(), 1);
}

#[tokio::test]
async fn without_a_team_no_delegate_field_is_sent_anywhere() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();

    quick_job(&mock.base, &events)
        .run(spec(vec![file], dest.path()))
        .await
        .unwrap();

    let sent: Vec<Recorded> = mock.requests();
    assert!(sent.len() >= 4, "{sent:?}");
    for request in &sent {
        let body = String::from_utf8_lossy(&request.body);
        assert!(
            !body.contains("delegate_to_team"),
            "{} sent {body}",
            request.endpoint
        );
    }
}

#[tokio::test]
async fn no_write_runs_the_whole_update_and_lists_outputs_without_saving_them() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let spec = JobSpec {
        save_outputs: false,
        ..spec(vec![file], dest.path())
    };

    let outcome = quick_job(&mock.base, &events).run(spec).await.unwrap();

    assert_eq!(mock.count("start"), 1);
    assert!(mock.count("status") >= 1);
    assert_eq!(mock.count("download"), 0, "nothing may be fetched");
    assert!(
        list_dir(dest.path()).is_empty(),
        "{:?}",
        list_dir(dest.path())
    );
    assert!(outcome.outputs.is_empty());
    assert_eq!(outcome.listed_outputs.len(), 1);
    let listed = &outcome.listed_outputs[0];
    assert_eq!(listed.filename.as_deref(), Some("Acme Corp 2026-06.json"));
    assert_eq!(listed.description.as_deref(), Some("JSON"));
    assert!(
        listed.url.ends_with(&format!(
            "/api/v1/sov/{}/output/Acme%20Corp%202026-06.json",
            outcome.update_id
        )),
        "{}",
        listed.url
    );
    assert!(!events.phases().contains(&Phase::Downloading));
    assert_eq!(events.last().phase, Phase::Done);
}

#[tokio::test]
async fn no_write_needs_no_download_folder() {
    let mock = Mock::start().await;
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let spec = JobSpec {
        save_outputs: false,
        ..spec(vec![file], std::path::Path::new(""))
    };

    let outcome = quick_job(&mock.base, &events).run(spec).await.unwrap();

    assert_eq!(outcome.listed_outputs.len(), 1);
}

#[tokio::test]
async fn a_failed_update_still_fails_with_no_write() {
    let mock = Mock::start().await;
    mock.with(|s| {
        s.final_result = Some(json!({"status": "FAILED", "message": "Row 7 matches no building."}));
    });
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let spec = JobSpec {
        save_outputs: false,
        ..spec(vec![file], dest.path())
    };

    let failure = quick_job(&mock.base, &events).run(spec).await.unwrap_err();

    assert_eq!(failure.step, Step::Process);
    assert!(matches!(failure.error.kind(), ErrorKind::JobFailed { .. }));
    assert_eq!(events.last().phase, Phase::Failed);
}

//! Habits carried over from `sovfixerapi update`: acting for another team (`-D`) and running an
//! update without saving its outputs (`--no-write`).
#![allow(clippy::unwrap_used)]

use crate::support::scripted_output;
use crate::support::{
    json_spec as spec, list_dir, multipart_file, quick_job, start_sandbox, write_file, Events,
    CORRECTIONS,
};
use serde_json::{json, Value};
use sov_update::{ErrorKind, JobSpec, Phase, Step};
use sovfixer_sandbox::{Endpoint, Fault, ForcedFailure, RequestRecord};

const TEAM: &str = "5b0e3c1a-team-uuid";
const SECOND: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,3,Barn\n";

fn body(request: &RequestRecord) -> &str {
    request.body.as_deref().unwrap()
}

fn json_body(request: &RequestRecord) -> Value {
    serde_json::from_str(body(request)).unwrap()
}

/// The value of a multipart text field, read from the raw body the sandbox logged.
fn multipart_text(request: &RequestRecord, name: &str) -> Option<String> {
    let body = body(request);
    let marker = format!("name=\"{name}\"\r\n\r\n");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find("\r\n")?;
    Some(body[start..start + end].to_owned())
}

#[tokio::test]
async fn delegate_to_team_is_sent_with_initiate_every_upload_and_start() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_record_bodies(true);
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let first = write_file(input.path(), "first.csv", CORRECTIONS);
    let second = write_file(input.path(), "second.csv", SECOND);
    let events = Events::default();
    let spec = JobSpec {
        delegate_to_team: Some(TEAM.into()),
        ..spec(vec![first, second], dest.path())
    };

    let outcome = quick_job(&sandbox.api_url(), &events)
        .run(spec)
        .await
        .unwrap();

    let control = sandbox.control();
    let initiate = control.requests_to(Endpoint::InitiateUpdate);
    assert_eq!(json_body(&initiate[0])["delegate_to_team"], TEAM);
    let uploads = control.requests_to(Endpoint::AddLocations);
    assert_eq!(uploads.len(), 2);
    for upload in &uploads {
        assert_eq!(
            multipart_text(upload, "delegate_to_team").as_deref(),
            Some(TEAM)
        );
    }
    // The file itself still arrives as the `file` part, and the sandbox kept both.
    assert_eq!(
        multipart_file(&uploads[0]),
        ("first.csv".to_owned(), CORRECTIONS.to_owned())
    );
    assert_eq!(multipart_file(&uploads[1]).0, "second.csv");
    let job = control
        .jobs()
        .into_iter()
        .find(|j| j.id == outcome.update_id)
        .unwrap();
    assert_eq!(job.uploads.len(), 2);
    assert_eq!(job.uploads[1].filename, "second.csv");
    let starts = control.requests_to(Endpoint::Start);
    assert_eq!(
        json_body(&starts[0]),
        json!({"extra_data": {}, "output_formats": ["JSON"], "delegate_to_team": TEAM})
    );
    // Status polls and downloads carry no such field (the contract has none for GETs).
    assert!(control
        .requests_to(Endpoint::Status)
        .iter()
        .all(|r| !r.path.contains("delegate") && body(r).is_empty()));
    assert_eq!(outcome.outputs.len(), 1);
}

#[tokio::test]
async fn without_a_team_no_delegate_field_is_sent_anywhere() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_record_bodies(true);
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();

    quick_job(&sandbox.api_url(), &events)
        .run(spec(vec![file], dest.path()))
        .await
        .unwrap();

    let sent = sandbox.control().requests();
    assert!(sent.len() >= 4, "{sent:?}");
    for request in &sent {
        assert!(
            !body(request).contains("delegate_to_team"),
            "{:?} sent {}",
            request.endpoint,
            body(request)
        );
    }
}

#[tokio::test]
async fn no_write_runs_the_whole_update_and_lists_outputs_without_saving_them() {
    let sandbox = start_sandbox().await;
    sandbox
        .control()
        .set_scripted_outputs(Some(vec![scripted_output(
            "Acme Corp 2026-06.json",
            r#"{"buildings": []}"#,
        )]));
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let spec = JobSpec {
        save_outputs: false,
        ..spec(vec![file], dest.path())
    };

    let outcome = quick_job(&sandbox.api_url(), &events)
        .run(spec)
        .await
        .unwrap();

    let control = sandbox.control();
    assert_eq!(control.count_requests(Endpoint::Start), 1);
    assert!(control.count_requests(Endpoint::Status) >= 1);
    assert_eq!(
        control.count_seen(Endpoint::Download),
        0,
        "nothing may be fetched"
    );
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
    let sandbox = start_sandbox().await;
    let input = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let spec = JobSpec {
        save_outputs: false,
        ..spec(vec![file], std::path::Path::new(""))
    };

    let outcome = quick_job(&sandbox.api_url(), &events)
        .run(spec)
        .await
        .unwrap();

    assert_eq!(outcome.listed_outputs.len(), 1);
}

#[tokio::test]
async fn a_failed_update_still_fails_with_no_write() {
    let sandbox = start_sandbox().await;
    sandbox.control().set_fault(
        Endpoint::Status,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED".into(),
                message: "Row 7 matches no building.".into(),
            }),
            ..Fault::default()
        },
    );
    let input = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let file = write_file(input.path(), "corrections.csv", CORRECTIONS);
    let events = Events::default();
    let spec = JobSpec {
        save_outputs: false,
        ..spec(vec![file], dest.path())
    };

    let failure = quick_job(&sandbox.api_url(), &events)
        .run(spec)
        .await
        .unwrap_err();

    assert_eq!(failure.step, Step::Process);
    assert!(matches!(failure.error.kind(), ErrorKind::JobFailed { .. }));
    assert_eq!(events.last().phase, Phase::Failed);
}

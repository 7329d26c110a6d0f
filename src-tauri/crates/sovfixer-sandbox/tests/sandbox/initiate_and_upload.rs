//! initiate_update and add_locations: bodies, encodings, validation and the 409 after start.
#![allow(clippy::unwrap_used)]

use crate::common::{body_json, harness, repo_samples, TOKEN};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn initiate_numbers_updates_per_sov_and_defaults_to_api() {
    let h = harness().await;
    assert_eq!(h.initiate("s-demo-sample").await, "s-demo-sample-r001");
    assert_eq!(h.initiate("s-demo-sample").await, "s-demo-sample-r002");
    assert_eq!(h.initiate("s-demo-large").await, "s-demo-large-r001");
    let jobs = h.sandbox.control().jobs();
    assert_eq!(jobs.len(), 3);
    assert!(jobs.iter().all(|j| j.record_type == "API"));
    let (_, status) = body_json(h.get("/sov/update/s-demo-sample-r001").await).await;
    assert_eq!(status["request"]["status"], "PENDING");
    assert_eq!(status["request"]["record_type"], "API");
    assert!(status.get("result").is_none());
}

#[tokio::test]
async fn initiate_accepts_form_and_json_bodies() {
    let h = harness().await;
    let form = h
        .http
        .post(h.url("/sov/s-demo-sample/initiate_update"))
        .header("Authorization", format!("Token {TOKEN}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            "update_type=SCRUB&callback_url=https%3A%2F%2Fexample.test%2Fhook&client_ref=ticket+42",
        )
        .send()
        .await
        .unwrap();
    let (status, body) = body_json(form).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body, json!({"message": "OK", "id": "s-demo-sample-r001"}));

    let (status, body) = body_json(
        h.post_json(
            "/sov/s-demo-sample/initiate_update",
            &json!({"update_type": "PINGREADY"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["id"], "s-demo-sample-r002");

    let jobs = h.sandbox.control().jobs();
    assert_eq!(jobs[0].record_type, "SCRUB");
    assert_eq!(jobs[0].client_ref.as_deref(), Some("ticket 42"));
    assert_eq!(
        jobs[0].callback_url.as_deref(),
        Some("https://example.test/hook")
    );
    assert_eq!(jobs[1].record_type, "PINGREADY");
}

#[tokio::test]
async fn every_documented_update_type_is_accepted() {
    let h = harness().await;
    for update_type in sovfixer_sandbox::UPDATE_TYPES {
        let response = h
            .post_json(
                "/sov/s-demo-sample/initiate_update",
                &json!({ "update_type": update_type }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "{update_type}");
    }
    assert_eq!(sovfixer_sandbox::UPDATE_TYPES.len(), 7);
}

#[tokio::test]
async fn unknown_update_type_is_400_and_creates_nothing() {
    let h = harness().await;
    let (status, body) = body_json(
        h.post_json(
            "/sov/s-demo-sample/initiate_update",
            &json!({"update_type": "REFRESH"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"update_type": ["\"REFRESH\" is not a valid choice."]})
    );
    let (status, body) = body_json(
        h.post_json(
            "/sov/s-demo-sample/initiate_update",
            &json!({"callback_url": "not a url"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"callback_url": ["Enter a valid URL."]}));
    assert!(h.sandbox.control().jobs().is_empty());
}

#[tokio::test]
async fn upload_accepts_parts_with_and_without_content_type() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let csv = std::fs::read(repo_samples().join("corrections.csv")).unwrap();
    let (status, body) = body_json(
        h.upload(
            &sudid,
            "corrections.csv",
            std::str::from_utf8(&csv).unwrap(),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body, json!({"message": "OK"}));

    let typed =
        Part::bytes(std::fs::read(repo_samples().join("test_reoutput_locations.csv")).unwrap())
            .file_name("test_reoutput_locations.csv")
            .mime_str("text/csv")
            .unwrap();
    let response = h
        .http
        .post(h.url(&format!("/sov/update/{sudid}/add_locations")))
        .header("Authorization", format!("Token {TOKEN}"))
        .multipart(Form::new().text("delegate_to_team", "").part("file", typed))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    let job = &h.sandbox.control().jobs()[0];
    let files: Vec<(&str, u64)> = job
        .uploads
        .iter()
        .map(|u| (u.filename.as_str(), u.rows))
        .collect();
    assert_eq!(
        files,
        [("corrections.csv", 1), ("test_reoutput_locations.csv", 2)]
    );
}

#[tokio::test]
async fn unknown_column_is_400_naming_it() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let (status, body) = body_json(
        h.upload(
            &sudid,
            "c.csv",
            "sheet_name,sheet_row_numbah,bldg_name\nSheet1,2,X\n",
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"file": "sheet_row_numbah: unknown attribute"}));
    assert!(h.sandbox.control().jobs()[0].uploads.is_empty());
}

#[tokio::test]
async fn unusable_files_are_400_naming_the_row() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let cases = [
        ("", json!({"file": ["The submitted file is empty."]})),
        (
            "bldg_name\nX\n",
            json!({"file": "each row must identify its building: add an item_key column, or both sheet_name and sheet_row_number columns"}),
        ),
        (
            "sheet_name,sheet_row_number,bldg_name\nSheet1,2,A\nSheet1,,B\n",
            json!({"file": "row 3: no item_key and no sheet_name/sheet_row_number to find the building"}),
        ),
        (
            "sheet_name,sheet_row_number\nSheet1,2,oops\n",
            json!({"file": "row 2: has 3 cells but the header has 2"}),
        ),
    ];
    for (csv, expected) in cases {
        let (status, body) = body_json(h.upload(&sudid, "c.csv", csv).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{csv:?}");
        assert_eq!(body, expected, "{csv:?}");
    }
    let latin1 = b"sheet_name,sheet_row_number,bldg_name\nSheet1,2,Caf\xe9\n".to_vec();
    let response = h
        .http
        .post(h.url(&format!("/sov/update/{sudid}/add_locations")))
        .header("Authorization", format!("Token {TOKEN}"))
        .multipart(Form::new().part("file", Part::bytes(latin1).file_name("c.csv")))
        .send()
        .await
        .unwrap();
    let (status, body) = body_json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"file": "row 2: not UTF-8 text; save the file as CSV UTF-8"})
    );
    assert!(h.sandbox.control().jobs()[0].uploads.is_empty());
}

#[tokio::test]
async fn missing_file_field_and_wrong_encoding_are_rejected() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let response = h
        .http
        .post(h.url(&format!("/sov/update/{sudid}/add_locations")))
        .header("Authorization", format!("Token {TOKEN}"))
        .multipart(Form::new().part("upload", Part::bytes(b"a".to_vec()).file_name("c.csv")))
        .send()
        .await
        .unwrap();
    let (status, body) = body_json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"file": ["No file was submitted."]}));

    let response = h
        .post_json(
            &format!("/sov/update/{sudid}/add_locations"),
            &json!({"file": "x"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn upload_after_start_is_409_not_pending() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let csv = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";
    assert_eq!(
        h.upload(&sudid, "c.csv", csv).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        h.start_job(&sudid, &json!({})).await.status(),
        StatusCode::CREATED
    );
    let (status, body) = body_json(h.upload(&sudid, "late.csv", csv).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"message": "rejected locations file as SUD not pending"})
    );
    h.wait_for_end(&sudid).await;
    let (status, _) = body_json(h.upload(&sudid, "later.csv", csv).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(h.sandbox.control().jobs()[0].uploads.len(), 1);
}

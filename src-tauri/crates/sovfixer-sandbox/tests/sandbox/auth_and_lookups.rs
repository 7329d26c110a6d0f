//! Authentication, 404s, output formats and history of the original SOV.
#![allow(clippy::unwrap_used)]

use crate::common::{body_json, harness, TOKEN};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn missing_token_is_401_with_drf_body_and_challenge() {
    let h = harness().await;
    let response = h
        .http
        .post(h.url("/sov/s-demo-sample/initiate_update"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Token");
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap(),
        json!({"detail": "Authentication credentials were not provided."})
    );
    assert!(
        h.sandbox.control().jobs().is_empty(),
        "no job without a token"
    );
}

#[tokio::test]
async fn wrong_token_is_401_invalid_token_even_for_unknown_ids() {
    let h = harness().await;
    for path in [
        "/sov/update/s-nope-r001",
        "/sov/s-nope/output/x.json",
        "/output_formats",
        "/sov/history/s-nope",
        "/no/such/endpoint",
    ] {
        let response = h
            .http
            .get(h.url(path))
            .header("Authorization", "Token wrong-key")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(response.headers()["www-authenticate"], "Token");
        let (_, body) = body_json(response).await;
        assert_eq!(body, json!({"detail": "Invalid token."}), "{path}");
    }
}

#[tokio::test]
async fn bearer_scheme_is_not_accepted() {
    let h = harness().await;
    let response = h
        .http
        .get(h.url("/output_formats"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_ids_are_404_not_found() {
    let h = harness().await;
    let not_found = json!({"detail": "Not found."});
    let cases = [
        h.post_json("/sov/s-nope/initiate_update", &json!({})).await,
        h.get("/sov/update/s-demo-sample-r999").await,
        h.post_json("/sov/update/s-demo-sample-r999/start", &json!({}))
            .await,
        h.upload(
            "s-demo-sample-r999",
            "c.csv",
            "sheet_name,sheet_row_number\nSheet1,2\n",
        )
        .await,
        h.get("/sov/s-demo-sample-r999/output/x.json").await,
        h.get("/sov/history/s-nope").await,
        h.get("/output_formats?sovid=s-nope").await,
        h.get("/no/such/endpoint").await,
    ];
    for response in cases {
        let url = response.url().to_string();
        let (status, body) = body_json(response).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{url}");
        assert_eq!(body, not_found, "{url}");
    }
}

#[tokio::test]
async fn output_formats_are_scoped_by_sovid() {
    let h = harness().await;
    let (status, default) = body_json(h.get("/output_formats").await).await;
    assert_eq!(status, StatusCode::OK);
    let names = |body: &serde_json::Value| -> Vec<String> {
        body["output_formats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["output_format"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&default), ["JSON", "DEBUGJSON", "CSV"]);
    assert_eq!(
        default["output_formats"][2],
        json!({"output_format": "CSV", "label": "Buildings CSV", "output_extension": "csv", "is_public": true})
    );
    let (_, sample) = body_json(h.get("/output_formats?sovid=s-demo-sample").await).await;
    assert_eq!(names(&sample), ["JSON", "DEBUGJSON", "CSV"]);
    let (_, large) = body_json(h.get("/output_formats?sovid=s-demo-large").await).await;
    assert_eq!(names(&large).len(), 4);
    let private = &large["output_formats"][3];
    assert_eq!(private["is_public"], json!(false));

    // A SUD id scopes like its SOV.
    let sudid = h.initiate("s-demo-large").await;
    let (_, by_sud) = body_json(h.get(&format!("/output_formats?sovid={sudid}")).await).await;
    assert_eq!(names(&by_sud), names(&large));
}

#[tokio::test]
async fn history_of_an_original_sov() {
    let h = harness().await;
    let (status, body) = body_json(h.get("/sov/history/s-demo-sample").await).await;
    assert_eq!(status, StatusCode::OK);
    let result = &body["result"];
    assert_eq!(result["sovid"], "s-demo-sample");
    assert_eq!(result["original_sovid"], "s-demo-sample");
    assert_eq!(result["previous_sovid"], json!(null));
    assert_eq!(result["record_type"], "ORIG");
    assert_eq!(result["revision"], 0);
    assert_eq!(result["sheet_name"], "Sheet1");
    assert_eq!(result["num_rows"], 2);
    assert!(result["outputs"].is_array());
}

#[tokio::test]
async fn unfinished_sud_is_not_in_history() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let (status, _) = body_json(h.get(&format!("/sov/history/{sudid}")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_method_is_405() {
    let h = harness().await;
    let response = h
        .http
        .delete(h.url("/sov/update/s-demo-sample-r001"))
        .header("Authorization", format!("Token {TOKEN}"))
        .send()
        .await
        .unwrap();
    let (status, body) = body_json(response).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body, json!({"detail": "Method \"DELETE\" not allowed."}));
}

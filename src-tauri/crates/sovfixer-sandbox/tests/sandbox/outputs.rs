//! Output files: built from the SOV with the corrections applied, named from insured_name, served behind the token.
#![allow(clippy::unwrap_used)]

use crate::common::{body_json, building, harness, output_url, repo_samples};
use reqwest::StatusCode;
use serde_json::json;

/// Outputs are named after the month of completion, which the status reports.
fn completion_month(status: &serde_json::Value) -> String {
    status["request"]["completed_at"].as_str().unwrap()[..7].to_string()
}

#[tokio::test]
async fn sample_correction_lands_in_the_json_output() {
    let h = harness().await;
    let csv = std::fs::read_to_string(repo_samples().join("corrections.csv")).unwrap();
    let last = h
        .run_update(
            "s-demo-sample",
            &csv,
            &json!({"extra_data": {"insured_name": "Acme Corp"}, "output_formats": ["JSON", "CSV", "debugjson"]}),
        )
        .await;
    assert_eq!(last["result"]["status"], "SUCCESS");
    let month = completion_month(&last);
    let names: Vec<&str> = last["result"]["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["filename"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            format!("Acme Corp {month}.json"),
            format!("Acme Corp {month}.csv"),
            format!("Acme Corp {month} debug.json"),
        ]
    );
    let json_url = output_url(&last, "JSON");
    assert_eq!(
        json_url,
        format!(
            "{}/sov/s-demo-sample-r001/output/Acme%20Corp%20{month}.json",
            h.sandbox.api_url()
        )
    );

    let response = h.get_url(&json_url).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let length: u64 = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, length);
    let output: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    for key in [
        "id",
        "source_filename",
        "num_buildings",
        "extra_data",
        "uw_rules",
        "policy_terms",
        "computed_policy_terms",
        "buildings",
    ] {
        assert!(output.get(key).is_some(), "JSON output lacks {key}");
    }
    assert_eq!(
        output["id"], "s-demo-sample",
        "the parent SOV id, not the SUD id"
    );
    assert_eq!(output["num_buildings"], 2);
    assert_eq!(output["extra_data"], json!({"insured_name": "Acme Corp"}));
    let row2 = building(&output, 2);
    assert_eq!(row2["bldg_name"], "Normal House");
    assert_eq!(row2["item_key"], "i-s-demo-sample!Sheet1!2");
    assert_eq!(row2["city"], "Miami Beach", "untouched attributes stay");
    assert_eq!(building(&output, 3)["bldg_name"], "Capitol Hill Offices");

    let csv_response = h.get_url(&output_url(&last, "Buildings CSV")).await;
    assert_eq!(
        csv_response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let csv_text = csv_response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let name_col = header.iter().position(|h| h == "bldg_name").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][name_col], "Normal House");

    let debug = h.download_json(&output_url(&last, "DEBUGJSON")).await;
    assert_eq!(debug["debug"]["rows_matched"], 1);
}

#[tokio::test]
async fn later_uploads_win_and_item_keys_match() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-sample").await;
    let reference =
        std::fs::read_to_string(repo_samples().join("test_reoutput_locations.csv")).unwrap();
    for (name, csv) in [
        (
            "first.csv",
            "sheet_name,sheet_row_number,bldg_name,city\nSheet1,2,First,Tampa\n",
        ),
        (
            "second.csv",
            "item_key,bldg_name\ni-s-demo-sample!Sheet1!2,Second\n",
        ),
        ("reference.csv", reference.as_str()),
    ] {
        assert_eq!(
            h.upload(&sudid, name, csv).await.status(),
            StatusCode::CREATED
        );
    }
    h.start_job(&sudid, &json!({})).await;
    let last = h.wait_for_end(&sudid).await.pop().unwrap();
    let output = h.download_json(&output_url(&last, "JSON")).await;
    let row2 = building(&output, 2);
    assert_eq!(row2["bldg_name"], "Second");
    // The reference file sets the city again after the first file.
    assert_eq!(row2["city"], "Miami Beach");
    assert_eq!(building(&output, 3)["state"], "DC");
}

#[tokio::test]
async fn unmatched_rows_are_named_in_the_result_message() {
    let h = harness().await;
    let last = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\nSheet1,99,Ghost\n",
            &json!({}),
        )
        .await;
    assert_eq!(last["result"]["status"], "SUCCESS");
    assert_eq!(
        last["result"]["message"],
        "Success. 1 row matched no building: Sheet1 row 99."
    );
}

#[tokio::test]
async fn filename_defaults_to_the_sov_id_and_hostile_names_are_kept_and_encoded() {
    let h = harness().await;
    let csv = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,X\n";
    let plain = h.run_update("s-demo-sample", csv, &json!({})).await;
    let month = completion_month(&plain);
    assert_eq!(
        plain["result"]["outputs"][0]["filename"],
        format!("s-demo-sample {month}.json")
    );

    let hostile = "../../etc/passwd\u{7}CON?#%";
    let last = h
        .run_update(
            "s-demo-sample",
            csv,
            &json!({"extra_data": {"insured_name": hostile}}),
        )
        .await;
    let output = &last["result"]["outputs"][0];
    let month = completion_month(&last);
    assert_eq!(output["filename"], format!("{hostile} {month}.json"));
    let url = output["url"].as_str().unwrap();
    assert!(
        url.contains("/output/..%2F..%2Fetc%2Fpasswd%07CON%3F%23%25%20"),
        "{url}"
    );
    let downloaded = h.download_json(url).await;
    assert_eq!(downloaded["extra_data"]["insured_name"], hostile);
}

#[tokio::test]
async fn downloads_need_the_token_and_an_existing_filename() {
    let h = harness().await;
    let last = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,bldg_name\nSheet1,2,X\n",
            &json!({}),
        )
        .await;
    let url = output_url(&last, "JSON");
    let response = h.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = body_json(h.get_url(&format!("{url}.missing")).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Not found."}));
}

#[tokio::test]
async fn large_sov_outputs_every_building_and_the_private_format() {
    let h = harness().await;
    let last = h
        .run_update(
            "s-demo-large",
            "sheet_name,sheet_row_number,bldg_name\nLocations,5001,Last One\n",
            &json!({"output_formats": ["JSON", "carrier_bordereau"]}),
        )
        .await;
    assert_eq!(last["result"]["status"], "SUCCESS");
    let output = h.download_json(&output_url(&last, "JSON")).await;
    assert_eq!(output["num_buildings"], 5000);
    assert_eq!(output["buildings"].as_array().unwrap().len(), 5000);
    assert_eq!(building(&output, 5001)["bldg_name"], "Last One");
    assert_eq!(building(&output, 2)["bldg_name"], "Building 1");
    let bordereau = h
        .get_url(&output_url(&last, "Carrier bordereau"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(bordereau.lines().count(), 5001);
}

#[tokio::test]
async fn generated_sovs_are_identical_across_sandboxes() {
    let first = harness().await;
    let second = harness().await;
    let mut outputs = Vec::new();
    for h in [&first, &second] {
        let last = h
            .run_update(
                "s-demo-large",
                "sheet_name,sheet_row_number,bldg_name\nLocations,2,X\n",
                &json!({"output_formats": ["CSV"]}),
            )
            .await;
        outputs.push(
            h.get_url(&output_url(&last, "Buildings CSV"))
                .await
                .text()
                .await
                .unwrap(),
        );
    }
    assert_eq!(outputs[0], outputs[1]);
}

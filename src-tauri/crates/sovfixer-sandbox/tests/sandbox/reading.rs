//! The reading side over HTTP (contract §14): finding SOVs in `/sov/activity`, their revisions in
//! `/sov/history`, their current data through get_or_create_output, and one building.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::common::{body_json, harness, Harness, PATIENCE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sovfixer_sandbox::{Endpoint, Fault, ForcedFailure};

async fn get_json(h: &Harness, path: &str) -> (StatusCode, Value) {
    body_json(h.get(path).await).await
}

fn ids(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

/// Polls a get_or_create_output request until it ends; returns every body seen.
async fn poll_output(h: &Harness, request_id: &str) -> Vec<Value> {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    loop {
        let (status, body) = get_json(h, &format!("/sov/get_or_create_output/{request_id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let state = body["request"]["status"].as_str().unwrap().to_string();
        seen.push(body);
        if state == "COMPLETE" || state == "FAILED" {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "output request {request_id} never ended"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The JSON data of an SOV or update at a revision, through get_or_create_output (polling when needed).
async fn current_json(h: &Harness, id: &str, revision: i64) -> Value {
    let (status, body) = body_json(
        h.post_json(
            &format!("/sov/{id}/get_or_create_output"),
            &json!({"output_format": "json", "revision": revision}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let done = if body["request"]["status"] == "COMPLETE" {
        body
    } else {
        poll_output(h, body["request"]["id"].as_str().unwrap())
            .await
            .pop()
            .unwrap()
    };
    assert_eq!(done["request"]["status"], "COMPLETE", "{done}");
    h.download_json(done["result"]["url"].as_str().unwrap())
        .await
}

fn attribute<'a>(output: &'a Value, sheet_row: u64, name: &str) -> &'a Value {
    &crate::common::building(output, sheet_row)[name]
}

#[tokio::test]
async fn activity_lists_the_demo_book_newest_first() {
    let h = harness().await;
    let (status, page) = get_json(&h, "/sov/activity?page_size=250").await;
    assert_eq!(status, StatusCode::OK);
    let items = page["results"].as_array().unwrap();
    assert!(items.len() >= 30, "{} SOVs", items.len());
    assert_eq!(page["total_count"], json!(items.len()));
    assert_eq!(page["cursor_id"], Value::Null);
    assert_eq!(page["prev_cursor_id"], Value::Null);
    assert_eq!(page["has_remaining"], false);
    let created: Vec<&str> = items
        .iter()
        .map(|i| i["created_time"].as_str().unwrap())
        .collect();
    let mut sorted = created.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(created, sorted, "newest first");
    let insureds: HashSet<&str> = items
        .iter()
        .map(|i| i["extra_data"]["insured_name"].as_str().unwrap())
        .collect();
    let files: HashSet<&str> = items
        .iter()
        .map(|i| i["filename"].as_str().unwrap())
        .collect();
    assert_eq!(insureds.len(), items.len(), "distinct insureds");
    assert_eq!(files.len(), items.len(), "distinct file names");
    let statuses: Vec<&str> = items
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "F").count(), 1);
    assert_eq!(statuses.iter().filter(|s| **s == "I").count(), 1);
    assert!(items.iter().any(|i| i["num_buildings"] == 5000));
    assert!(items
        .iter()
        .any(|i| i["latest_revision"].as_u64() >= Some(2)));
    // The default page is 50.
    let (_, default_page) = get_json(&h, "/sov/activity").await;
    assert_eq!(
        default_page["results"].as_array().unwrap().len(),
        items.len().min(50)
    );
}

#[tokio::test]
async fn activity_search_matches_insured_file_name_and_id_ignoring_case() {
    let h = harness().await;
    let (_, by_insured) = get_json(&h, "/sov/activity?search=aCmE").await;
    let names: Vec<&str> = by_insured["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["extra_data"]["insured_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme Corp", "Acme Logistics Inc"]);
    let (_, by_file) = get_json(&h, "/sov/activity?search=WAREHOUSES").await;
    assert_eq!(
        by_file["results"][0]["filename"],
        "Acme Logistics warehouses.xlsx"
    );
    assert_eq!(by_file["total_count"], 1);
    let (_, by_id) = get_json(&h, "/sov/activity?search=demo-sam").await;
    assert_eq!(ids(&by_id), ["s-demo-sample"]);
    let (status, nothing) = get_json(&h, "/sov/activity?search=no%20such%20insured").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(nothing["results"], json!([]));
    assert_eq!(nothing["total_count"], 0);
    assert_eq!(nothing["cursor_id"], Value::Null);
    assert_eq!(nothing["has_remaining"], false);
}

#[tokio::test]
async fn activity_pages_forward_and_back_with_stable_cursors() {
    let h = harness().await;
    let (_, all) = get_json(&h, "/sov/activity?page_size=250&fields=id").await;
    let everything = ids(&all);
    let mut walked = Vec::new();
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => "/sov/activity?page_size=7".to_string(),
            Some(c) => format!("/sov/activity?page_size=7&cursor_id={c}"),
        };
        let (status, page) = get_json(&h, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        walked.extend(ids(&page));
        assert_eq!(
            page["remaining_count"],
            json!(everything.len() - walked.len())
        );
        pages.push(page.clone());
        match page["cursor_id"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(walked, everything, "every SOV once, in order");
    assert_eq!(pages[0]["prev_cursor_id"], Value::Null, "first page");
    let last = pages.last().unwrap();
    assert_eq!(last["has_remaining"], false, "last page");
    // Back from the last page gives exactly the page before it.
    let prev = last["prev_cursor_id"].as_str().unwrap();
    let (_, back) = get_json(
        &h,
        &format!("/sov/activity?page_size=7&prev_cursor_id={prev}"),
    )
    .await;
    assert_eq!(ids(&back), ids(&pages[pages.len() - 2]));
    // A cursor stays valid after an update completes on another SOV.
    let second_cursor = pages[0]["cursor_id"].as_str().unwrap().to_string();
    h.run_update(
        "s-demo-sample",
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Renamed\n",
        &json!({}),
    )
    .await;
    let (_, again) = get_json(
        &h,
        &format!("/sov/activity?page_size=7&cursor_id={second_cursor}"),
    )
    .await;
    assert_eq!(ids(&again), ids(&pages[1]));
}

#[tokio::test]
async fn activity_refuses_bad_page_sizes_cursors_and_filters() {
    let h = harness().await;
    for (query, field) in [
        ("page_size=0", "page_size"),
        ("page_size=251", "page_size"),
        ("page_size=ten", "page_size"),
        ("status=X", "status"),
        ("origin=fax", "origin"),
        ("fields=nonsense", "fields"),
        ("completed_time__gte=2026-01-01", "completed_time__gte"),
    ] {
        let (status, body) = get_json(&h, &format!("/sov/activity?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            body[field][0].as_str().unwrap().len() > 10,
            "{query}: {body}"
        );
    }
    let (status, _) = get_json(&h, "/sov/activity?page_size=250").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get_json(&h, "/sov/activity?page_size=1").await;
    assert_eq!(status, StatusCode::OK);
    for cursor in ["cursor_id=s-gone", "prev_cursor_id=s-gone"] {
        let (status, body) = get_json(&h, &format!("/sov/activity?{cursor}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{cursor}");
        assert_eq!(body["detail"], "Invalid cursor");
    }
}

#[tokio::test]
async fn activity_filters_by_status_time_id_and_limits_fields() {
    let h = harness().await;
    let (_, failed) = get_json(&h, "/sov/activity?status=F").await;
    assert_eq!(failed["total_count"], 1);
    assert_eq!(
        failed["results"][0]["extra_data"]["insured_name"],
        "Atlas Freight Terminals"
    );
    let (_, parsing) = get_json(&h, "/sov/activity?status=I").await;
    assert_eq!(
        parsing["results"][0]["extra_data"]["insured_name"],
        "Blue Heron Resorts"
    );
    assert_eq!(parsing["results"][0]["completed_time"], Value::Null);
    let (_, window) = get_json(
        &h,
        "/sov/activity?page_size=250&completed_time__gte=20261101000000&completed_time__lt=20261120000000",
    )
    .await;
    let times: Vec<&str> = window["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["completed_time"].as_str().unwrap())
        .collect();
    assert!(!times.is_empty());
    assert!(
        times
            .iter()
            .all(|t| ("2026-11-01".."2026-11-20").contains(&&t[..10])),
        "{times:?}"
    );
    let (_, one) = get_json(
        &h,
        "/sov/activity?id=s-demo-large&fields=id&fields=num_buildings",
    )
    .await;
    assert_eq!(
        one["results"],
        json!([{"id": "s-demo-large", "num_buildings": 5000}])
    );
}

#[tokio::test]
async fn completed_updates_become_revisions_and_failed_ones_stay_out_of_the_history() {
    let h = harness().await;
    let (_, before) = get_json(&h, "/sov/activity?id=s-demo-sample").await;
    assert_eq!(before["results"][0]["latest_revision"], 0);
    let first = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1972\n",
            &json!({"extra_data": {"insured_name": "Harbor Point"}}),
        )
        .await;
    assert_eq!(first["result"]["status"], "SUCCESS");
    let second = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,const__roof_covering\nSheet1,3,Metal\n",
            &json!({}),
        )
        .await;
    assert_eq!(second["result"]["status"], "SUCCESS");
    h.sandbox.control().set_fault(
        Endpoint::Start,
        Fault {
            force_failed: Some(ForcedFailure {
                status: "FAILED_TO_PROCESS".into(),
                message: "boom".into(),
            }),
            ..Fault::default()
        },
    );
    let failed = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,bldg_name\nSheet1,2,X\n",
            &json!({}),
        )
        .await;
    assert_eq!(failed["request"]["status"], "FAILED");
    h.sandbox.control().clear_faults();

    let (_, after) = get_json(&h, "/sov/activity?id=s-demo-sample").await;
    let item = &after["results"][0];
    assert_eq!(item["latest_revision"], 2);
    assert_eq!(item["updates"]["1"]["sudid"], "s-demo-sample-r001");
    assert_eq!(item["updates"]["2"]["sudid"], "s-demo-sample-r002");
    assert!(
        item["updates"].get("3").is_none(),
        "the failed update is not a revision"
    );
    assert_eq!(item["updates"]["1"]["outputs"][0]["output_format"], "JSON");

    let (_, history) = get_json(&h, "/sov/history?page_size=250").await;
    let listed = ids(&history);
    assert!(listed.contains(&"s-demo-sample-r001".to_string()));
    assert!(listed.contains(&"s-demo-sample-r002".to_string()));
    assert!(
        !listed.contains(&"s-demo-sample-r003".to_string()),
        "failed updates are absent"
    );
    let r002 = history["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "s-demo-sample-r002")
        .unwrap();
    assert_eq!(r002["revision"], 2);
    assert_eq!(r002["sovid"], "s-demo-sample");
    assert_eq!(r002["status"], "C");
    // The failed update still answers at its own history address, with its error.
    let (status, failed_item) = get_json(&h, "/sov/history/s-demo-sample-r003").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(failed_item["result"]["status"], "F");
    let (_, sov_item) = get_json(&h, "/sov/history/s-demo-sample").await;
    assert_eq!(sov_item["result"]["latest_revision"], 2);

    // Revision 2 carries both corrections, revision 1 only the first, revision 0 neither.
    let latest = current_json(&h, "s-demo-sample", -1).await;
    assert_eq!(attribute(&latest, 2, "const__bldg_year_built"), "1972");
    assert_eq!(attribute(&latest, 3, "const__roof_covering"), "Metal");
    let one = current_json(&h, "s-demo-sample", 1).await;
    assert_eq!(attribute(&one, 2, "const__bldg_year_built"), "1972");
    assert_eq!(*attribute(&one, 3, "const__roof_covering"), Value::Null);
    let original = current_json(&h, "s-demo-sample", 0).await;
    assert_eq!(attribute(&original, 2, "const__bldg_year_built"), "1969");
    // The second update's own JSON output already had the first correction in it.
    let own = h
        .download_json(&crate::common::output_url(&second, "JSON"))
        .await;
    assert_eq!(attribute(&own, 2, "const__bldg_year_built"), "1972");
}

#[tokio::test]
async fn history_lists_pages_with_cursors_and_refuses_bad_ones() {
    let h = harness().await;
    let (_, all) = get_json(&h, "/sov/history?page_size=250").await;
    let everything = ids(&all);
    assert!(everything.len() > 30, "parses and seeded updates");
    let times: Vec<&str> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["completed_time"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let mut walked = Vec::new();
    let mut cursor = String::new();
    loop {
        let (_, page) = get_json(&h, &format!("/sov/history?page_size=9&cursor_id={cursor}")).await;
        walked.extend(ids(&page));
        match page["cursor_id"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(walked, everything);
    let (_, recent) = get_json(&h, "/sov/history?page_size=250&start=20261120000000").await;
    assert!(recent["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["completed_time"].as_str().unwrap() >= "2026-11-20"));
    assert!(ids(&recent).len() < everything.len());
    for query in ["page_size=0", "page_size=251", "start=yesterday"] {
        let (status, _) = get_json(&h, &format!("/sov/history?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
    let (status, body) = get_json(&h, "/sov/history?cursor_id=s-gone-r009").await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (StatusCode::NOT_FOUND, Some("Invalid cursor"))
    );
}

#[tokio::test]
async fn get_or_create_output_answers_cached_outputs_at_once_and_others_after_a_delay() {
    let h = harness().await;
    h.sandbox
        .control()
        .set_output_delay(Duration::from_millis(300));
    let (status, first) = body_json(
        h.post_json(
            "/sov/s-demo-large/get_or_create_output",
            &json!({"output_format": "csv"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(first["request"]["status"], "PENDING");
    let request_id = first["request"]["id"].as_str().unwrap().to_string();
    assert!(!request_id.starts_with("immediately-done-"));
    assert!(first.get("result").is_none());
    let seen = poll_output(&h, &request_id).await;
    let done = seen.last().unwrap();
    assert_eq!(done["result"]["output_format"], "CSV");
    let csv = h
        .get_url(done["result"]["url"].as_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 5001, "header and 5,000 buildings");

    let (_, again) = body_json(
        h.post_json(
            "/sov/s-demo-large/get_or_create_output",
            &json!({"output_format": "CSV"}),
        )
        .await,
    )
    .await;
    assert_eq!(again["request"]["status"], "COMPLETE");
    assert!(again["request"]["id"]
        .as_str()
        .unwrap()
        .starts_with("immediately-done-"));
    assert_eq!(again["result"]["url"], done["result"]["url"]);
    // overwrite_existing makes it again (form-encoded, as the Python client sends it).
    let response = h
        .http
        .post(h.url("/sov/s-demo-large/get_or_create_output"))
        .header("Authorization", format!("Token {}", crate::common::TOKEN))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("output_format=CSV&overwrite_existing=true")
        .send()
        .await
        .unwrap();
    let (_, regenerated) = body_json(response).await;
    assert_eq!(regenerated["request"]["status"], "PENDING");

    // An update's own output is already there.
    let finished = h
        .run_update(
            "s-demo-sample",
            "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Renamed\n",
            &json!({}),
        )
        .await;
    let (_, own) = body_json(
        h.post_json(
            "/sov/s-demo-sample-r001/get_or_create_output",
            &json!({"output_format": "JSON", "revision": 0}),
        )
        .await,
    )
    .await;
    assert!(own["request"]["id"]
        .as_str()
        .unwrap()
        .starts_with("immediately-done-"));
    assert_eq!(
        own["result"]["url"].as_str(),
        Some(crate::common::output_url(&finished, "JSON").as_str())
    );
}

#[tokio::test]
async fn get_or_create_output_refuses_what_it_cannot_make() {
    let h = harness().await;
    let post = |id: &'static str, body: Value| {
        let h = &h;
        async move {
            body_json(
                h.post_json(&format!("/sov/{id}/get_or_create_output"), &body)
                    .await,
            )
            .await
        }
    };
    let (status, body) = post("s-demo-sample", json!({})).await;
    assert_eq!(
        (status, body["output_format"][0].as_str()),
        (StatusCode::BAD_REQUEST, Some("This field is required."))
    );
    let (status, body) = post("s-demo-sample", json!({"output_format": "AMRISC"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["output_format"][0]
        .as_str()
        .unwrap()
        .contains("Allowed formats: JSON, DEBUGJSON, CSV"));
    let (status, body) = post(
        "s-demo-sample",
        json!({"output_format": "JSON", "revision": 9}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["revision"][0]
            .as_str()
            .unwrap()
            .contains("latest is 0"),
        "{body}"
    );
    let (status, _) = post("s-nobody", json!({"output_format": "JSON"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, failed) = get_json(&h, "/sov/activity?status=F&fields=id").await;
    let failed_id = failed["results"][0]["id"].as_str().unwrap().to_string();
    let (status, body) = body_json(
        h.post_json(
            &format!("/sov/{failed_id}/get_or_create_output"),
            &json!({"output_format": "JSON"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("failed to parse"));
    let (status, _) = get_json(&h, "/sov/get_or_create_output/not-a-request").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_building_answers_with_its_latest_revision() {
    let h = harness().await;
    let key = "i-s-demo-sample!Sheet1!2";
    let (status, before) = get_json(&h, &format!("/building/{key}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(before["const__bldg_year_built"], "1969");
    assert_eq!(before["revision"], 0);
    h.run_update(
        "s-demo-sample",
        "item_key,const__bldg_year_built\ni-s-demo-sample!Sheet1!2,1972\n",
        &json!({}),
    )
    .await;
    let (_, after) = get_json(&h, &format!("/building/{key}")).await;
    assert_eq!(after["const__bldg_year_built"], "1972");
    assert_eq!(after["revision"], 1);
    assert_eq!(after["item_key"], key);
    for missing in [
        "i-s-demo-sample!Sheet1!99",
        "i-s-nobody!Sheet1!2",
        "nonsense",
    ] {
        let (status, _) = get_json(&h, &format!("/building/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn seeded_updates_are_revisions_with_their_changes() {
    let h = harness().await;
    let (_, acme) = get_json(&h, "/sov/activity?search=Acme%202026%20SOV").await;
    let item = &acme["results"][0];
    assert_eq!(item["latest_revision"], 2);
    let id = item["id"].as_str().unwrap().to_string();
    let (status, r1) = get_json(&h, &format!("/sov/history/{id}-r001")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(r1["result"]["previous_sovid"].as_str(), Some(id.as_str()));
    let original = current_json(&h, &id, 0).await;
    let latest = current_json(&h, &id, -1).await;
    assert_ne!(
        original["buildings"], latest["buildings"],
        "two updates changed something"
    );
    assert_eq!(latest["id"].as_str(), Some(id.as_str()));
    assert_eq!(latest["extra_data"]["insured_name"], "Acme Corp");
}

#[tokio::test]
async fn the_annotation_knob_writes_dagger_attributes_as_objects() {
    let h = harness().await;
    h.sandbox.control().set_annotated_attributes(true);
    h.run_update(
        "s-demo-sample",
        "sheet_name,sheet_row_number,const__bldg_year_built\nSheet1,2,1972\n",
        &json!({}),
    )
    .await;
    let data = current_json(&h, "s-demo-sample", 0).await;
    let year = attribute(&data, 2, "const__bldg_year_built");
    assert_eq!(year["value"], "1969");
    assert_eq!(year["original"], "1969");
    assert_eq!(year["source"], "sov");
    let changed = current_json(&h, "s-demo-sample", 1).await;
    let year = attribute(&changed, 2, "const__bldg_year_built");
    assert_eq!(
        (
            year["value"].as_str(),
            year["original"].as_str(),
            year["source"].as_str()
        ),
        (Some("1972"), Some("1969"), Some("update"))
    );
    let keys: HashSet<&str> = year
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        HashSet::from([
            "value",
            "confidence",
            "original",
            "source",
            "units",
            "comment"
        ])
    );
    assert_eq!(
        attribute(&changed, 2, "limits__building_value")["units"],
        "USD"
    );
    assert_eq!(
        attribute(&changed, 2, "city"),
        "Miami Beach",
        "other attributes stay plain"
    );
}

/// The types the OpenAPI file in `docs/openapi/` gives a paged answer's own keys (not its items, which are open).
fn openapi_property_types(schema: &str) -> Vec<(String, String, bool)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../docs/openapi/sovfixer-update.openapi.json");
    let document: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let properties = document["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{schema} has no properties"));
    properties
        .iter()
        .filter_map(|(key, property)| {
            let kind = property["type"].as_str()?.to_owned();
            Some((key.clone(), kind, property["nullable"] == true))
        })
        .collect()
}

fn has_type(value: &Value, kind: &str, nullable: bool) -> bool {
    match value {
        Value::Null => nullable,
        Value::Number(n) if kind == "integer" => n.is_i64() || n.is_u64(),
        Value::Number(_) => kind == "number",
        Value::String(_) => kind == "string",
        Value::Bool(_) => kind == "boolean",
        Value::Array(_) => kind == "array",
        Value::Object(_) => kind == "object",
    }
}

#[tokio::test]
async fn paged_answers_have_the_types_the_openapi_file_gives_them() {
    let h = harness().await;
    let (_, first) = get_json(&h, "/sov/activity?page_size=3").await;
    let cursor = first["cursor_id"].as_str().unwrap().to_owned();
    let (_, middle) = get_json(&h, &format!("/sov/activity?page_size=3&cursor_id={cursor}")).await;
    let (_, history) = get_json(&h, "/sov/history?page_size=3").await;
    let checks = [
        ("ActivityResponse", &first),
        ("ActivityResponse", &middle),
        ("HistoryListResponse", &history),
    ];
    for (schema, page) in checks {
        let types = openapi_property_types(schema);
        assert!(!types.is_empty());
        for (key, kind, nullable) in types {
            let value = &page[key.as_str()];
            assert!(
                has_type(value, &kind, nullable),
                "{schema}.{key} is typed {kind} (nullable: {nullable}) in docs/openapi, the sandbox sent {value}"
            );
        }
    }
    // The key this test was written for: a count, sent as a number.
    assert_eq!(first["total_size_without_cursors"], first["total_count"]);
}

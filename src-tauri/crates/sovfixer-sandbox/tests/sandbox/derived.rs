//! What SOV Fixer changes on its own (the address line derived from street, city, state and zip) and the
//! fault that silently ignores one requested attribute.
#![allow(clippy::unwrap_used)]

use crate::common::{building, harness, output_url};
use serde_json::json;

#[tokio::test]
async fn correcting_an_address_part_recomputes_the_address_line_in_the_next_revision() {
    let h = harness().await;
    let csv = "sheet_name,sheet_row_number,street,city\nSheet1,2,2222 Lincoln Rd,\nSheet1,3,,Springfield\n";
    let last = h.run_update("s-demo-sample", csv, &json!({})).await;
    assert_eq!(last["result"]["status"], "SUCCESS");
    let output = h.download_json(&output_url(&last, "JSON")).await;
    assert_eq!(
        building(&output, 2)["bldg_street_descriptor"],
        "2222 Lincoln Rd, Miami Beach, FL 33139"
    );
    // Row 3 had no address line at all; one is derived from its parts.
    assert_eq!(
        building(&output, 3)["bldg_street_descriptor"],
        "1600 Pennsylvania Ave SE, Springfield, DC 20003"
    );
    // The next update builds on it: the zip alone changes, the line follows, the street stays corrected.
    let csv = "sheet_name,sheet_row_number,zip\nSheet1,2,33140\n";
    let next = h.run_update("s-demo-sample", csv, &json!({})).await;
    let output = h.download_json(&output_url(&next, "JSON")).await;
    assert_eq!(
        building(&output, 2)["bldg_street_descriptor"],
        "2222 Lincoln Rd, Miami Beach, FL 33140"
    );
}

#[tokio::test]
async fn an_address_line_given_in_the_row_wins_and_other_edits_leave_it_alone() {
    let h = harness().await;
    let csv = "sheet_name,sheet_row_number,street,bldg_street_descriptor,bldg_name\nSheet1,2,9 Ocean Dr,\"Lot 9, Ocean Drive\",\nSheet1,3,,,Annex\n";
    let last = h.run_update("s-demo-sample", csv, &json!({})).await;
    let output = h.download_json(&output_url(&last, "JSON")).await;
    assert_eq!(
        building(&output, 2)["bldg_street_descriptor"],
        "Lot 9, Ocean Drive"
    );
    assert_eq!(
        building(&output, 3)["bldg_street_descriptor"],
        serde_json::Value::Null
    );
    assert_eq!(building(&output, 3)["bldg_name"], "Annex");
}

#[tokio::test]
async fn the_ignore_fault_leaves_one_attribute_unchanged_and_still_reports_success() {
    let h = harness().await;
    h.sandbox
        .control()
        .set_ignored_attribute(Some("const__bldg_year_built".into()));
    let csv = "sheet_name,sheet_row_number,const__bldg_year_built,bldg_name\nSheet1,2,1972,Normal House\n";
    let last = h.run_update("s-demo-sample", csv, &json!({})).await;
    assert_eq!(last["result"]["status"], "SUCCESS");
    assert_eq!(last["result"]["message"], "Success.");
    let output = h.download_json(&output_url(&last, "JSON")).await;
    assert_eq!(building(&output, 2)["const__bldg_year_built"], "1969");
    assert_eq!(building(&output, 2)["bldg_name"], "Normal House");
    // Ending the fault: the next update applies it.
    h.sandbox.control().set_ignored_attribute(None);
    let last = h.run_update("s-demo-sample", csv, &json!({})).await;
    let output = h.download_json(&output_url(&last, "JSON")).await;
    assert_eq!(building(&output, 2)["const__bldg_year_built"], "1972");
}

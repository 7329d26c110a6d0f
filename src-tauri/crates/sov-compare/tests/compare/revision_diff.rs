//! What an update changed, and the change report that keeps it.
#![allow(clippy::unwrap_used)]

use std::io::Cursor;

use crate::support::{csv_file, sov, SOV_ID, THIS_YEAR};
use calamine::{Data, Reader as _};
use sov_compare::change_report::{
    save_change_report, ReportInfo, DERIVED_SHEET, REQUESTED_SHEET, SUMMARY_SHEET,
};
use sov_compare::revision_diff::RevisionDiff;
use sov_compare::{compare_revisions, preview, Outcome, RequestedChange};
use sov_workbook::Value;

/// Revision 2 after the user asked for year built 1972 on row 2 and roof "Metal" on row 3: SOV Fixer applied the
/// year, kept the old roof, and recomputed the full address of row 2.
fn update() -> (Vec<RequestedChange>, RevisionDiff) {
    let from = sov();
    let file = csv_file("sheet_name,sheet_row_number,Year built,Roof covering\nLocations,2,1972,\nLocations,3,,Metal\n");
    let requested =
        RequestedChange::from_preview(&preview(SOV_ID, "rev-1", &from, &file, THIS_YEAR));
    let mut to = from.clone();
    to[0]
        .attributes
        .insert("const__bldg_year_built".into(), Value::Number(1972.0));
    to[0].attributes.insert(
        "bldg_street_descriptor".into(),
        Value::Text("2 Ocean Drive, Miami Beach".into()),
    );
    let diff = compare_revisions(&from, &to, &requested);
    (requested, diff)
}

#[test]
fn requested_changes_are_confirmed_or_not_applied_and_the_rest_is_derived() {
    let (requested, diff) = update();
    assert_eq!(requested.len(), 2);
    let outcomes: Vec<(&str, Outcome)> = diff
        .requested
        .iter()
        .map(|change| (change.place.attribute.as_str(), change.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("const__bldg_year_built", Outcome::Confirmed),
            ("const__roof_covering", Outcome::NotApplied)
        ]
    );
    let ignored = &diff.requested[1];
    assert_eq!(ignored.now, Some(Value::Text("Built-up".into())));
    assert!(ignored
        .note
        .as_deref()
        .unwrap()
        .contains("SOV Fixer kept Built-up"));
    assert_eq!(diff.derived.len(), 1);
    assert_eq!(diff.derived[0].place.attribute, "bldg_street_descriptor");
    assert_eq!(diff.derived[0].before, None);
    assert_eq!(diff.changed_buildings, 1);
    assert_eq!(diff.untouched_buildings, 4);
    assert_eq!(
        diff.summary,
        "1 requested change confirmed, 1 not applied. SOV Fixer changed 1 other value on its own. 4 buildings untouched."
    );
}

#[test]
fn any_two_revisions_compare_without_requests_and_list_added_and_removed_buildings() {
    let from = sov();
    let mut to = from[1..].to_vec();
    to[0]
        .attributes
        .insert("limits__building_value".into(), Value::Number(1.0));
    let mut added = from[0].clone();
    added.item_key = "i-4242!Locations!40".into();
    added.sheet_row_number = 40;
    to.push(added);
    let diff = compare_revisions(&from, &to, &[]);
    assert!(diff.requested.is_empty());
    assert_eq!(diff.derived.len(), 1);
    assert_eq!(diff.removed_buildings, ["i-4242!Locations!2"]);
    assert_eq!(diff.added_buildings, ["i-4242!Locations!40"]);
    assert_eq!(diff.untouched_buildings, 3);
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    workbook
        .worksheet_range(name)
        .unwrap()
        .rows()
        .map(|row| row.iter().map(Data::to_string).collect())
        .collect()
}

#[test]
fn the_report_read_back_says_what_the_comparison_said() {
    let (_, diff) = update();
    let info = ReportInfo {
        sov_id: SOV_ID.into(),
        insured: "Acme Corp".into(),
        from_revision: "rev-1".into(),
        to_revision: "rev-2".into(),
        update_id: "upd-9".into(),
        when: "2026-12-03 10:15 UTC".into(),
        files_sent: vec!["Acme corrections.xlsx".into()],
        output_formats: vec!["json".into()],
    };
    let folder = tempfile::tempdir().unwrap();
    let path = save_change_report(folder.path(), "2026-12-03", &info, &diff).unwrap();
    assert_eq!(
        path.file_name().unwrap(),
        "Acme Corp change report 2026-12-03.xlsx"
    );
    let again = save_change_report(folder.path(), "2026-12-03", &info, &diff).unwrap();
    assert_eq!(
        again.file_name().unwrap(),
        "Acme Corp change report 2026-12-03 (2).xlsx"
    );
    let bytes = std::fs::read(path).unwrap();

    let summary = sheet(&bytes, SUMMARY_SHEET);
    assert!(summary.contains(&vec!["Revisions".to_owned(), "rev-1 → rev-2".to_owned()]));
    assert!(summary.contains(&vec!["In short".to_owned(), diff.summary.clone()]));
    let requested = sheet(&bytes, REQUESTED_SHEET);
    assert_eq!(requested.len(), 3);
    assert_eq!(
        requested[1][4..10],
        [
            "Year built",
            "const__bldg_year_built",
            "1962",
            "1972",
            "1972",
            "Confirmed"
        ]
        .map(String::from)
    );
    assert_eq!(requested[2][9], "Not applied");
    let derived = sheet(&bytes, DERIVED_SHEET);
    assert_eq!(
        derived[1][5..8],
        ["bldg_street_descriptor", "", "2 Ocean Drive, Miami Beach"].map(String::from)
    );
}

#[test]
fn when_every_building_changed_the_summary_does_not_say_zero_untouched() {
    let from = sov();
    let mut to = from.clone();
    for building in &mut to {
        building
            .attributes
            .insert("const__roof_covering".into(), Value::Text("Metal".into()));
    }
    let diff = compare_revisions(&from, &to, &[]);
    assert_eq!(diff.untouched_buildings, 0);
    assert!(!diff.summary.contains("untouched"), "{}", diff.summary);
    assert_eq!(
        diff.summary,
        format!("SOV Fixer changed {} other values on its own.", from.len())
    );
}

//! The preview of a corrections file against the SOV's current buildings.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use crate::support::{
    append_edited_copy, building, csv_file, edit, read, read_everything, sov, workbook, SOV_ID,
    THIS_YEAR,
};
use calamine::Data;
use sov_compare::flags::FlagKind;
use sov_compare::upload::{changes_csv, StaleChoice};
use sov_compare::{preview, UnmatchedReason};
use sov_workbook::Value;

#[test]
fn a_workbook_with_three_edits_previews_exactly_those_three_changes_and_sends_only_them() {
    let buildings = sov();
    let bytes = workbook(&buildings, "rev-1");
    let edited = edit(
        &bytes,
        &[
            (
                "i-4242!Locations!2",
                "Year built",
                Some(Data::Float(1972.0)),
            ),
            (
                "i-4242!Locations!4",
                "Roof covering",
                Some(Data::String("Metal".into())),
            ),
            (
                "i-4242!Locations!4",
                "Building value",
                Some(Data::Float(4_500_000.0)),
            ),
        ],
    );
    let result = preview(SOV_ID, "rev-1", &buildings, &read(edited), THIS_YEAR);
    assert!(!result.blocked);
    assert!(!result.stale_base);
    let changes: Vec<(u32, &str, Option<&Value>, &Value)> = result
        .changes
        .iter()
        .map(|change| {
            (
                change.sheet_row_number,
                change.attribute.as_str(),
                change.old.as_ref(),
                &change.new,
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                2,
                "const__bldg_year_built",
                Some(&Value::Number(1962.0)),
                &Value::Number(1972.0)
            ),
            (
                4,
                "limits__building_value",
                Some(&Value::Number(4_000_000.0)),
                &Value::Number(4_500_000.0)
            ),
            (
                4,
                "const__roof_covering",
                Some(&Value::Text("Built-up".into())),
                &Value::Text("Metal".into())
            ),
        ]
    );
    assert_eq!(result.changes[0].building, "Building 2, 2 Ocean Drive");
    assert_eq!(result.changes[0].label, "Year built");
    assert_eq!(result.unchanged_rows.len(), 3);
    assert_eq!(
        result.summary,
        "2 buildings change, 3 values. 3 rows change nothing."
    );

    let csv = String::from_utf8(changes_csv(&result, &HashMap::new()).unwrap().unwrap()).unwrap();
    assert_eq!(
        csv,
        "sheet_name,sheet_row_number,const__bldg_year_built,limits__building_value,const__roof_covering\n\
         Locations,2,1972,,\n\
         Locations,4,,4500000,Metal\n"
    );
}

#[test]
fn an_unedited_workbook_changes_nothing_and_sends_nothing() {
    let buildings = sov();
    let result = preview(
        SOV_ID,
        "rev-1",
        &buildings,
        &read(workbook(&buildings, "rev-1")),
        THIS_YEAR,
    );
    assert!(result.changes.is_empty());
    assert_eq!(result.summary, "Nothing changes. 5 rows change nothing.");
    assert_eq!(changes_csv(&result, &HashMap::new()).unwrap(), None);
}

#[test]
fn rows_matching_no_building_block_with_their_reason() {
    let file = csv_file(
        "item_key,sheet_name,sheet_row_number,Year built\n\
         ,Locations,99,1990\n\
         ,Summary,2,1990\n\
         i-9999!Locations!2,,,1990\n\
         i-4242!Locations!3,Locations,5,1990\n\
         ,,,1990\n\
         i-4242!Locations!6,,,1990\n\
         ,Locations,6,1991\n",
    );
    let result = preview(SOV_ID, "rev-1", &sov(), &file, THIS_YEAR);
    assert!(result.blocked);
    let reasons: Vec<(u32, UnmatchedReason)> = result
        .unmatched_rows
        .iter()
        .map(|row| (row.file_row, row.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            (2, UnmatchedReason::NoSuchRow),
            (3, UnmatchedReason::NoSuchSheet),
            (4, UnmatchedReason::ItemKeyFromAnotherSov),
            (5, UnmatchedReason::KeysDisagree),
            (6, UnmatchedReason::NoIdentity),
            (8, UnmatchedReason::DuplicateRow),
        ]
    );
    assert!(
        result.unmatched_rows[1]
            .message
            .contains("its sheets: Locations"),
        "{}",
        result.unmatched_rows[1].message
    );
    assert!(result.unmatched_rows[2]
        .message
        .contains("belongs to another SOV"));
    assert!(
        result.unmatched_rows[5]
            .message
            .contains("same building as row 7"),
        "{}",
        result.unmatched_rows[5].message
    );
    assert_eq!(result.changes.len(), 1);
    assert!(
        result
            .summary
            .ends_with("6 rows match no building in this SOV."),
        "{}",
        result.summary
    );
}

#[test]
fn a_cleared_cell_is_explained_and_not_sent() {
    let buildings = sov();
    let edited = edit(
        &workbook(&buildings, "rev-1"),
        &[("i-4242!Locations!3", "Roof covering", None)],
    );
    let result = preview(SOV_ID, "rev-1", &buildings, &read(edited), THIS_YEAR);
    assert!(result.changes.is_empty());
    assert_eq!(result.cleared_cells.len(), 1);
    assert!(result.cleared_cells[0]
        .message
        .contains("does not remove the value on SOV Fixer"));
    assert_eq!(result.cleared_cells[0].kept, Value::Text("Built-up".into()));
}

#[test]
fn suspicious_values_are_flagged_but_still_previewed() {
    let file = csv_file(
        "sheet_name,sheet_row_number,Year built,Building value,Stories,Latitude,Longitude\n\
         Locations,2,\"1,972\",25000000,250,28.54,-81.38\n",
    );
    let result = preview(SOV_ID, "rev-1", &sov(), &file, THIS_YEAR);
    assert!(!result.blocked);
    let kinds: Vec<FlagKind> = result.flags.iter().map(|flag| flag.kind).collect();
    assert_eq!(
        kinds,
        [
            FlagKind::TextInNumberColumn,
            FlagKind::MoneyJump,
            FlagKind::TooManyStories,
            FlagKind::MovedFar
        ]
    );
    assert_eq!(result.flags[0].suggested, Some(1972.0));
    assert_eq!(result.changes.len(), 5);
    assert!(
        result.summary.contains("4 values are worth a second look."),
        "{}",
        result.summary
    );
}

#[test]
fn keeping_only_the_edits_previews_exactly_what_reading_every_cell_does() {
    let made_from = sov();
    let bytes = edit(
        &workbook(&made_from, "rev-1"),
        &[
            (
                "i-4242!Locations!2",
                "Year built",
                Some(Data::Float(1972.0)),
            ),
            ("i-4242!Locations!3", "Roof covering", None),
            (
                "i-4242!Locations!4",
                "Building value",
                Some(Data::String("$1.2M".into())),
            ),
        ],
    );
    let mut now = made_from.clone();
    now[0] = building(2, "Building 2", 1965.0, 2_000_000.0);
    now[3] = building(5, "Building 5", 1965.0, 7_000_000.0);
    let edits = read(bytes.clone());
    let untouched_rows = edits
        .rows
        .iter()
        .filter(|row| row.values.is_empty())
        .count();
    assert_eq!(
        untouched_rows,
        edits.rows.len() - 3,
        "untouched rows keep no cells"
    );
    let everything = read_everything(bytes);
    assert!(everything.rows.iter().all(|row| !row.values.is_empty()));
    assert_eq!(
        preview(SOV_ID, "rev-2", &now, &edits, THIS_YEAR),
        preview(SOV_ID, "rev-2", &now, &everything, THIS_YEAR)
    );
}

#[test]
fn an_edited_copy_of_an_untouched_row_blocks_as_a_duplicate_whether_or_not_only_edits_are_kept() {
    let buildings = sov();
    let bytes = append_edited_copy(
        &workbook(&buildings, "rev-1"),
        "i-4242!Locations!3",
        "Year built",
        Data::Float(1990.0),
    );
    for file in [read(bytes.clone()), read_everything(bytes)] {
        let result = preview(SOV_ID, "rev-1", &buildings, &file, THIS_YEAR);
        assert!(result.blocked, "{}", result.summary);
        let duplicates: Vec<(u32, UnmatchedReason)> = result
            .unmatched_rows
            .iter()
            .map(|row| (row.file_row, row.reason))
            .collect();
        assert_eq!(duplicates, [(7, UnmatchedReason::DuplicateRow)]);
        assert!(
            result.unmatched_rows[0]
                .message
                .contains("same building as row 3"),
            "{}",
            result.unmatched_rows[0].message
        );
        assert!(result.changes.is_empty());
    }
}

#[test]
fn a_stale_base_shows_three_values_and_the_choice_decides_what_is_sent() {
    let made_from = sov();
    let bytes = edit(
        &workbook(&made_from, "rev-1"),
        &[
            (
                "i-4242!Locations!2",
                "Year built",
                Some(Data::Float(1972.0)),
            ),
            (
                "i-4242!Locations!3",
                "Roof covering",
                Some(Data::String("Tile".into())),
            ),
        ],
    );
    // Since the workbook was made, SOV Fixer changed year built of row 2 and building value of row 5.
    let mut now = made_from.clone();
    now[0] = building(2, "Building 2", 1965.0, 2_000_000.0);
    now[3] = building(5, "Building 5", 1965.0, 7_000_000.0);
    let result = preview(SOV_ID, "rev-2", &now, &read(bytes), THIS_YEAR);
    assert!(result.stale_base);
    assert_eq!(result.made_from_revision.as_deref(), Some("rev-1"));
    assert_eq!(result.stale_cells.len(), 1);
    let stale = &result.stale_cells[0];
    assert_eq!(
        (
            stale.attribute.as_str(),
            &stale.made_from,
            &stale.server_now,
            &stale.yours
        ),
        (
            "const__bldg_year_built",
            &Some(Value::Number(1962.0)),
            &Some(Value::Number(1965.0)),
            &Value::Number(1972.0)
        )
    );
    // Row 5's server change is not the user's: not reverted, not sent.
    let attributes: Vec<(&str, &str)> = result
        .changes
        .iter()
        .map(|change| (change.item_key.as_str(), change.attribute.as_str()))
        .collect();
    assert_eq!(
        attributes,
        [
            ("i-4242!Locations!2", "const__bldg_year_built"),
            ("i-4242!Locations!3", "const__roof_covering")
        ]
    );
    assert!(result
        .summary
        .contains("changed on SOV Fixer since the workbook was made"));

    let keep_server: HashMap<_, _> = [(
        (
            "i-4242!Locations!2".to_owned(),
            "const__bldg_year_built".to_owned(),
        ),
        StaleChoice::ServerNow,
    )]
    .into();
    let csv = String::from_utf8(changes_csv(&result, &keep_server).unwrap().unwrap()).unwrap();
    assert_eq!(
        csv,
        "sheet_name,sheet_row_number,const__roof_covering\nLocations,3,Tile\n"
    );
    let keep_made_from: HashMap<_, _> = [(
        (
            "i-4242!Locations!2".to_owned(),
            "const__bldg_year_built".to_owned(),
        ),
        StaleChoice::MadeFrom,
    )]
    .into();
    let csv = String::from_utf8(changes_csv(&result, &keep_made_from).unwrap().unwrap()).unwrap();
    assert!(csv.contains("Locations,2,1962,"), "{csv}");
}

#[test]
fn a_workbook_of_another_sov_is_warned_about_and_its_rows_block() {
    let buildings = sov();
    let file = read(workbook(&buildings, "rev-1"));
    let mut other_sov = buildings.clone();
    for building in &mut other_sov {
        building.item_key = building.item_key.replace("i-4242!", "i-7777!");
    }
    let result = preview("7777", "rev-1", &other_sov, &file, THIS_YEAR);
    assert!(result.warnings[0].contains("made from another SOV"));
    assert!(result.blocked);
    assert!(result
        .unmatched_rows
        .iter()
        .all(|row| row.reason == UnmatchedReason::ItemKeyFromAnotherSov));
}

#[test]
fn the_json_form_lists_every_change_with_its_identity_old_and_new() {
    let file = csv_file("sheet_name,sheet_row_number,Roof covering\nLocations,6,Metal\n");
    let result = preview(SOV_ID, "rev-1", &sov(), &file, THIS_YEAR);
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(
        json["changes"][0],
        serde_json::json!({
            "item_key": "i-4242!Locations!6", "sheet_name": "Locations", "sheet_row_number": 6,
            "building": "Building 6, 6 Ocean Drive", "file_row": 2, "attribute": "const__roof_covering",
            "label": "Roof covering", "old": "Built-up", "new": "Metal"
        })
    );
    for list in [
        "unmatched_rows",
        "unchanged_rows",
        "cleared_cells",
        "stale_cells",
        "flags",
    ] {
        assert!(json[list].is_array(), "{list}");
    }
    assert_eq!(json["summary"], "1 building changes, 1 value.");
}

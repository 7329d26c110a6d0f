#![allow(clippy::unwrap_used)]
//! The reader on real files: both key kinds, both attribute forms, and every way a file can be bad.

use std::io::Write;

use serde_json::{json, Value};
use sov_data::{for_each_building, BuildingIndex, ReadError};

fn write(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn sample() -> Value {
    json!({
        "policy_terms": {"layer_terms": [{"name": "a", "limit": 1}]},
        "id": "s-acme-1",
        "source_filename": "Acme 2026 SOV.xlsx",
        "num_buildings": 3,
        "buildings": [
            {"item_key": "i-s-acme-1!SOV!2", "sheet_name": "SOV", "sheet_row_number": 2,
             "building_counter": 1, "year_built": 1987, "street": "1 Main St, \"East\" wing"},
            {"item_key": "i-s-acme-1!SOV!3", "sheet_name": "SOV", "sheet_row_number": "3",
             "year_built": {"value": 2001, "confidence": 0.8, "original": "2001?", "source": "ping",
                            "units": null, "comment": "rounded"}, "sprinklered": null},
            {"sheet_name": "Annex { [ \"", "sheet_row_number": 7, "year_built": 1950.0}
        ],
        "uw_rules": [{"x": [1, 2, {"y": "]"}]}]
    })
}

#[test]
fn streaming_reads_every_building_with_its_keys_and_the_header() {
    let file = write(&serde_json::to_string_pretty(&sample()).unwrap());
    let mut seen = Vec::new();
    let header = for_each_building(std::fs::File::open(file.path()).unwrap(), |b| {
        seen.push(b);
        Ok(())
    })
    .unwrap();
    assert_eq!(header.id.as_deref(), Some("s-acme-1"));
    assert_eq!(
        header.source_filename.as_deref(),
        Some("Acme 2026 SOV.xlsx")
    );
    assert_eq!((header.num_buildings, header.buildings_read), (Some(3), 3));
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[1].sheet_row_number, Some(3));
    assert_eq!(seen[1].attribute("year_built").unwrap().value, &json!(2001));
    assert_eq!(
        seen[1].attribute("year_built").unwrap().comment,
        Some(&json!("rounded"))
    );
    assert_eq!(seen[0].attribute("year_built").unwrap().value, &json!(1987));
    assert_eq!(seen[2].item_key, None);
}

#[test]
fn the_index_finds_buildings_by_item_key_and_by_sheet_and_row() {
    // Compact and pretty-printed files alike: the byte ranges must hold in both.
    for text in [
        serde_json::to_string(&sample()).unwrap(),
        serde_json::to_string_pretty(&sample()).unwrap(),
    ] {
        let file = write(&text);
        let index = BuildingIndex::open(file.path()).unwrap();
        assert_eq!(index.len(), 3);
        let by_key = index.by_item_key("i-s-acme-1!SOV!3").unwrap().unwrap();
        assert_eq!(by_key.attribute("year_built").unwrap().value, &json!(2001));
        let by_row = index.by_sheet_row("SOV", 2).unwrap().unwrap();
        assert_eq!(by_row.item_key.as_deref(), Some("i-s-acme-1!SOV!2"));
        assert_eq!(
            by_row.attribute("street").unwrap().text(),
            "1 Main St, \"East\" wing"
        );
        let annex = index.by_sheet_row("Annex { [ \"", 7).unwrap().unwrap();
        assert_eq!(annex.attribute("year_built").unwrap().value, &json!(1950.0));
        assert!(index.by_item_key("i-s-acme-1!SOV!99").unwrap().is_none());
        assert!(index.by_sheet_row("SOV", 99).unwrap().is_none());
        assert!(index.by_sheet_row("Nope", 2).unwrap().is_none());
        assert_eq!(index.duplicates(), 0);
    }
}

#[test]
fn a_repeated_key_keeps_the_first_building_and_is_counted() {
    let file = write(
        r#"{"buildings": [{"item_key": "k", "sheet_name": "S", "sheet_row_number": 1, "v": "first"},
                          {"item_key": "k", "sheet_name": "S", "sheet_row_number": 1, "v": "second"}]}"#,
    );
    let index = BuildingIndex::open(file.path()).unwrap();
    assert_eq!(index.duplicates(), 1);
    assert_eq!(
        index.by_item_key("k").unwrap().unwrap().attributes["v"],
        "first"
    );
    assert_eq!(
        index.by_sheet_row("S", 1).unwrap().unwrap().attributes["v"],
        "first"
    );
}

fn error_of(text: &str) -> ReadError {
    let file = write(text);
    BuildingIndex::open(file.path()).unwrap_err()
}

#[test]
fn malformed_files_give_a_plain_error_naming_the_file_and_the_place() {
    let cut = error_of(r#"{"id": "s-1", "buildings": [{"item_key": "a"}, {"item_key": "#);
    let message = cut.message();
    assert!(message.contains("ends in the middle"), "{message}");
    assert!(message.contains("Fetch the SOV's data again"), "{message}");
    assert!(
        cut.path.is_some() && message.contains(&cut.path.as_ref().unwrap().display().to_string())
    );
    assert_eq!(cut.code(), sov_error::Code::FileError);

    let broken = error_of("{\"buildings\": [\n{\"item_key\": \"a\",, \"x\": 1}]}");
    assert_eq!(broken.position.map(|(line, _)| line), Some(2), "{broken}");
    assert!(broken.message().contains("line 2, column"), "{broken}");

    let not_a_building = error_of(r#"{"buildings": [1, 2]}"#);
    assert!(
        not_a_building.message().contains("not valid SOV data JSON"),
        "{not_a_building}"
    );

    let no_list = error_of(r#"{"id": "s-1"}"#);
    assert!(
        no_list.message().contains("no `buildings` list"),
        "{no_list}"
    );

    let a_list = error_of("[1, 2]");
    assert!(
        a_list.message().contains("not valid SOV data JSON"),
        "{a_list}"
    );

    let html = error_of("<html><body>502 Bad Gateway</body></html>");
    assert!(html.message().contains("line 1, column 1"), "{html}");

    let trailing = error_of(r#"{"buildings": []} {"#);
    assert!(
        trailing.message().contains("not valid SOV data JSON"),
        "{trailing}"
    );

    let missing =
        BuildingIndex::open(std::path::Path::new("/nonexistent/revision-1.json")).unwrap_err();
    assert!(
        missing.message().contains("could not be opened"),
        "{missing}"
    );
}

#[test]
fn an_error_from_the_caller_stops_the_pass() {
    let file = write(&serde_json::to_string(&sample()).unwrap());
    let mut calls = 0;
    let error = for_each_building(std::fs::File::open(file.path()).unwrap(), |_| {
        calls += 1;
        Err(sov_data::ReadError::new("the disk is full"))
    })
    .unwrap_err();
    assert_eq!(calls, 1);
    assert!(error.message().contains("the disk is full"));
}

#[test]
fn buildings_across_read_chunks_are_found_whole() {
    // Well over the scanner's 1 MiB chunk, with brackets, braces and escaped quotes inside strings,
    // so many buildings straddle a chunk boundary.
    let buildings: Vec<Value> = (0..4000)
        .map(|row| {
            json!({
                "item_key": format!("i-s-big!Sheet \"1\"!{row}"),
                "sheet_name": "Sheet \"1\"",
                "sheet_row_number": row,
                "note": format!("{} \\\"}}] {{[ \u{e9}", "x".repeat(row % 700)),
                "nested": {"list": [row, {"deep": [row]}]},
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(
        &json!({"id": "s-big", "buildings": buildings, "num_buildings": 4000}),
    )
    .unwrap();
    assert!(text.len() > 2 << 20);
    let file = write(&text);
    let index = BuildingIndex::open(file.path()).unwrap();
    assert_eq!(index.len(), 4000);
    assert_eq!(index.header().num_buildings, Some(4000));
    for row in (0..4000).step_by(7) {
        let building = index
            .by_item_key(&format!("i-s-big!Sheet \"1\"!{row}"))
            .unwrap()
            .unwrap();
        assert_eq!(building.sheet_row_number, Some(row));
        assert_eq!(building.attributes["nested"]["list"][1]["deep"][0], row);
        assert_eq!(
            index.by_sheet_row("Sheet \"1\"", row).unwrap().unwrap(),
            building
        );
    }
    let mut count = 0;
    for_each_building(std::fs::File::open(file.path()).unwrap(), |_| {
        count += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(count, 4000);
    // An error far into the file still names its line.
    let (at, _) = text.match_indices("\"nested\"").nth(2999).unwrap();
    let broken = format!(
        "{}\"nested\" ::{}",
        &text[..at],
        &text[at + "\"nested\"".len()..]
    );
    let error = error_of(&broken);
    let expected_line = broken
        .lines()
        .position(|line| line.contains("\"nested\" ::"))
        .unwrap()
        + 1;
    assert!(expected_line > 1000);
    assert_eq!(
        error.position.map(|(line, _)| line),
        Some(expected_line),
        "{error}"
    );
}

//! An SOV's buildings, corrections files made from them, and the edits a user makes to a workbook.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

use calamine::Data;
use sov_test_support::spreadsheet::{column_of, resave, row_of};
use sov_workbook::attributes::AttributeChoice;
use sov_workbook::reader::{read_bytes, read_corrections_bytes, Keep};
use sov_workbook::{corrections_workbook_bytes, Building, CorrectionsFile, Value, WorkbookSource};

pub const SOV_ID: &str = "4242";
pub const THIS_YEAR: i32 = 2026;

pub fn building(row: u32, name: &str, year: f64, value: f64) -> Building {
    let mut attributes: BTreeMap<std::sync::Arc<str>, Value> = BTreeMap::new();
    attributes.insert("bldg_name".into(), Value::Text(name.to_owned()));
    attributes.insert("street".into(), Value::Text(format!("{row} Ocean Drive")));
    attributes.insert("const__bldg_year_built".into(), Value::Number(year));
    attributes.insert("limits__building_value".into(), Value::Number(value));
    attributes.insert(
        "const__roof_covering".into(),
        Value::Text("Built-up".to_owned()),
    );
    attributes.insert("latitude".into(), Value::Number(25.79));
    attributes.insert("longitude".into(), Value::Number(-80.13));
    Building {
        item_key: format!("i-{SOV_ID}!Locations!{row}"),
        sheet_name: "Locations".to_owned(),
        sheet_row_number: row,
        attributes: attributes.into_iter().collect(),
    }
}

/// Five buildings on sheet "Locations", rows 2 to 6.
pub fn sov() -> Vec<Building> {
    (2..7)
        .map(|row| {
            building(
                row,
                &format!("Building {row}"),
                1960.0 + f64::from(row),
                1_000_000.0 * f64::from(row),
            )
        })
        .collect()
}

pub fn csv_file(text: &str) -> CorrectionsFile {
    read_corrections_bytes("corrections.csv", text.as_bytes().to_vec(), true).unwrap()
}

pub fn workbook(buildings: &[Building], revision: &str) -> Vec<u8> {
    let source = WorkbookSource {
        sov_id: SOV_ID,
        revision,
        made_at: "2026-12-03T10:00:00Z",
        buildings,
    };
    corrections_workbook_bytes(&source, &AttributeChoice::Default).unwrap()
}

/// Sets the cell of the building `item_key` under `header` in the workbook's first sheet (`None` empties it).
pub fn edit(bytes: &[u8], edits: &[(&str, &str, Option<Data>)]) -> Vec<u8> {
    resave(bytes, |main| {
        for (item_key, header, value) in edits {
            let (row, column) = (row_of(main, item_key), column_of(main, header));
            main.rows[row][column] = value.clone().unwrap_or(Data::Empty);
        }
    })
}

/// Adds a copy of the building `item_key`'s row at the end of the first sheet, with its cell under `header` set to
/// `value` (a user pasting a row twice and changing the copy).
pub fn append_edited_copy(bytes: &[u8], item_key: &str, header: &str, value: Data) -> Vec<u8> {
    resave(bytes, |main| {
        let mut copy = main.rows[row_of(main, item_key)].clone();
        copy[column_of(main, header)] = value;
        main.rows.push(copy);
    })
}

/// Our workbook read as the preview reads it: only the edited cells kept.
pub fn read(bytes: Vec<u8>) -> CorrectionsFile {
    read_bytes("Acme corrections.xlsx", bytes, false, Keep::Edits).unwrap()
}

/// Our workbook read with every cell kept.
pub fn read_everything(bytes: Vec<u8>) -> CorrectionsFile {
    read_corrections_bytes("Acme corrections.xlsx", bytes, false).unwrap()
}

//! An SOV's buildings, corrections files made from them, and the edits a user makes to a workbook.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader as _};
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
    rewrite(bytes, |main| {
        for (item_key, header, value) in edits {
            let (row, column) = cell_of(main, item_key, header);
            main[row][column] = value.clone().unwrap_or(Data::Empty);
        }
    })
}

/// Adds a copy of the building `item_key`'s row at the end of the first sheet, with its cell under `header` set to
/// `value` (a user pasting a row twice and changing the copy).
pub fn append_edited_copy(bytes: &[u8], item_key: &str, header: &str, value: Data) -> Vec<u8> {
    rewrite(bytes, |main| {
        let (row, column) = cell_of(main, item_key, header);
        let mut copy = main[row].clone();
        copy[column] = value;
        main.push(copy);
    })
}

fn cell_of(main: &[Vec<Data>], item_key: &str, header: &str) -> (usize, usize) {
    let column = main[0]
        .iter()
        .position(|cell| matches!(cell, Data::String(text) if text == header))
        .unwrap();
    let row = main
        .iter()
        .position(|row| matches!(&row[0], Data::String(text) if text == item_key))
        .unwrap();
    (row, column)
}

/// The workbook saved again after `change` has edited its first sheet's grid (the other sheets kept as read).
fn rewrite(bytes: &[u8], change: impl FnOnce(&mut Vec<Vec<Data>>)) -> Vec<u8> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut grids: Vec<(String, Vec<Vec<Data>>)> = workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let rows = workbook
                .worksheet_range(&name)
                .unwrap()
                .rows()
                .map(<[Data]>::to_vec)
                .collect();
            (name, rows)
        })
        .collect();
    change(&mut grids[0].1);
    let mut out = rust_xlsxwriter::Workbook::new();
    for (index, (name, rows)) in grids.iter().enumerate() {
        let sheet = out.add_worksheet();
        sheet.set_name(name).unwrap();
        sheet.set_hidden(index > 0);
        for (row, cells) in rows.iter().enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                let (row, column) = (row as u32, column as u16);
                match cell {
                    Data::Float(number) => {
                        sheet.write_number(row, column, *number).unwrap();
                    }
                    Data::Int(number) => {
                        sheet.write_number(row, column, *number as f64).unwrap();
                    }
                    Data::String(text) => {
                        sheet.write_string(row, column, text).unwrap();
                    }
                    _ => {}
                }
            }
        }
    }
    out.save_to_buffer().unwrap()
}

/// Our workbook read as the preview reads it: only the edited cells kept.
pub fn read(bytes: Vec<u8>) -> CorrectionsFile {
    read_bytes("Acme corrections.xlsx", bytes, false, Keep::Edits).unwrap()
}

/// Our workbook read with every cell kept.
pub fn read_everything(bytes: Vec<u8>) -> CorrectionsFile {
    read_corrections_bytes("Acme corrections.xlsx", bytes, false).unwrap()
}

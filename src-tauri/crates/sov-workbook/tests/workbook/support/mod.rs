//! Buildings to make workbooks from, and a way to read and rewrite a workbook's sheets as a grid (what a user's
//! spreadsheet program does to the file).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader as _};
use sov_workbook::{Building, Value};

pub const SOV_ID: &str = "4242";

/// `count` buildings of SOV 4242 on sheet "Locations", rows 2.., with values for the default attributes.
pub fn buildings(count: usize) -> Vec<Building> {
    (0..count)
        .map(|index| {
            let row = index as u32 + 2;
            let mut attributes: BTreeMap<std::sync::Arc<str>, Value> = BTreeMap::new();
            let mut set = |name: &str, value: Value| {
                attributes.insert(name.into(), value);
            };
            set("bldg_name", Value::Text(format!("Building {index}")));
            set(
                "street",
                Value::Text(format!("{} Ocean Drive", 100 + index)),
            );
            set("city", Value::Text("Miami Beach".into()));
            set("state", Value::Text("FL".into()));
            set("zip", Value::Text("33139".into()));
            set(
                "limits__building_value",
                Value::Number(1_000_000.0 + index as f64 * 1000.0),
            );
            set(
                "const__bldg_year_built",
                Value::Number(1960.0 + (index % 50) as f64),
            );
            set(
                "const__num_stories",
                Value::Number(1.0 + (index % 7) as f64),
            );
            set("const__roof_covering", Value::Text("Built-up".into()));
            set("latitude", Value::Number(25.79 + index as f64 * 0.0001));
            set("longitude", Value::Number(-80.13));
            Building {
                item_key: format!("i-{SOV_ID}!Locations!{row}"),
                sheet_name: "Locations".into(),
                sheet_row_number: row,
                attributes: attributes.into_iter().collect(),
            }
        })
        .collect()
}

/// A sheet as a grid of cells (`Data::Empty` where nothing is), with whether it is hidden.
#[derive(Debug, Clone)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<Vec<Data>>,
}

pub fn read_grids(bytes: &[u8]) -> Vec<Grid> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).unwrap();
            Grid {
                name,
                rows: range.rows().map(|row| row.to_vec()).collect(),
            }
        })
        .collect()
}

/// Writes the grids back as a plain xlsx (sheets after the first hidden, as ours is).
pub fn write_grids(grids: &[Grid]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (index, grid) in grids.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&grid.name).unwrap();
        if index > 0 {
            sheet.set_hidden(true);
        }
        for (row, cells) in grid.rows.iter().enumerate() {
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
                    Data::Bool(flag) => {
                        sheet.write_boolean(row, column, *flag).unwrap();
                    }
                    _ => {}
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// The column of `header` in the grid's first row.
pub fn column_of(grid: &Grid, header: &str) -> usize {
    grid.rows[0]
        .iter()
        .position(|cell| matches!(cell, Data::String(text) if text == header))
        .unwrap_or_else(|| panic!("no column {header}"))
}

/// The grid row whose first column holds `item_key`.
pub fn row_of(grid: &Grid, item_key: &str) -> usize {
    grid.rows
        .iter()
        .position(|row| matches!(row.first(), Some(Data::String(text)) if text == item_key))
        .unwrap_or_else(|| panic!("no row {item_key}"))
}

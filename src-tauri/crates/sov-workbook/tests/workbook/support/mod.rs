//! Buildings to make workbooks from (reading and rewriting a workbook's sheets as a grid, what a user's spreadsheet
//! program does to the file, is `sov_test_support::spreadsheet`).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;

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

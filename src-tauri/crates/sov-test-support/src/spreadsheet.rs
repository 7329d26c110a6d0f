//! A workbook re-saved as a user's spreadsheet program saves it: every sheet read as a grid of values, edited, and
//! written again as a plain xlsx (numbers, text and true/false kept; our formats, validation and locks gone; sheets
//! after the first hidden, as ours is). The corrections workbook's tests edit it this way.

use std::io::Cursor;
use std::path::Path;

pub use calamine::Data;
use calamine::Reader as _;

/// A sheet as a grid of cells (`Data::Empty` where nothing is).
#[derive(Debug, Clone)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<Vec<Data>>,
}

/// Every sheet of an xlsx, in order.
pub fn read_grids(bytes: &[u8]) -> Vec<Grid> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).unwrap();
            Grid {
                name,
                rows: range.rows().map(<[Data]>::to_vec).collect(),
            }
        })
        .collect()
}

/// The grids written back as a plain xlsx, sheets after the first hidden. Cells other than numbers, text and
/// true/false (dates, errors) are left empty: our workbook has none.
pub fn write_grids(grids: &[Grid]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (index, grid) in grids.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&grid.name).unwrap();
        sheet.set_hidden(index > 0);
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

/// The workbook saved again after `change` has edited its first sheet (the other sheets kept as read).
pub fn resave(bytes: &[u8], change: impl FnOnce(&mut Grid)) -> Vec<u8> {
    let mut grids = read_grids(bytes);
    change(&mut grids[0]);
    write_grids(&grids)
}

/// The workbook at `workbook` saved again as `out` with `edits` made on its first sheet: (item key, header,
/// value).
pub fn resave_with_edits(workbook: &Path, edits: &[(&str, &str, Data)], out: &Path) {
    let edited = resave(&std::fs::read(workbook).unwrap(), |main| {
        // Cells are found as the workbook was made, so one edit may change an item key that another looks for.
        let original = main.clone();
        for (item_key, header, value) in edits {
            main.rows[row_of(&original, item_key)][column_of(&original, header)] = value.clone();
        }
    });
    std::fs::write(out, edited).unwrap();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(name: &str, rows: Vec<Vec<Data>>) -> Grid {
        Grid {
            name: name.to_owned(),
            rows,
        }
    }

    #[test]
    fn a_resaved_workbook_keeps_its_values_and_sheets_with_the_edit_made() {
        let text = |value: &str| Data::String(value.to_owned());
        let bytes = write_grids(&[
            grid(
                "Corrections",
                vec![
                    vec![text("Item key"), text("Year built"), text("Sprinklered")],
                    vec![text("i-1"), Data::Float(1960.0), Data::Bool(true)],
                ],
            ),
            grid("_data", vec![vec![text("base")]]),
        ]);
        let dir =
            std::env::temp_dir().join(format!("sov-test-support-xlsx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (made, edited) = (dir.join("made.xlsx"), dir.join("edited.xlsx"));
        std::fs::write(&made, bytes).unwrap();
        resave_with_edits(
            &made,
            &[("i-1", "Year built", Data::Float(1972.0))],
            &edited,
        );
        let grids = read_grids(&std::fs::read(&edited).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();

        assert_eq!(grids.len(), 2);
        assert_eq!(grids[1].name, "_data");
        assert_eq!(grids[1].rows, [[text("base")]]);
        let main = &grids[0];
        assert_eq!(
            main.rows[row_of(main, "i-1")][column_of(main, "Year built")],
            Data::Float(1972.0)
        );
        assert_eq!(main.rows[1][2], Data::Bool(true));
    }
}

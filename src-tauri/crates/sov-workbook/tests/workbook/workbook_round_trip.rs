//! The corrections workbook written from buildings and read back, as is and after the edits a user makes.
#![allow(clippy::unwrap_used)]

use crate::support::{buildings, SOV_ID};
use calamine::{Data, Reader as _};
use sov_test_support::spreadsheet::{column_of, read_grids, row_of, write_grids};
use sov_workbook::attributes::AttributeChoice;
use sov_workbook::reader::read_corrections_bytes;
use sov_workbook::snapshot::DATA_SHEET;
use sov_workbook::{
    corrections_workbook_bytes, save_corrections_workbook, Entry, Value, WorkbookSource,
};

fn workbook(count: usize, choice: &AttributeChoice) -> Vec<u8> {
    let buildings = buildings(count);
    let source = WorkbookSource {
        sov_id: SOV_ID,
        revision: "rev-7",
        made_at: "2026-12-03T10:00:00Z",
        buildings: &buildings,
    };
    corrections_workbook_bytes(&source, choice).unwrap()
}

#[test]
fn the_workbook_has_plain_headers_identity_first_and_a_hidden_sheet_read_back_as_made() {
    let bytes = workbook(3, &AttributeChoice::Default);
    let grids = read_grids(&bytes);
    assert_eq!(grids[0].name, "Corrections");
    assert_eq!(grids[1].name, DATA_SHEET);
    let headers: Vec<String> = grids[0].rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(&headers[..3], ["Item key", "Sheet", "Row"]);
    assert!(headers.contains(&"Year built".to_owned()));
    assert!(headers.contains(&"Building value".to_owned()));
    assert!(!headers.iter().any(|header| header.contains("__")));

    let mut opened =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let visibility: Vec<_> = opened
        .sheets_metadata()
        .iter()
        .map(|sheet| sheet.visible)
        .collect();
    assert_eq!(
        visibility,
        [
            calamine::SheetVisible::Visible,
            calamine::SheetVisible::Hidden
        ]
    );
    let _ = opened.worksheet_range("Corrections").unwrap();

    let file = read_corrections_bytes("Acme corrections.xlsx", bytes, false).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let snapshot = file.snapshot.as_ref().unwrap();
    assert_eq!(snapshot.sov_id, SOV_ID);
    assert_eq!(snapshot.revision, "rev-7");
    assert_eq!(snapshot.base.len(), 3);
    assert_eq!(
        snapshot.base_value(&format!("i-{SOV_ID}!Locations!3"), "const__bldg_year_built"),
        Some(Value::Number(1961.0))
    );
    assert_eq!(file.rows.len(), 3);
    let second = &file.rows[1];
    assert_eq!(second.file_row, 3);
    assert_eq!(second.key.sheet_name.as_deref(), Some("Locations"));
    assert_eq!(second.key.sheet_row_number, Some(3));
    assert_eq!(
        file.value(second, "zip"),
        Some(&Value::Text("33139".into()))
    );
    assert_eq!(
        file.value(second, "limits__building_value"),
        Some(&Value::Number(1_001_000.0))
    );
    // Not present on the building: an empty cell, not a made-up value.
    assert_eq!(file.value(second, "limits__bi_limit"), None);
}

#[test]
fn all_attributes_shows_every_attribute_the_buildings_have_and_named_ones_only_those() {
    let all =
        read_corrections_bytes("all.xlsx", workbook(2, &AttributeChoice::All), false).unwrap();
    let names: Vec<&str> = all.attributes.iter().map(String::as_str).collect();
    assert!(names.contains(&"latitude"));
    assert_eq!(names.len(), 11);
    let named =
        AttributeChoice::Named(vec!["const__roof_covering".into(), "wind_speed_mph".into()]);
    let some = read_corrections_bytes("some.xlsx", workbook(2, &named), false).unwrap();
    let names: Vec<&str> = some.attributes.iter().map(String::as_str).collect();
    assert_eq!(names, ["const__roof_covering", "wind_speed_mph"]);
}

#[test]
fn re_sorted_rows_and_moved_columns_are_still_read_by_their_headers() {
    let mut grids = read_grids(&workbook(4, &AttributeChoice::Default));
    let main = &mut grids[0];
    // Sort the rows descending and move "Year built" to the end.
    let header = main.rows.remove(0);
    main.rows.reverse();
    main.rows.insert(0, header);
    let year = column_of(main, "Year built");
    for row in &mut main.rows {
        let cell = row.remove(year);
        row.push(cell);
    }
    let edited = row_of(main, &format!("i-{SOV_ID}!Locations!2"));
    let year = column_of(main, "Year built");
    main.rows[edited][year] = Data::Float(1972.0);

    let file = read_corrections_bytes("sorted.xlsx", write_grids(&grids), false).unwrap();
    assert!(file.snapshot.is_some(), "{:?}", file.warnings);
    let row = file
        .rows
        .iter()
        .find(|row| row.key.sheet_row_number == Some(2))
        .unwrap();
    assert_eq!(
        file.value(row, "const__bldg_year_built"),
        Some(&Value::Number(1972.0))
    );
    assert_eq!(row.file_row, 5);
}

#[test]
fn an_unknown_added_column_is_warned_about_and_not_read() {
    let mut grids = read_grids(&workbook(2, &AttributeChoice::Default));
    for (index, row) in grids[0].rows.iter_mut().enumerate() {
        row.push(if index == 0 {
            Data::String("My notes".into())
        } else {
            Data::String("call broker".into())
        });
    }
    let file = read_corrections_bytes("notes.xlsx", write_grids(&grids), false).unwrap();
    assert_eq!(file.warnings.len(), 1);
    assert!(
        file.warnings[0].contains("“My notes”"),
        "{}",
        file.warnings[0]
    );
    assert!(file.warnings[0].contains("not sent"));
    assert!(!file.rows[0]
        .values
        .contains(&Entry::Value(Value::Text("call broker".into()))));
}

#[test]
fn a_hand_edited_hidden_sheet_is_not_trusted_and_the_headers_still_work() {
    let mut grids = read_grids(&workbook(2, &AttributeChoice::Default));
    let data = &mut grids[1];
    // Someone unhides the sheet and changes year built 1961 of the second building to 1800.
    let base_row = data.rows.len() - 2;
    let Data::String(values) = &data.rows[base_row][2] else {
        panic!(
            "the base values are one JSON text: {:?}",
            data.rows[base_row]
        );
    };
    assert!(values.contains("1961.0"), "{values}");
    data.rows[base_row][2] = Data::String(values.replace("1961.0", "1800.0"));
    let file = read_corrections_bytes("tampered.xlsx", write_grids(&grids), false).unwrap();
    assert!(file.snapshot.is_none());
    assert_eq!(file.warnings.len(), 1);
    assert!(file.warnings[0].contains("was changed after SOV Updater made it"));
    assert_eq!(file.rows.len(), 2);
    assert_eq!(
        file.value(&file.rows[0], "const__bldg_year_built"),
        Some(&Value::Number(1960.0))
    );
}

#[test]
fn with_the_hidden_sheet_deleted_the_plain_headers_are_understood() {
    let mut grids = read_grids(&workbook(2, &AttributeChoice::Default));
    grids.truncate(1);
    let file = read_corrections_bytes("no data sheet.xlsx", write_grids(&grids), false).unwrap();
    assert!(file.snapshot.is_none());
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(
        file.value(&file.rows[0], "const__roof_covering"),
        Some(&Value::Text("Built-up".into()))
    );
    assert_eq!(
        file.rows[0].key.item_key.as_deref(),
        Some("i-4242!Locations!2")
    );
}

#[test]
fn a_csv_with_attribute_names_or_labels_is_read() {
    let csv = "sheet_name,Sheet row number,Year built,const__roof_covering,Notes\n\
               Locations,2,1972,Metal,x\n\
               ,,,,\n\
               Locations,3,,Tile,\n";
    let file = read_corrections_bytes("mine.csv", csv.as_bytes().to_vec(), true).unwrap();
    assert_eq!(file.rows.len(), 2);
    assert_eq!(file.rows[1].file_row, 4);
    assert_eq!(file.rows[0].key.sheet_row_number, Some(2));
    assert_eq!(
        file.value(&file.rows[0], "const__bldg_year_built"),
        Some(&Value::Text("1972".into()))
    );
    assert_eq!(file.value(&file.rows[1], "const__bldg_year_built"), None);
    assert!(file.warnings[0].contains("Column E (“Notes”)"));
}

#[test]
fn files_that_cannot_be_used_say_why_and_what_to_do() {
    let no_identity =
        read_corrections_bytes("x.csv", b"Year built\n1972\n".to_vec(), true).unwrap_err();
    assert_eq!(no_identity.code, sov_error::Code::InvalidInput);
    assert!(no_identity.message.contains("no “Item key” column"));
    let empty = read_corrections_bytes("empty.csv", Vec::new(), true).unwrap_err();
    assert!(empty.message.contains("“empty.csv” is empty"));
    let twice = read_corrections_bytes(
        "twice.csv",
        b"item_key,Year built,const__bldg_year_built\n".to_vec(),
        true,
    )
    .unwrap_err();
    assert!(
        twice.message.contains("Columns B and C"),
        "{}",
        twice.message
    );
    let garbage =
        read_corrections_bytes("x.xlsx", b"PK\x03\x04 not really".to_vec(), false).unwrap_err();
    assert!(garbage
        .message
        .contains("not a spreadsheet SOV Updater can read"));
    let mut empty_book = rust_xlsxwriter::Workbook::new();
    empty_book.add_worksheet();
    let empty_book =
        read_corrections_bytes("blank.xlsx", empty_book.save_to_buffer().unwrap(), false)
            .unwrap_err();
    assert!(empty_book.message.contains("is empty"));
}

#[test]
fn saving_never_overwrites_and_uses_a_plain_name() {
    let folder = tempfile::tempdir().unwrap();
    let buildings = buildings(1);
    let source = WorkbookSource {
        sov_id: SOV_ID,
        revision: "rev-7",
        made_at: "2026-12-03T10:00:00Z",
        buildings: &buildings,
    };
    let first = save_corrections_workbook(
        folder.path(),
        "Acme Corp",
        "2026-12-03",
        &source,
        &AttributeChoice::Default,
    )
    .unwrap();
    let second = save_corrections_workbook(
        folder.path(),
        "Acme Corp",
        "2026-12-03",
        &source,
        &AttributeChoice::Default,
    )
    .unwrap();
    assert_eq!(
        first.file_name().unwrap(),
        "Acme Corp corrections 2026-12-03.xlsx"
    );
    assert_eq!(
        second.file_name().unwrap(),
        "Acme Corp corrections 2026-12-03 (2).xlsx"
    );
    assert!(read_corrections_bytes("x.xlsx", std::fs::read(first).unwrap(), false).is_ok());
}

#[test]
fn a_csv_saved_by_excel_on_windows_is_read_in_its_encoding() {
    // "Café Américain" in Windows-1252, as Excel's "CSV (Comma delimited)" saves it, and the same in UTF-8 with a BOM.
    let mut windows = b"item_key,Building name\ni-4242!Locations!2,Caf".to_vec();
    windows.extend([0xE9, b' ', b'A', b'm', 0xE9]);
    windows.extend(b"ricain\n");
    let utf8 = "\u{feff}item_key,Building name\ni-4242!Locations!2,Café Américain\n";
    for bytes in [windows, utf8.as_bytes().to_vec()] {
        let file = read_corrections_bytes("excel.csv", bytes, true).unwrap();
        assert_eq!(
            file.value(&file.rows[0], "bldg_name"),
            Some(&Value::Text("Café Américain".into()))
        );
        assert_eq!(
            file.rows[0].key.item_key.as_deref(),
            Some("i-4242!Locations!2")
        );
    }
}

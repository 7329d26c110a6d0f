//! `run --all-sheets` on an underwriter's workbook with a sheet per location group: every sheet is
//! checked and sent as a file of its own, and a sheet that cannot be read stops the run before
//! anything is sent.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::*;

/// Column choices for the friendly headers of the North sheet (the South sheet has attribute names).
const MAP: [&str; 8] = [
    "--map",
    "Sheet=sheet_name",
    "--map",
    "Row=sheet_row_number",
    "--map",
    "Building Name=bldg_name",
    "--map",
    "Year Built=const__bldg_year_built",
];

/// `North`: a title row, a blank row, then friendly headers and Normal House; `South`: attribute
/// headers and Warehouse 4. Numbers are typed as numbers, as in Excel.
fn location_workbook(dir: &Path, extra_sheet: Option<&str>) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let north = book.add_worksheet();
    north.set_name("North").unwrap();
    north.write_string(0, 0, "North locations 2026").unwrap();
    for (column, header) in ["Sheet", "Row", "Building Name", "Year Built"]
        .iter()
        .enumerate()
    {
        north.write_string(2, column as u16, *header).unwrap();
    }
    north.write_string(3, 0, "Sheet1").unwrap();
    north.write_number(3, 1, 2).unwrap();
    north.write_string(3, 2, "Normal House").unwrap();
    north.write_number(3, 3, 1969).unwrap();
    let south = book.add_worksheet();
    south.set_name("South").unwrap();
    for (column, header) in [
        "sheet_name",
        "sheet_row_number",
        "bldg_name",
        "const__bldg_year_built",
    ]
    .iter()
    .enumerate()
    {
        south.write_string(0, column as u16, *header).unwrap();
    }
    south.write_string(1, 0, "Sheet1").unwrap();
    south.write_number(1, 1, 3).unwrap();
    south.write_string(1, 2, "Warehouse 4").unwrap();
    south.write_number(1, 3, 1988).unwrap();
    if let Some(name) = extra_sheet {
        let extra = book.add_worksheet();
        extra.set_name(name).unwrap();
        extra.write_string(0, 0, "sheet_name").unwrap();
    }
    let path = dir.join("Acme by location.xlsx");
    book.save(&path).unwrap();
    path
}

/// The workbook with the XML of its third sheet replaced by something no program can read, as a
/// damaged copy would have it.
fn with_a_damaged_third_sheet(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if name == "xl/worksheets/sheet3.xml" {
            content = b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>".to_vec();
        }
        writer.start_file(name, options).unwrap();
        writer.write_all(&content).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn every_sheet_is_checked_and_sent_as_a_file_named_after_it() {
    let sandbox = Sandbox::start(Duration::from_millis(600));
    let work = Workspace::new();
    let workbook = location_workbook(work.path(), None);
    let workbook = workbook.display().to_string();
    let mut args = vec!["run", SOV, &workbook, "--all-sheets", "--nowait"];
    args.extend(MAP);
    let output = work.run(&sandbox, &args);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));

    let job = &sandbox.control().jobs()[0];
    let sent: Vec<(&str, u64, u64)> = job
        .uploads
        .iter()
        .map(|upload| (upload.filename.as_str(), upload.rows, upload.bytes))
        .collect();
    // The sandbox refuses a header that is not an attribute name: both sheets arrive as attribute names.
    let header = "sheet_name,sheet_row_number,bldg_name,const__bldg_year_built\n";
    let north = format!("{header}Sheet1,2,Normal House,1969\n");
    let south = format!("{header}Sheet1,3,Warehouse 4,1988\n");
    assert_eq!(
        sent,
        vec![
            ("Acme by location - North.csv", 1, north.len() as u64),
            ("Acme by location - South.csv", 1, south.len() as u64),
        ]
    );
}

#[test]
fn without_all_sheets_only_the_first_sheet_is_sent() {
    let sandbox = Sandbox::start(Duration::from_millis(600));
    let work = Workspace::new();
    let workbook = location_workbook(work.path(), None);
    let workbook = workbook.display().to_string();
    let mut args = vec!["run", SOV, &workbook, "--nowait"];
    args.extend(MAP);
    let output = work.run(&sandbox, &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let uploads = &sandbox.control().jobs()[0].uploads;
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].filename, "Acme by location.csv");
}

#[test]
fn a_sheet_that_cannot_be_read_is_named_and_nothing_is_sent() {
    let sandbox = Sandbox::start(Duration::from_millis(600));
    let work = Workspace::new();
    let workbook = location_workbook(work.path(), Some("Damaged"));
    with_a_damaged_third_sheet(&workbook);
    let workbook = workbook.display().to_string();
    let mut args = vec!["run", SOV, &workbook, "--all-sheets"];
    args.extend(MAP);

    let blocked = work.run(&sandbox, &args);
    assert_eq!(code(&blocked), 3, "{}", stderr(&blocked));
    let text = format!("{}{}", stdout(&blocked), stderr(&blocked));
    assert!(
        text.contains(
            "Acme by location.xlsx, sheet `Damaged` has problems that must be fixed before sending"
        ),
        "{text}"
    );
    assert!(
        text.contains("The sheet `Damaged` of `Acme by location.xlsx` could not be read"),
        "{text}"
    );
    assert!(sandbox.control().jobs().is_empty(), "nothing was sent");

    // Sent anyway, the damaged sheet still cannot be read: the run stops before anything is sent.
    args.push("--override-preflight");
    let overridden = work.run(&sandbox, &args);
    assert_eq!(code(&overridden), 1, "{}", stderr(&overridden));
    let text = stderr(&overridden);
    assert!(
        text.contains("Acme by location.xlsx, sheet `Damaged` cannot be sent"),
        "{text}"
    );
    assert!(text.contains("Nothing was sent."), "{text}");
    assert!(sandbox.control().jobs().is_empty(), "nothing was sent");
}

#[test]
fn all_sheets_and_one_sheet_cannot_be_asked_together() {
    let work = Workspace::new();
    let workbook = location_workbook(work.path(), None);
    let workbook = workbook.display().to_string();
    let mut command = work.cli();
    command.args(["run", SOV, &workbook, "--all-sheets", "--sheet", "North"]);
    let output = output_of(command);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
}

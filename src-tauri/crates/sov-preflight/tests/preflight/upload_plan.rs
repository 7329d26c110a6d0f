//! Upload plans: parts carry the header, their rows in order, and exactly `byte_len` bytes.
#![allow(clippy::unwrap_used)]

use std::io::Read;

use crate::support::{corpus, write_file};
use sov_preflight::{plan_upload, CheckOptions, PreflightError, UploadPlan};

fn part_text(plan: &UploadPlan, index: usize) -> String {
    let mut bytes = Vec::new();
    plan.open_part(index)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(
        bytes.len() as u64,
        plan.parts()[index].byte_len,
        "byte_len of part {index}"
    );
    String::from_utf8(bytes).unwrap()
}

#[test]
fn a_clean_small_csv_is_sent_as_the_file_itself() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../samples/test_reoutput_locations.csv");
    let plan = plan_upload(&path, &CheckOptions::default(), None).unwrap();
    assert_eq!(plan.parts().len(), 1);
    assert_eq!(plan.parts()[0].file_name, "test_reoutput_locations.csv");
    assert_eq!(plan.parts()[0].rows, 2);
    assert_eq!(
        part_text(&plan, 0).into_bytes(),
        std::fs::read(&path).unwrap()
    );
}

#[test]
fn a_large_file_is_split_with_the_header_in_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let header = "sheet_name,sheet_row_number,bldg_name\n";
    let rows: Vec<String> = (0..10)
        .map(|i| format!("Sheet1,{},\"House, number {i}\"\n", i + 2))
        .collect();
    let path = write_file(
        dir.path(),
        "corrections.csv",
        format!("{header}{}", rows.concat()).as_bytes(),
    );
    let plan = plan_upload(&path, &CheckOptions::default(), Some(3)).unwrap();
    let names: Vec<&str> = plan.parts().iter().map(|p| p.file_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "corrections (part 1 of 4).csv",
            "corrections (part 2 of 4).csv",
            "corrections (part 3 of 4).csv",
            "corrections (part 4 of 4).csv"
        ]
    );
    let counts: Vec<u64> = plan.parts().iter().map(|p| p.rows).collect();
    assert_eq!(counts, [3, 3, 3, 1]);
    let mut sent_rows = Vec::new();
    for index in 0..plan.parts().len() {
        let text = part_text(&plan, index);
        let body = text.strip_prefix(header).unwrap();
        sent_rows.push(body.to_owned());
    }
    assert_eq!(sent_rows.concat(), rows.concat());
    assert_eq!(
        plan.total_bytes(),
        (header.len() * 4 + rows.concat().len()) as u64
    );
    assert!(plan.open_part(4).is_err());
}

#[test]
fn semicolon_legacy_encoding_and_empty_rows_are_converted_on_the_fly() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = encoding_free_1252(
        "sheet_name;sheet_row_number;bldg_name\r\nSheet1;2;Caf\u{e9}\r\n;;\r\nSheet1;3;\"A;B\"\r\n",
    );
    let path = dir.path().join("legacy.csv");
    std::fs::write(&path, &mut bytes).unwrap();
    let plan = plan_upload(&path, &CheckOptions::default(), None).unwrap();
    assert_eq!(plan.parts()[0].rows, 2);
    assert_eq!(
        part_text(&plan, 0),
        "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Café\nSheet1,3,A;B\n"
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().count() == 1,
        "no batch is written to disk"
    );
}

/// Windows-1252 bytes for text whose only non-ASCII character is é.
fn encoding_free_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| if c == 'é' { 0xE9 } else { c as u8 })
        .collect()
}

#[test]
fn a_file_changed_after_planning_is_not_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "c.csv",
        b"sheet_name,sheet_row_number\nSheet1,2\n",
    );
    let plan = plan_upload(&path, &CheckOptions::default(), None).unwrap();
    std::fs::write(&path, b"sheet_name,sheet_row_number\nSheet1,2\nSheet1,3\n").unwrap();
    let error = plan.open_part(0).err().unwrap();
    assert_eq!(
        error.to_string(),
        "`c.csv` changed after it was checked. Check it again before uploading."
    );
}

#[test]
fn files_without_rows_or_not_tables_cannot_be_planned() {
    let error =
        plan_upload(&corpus("header_only.csv"), &CheckOptions::default(), None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`header_only.csv` has no rows to update. Add at least one row with a correction below the header row."
    );
    let error = plan_upload(&corpus("screenshot.png"), &CheckOptions::default(), None).unwrap_err();
    assert!(matches!(error, PreflightError::NotUsable { .. }));
    assert!(error
        .to_string()
        .starts_with("`screenshot.png` is a picture (PNG image)"));
}

#[test]
fn parts_of_a_bom_crlf_file_with_multiline_cells_start_at_the_right_rows() {
    let dir = tempfile::tempdir().unwrap();
    let source = "\u{feff}sheet_name,sheet_row_number,bldg_name\r\nSheet1,2,\"Two\r\nlines\"\r\n,,\r\nSheet1,3,Café\r\nSheet1,4,\"say \"\"hi\"\"\"\r\nSheet1,5,Last\r\n";
    let path = write_file(dir.path(), "bom.csv", source.as_bytes());
    let plan = plan_upload(&path, &CheckOptions::default(), Some(2)).unwrap();
    let header = "sheet_name,sheet_row_number,bldg_name\n";
    let texts: Vec<String> = (0..plan.parts().len())
        .map(|index| part_text(&plan, index))
        .collect();
    assert_eq!(
        texts,
        [
            format!("{header}Sheet1,2,\"Two\r\nlines\"\nSheet1,3,Café\n"),
            format!("{header}Sheet1,4,\"say \"\"hi\"\"\"\nSheet1,5,Last\n"),
        ]
    );
    // Reading a part twice gives the same bytes (the engine may retry a batch).
    assert_eq!(part_text(&plan, 1), texts[1]);
}

//! What an underwriter sees on opening the workbook: frozen header and identity columns, filters, identity cells
//! refusing typed edits, a note on each header naming its attribute, number formats, the data sheet hidden.
#![allow(clippy::unwrap_used)]

use std::io::Read as _;

use crate::support::{buildings, SOV_ID};
use sov_workbook::attributes::AttributeChoice;
use sov_workbook::{corrections_workbook_bytes, WorkbookSource};

fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_corrections_sheet_is_frozen_filtered_guarded_and_explained() {
    let buildings = buildings(4);
    let source = WorkbookSource {
        sov_id: SOV_ID,
        revision: "rev-7",
        made_at: "2026-12-03T10:00:00Z",
        buildings: &buildings,
    };
    let bytes = corrections_workbook_bytes(&source, &AttributeChoice::Default).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<pane xSplit="3" ySplit="1" topLeftCell="D2" activePane="bottomRight" state="frozen"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<autoFilter ref="A1:"#));
    // Item key, Sheet and Row (A2:C5) refuse anything typed into them.
    assert!(sheet.contains(r#"sqref="A2:C5""#), "{sheet}");
    assert!(sheet.contains("<formula1>FALSE()</formula1>"));
    let notes = part(&bytes, "xl/comments1.xml");
    assert!(notes.contains("SOV Fixer attribute: const__bldg_year_built"));
    assert!(notes.contains("Identifies the building on SOV Fixer (item_key)"));
    let styles = part(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r##"formatCode="#,##0""##),
        "money and counts with thousands separators"
    );
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains(r#"<sheet name="SOV Updater data" sheetId="2" state="hidden""#),
        "{workbook}"
    );
}

//! Checking and planning in one read gives exactly what `check_files` and `plan_upload` give
//! separately: the same findings, the same parts, and the same bytes sent for every part.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::support::{corpus, write_file, write_xlsx};
use proptest::prelude::*;
use sov_preflight::{
    check_and_plan_files, check_files, plan_upload, CheckOptions, CheckedFile, UploadPlan,
};

const HEADER: &str = "sheet_name,sheet_row_number,bldg_name\n";

fn part_bytes(plan: &UploadPlan, index: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    plan.open_part(index)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

/// Checks and plans `paths` both ways and asserts the results are the same; returns the one-pass
/// results for further assertions.
fn assert_same_as_separately(
    paths: &[PathBuf],
    options: &CheckOptions,
    rows_per_batch: Option<usize>,
) -> Vec<CheckedFile> {
    let checked = check_and_plan_files(paths, options, rows_per_batch);
    let reports = check_files(paths, options);
    assert_eq!(checked.len(), paths.len());
    for ((path, one_pass), report) in paths.iter().zip(&checked).zip(&reports) {
        let name = path.display();
        assert_eq!(&one_pass.report, report, "report of {name}");
        match (&one_pass.plan, plan_upload(path, options, rows_per_batch)) {
            (Ok(plan), Ok(separate)) => {
                assert_eq!(plan.parts(), separate.parts(), "parts of {name}");
                assert_eq!(plan, &separate, "plan of {name}");
                for index in 0..plan.parts().len() {
                    let sent = part_bytes(plan, index);
                    assert_eq!(sent.len() as u64, plan.parts()[index].byte_len);
                    assert_eq!(
                        sent,
                        part_bytes(&separate, index),
                        "bytes of part {index} of {name}"
                    );
                }
            }
            (Err(error), Err(separate)) => {
                assert_eq!(error.to_string(), separate.to_string(), "error of {name}")
            }
            (one_pass, separate) => {
                panic!("{name}: one pass gave {one_pass:?}, separately {separate:?}")
            }
        }
    }
    checked
}

fn rows(count: usize) -> String {
    (0..count)
        .map(|i| format!("Sheet1,{},House {i}\n", i + 2))
        .collect()
}

/// Each case: file name, bytes, rows per batch.
fn cases() -> Vec<(&'static str, Vec<u8>, Option<usize>)> {
    let mut deep_1252 = format!("{HEADER}{}", rows(2_000)).into_bytes();
    deep_1252.extend_from_slice(b"Sheet1,9999,Caf\xE9\n");
    deep_1252.extend_from_slice(rows(5).as_bytes());
    vec![
        ("plain.csv", format!("{HEADER}{}", rows(3)).into_bytes(), None),
        (
            "bom.csv",
            format!("\u{feff}{HEADER}{}", rows(7)).into_bytes(),
            Some(3),
        ),
        (
            "semicolon.csv",
            "sheet_name;sheet_row_number;bldg_name\nSheet1;2;\"A;B\"\nSheet1;3;C\nSheet1;4;D\n"
                .into(),
            Some(2),
        ),
        (
            "crlf.csv",
            format!("{HEADER}{}", rows(5))
                .replace('\n', "\r\n")
                .into_bytes(),
            Some(2),
        ),
        (
            "multiline.csv",
            format!("{HEADER}Sheet1,2,\"Two\r\nlines\"\nSheet1,3,\"say \"\"hi\"\"\"\nSheet1,4,\"x\ny\"\n")
                .into_bytes(),
            Some(1),
        ),
        (
            "empty_rows.csv",
            format!("{HEADER}Sheet1,2,A\n,,\n\nSheet1,3,B\n , ,\nSheet1,4,C\n").into_bytes(),
            Some(2),
        ),
        (
            "empty_rows_one_part.csv",
            format!("{HEADER}Sheet1,2,A\n,,\nSheet1,3,B\n").into_bytes(),
            None,
        ),
        ("deep_1252.csv", deep_1252, Some(500)),
        (
            "many.csv",
            format!("{HEADER}{}", rows(10)).into_bytes(),
            Some(3),
        ),
        (
            "exact.csv",
            format!("{HEADER}{}", rows(12)).into_bytes(),
            Some(4),
        ),
        (
            "exact_one.csv",
            format!("{HEADER}{}", rows(4)).into_bytes(),
            Some(4),
        ),
        ("header_only.csv", HEADER.into(), None),
        (
            "header_then_empty_rows.csv",
            format!("{HEADER},,\n,,\n").into_bytes(),
            None,
        ),
        ("no_trailing_newline.csv", b"item_key\nA1\nA2".to_vec(), Some(1)),
        (
            "blocking.csv",
            format!("{HEADER}Sheet1,2,A\nSheet1,2,A again\nSheet1,x,B\n").into_bytes(),
            Some(2),
        ),
        (
            "blank_header.csv",
            format!(",,\n{}", rows(3)).into_bytes(),
            None,
        ),
        (
            "utf16.csv",
            std::iter::once(0xFEFF_u16)
                .chain(format!("{HEADER}{}", rows(3)).encode_utf16())
                .flat_map(u16::to_le_bytes)
                .collect(),
            Some(2),
        ),
        ("empty.csv", Vec::new(), None),
    ]
}

#[test]
fn every_kind_of_text_file_is_planned_as_plan_upload_plans_it() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, batch) in cases() {
        let path = write_file(dir.path(), name, &bytes);
        assert_same_as_separately(&[path], &CheckOptions::default(), batch);
    }
}

#[test]
fn a_split_file_is_planned_in_the_expected_parts() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "corrections.csv",
        format!("{HEADER}{}", rows(10)).as_bytes(),
    );
    let checked = assert_same_as_separately(&[path], &CheckOptions::default(), Some(4));
    let plan = checked[0].plan.as_ref().unwrap();
    let parts: Vec<(&str, u64)> = plan
        .parts()
        .iter()
        .map(|part| (part.file_name.as_str(), part.rows))
        .collect();
    assert_eq!(
        parts,
        [
            ("corrections (part 1 of 3).csv", 4),
            ("corrections (part 2 of 3).csv", 4),
            ("corrections (part 3 of 3).csv", 2)
        ]
    );
    let sent: Vec<u8> = (0..3).flat_map(|index| part_bytes(plan, index)).collect();
    let expected = format!(
        "{HEADER}{}{HEADER}{}{HEADER}{}",
        rows(4),
        &rows(8)[rows(4).len()..],
        &rows(10)[rows(8).len()..]
    );
    assert_eq!(String::from_utf8(sent).unwrap(), expected);
}

#[test]
fn every_corpus_file_is_planned_as_plan_upload_plans_it_together_in_one_job() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus(""))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() > 20, "{paths:?}");
    // In one job, so buildings repeated across files are reported as `check_files` reports them.
    assert_same_as_separately(&paths, &CheckOptions::default(), None);
    assert_same_as_separately(&paths, &CheckOptions::default(), Some(1));
}

#[test]
fn excel_sheets_are_planned_as_plan_upload_plans_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrections.xlsx");
    write_xlsx(
        &path,
        &[
            (
                "Corrections",
                &[
                    &["sheet_name", "sheet_row_number", "bldg_name"],
                    &["Sheet1", "2", "Normal, House"],
                    &["", "", ""],
                    &["Sheet1", "3", "Other"],
                    &["Sheet1", "4", "Third"],
                ],
            ),
            ("Notes", &[&["bldg_name"], &["just notes"]]),
        ],
    );
    for sheet in [None, Some("Notes".to_owned()), Some("Missing".to_owned())] {
        let options = CheckOptions {
            sheet,
            ..CheckOptions::default()
        };
        assert_same_as_separately(std::slice::from_ref(&path), &options, Some(2));
    }
}

#[test]
fn a_missing_file_gets_the_same_report_and_error() {
    let dir = tempfile::tempdir().unwrap();
    let checked = assert_same_as_separately(
        &[dir.path().join("gone.csv")],
        &CheckOptions::default(),
        None,
    );
    assert!(checked[0].report.blocking);
    assert!(checked[0].plan.is_err());
}

#[test]
fn a_plan_made_in_one_pass_refuses_a_file_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "c.csv",
        format!("{HEADER}{}", rows(4)).as_bytes(),
    );
    let checked = check_and_plan_files(
        std::slice::from_ref(&path),
        &CheckOptions::default(),
        Some(2),
    );
    let plan = checked[0].plan.as_ref().unwrap();
    std::fs::write(&path, format!("{HEADER}{}", rows(5))).unwrap();
    for index in 0..plan.parts().len() {
        let error = plan.open_part(index).err().unwrap();
        assert_eq!(
            error.to_string(),
            "`c.csv` changed after it was checked. Check it again before uploading."
        );
    }
}

fn in_file(dir: &Path, bytes: &[u8]) -> PathBuf {
    write_file(dir, "input.csv", bytes)
}

/// Bytes that look a little like CSV more often than pure noise would.
fn csvish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"sheet_name".to_vec()),
        Just(b"sheet_row_number".to_vec()),
        Just(b"item_key".to_vec()),
        Just(b"Sheet1".to_vec()),
        Just(b"12".to_vec()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xE9]),
        prop::collection::vec(any::<u8>(), 0..6),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_are_planned_as_plan_upload_plans_them(
        bytes in csvish_bytes(),
        batch in prop::option::of(1usize..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = in_file(dir.path(), &bytes);
        assert_same_as_separately(&[path], &CheckOptions::default(), batch);
    }
}

//! Whatever bytes a file holds, the checker, the fixer and the planner never panic, and a
//! plan's parts are always exactly as long as announced.
#![allow(clippy::unwrap_used)]

use std::io::Read;

use proptest::prelude::*;
use sov_preflight::{apply_fixes, check_file, plan_upload, CheckOptions};

/// Bytes that look a little like CSV more often than pure noise would.
fn csvish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"sheet_name".to_vec()),
        Just(b"sheet_row_number".to_vec()),
        Just(b"item_key".to_vec()),
        Just(b"latitude".to_vec()),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xFF, 0xFE]),
        Just(b"PK\x03\x04".to_vec()),
        prop::collection::vec(any::<u8>(), 0..8),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Found by the property below: a BOM that starts a later batch is data, not a file marker.
#[test]
fn a_byte_order_mark_inside_the_file_is_sent_as_it_was_planned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.csv");
    std::fs::write(
        &path,
        [0xEF, 0xBB, 0xBF, b'"', b'"', b'\n', 0xEF, 0xBB, 0xBF],
    )
    .unwrap();
    if let Ok(plan) = plan_upload(&path, &CheckOptions::default(), Some(2)) {
        for index in 0..plan.parts().len() {
            let mut sent = Vec::new();
            plan.open_part(index)
                .unwrap()
                .read_to_end(&mut sent)
                .unwrap();
            assert_eq!(sent.len() as u64, plan.parts()[index].byte_len);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop_oneof![csvish_bytes(), prop::collection::vec(any::<u8>(), 0..600)]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("input.csv");
        std::fs::write(&path, &bytes).unwrap();
        let options = CheckOptions::default();
        let report = check_file(&path, &options);
        prop_assert_eq!(report.blocking, report.summary.errors > 0);
        if let Ok(plan) = plan_upload(&path, &options, Some(2)) {
            for index in 0..plan.parts().len() {
                let mut sent = Vec::new();
                plan.open_part(index).unwrap().read_to_end(&mut sent).unwrap();
                prop_assert_eq!(sent.len() as u64, plan.parts()[index].byte_len);
            }
        }
        let _ = apply_fixes(&path, &options);
    }
}

//! A big locations file is streamed to disk and checked without being held in memory.
#![allow(clippy::unwrap_used)]
#![cfg(target_os = "linux")]

#[path = "sandbox/common/mod.rs"]
mod common;

use bytes::Bytes;
use common::harness;
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

const ROWS: u64 = 1_500_000;

/// Peak resident memory of this process, in bytes (the sandbox runs in-process).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[tokio::test]
async fn a_large_upload_does_not_sit_in_memory() {
    let h = harness().await;
    let sudid = h.initiate("s-demo-large").await;
    let header = "sheet_name,sheet_row_number,bldg_name,street,city,limits__building_value\n";
    let row_chunks = (0..ROWS / 10_000).map(|chunk| {
        let mut text = String::new();
        for i in 0..10_000 {
            let row = chunk * 10_000 + i + 2;
            text.push_str(&format!(
                "Locations,{row},Building number {row},{row} Long Harbor Boulevard,Fort Lauderdale,1250000\n"
            ));
        }
        Ok::<Bytes, std::io::Error>(Bytes::from(text))
    });
    let total: u64 = header.len() as u64
        + (0..ROWS)
            .map(|i| {
                let row = i + 2;
                format!("Locations,{row},Building number {row},{row} Long Harbor Boulevard,Fort Lauderdale,1250000\n").len() as u64
            })
            .sum::<u64>();
    let stream = futures_util::stream::iter(
        std::iter::once(Ok(Bytes::from_static(header.as_bytes()))).chain(row_chunks),
    );
    let part = Part::stream_with_length(reqwest::Body::wrap_stream(stream), total)
        .file_name("big.csv")
        .mime_str("text/csv")
        .unwrap();
    let before = peak_rss();
    let response = h
        .http
        .post(h.url(&format!("/sov/update/{sudid}/add_locations")))
        .header("Authorization", format!("Token {}", common::TOKEN))
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let growth = peak_rss().saturating_sub(before);
    eprintln!(
        "uploaded {} MB; peak memory grew by {} MB",
        total / 1_000_000,
        growth / 1_000_000
    );
    assert!(total > 100_000_000);
    assert!(
        growth < total / 2,
        "peak memory grew by {growth} bytes for a {total}-byte upload"
    );
    let job = &h.sandbox.control().jobs()[0];
    assert_eq!(job.uploads[0].rows, ROWS);
    assert_eq!(job.uploads[0].bytes, total);
}

//! A large upload is streamed: the process's peak memory does not grow with the file's size.
//! Alone in its own test binary so no other test disturbs the peak-memory reading.
#![allow(clippy::unwrap_used)]
#![cfg(target_os = "linux")]

#[path = "update/support/mod.rs"]
mod support;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FILE_BYTES: u64 = 96 * 1024 * 1024;

/// Peak resident memory of this process so far (Linux `VmHWM`), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// A server that reads each request's body and throws it away, then answers 201; returns the
/// body length it received.
async fn sink_server() -> (String, tokio::sync::oneshot::Receiver<u64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            socket.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_lowercase();
        let length: u64 = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let mut left = length;
        let mut buffer = vec![0u8; 256 * 1024];
        while left > 0 {
            let want = buffer.len().min(left as usize);
            let n = socket.read(&mut buffer[..want]).await.unwrap();
            assert!(n > 0, "body ended early");
            left -= n as u64;
        }
        let body = br#"{"message": "OK"}"#;
        let response = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        socket.write_all(body).await.unwrap();
        let _ = tx.send(length);
    });
    (base, rx)
}

#[tokio::test]
async fn a_96_mib_upload_does_not_load_the_file_into_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.csv");
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        file.write_all(b"sheet_name,sheet_row_number,bldg_name\n")
            .unwrap();
        let row = b"Sheet1,2,A building name padded to make the row longer than usual\n";
        let mut written = 38u64;
        while written + row.len() as u64 <= FILE_BYTES {
            file.write_all(row).unwrap();
            written += row.len() as u64;
        }
    }
    let size = std::fs::metadata(&path).unwrap().len();
    let (base, received) = sink_server().await;
    let upload = sov_update::FileUpload::from_path(&path).unwrap();
    let before = peak_rss();
    let began = std::time::Instant::now();

    support::client_for(&base)
        .add_locations("s-1-r001", &upload, None)
        .await
        .unwrap();

    let took = began.elapsed();
    let growth = peak_rss().saturating_sub(before);
    let body_length = received.await.unwrap();
    assert!(body_length > size, "multipart body includes the whole file");
    println!(
        "uploaded {} MiB in {:.2} s; peak memory grew by {} KiB",
        size / (1024 * 1024),
        took.as_secs_f64(),
        growth / 1024
    );
    assert!(
        growth < 24 * 1024 * 1024,
        "peak memory grew by {growth} bytes"
    );
}

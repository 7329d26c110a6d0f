//! A local update server and a signer using the committed test key.

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use sov_release::UpdateSource;
use std::time::Duration;

pub const PACKAGE: &[u8] = b"pretend installer bytes for SOV Updater";

/// The test key's public half, as the app's config holds it.
pub fn test_pubkey() -> String {
    include_str!("../fixtures/update-test.key.pub")
        .trim()
        .to_owned()
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Signs `data` as `tauri signer sign` does (a prehashed minisign signature, base64 of the .sig file), with the
/// version recorded in the trusted comment.
pub fn sign_with_test_key(data: &[u8], version: &str) -> String {
    let text = String::from_utf8(
        b64()
            .decode(include_str!("../fixtures/update-test.key").trim())
            .expect("the fixture key is base64"),
    )
    .expect("the fixture key is text");
    // The key's second line, read directly: the test key has no password to open it with.
    let encoded = text
        .lines()
        .nth(1)
        .expect("a minisign secret key has two lines");
    let sk = minisign::SecretKey::from_bytes(&b64().decode(encoded).expect("base64"))
        .expect("a minisign secret key");
    sign(&sk, data, version)
}

/// Signs with a freshly made key: what an attacker without the release key could produce.
pub fn sign_with_other_key(data: &[u8], version: &str) -> String {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().expect("a key pair");
    sign(&pair.sk, data, version)
}

fn sign(sk: &minisign::SecretKey, data: &[u8], version: &str) -> String {
    let comment = format!("timestamp:1700000000\tfile:sov-updater.exe\tversion:{version}");
    let signature =
        minisign::sign(None, sk, std::io::Cursor::new(data), Some(&comment), None).expect("signed");
    b64().encode(signature.into_string())
}

/// What the server answers at /latest.json.
#[derive(Clone)]
pub enum Answer {
    Manifest(String),
    NoContent,
}

/// Starts an update server on loopback serving `answer(base address)` at /latest.json and `PACKAGE` at /package.
pub async fn serve(answer: impl FnOnce(&str) -> Answer) -> UpdateSource {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let answer = answer(&base);
    let app = Router::new()
        .route(
            "/latest.json",
            get(move || {
                let answer = match answer.clone() {
                    Answer::Manifest(body) => (StatusCode::OK, body),
                    Answer::NoContent => (StatusCode::NO_CONTENT, String::new()),
                };
                async move { answer }
            }),
        )
        .route("/package", get(|| async { PACKAGE }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    source(&format!("{base}/latest.json"))
}

pub fn source(endpoint: &str) -> UpdateSource {
    UpdateSource {
        endpoint: endpoint.parse().expect("a URL"),
        pubkey: test_pubkey(),
        target: "windows-x86_64".into(),
        timeout: Duration::from_secs(5),
    }
}

/// A manifest in the shape Tauri's bundler writes (`latest.json`).
pub fn manifest(version: &str, base: &str, signature: &str) -> String {
    serde_json::json!({
        "version": version,
        "notes": "Faster checks of large workbooks.",
        "pub_date": "2026-12-01T09:00:00Z",
        "platforms": {
            "windows-x86_64": { "signature": signature, "url": format!("{base}/package") },
        },
    })
    .to_string()
}

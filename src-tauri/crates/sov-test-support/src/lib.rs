//! Helpers the crates' integration tests share: files in temp folders, the project's sandbox on loopback, a
//! client with quick retries, how long a test may wait, and a workbook re-saved as a spreadsheet program would
//! ([`spreadsheet`]). Used only as a dev-dependency; the sandbox library itself never depends on it.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use sov_update::{ApiToken, ClientConfig, Environment, RetryPolicy, SovFixerClient};
use sovfixer_sandbox::{RunningSandbox, SandboxConfig};

pub mod spreadsheet;

/// One correction of the sandbox's sample SOV (`s-demo-sample`, Sheet1 rows 2–3).
pub const CORRECTIONS: &str = "sheet_name,sheet_row_number,bldg_name\nSheet1,2,Normal House\n";

/// How long a test waits for something that should come quickly: generous, for debug builds on a loaded
/// 2-core machine. A test that hits it has failed; none waits it out on success.
pub const PATIENCE: Duration = Duration::from_secs(90);

/// Writes `contents` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Names of the files in `dir`, sorted; none when `dir` does not exist.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The project's sandbox on 127.0.0.1 (a free port), accepting `token`, its jobs taking `processing`.
pub async fn start_sandbox(token: &str, processing: Duration) -> RunningSandbox {
    start_sandbox_with(SandboxConfig {
        token: token.to_owned(),
        processing,
        ..SandboxConfig::default()
    })
    .await
}

/// The project's sandbox on 127.0.0.1 (a free port) with `config`.
pub async fn start_sandbox_with(config: SandboxConfig) -> RunningSandbox {
    sovfixer_sandbox::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// A client for `api_url` with `token`, short timeouts and quick retries (`max_attempts` tries in all).
pub fn client_for(
    api_url: &str,
    token: &str,
    read_timeout: Duration,
    max_attempts: u32,
) -> SovFixerClient {
    let mut config = ClientConfig::new(Environment::custom(api_url).unwrap(), ApiToken::new(token));
    config.read_timeout = read_timeout;
    config.connect_timeout = Duration::from_secs(5);
    config.retry = RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(5),
    };
    SovFixerClient::new(config).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_written_are_listed_sorted_and_a_missing_folder_is_empty() {
        let dir = std::env::temp_dir().join(format!("sov-test-support-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        write_file(&dir, "b.csv", CORRECTIONS);
        write_file(&dir, "a.csv", b"x");
        assert_eq!(list_dir(&dir), ["a.csv", "b.csv"]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(list_dir(&dir).is_empty());
    }

    #[test]
    fn sha256_of_nothing_is_the_known_digest() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

//! Launches the real debug binary under a display (Xvfb in `scripts/test`), waits for its window and saves a
//! screenshot. Fails if no window appears or the window is blank.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct KillOnDrop(Child);
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-output");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn find_window(title: &str) -> Option<String> {
    let out = Command::new("xdotool")
        .args(["search", "--name", title])
        .output()
        .ok()?;
    String::from_utf8(out.stdout)
        .ok()?
        .lines()
        .next()
        .map(str::to_owned)
}

/// Standard deviation of the screenshot's pixels: near zero for a blank (all one colour) screen.
fn pixel_spread(png: &Path) -> f64 {
    let out = Command::new("convert")
        .arg(png)
        .args(["-format", "%[fx:standard_deviation]", "info:"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
#[ignore = "needs a display: run under xvfb-run (scripts/test does)"]
fn the_app_opens_its_window_and_draws_the_ui() {
    assert!(std::env::var_os("DISPLAY").is_some(), "DISPLAY is not set");
    let home = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_sov-updater"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("SOVFIXER_AUTH_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _guard = KillOnDrop(child);

    let deadline = Instant::now() + Duration::from_secs(90);
    let window = loop {
        if let Some(id) = find_window("SOV Updater") {
            break id;
        }
        assert!(
            Instant::now() < deadline,
            "no SOV Updater window appeared within 90 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    };

    // The window maps before WebKit paints: wait until the screenshot shows more than a blank page.
    let shot = output_dir().join("window.png");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = Command::new("import")
            .args(["-window", &window])
            .arg(&shot)
            .status()
            .unwrap();
        if status.success() && pixel_spread(&shot) > 0.05 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the window stayed blank for 60 s"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

//! Where outputs go on Windows by default: "SOV Updater" inside the user's own Downloads folder (the known folder
//! Explorer shows, found through the shell, not a guess from HOME). Runs under wine in CI.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

#[test]
fn outputs_default_to_sov_updater_in_the_users_downloads_folder() {
    let dir = crate::settings::default_download_dir();
    assert_eq!(dir.file_name().unwrap(), "SOV Updater");
    let downloads = dir.parent().unwrap();
    assert_eq!(downloads.file_name().unwrap(), "Downloads");
    let profile = PathBuf::from(std::env::var_os("USERPROFILE").unwrap());
    assert_eq!(
        downloads.parent().unwrap(),
        profile,
        "inside the user's profile ({})",
        profile.display()
    );
}

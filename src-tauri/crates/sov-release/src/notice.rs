//! The one line the window shows about updates, and when installing must wait.

use crate::check::CheckOutcome;
use serde::Serialize;

/// Who asked: the start-up check stays silent unless there is something to install; About answers every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Startup,
    About,
}

/// What the window shows. `can_install` puts "Install and restart" beside the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateNotice {
    pub line: String,
    pub version: Option<String>,
    pub can_install: bool,
}

/// Whether the updater plugin can replace this build in place: the Windows installers, the macOS app and the
/// AppImage can; a .deb is updated through the system's package manager, and the portable zip by unzipping again.
pub fn platform_installs(target_os: &str, installed_from_package_manager: bool) -> bool {
    match target_os {
        "windows" | "macos" => true,
        "linux" => !installed_from_package_manager,
        _ => false,
    }
}

/// The line for a check's outcome, or `None` when nothing should be shown.
pub fn notice(outcome: &CheckOutcome, origin: Origin, can_install: bool) -> Option<UpdateNotice> {
    match (outcome, origin) {
        (CheckOutcome::Available(offer), _) => Some(UpdateNotice {
            line: if can_install {
                format!("SOV Updater {} is available.", offer.version)
            } else {
                format!(
                    "SOV Updater {} is available. Install it the way you installed this copy.",
                    offer.version
                )
            },
            version: Some(offer.version.clone()),
            can_install,
        }),
        // At start nothing but a real offer is worth interrupting the user for.
        (_, Origin::Startup) => None,
        (CheckOutcome::UpToDate, Origin::About) => Some(plain("SOV Updater is up to date.")),
        (CheckOutcome::Refused(_), Origin::About) => Some(plain(
            "A newer version was offered but failed its signature check, so it was not installed. Try again later.",
        )),
        (CheckOutcome::Unreachable(_), Origin::About) => Some(plain(
            "Could not check for a newer version (the update server did not answer). Try again later.",
        )),
        (CheckOutcome::NotConfigured, Origin::About) => Some(plain(
            "This copy does not check for updates. Ask whoever gave it to you for newer versions.",
        )),
    }
}

/// Why installing must wait, or `None` when it may go ahead. Installing restarts the app, which would stop a running
/// update half-way.
pub fn install_blocked(update_running: bool) -> Option<&'static str> {
    update_running.then_some(
        "An SOV update is still running. Install the new version when it has finished; nothing was changed.",
    )
}

fn plain(line: &str) -> UpdateNotice {
    UpdateNotice {
        line: line.to_owned(),
        version: None,
        can_install: false,
    }
}

//! Whether a newer SOV Updater is offered, and what the window says about it.
//!
//! The app shell installs updates with Tauri's updater plugin; this crate is the part that can be tested without a
//! window: it reads the same update manifest the plugin reads (Tauri's static JSON, or 204 for "nothing new"),
//! compares versions, downloads the offered package and checks its minisign signature exactly as the plugin does
//! before anything is offered, and words the one line the user sees ([`notice`]). A running update is never
//! interrupted: [`install_blocked`] is asked before installing.

mod check;
mod manifest;
mod notice;
mod signature;

pub use check::{check, CheckOutcome, Offer, UpdateSource};
pub use manifest::{current_target, Manifest, PlatformEntry};
pub use notice::{install_blocked, notice, platform_installs, Origin, UpdateNotice};
pub use signature::{verify, SignatureError};
/// The manifest's address type, so callers need not depend on `url` themselves.
pub use url::Url;

//! What the window says for each outcome, and that a running update is never interrupted.

use sov_release::{install_blocked, notice, platform_installs, CheckOutcome, Offer, Origin};

fn offer() -> CheckOutcome {
    CheckOutcome::Available(Offer {
        version: "0.2.0".into(),
        notes: None,
    })
}

#[test]
fn an_offer_is_one_line_with_install_where_the_platform_installs() {
    let shown = notice(&offer(), Origin::Startup, true).expect("an offer is shown at start");
    assert_eq!(shown.line, "SOV Updater 0.2.0 is available.");
    assert!(shown.can_install);
    assert_eq!(shown.version.as_deref(), Some("0.2.0"));
}

#[test]
fn where_the_platform_cannot_install_the_line_says_how_instead() {
    let shown = notice(&offer(), Origin::About, false).expect("shown");
    assert!(!shown.can_install);
    assert!(
        shown.line.contains("the way you installed this copy"),
        "{}",
        shown.line
    );
}

#[test]
fn at_start_only_an_offer_is_shown() {
    for outcome in [
        CheckOutcome::UpToDate,
        CheckOutcome::Refused("bad signature".into()),
        CheckOutcome::Unreachable("connection refused".into()),
        CheckOutcome::NotConfigured,
    ] {
        assert_eq!(notice(&outcome, Origin::Startup, true), None, "{outcome:?}");
    }
}

#[test]
fn about_answers_every_outcome_without_offering_an_install() {
    let up_to_date = notice(&CheckOutcome::UpToDate, Origin::About, true).expect("shown");
    assert_eq!(up_to_date.line, "SOV Updater is up to date.");
    let refused = notice(&CheckOutcome::Refused("x".into()), Origin::About, true).expect("shown");
    assert!(refused.line.contains("not installed"), "{}", refused.line);
    let unreachable =
        notice(&CheckOutcome::Unreachable("x".into()), Origin::About, true).expect("shown");
    assert!(
        unreachable.line.contains("Try again later"),
        "{}",
        unreachable.line
    );
    let not_configured = notice(&CheckOutcome::NotConfigured, Origin::About, true).expect("shown");
    assert!(
        not_configured.line.contains("does not check for updates"),
        "{}",
        not_configured.line
    );
    assert!(![up_to_date, refused, unreachable, not_configured]
        .iter()
        .any(|n| n.can_install));
}

#[test]
fn installing_waits_for_a_running_update() {
    assert!(install_blocked(true).is_some_and(|why| why.contains("still running")));
    assert_eq!(install_blocked(false), None);
}

#[test]
fn a_deb_is_updated_by_the_package_manager_not_in_place() {
    assert!(platform_installs("windows", false));
    assert!(platform_installs("macos", false));
    assert!(!platform_installs("linux", true));
    assert!(platform_installs("linux", false));
}

#[test]
fn the_window_gets_the_notice_in_the_ipc_shape() {
    // ui/js/sections/updates.js reads these three names.
    let shown = notice(&offer(), Origin::Startup, true).expect("shown");
    assert_eq!(
        serde_json::to_value(&shown).expect("serialises"),
        serde_json::json!({"line": "SOV Updater 0.2.0 is available.", "version": "0.2.0", "can_install": true})
    );
}

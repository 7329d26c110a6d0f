use sov_page_process::{recovery_for_webview2, Recovery};

#[test]
fn the_page_is_reloaded_when_its_render_process_ends_or_hangs() {
    assert_eq!(
        recovery_for_webview2(1),
        Recovery::ReloadPage,
        "render process exited"
    );
    assert_eq!(
        recovery_for_webview2(2),
        Recovery::ReloadPage,
        "render process unresponsive"
    );
}

#[test]
fn the_app_starts_again_when_the_browser_process_ends() {
    assert_eq!(recovery_for_webview2(0), Recovery::RestartApp);
}

#[test]
fn helper_processes_are_left_to_webview2() {
    for kind in 3..=9 {
        assert_eq!(
            recovery_for_webview2(kind),
            Recovery::Nothing,
            "kind {kind}"
        );
    }
    assert_eq!(
        recovery_for_webview2(42),
        Recovery::Nothing,
        "a kind added later"
    );
}

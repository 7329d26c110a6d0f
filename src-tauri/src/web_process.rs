//! Survives the page's process dying. WebKitGTK's web process can crash (software GL on remote desktops such as
//! VDI or Citrix) and leave a grey window. When it ends, the page is loaded again with `?restored=1`, so it says
//! the window was restored; it then re-attaches to the running job, whose state is kept in Rust (`attach_job`).

use tauri::{Runtime, WebviewWindow};

/// The query the reloaded page reads to tell the user what happened.
pub const RESTORED_QUERY: &str = "restored=1";

/// The page's address without query or fragment, with the restored marker.
pub fn restored_uri(current: &str) -> String {
    let base = current.split(['?', '#']).next().unwrap_or(current);
    format!("{base}?{RESTORED_QUERY}")
}

/// Reloads the window's page whenever its web process ends (crash, out of memory, killed).
pub fn reload_when_the_page_process_ends<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let watched = window.with_webview(|platform| {
            use webkit2gtk::WebViewExt;
            platform
                .inner()
                .connect_web_process_terminated(|view, reason| {
                    eprintln!(
                        "SOV Updater: the page process ended ({reason:?}); reloading the window."
                    );
                    let current = view.uri().map(|uri| uri.to_string()).unwrap_or_default();
                    view.load_uri(&restored_uri(&current));
                });
        });
        if let Err(error) = watched {
            eprintln!("SOV Updater: cannot watch the page process: {error}");
        }
    }
    // WebView2 (Windows) reports the same through its ProcessFailed event; not watched yet.
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reloaded_address_keeps_the_page_and_marks_it_restored_once() {
        assert_eq!(
            restored_uri("tauri://localhost/index.html?restored=1#files"),
            "tauri://localhost/index.html?restored=1"
        );
        assert_eq!(
            restored_uri("http://tauri.localhost/"),
            "http://tauri.localhost/?restored=1"
        );
    }
}

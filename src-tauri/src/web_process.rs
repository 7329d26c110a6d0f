//! Survives the page's process dying. WebKitGTK's web process can crash (software GL on remote desktops such as
//! VDI or Citrix) and leave a grey window. When it ends, the page is loaded again with `?restored=1`, so it says
//! the window was restored; it then re-attaches to the running job, whose state is kept in Rust (`attach_job`).
//! WebKitGTK reports it as web-process-terminated, WebView2 (Windows) as ProcessFailed; `sov_page_process` says
//! what each WebView2 failure needs.

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
    #[cfg(windows)]
    {
        let target = window.clone();
        let watched = window.with_webview(move |platform| {
            let registered =
                sov_page_process::on_process_failed(&platform.controller(), move |recovery| {
                    recover(&target, recovery)
                });
            if let Err(error) = registered {
                eprintln!("SOV Updater: cannot watch the page process: {error}");
            }
        });
        if let Err(error) = watched {
            eprintln!("SOV Updater: cannot watch the page process: {error}");
        }
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    let _ = window;
}

/// WebView2's half: the page reloaded as restored, as on Linux; or, when the browser process is gone (WebView2 has
/// closed the web view for good), the app started again, which picks up a running update as any start does.
#[cfg(windows)]
fn recover<R: Runtime>(window: &WebviewWindow<R>, recovery: sov_page_process::Recovery) {
    use sov_page_process::Recovery;
    use tauri::Manager;
    match recovery {
        Recovery::ReloadPage => {
            eprintln!("SOV Updater: the page process failed; reloading the window.");
            if let Err(error) = load_restored(window) {
                eprintln!("SOV Updater: cannot reload the window: {error}");
            }
        }
        Recovery::RestartApp => {
            eprintln!("SOV Updater: the web view's browser process ended; starting the app again.");
            window.app_handle().restart();
        }
        Recovery::Nothing => {}
    }
}

/// Loads the restored page in `window`: the address it shows, marked restored.
#[cfg(windows)]
fn load_restored<R: Runtime>(window: &WebviewWindow<R>) -> Result<(), String> {
    let current = window.url().map_err(|error| error.to_string())?;
    let restored =
        tauri::Url::parse(&restored_uri(current.as_str())).map_err(|error| error.to_string())?;
    window.navigate(restored).map_err(|error| error.to_string())
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

//! WebView2's ProcessFailed event (Windows). The only unsafe code in the project: COM calls into the web view
//! that Tauri created, each checked for its error.
#![allow(unsafe_code)]

use crate::{recovery_for_webview2, Recovery};
use webview2_com::Microsoft::Web::WebView2::Win32::{
    ICoreWebView2Controller, COREWEBVIEW2_PROCESS_FAILED_KIND,
};
use webview2_com::ProcessFailedEventHandler;

/// Calls `on_failed` with the recovery for each process failure of the web view behind `controller`, on the
/// window's thread. The registration lasts as long as the web view.
pub fn on_process_failed(
    controller: &ICoreWebView2Controller,
    mut on_failed: impl FnMut(Recovery) + 'static,
) -> Result<(), String> {
    let handler = ProcessFailedEventHandler::create(Box::new(move |_sender, args| {
        let mut kind = COREWEBVIEW2_PROCESS_FAILED_KIND::default();
        if let Some(args) = args {
            // SAFETY: `args` is the live event-args object WebView2 passed to this handler, and `kind` is a
            // valid place for the one value it writes.
            unsafe { args.ProcessFailedKind(&mut kind) }?;
        }
        on_failed(recovery_for_webview2(kind.0));
        Ok(())
    }));
    let mut token = 0i64;
    // SAFETY: `controller` is a live controller (Tauri keeps it for the window's life); both calls are made on
    // the window's thread, as WebView2 requires, and `token` is a valid place for the registration token.
    unsafe {
        let webview = controller
            .CoreWebView2()
            .map_err(|error| format!("no web view behind the controller: {error}"))?;
        webview
            .add_ProcessFailed(&handler, &mut token)
            .map_err(|error| format!("ProcessFailed not registered: {error}"))
    }
}

//! `--json`: one event per line on stdout, flushed at once so a reading pipeline sees it live.

use std::io::Write;

use crate::events::Event;

pub fn write_line(event: &Event) {
    let Ok(line) = serde_json::to_string(event) else {
        return;
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe is the reader's choice; the command still finishes its job.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

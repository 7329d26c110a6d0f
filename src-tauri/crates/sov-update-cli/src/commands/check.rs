//! `sov-update check`: the pre-flight check alone. `--json` prints the reports' serde form.

use std::io::Write;

use sov_preflight::{check_files, CheckOptions};

use crate::cli::CheckArgs;
use crate::exit_code;
use crate::output::{preflight_text::report_lines, Output};

pub async fn check(args: CheckArgs, out: &Output) -> u8 {
    let files = args.files.clone();
    let options = CheckOptions {
        sheet: args.sheet.clone(),
        header_row: args.header_row,
        ..CheckOptions::default()
    };
    let reports = match tokio::task::spawn_blocking(move || check_files(&files, &options)).await {
        Ok(reports) => reports,
        Err(error) => {
            out.note(&format!(
                "Error: the check stopped unexpectedly ({error}). Run it again."
            ));
            return exit_code::UNEXPECTED;
        }
    };
    let blocking = reports.iter().any(|r| r.blocking);
    if out.is_json() {
        let mut stdout = std::io::stdout().lock();
        if let Ok(text) = serde_json::to_string(&reports) {
            let _ = writeln!(stdout, "{text}");
        }
        let _ = stdout.flush();
    } else {
        for report in &reports {
            for line in report_lines(report) {
                out.result(&line);
            }
        }
        if blocking {
            out.note("Fix the errors above, then check again. Nothing was sent.");
        }
    }
    if blocking {
        exit_code::PREFLIGHT_BLOCKED
    } else {
        exit_code::DONE
    }
}

//! `sov-update check`: the pre-flight check alone. `--json` prints the reports' serde form;
//! `--all-sheets` checks and reports each sheet of a workbook.

use std::io::Write;

use sov_preflight::{check_files, check_files_every_sheet, ColumnStatus};

use crate::cli::CheckArgs;
use crate::exit_code;
use crate::mapping_args::suggested_mapping_text;
use crate::output::{preflight_text::report_lines, Output};

pub async fn check(args: CheckArgs, out: &Output) -> u8 {
    let files = args.files.clone();
    let options = match args.mapping.check_options(args.sheet.clone()) {
        Ok(options) => options,
        Err(message) => {
            out.note(&format!("Error: {message}"));
            return exit_code::USAGE;
        }
    };
    let all_sheets = args.all_sheets;
    let reports = match tokio::task::spawn_blocking(move || {
        if all_sheets {
            check_files_every_sheet(&files, &options)
        } else {
            check_files(&files, &options)
        }
    })
    .await
    {
        Ok(reports) => reports,
        Err(error) => {
            out.note(&format!(
                "Error: the check stopped unexpectedly ({error}). Run it again."
            ));
            return exit_code::UNEXPECTED;
        }
    };
    if args.suggest_mapping {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(suggested_mapping_text(&reports).as_bytes());
        let _ = stdout.flush();
        return exit_code::DONE;
    }
    let blocking = reports.iter().any(|r| r.blocking);
    if out.is_json() {
        let mut stdout = std::io::stdout().lock();
        if let Ok(text) = serde_json::to_string(&reports) {
            let _ = writeln!(stdout, "{text}");
        }
        let _ = stdout.flush();
    } else {
        for report in &reports {
            if let (true, Some(sheet)) = (all_sheets, &report.sheet) {
                out.result(&format!("Sheet `{sheet}` of {}:", report.file_name));
            }
            for line in report_lines(report) {
                out.result(&line);
            }
        }
        let undecided = reports
            .iter()
            .flat_map(|report| &report.columns)
            .any(|column| {
                matches!(
                    column.status,
                    ColumnStatus::Suggested | ColumnStatus::Unknown
                )
            });
        if undecided {
            out.note("Some columns are not attribute names. To accept the suggested mapping: `sov-update check --suggest-mapping FILE > mapping.csv`, review mapping.csv (an empty attribute is still to decide; - leaves a column out), then add `--mapping mapping.csv` (or give single columns with --map \"Year Built=const__bldg_year_built\").");
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

//! `sov-update formats`: the output formats this account (or this SOV's organization) may request.

use std::io::Write;

use super::fail;
use crate::cli::{FormatsArgs, GlobalOptions};
use crate::connection::{connect, Failure};
use crate::events::ErrorInfo;
use crate::exit_code;
use crate::output::Output;

const COMMAND: &str = "formats";

pub async fn formats(global: &GlobalOptions, args: FormatsArgs, out: &Output) -> u8 {
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return fail(out, COMMAND, exit_code, error),
    };
    if out.verbose() >= 2 {
        out.note(&connection.description);
    }
    let formats = match connection
        .client
        .list_output_formats(args.sovid.as_deref())
        .await
    {
        Ok(formats) => formats,
        Err(error) => {
            let code = exit_code::for_error(&error);
            return fail(
                out,
                COMMAND,
                code,
                ErrorInfo::from_update_error(&error, None),
            );
        }
    };
    if out.is_json() {
        let mut stdout = std::io::stdout().lock();
        if let Ok(text) = serde_json::to_string(&formats) {
            let _ = writeln!(stdout, "{text}");
        }
        let _ = stdout.flush();
        return exit_code::DONE;
    }
    let rows: Vec<[String; 4]> = formats
        .iter()
        .map(|f| {
            [
                f.output_format.clone(),
                f.label.clone().unwrap_or_default(),
                f.output_extension.clone().unwrap_or_default(),
                if f.is_public { "yes" } else { "no" }.to_owned(),
            ]
        })
        .collect();
    let header = ["Format", "Label", "Extension", "Public"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.result(cells.join("  ").trim_end());
    }
    if formats.is_empty() {
        out.note("SOV Fixer lists no output formats for this account.");
    }
    exit_code::DONE
}

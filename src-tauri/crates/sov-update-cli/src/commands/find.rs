//! `sov-update find TEXT`: SOVs whose insured, file name or id matches, most recent first.
//! A table on a terminal; one JSON object per line otherwise (or with --json).

use std::io::{IsTerminal, Write};

use serde::Serialize;
use sov_update::read::{ActivityQuery, Cursor, SovStatus, SovSummary, UtcStamp, MAX_PAGE_SIZE};

use super::{fail, table};
use crate::cli::{FindArgs, GlobalOptions};
use crate::connection::{connect, Failure};
use crate::events::ErrorInfo;
use crate::exit_code;
use crate::output::Output;

const COMMAND: &str = "find";

/// One line of `find --json`.
#[derive(Debug, Serialize)]
pub struct FoundSov<'a> {
    pub id: &'a str,
    pub filename: Option<&'a str>,
    pub insured_name: Option<&'a str>,
    pub num_buildings: Option<i64>,
    pub latest_revision: Option<i64>,
    pub last_updated: Option<&'a str>,
    pub status: Option<String>,
}

impl<'a> FoundSov<'a> {
    pub fn of(sov: &'a SovSummary) -> Self {
        Self {
            id: &sov.id,
            filename: sov.filename.as_deref(),
            insured_name: sov.insured_name(),
            num_buildings: sov.num_buildings,
            latest_revision: sov.latest_revision,
            last_updated: sov.last_updated(),
            status: status_word(sov),
        }
    }
}

fn status_word(sov: &SovSummary) -> Option<String> {
    let status = sov.status.as_deref()?;
    Some(
        SovStatus::parse(status)
            .map(|s| s.word().to_owned())
            .unwrap_or_else(|| status.to_owned()),
    )
}

pub async fn find(global: &GlobalOptions, args: FindArgs, out: &Output) -> u8 {
    let usage = |message: String| {
        fail(
            out,
            COMMAND,
            exit_code::USAGE,
            ErrorInfo::local("invalid_input", message),
        )
    };
    let status = match args.status.as_deref().map(|s| (s, SovStatus::parse(s))) {
        None => None,
        Some((_, Some(status))) => Some(status),
        Some((given, None)) => {
            return usage(format!(
                "--status {given} is not a status. Use one of: pending, in-progress, enriching, re-enriching, complete, failed (or P, I, E, R, C, F)."
            ))
        }
    };
    let since = match args.since.as_deref().map(UtcStamp::parse).transpose() {
        Ok(since) => since,
        Err(error) => return usage(format!("--since: {}", error.message())),
    };
    if args.limit == 0 {
        return usage("--limit must be at least 1.".to_owned());
    }
    let connection = match connect(global) {
        Ok(connection) => connection,
        Err(Failure { exit_code, error }) => return fail(out, COMMAND, exit_code, error),
    };
    if out.verbose() >= 2 {
        out.note(&connection.description);
    }
    let mut query = ActivityQuery {
        search: Some(args.text.clone()).filter(|t| !t.trim().is_empty()),
        status,
        completed_after: since,
        page_size: Some(args.limit.min(MAX_PAGE_SIZE as usize) as u32),
        ..ActivityQuery::default()
    };
    let mut found: Vec<SovSummary> = Vec::new();
    let mut more;
    loop {
        let page = match connection.client.list_activity(&query).await {
            Ok(page) => page,
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
        more = page.has_more();
        found.extend(page.results);
        if found.len() >= args.limit || !more {
            break;
        }
        query.cursor = page.cursor_id.map(Cursor::After);
    }
    if found.len() > args.limit {
        found.truncate(args.limit);
        more = true;
    }
    let as_table = !out.is_json() && std::io::stdout().is_terminal();
    if as_table {
        let rows: Vec<Vec<String>> = found
            .iter()
            .map(|sov| {
                let line = FoundSov::of(sov);
                vec![
                    line.filename.unwrap_or("").to_owned(),
                    line.insured_name.unwrap_or("").to_owned(),
                    line.num_buildings
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    table::short_time(line.last_updated),
                    line.latest_revision
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    line.status.unwrap_or_default(),
                    sov.id.clone(),
                ]
            })
            .collect();
        if !rows.is_empty() {
            for line in table::lines(
                &[
                    "File",
                    "Insured",
                    "Buildings",
                    "Last updated",
                    "Revision",
                    "Status",
                    "SOV id",
                ],
                &rows,
            ) {
                out.result(&line);
            }
        }
    } else {
        let mut stdout = std::io::stdout().lock();
        for sov in &found {
            if let Ok(text) = serde_json::to_string(&FoundSov::of(sov)) {
                let _ = writeln!(stdout, "{text}");
            }
        }
        let _ = stdout.flush();
    }
    if found.is_empty() {
        out.note(&format!(
            "Nothing found for \"{}\". Try part of the insured's name, part of the file name, or the SOV id; \
             a --status or --since filter may also hide it.",
            args.text.trim()
        ));
    } else if more {
        out.note(&format!(
            "Showing the {} most recent; more match. Narrow the search or raise --limit.",
            found.len()
        ));
    }
    exit_code::DONE
}

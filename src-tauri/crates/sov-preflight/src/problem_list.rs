//! "Save the list" and the window's row list: every row with one kind of problem, written as a CSV
//! file the user can open in Excel or listed a page at a time, however many there are (the file is
//! read again; memory stays flat).

use std::io::{self, BufWriter, Seek, Write};
use std::path::Path;

use crate::check;
use crate::csv_out::write_record;
use crate::error::PreflightError;
use crate::findings::{Detail, Tap, TapKey};
use crate::options::CheckOptions;
use crate::report::Finding;
use serde::{Deserialize, Serialize};

const HEADING: [&str; 5] = ["Row", "Column", "Value", "Problem", "What to do"];

/// Writes every row of `checked` with the problem of `finding` (its code and column) to `out`
/// as CSV: Row, Column, Value, Problem, What to do. `options` must be those of the check.
/// Returns how many rows were written. `out` appears only once it is complete.
pub fn save_problem_rows(
    checked: &Path,
    options: &CheckOptions,
    finding: &Finding,
    out: &Path,
) -> Result<u64, PreflightError> {
    let folder = out
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io_error = |error| PreflightError::io(out, error);
    let file = tempfile::NamedTempFile::new_in(folder).map_err(io_error)?;
    let mut tap = CsvTap::new(file).map_err(io_error)?;
    let key = TapKey {
        code: finding.code.clone(),
        column: finding.column.clone(),
    };
    let options = CheckOptions {
        // Only the tapped kind is wanted: keep as little of the rest as possible.
        max_findings_per_kind: 1,
        ..options.clone()
    };
    check::scan_tapped(checked, &options, key, &mut tap);
    let (file, count) = tap.finish().map_err(io_error)?;
    file.persist(out).map_err(|error| io_error(error.error))?;
    Ok(count)
}

struct CsvTap {
    out: BufWriter<tempfile::NamedTempFile>,
    line: Vec<u8>,
    count: u64,
    /// The first write that failed; reported at the end.
    error: Option<io::Error>,
}

impl CsvTap {
    fn new(file: tempfile::NamedTempFile) -> io::Result<Self> {
        let mut tap = Self {
            out: BufWriter::new(file),
            line: Vec::with_capacity(256),
            count: 0,
            error: None,
        };
        tap.heading()?;
        Ok(tap)
    }

    fn heading(&mut self) -> io::Result<()> {
        self.line.clear();
        write_record(&mut self.line, HEADING.iter().map(|cell| cell.as_bytes()));
        self.out.write_all(&self.line)
    }

    fn finish(self) -> io::Result<(tempfile::NamedTempFile, u64)> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let file = self.out.into_inner().map_err(|error| error.into_error())?;
        file.as_file().sync_all()?;
        Ok((file, self.count))
    }
}

impl Tap for CsvTap {
    fn occurrence(&mut self, row: Option<u64>, column: Option<&str>, detail: Detail) {
        if self.error.is_some() {
            return;
        }
        let row = row.map(|row| row.to_string()).unwrap_or_default();
        let value = detail.value.unwrap_or_default();
        self.line.clear();
        write_record(
            &mut self.line,
            [
                row.as_bytes(),
                column.unwrap_or_default().as_bytes(),
                value.as_bytes(),
                detail.message.as_bytes(),
                detail.suggestion.as_bytes(),
            ],
        );
        match self.out.write_all(&self.line) {
            Ok(()) => self.count += 1,
            Err(error) => self.error = Some(error),
        }
    }

    fn restart(&mut self) {
        self.count = 0;
        let result = self.out.flush().and_then(|()| {
            let file = self.out.get_mut().as_file_mut();
            file.set_len(0)?;
            file.rewind()
        });
        if let Err(error) = result.and_then(|()| self.heading()) {
            self.error.get_or_insert(error);
        }
    }
}

/// One row with a kind of problem, as the window's row list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProblemRow {
    /// The row as Excel numbers it.
    pub row: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub problem: String,
    pub what_to_do: String,
}

/// A page of a problem's rows: `rows` from position `offset` (0 = the first row with it), and how
/// many rows have the problem in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProblemRowsPage {
    pub offset: u64,
    pub total: u64,
    pub rows: Vec<ProblemRow>,
}

/// The rows `offset..offset + limit` of `checked` with the problem of `finding` (its code and
/// column), with their value and words, and the total. The file is read again, so the window can
/// list every row of a long list a page at a time while memory stays flat.
pub fn problem_rows_page(
    checked: &Path,
    options: &CheckOptions,
    finding: &Finding,
    offset: u64,
    limit: u64,
) -> ProblemRowsPage {
    let mut tap = PageTap {
        offset,
        limit,
        seen: 0,
        rows: Vec::new(),
    };
    let key = TapKey {
        code: finding.code.clone(),
        column: finding.column.clone(),
    };
    let options = CheckOptions {
        max_findings_per_kind: 1,
        ..options.clone()
    };
    check::scan_tapped(checked, &options, key, &mut tap);
    ProblemRowsPage {
        offset,
        total: tap.seen,
        rows: tap.rows,
    }
}

struct PageTap {
    offset: u64,
    limit: u64,
    seen: u64,
    rows: Vec<ProblemRow>,
}

impl Tap for PageTap {
    fn occurrence(&mut self, row: Option<u64>, column: Option<&str>, detail: Detail) {
        let position = self.seen;
        self.seen += 1;
        if position < self.offset || position - self.offset >= self.limit {
            return;
        }
        self.rows.push(ProblemRow {
            row,
            column: column.map(str::to_owned),
            value: detail.value,
            problem: detail.message,
            what_to_do: detail.suggestion,
        });
    }

    fn restart(&mut self) {
        self.seen = 0;
        self.rows.clear();
    }
}

//! One-click fixes: a corrected copy written next to the original, never over it.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use crate::check::{self, FixPlan, JobTargets};
use crate::csv_out::write_record;
use crate::error::PreflightError;
use crate::options::CheckOptions;
use crate::report::{FileReport, Severity};
use crate::source;

/// Applies every safe fix to `path` (renames of misspelled columns, removal of empty
/// trailing columns and empty rows, UTF-8 without BOM, commas, Excel sheet to CSV), writes
/// the result as `name (fixed).csv` beside it (`name (fixed 2).csv` if that exists) and
/// checks the new file.
pub fn apply_fixes(
    path: &Path,
    options: &CheckOptions,
) -> Result<(PathBuf, FileReport), PreflightError> {
    let scan = check::scan(path, options, &JobTargets::default(), None);
    if scan.layout.is_none() {
        let reason = scan
            .report
            .findings
            .iter()
            .find(|finding| finding.severity == Severity::Error)
            .map_or_else(String::new, |finding| {
                format!("{} {}", finding.message, finding.suggestion)
            });
        return Err(PreflightError::NotUsable { message: reason });
    }
    if scan.report.fixes.is_empty() {
        return Err(PreflightError::NothingToFix {
            file_name: scan.report.file_name,
        });
    }
    let (fixed_path, file) = create_fixed_file(path)?;
    if let Err(error) = write_fixed(path, options, &scan.fix_plan, file) {
        // A half-written copy would only confuse: remove it (ignoring a failure to do so).
        let _ = std::fs::remove_file(&fixed_path);
        return Err(error);
    }
    let report = check::scan(&fixed_path, options, &JobTargets::default(), None).report;
    Ok((fixed_path, report))
}

fn create_fixed_file(path: &Path) -> Result<(PathBuf, File), PreflightError> {
    let stem = path.file_stem().map_or_else(
        || "corrections".to_owned(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    for attempt in 1..1000 {
        let name = if attempt == 1 {
            format!("{stem} (fixed).csv")
        } else {
            format!("{stem} (fixed {attempt}).csv")
        };
        let candidate = folder.join(name);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((candidate, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(PreflightError::io(candidate, error)),
        }
    }
    Err(PreflightError::io(
        folder,
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            "too many fixed copies already exist",
        ),
    ))
}

fn write_fixed(
    path: &Path,
    options: &CheckOptions,
    plan: &FixPlan,
    file: File,
) -> Result<(), PreflightError> {
    let mut source = source::open_with(
        path,
        options.sheet_of(path),
        options.header_row_of(path),
        plan.legacy_text,
    )
    .map_err(|refusal| PreflightError::NotUsable {
        message: format!("{} {}", refusal.message, refusal.suggestion),
    })?;
    let io_error = |error| PreflightError::io(path, error);
    let mut out = BufWriter::new(file);
    let mut record = ByteRecord::new();
    let mut line = Vec::with_capacity(4096);
    if !source.read_record(&mut record).map_err(io_error)? {
        return Ok(());
    }
    let width = record.len();
    let keep = plan.keep_columns.unwrap_or(width);
    let mut header: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
    for &(index, new_name) in &plan.renames {
        if let Some(name) = header.get_mut(index) {
            *name = new_name.as_bytes().to_vec();
        }
    }
    write_record(&mut line, header.iter().take(keep).map(Vec::as_slice));
    while source.read_record(&mut record).map_err(io_error)? {
        let empty = record.iter().all(|field| field.trim_ascii().is_empty());
        if empty && plan.drop_empty_rows {
            continue;
        }
        // Rows with extra cells keep them: cutting would lose data the user must look at.
        let take = if record.len() <= width {
            keep
        } else {
            record.len()
        };
        write_record(&mut line, record.iter().take(take));
        if line.len() >= 64 * 1024 {
            out.write_all(&line).map_err(io_error)?;
            line.clear();
        }
    }
    out.write_all(&line).map_err(io_error)?;
    out.flush().map_err(io_error)
}

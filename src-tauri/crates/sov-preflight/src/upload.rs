//! Splits a checked file into upload parts (header repeated in each) and produces each
//! part's bytes on demand, so batches are never written to disk and memory stays flat.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use csv::ByteRecord;

use crate::csv_out::write_record;
use crate::error::PreflightError;
use crate::mapping::Projection;
use crate::options::CheckOptions;
use crate::plan_builder::{batch_rows, fingerprint, no_rows, PlanBuilder};
use crate::source::{self, Source};

/// One request's worth of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPart {
    /// The file name to send: `corrections.csv`, or `corrections (part 2 of 3).csv` when split.
    pub file_name: String,
    /// Exactly the number of bytes `UploadPlan::open_part` yields for this part.
    pub byte_len: u64,
    /// Data rows in the part (the header is not counted).
    pub rows: u64,
}

/// How a file will be sent; see [`plan_upload`].
/// Equal plans send the same bytes in the same parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPlan {
    pub(crate) path: PathBuf,
    pub(crate) sheet: Option<String>,
    /// The header row that was read (as Excel numbers rows), so every part reads the same table.
    pub(crate) header_row: u64,
    /// The columns sent and their names, when the user's mapping renames or leaves out some.
    pub(crate) projection: Option<Projection>,
    /// Read the file as Windows-1252 although it starts like UTF-8.
    pub(crate) legacy_text: bool,
    /// The file is already UTF-8 comma CSV in one part: send its bytes unchanged.
    pub(crate) whole_file: bool,
    pub(crate) parts: Vec<UploadPart>,
    /// Index of each part's first data row (empty rows not counted).
    pub(crate) first_rows: Vec<u64>,
    /// Where each part's first row starts in the file, when it can be read from there
    /// (UTF-8 text); otherwise the file is read from the start and rows are skipped.
    pub(crate) file_offsets: Vec<Option<u64>>,
    /// The header as sent at the start of every part.
    pub(crate) header: Vec<u8>,
    /// Size and modification time when planned, to refuse a file changed since.
    pub(crate) fingerprint: (u64, Option<SystemTime>),
}

/// Plans the upload of `path` in batches of at most `rows_per_batch` rows
/// (default [`crate::DEFAULT_ROWS_PER_BATCH`]). Reads the file once to compute every part's length.
pub fn plan_upload(
    path: &Path,
    options: &CheckOptions,
    rows_per_batch: Option<usize>,
) -> Result<UploadPlan, PreflightError> {
    plan_upload_with(path, options, rows_per_batch, false)
}

fn plan_upload_with(
    path: &Path,
    options: &CheckOptions,
    rows_per_batch: Option<usize>,
    legacy_text: bool,
) -> Result<UploadPlan, PreflightError> {
    let mut plan = PlanBuilder::new(path, batch_rows(rows_per_batch), &options.mapping)
        .map_err(|error| PreflightError::io(path, error))?;
    let mut source = open(
        path,
        options.sheet_of(path),
        options.header_row_of(path),
        legacy_text,
    )?;
    let mut record = ByteRecord::new();
    if !source
        .read_record(&mut record)
        .map_err(|e| PreflightError::io(path, e))?
    {
        return Err(no_rows(path));
    }
    plan.header(&record);
    loop {
        let position = source.file_position();
        match next_data_row(&mut source, &mut record) {
            Ok(DataRow::Row) => plan.row(position, &record),
            Ok(DataRow::SkippedEmpty) => plan.empty_row(),
            Ok(DataRow::End) => break,
            Err(error) => return Err(PreflightError::io(path, error)),
        }
    }
    if source.saw_invalid_utf8() && !legacy_text {
        // Valid UTF-8 at the start but not further on: plan it again as Windows-1252.
        return plan_upload_with(path, options, rows_per_batch, true);
    }
    plan.finish(
        path,
        options.sheet_of(path).map(str::to_owned),
        &source,
        legacy_text,
    )
}

impl UploadPlan {
    /// The file this plan sends.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The same plan with its parts named after `sheet` too ("Acme - North.csv", "Acme - North (part 1
    /// of 2).csv"), for when several sheets of one workbook are sent.
    pub(crate) fn named_after_sheet(mut self, sheet: &str) -> Self {
        let stem = self.path.file_stem().map_or_else(
            || "corrections".to_owned(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        for part in &mut self.parts {
            if let Some(rest) = part.file_name.strip_prefix(stem.as_str()) {
                part.file_name = format!("{stem} - {sheet}{rest}");
            }
        }
        self
    }

    pub fn parts(&self) -> &[UploadPart] {
        &self.parts
    }

    /// Total bytes of all parts.
    pub fn total_bytes(&self) -> u64 {
        self.parts.iter().map(|part| part.byte_len).sum()
    }

    /// A reader of exactly `parts()[index].byte_len` bytes: the part as it must be sent.
    /// Fails if the file changed since it was planned.
    pub fn open_part(&self, index: usize) -> io::Result<Box<dyn Read + Send>> {
        let part = self.parts.get(index).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("there is no upload part {}", index + 1),
            )
        })?;
        if fingerprint(&self.path)? != self.fingerprint {
            return Err(io::Error::other(format!(
                "`{}` changed after it was checked. Check it again before uploading.",
                source::display_name(&self.path)
            )));
        }
        if self.whole_file {
            return Ok(Box::new(File::open(&self.path)?));
        }
        if let Some(offset) = self.file_offsets[index] {
            // Start reading where the part starts instead of parsing every earlier row again.
            let layout = open(
                &self.path,
                self.sheet.as_deref(),
                Some(self.header_row),
                self.legacy_text,
            )
            .map_err(io::Error::other)?
            .layout;
            return Ok(Box::new(PartReader {
                source: source::resume_text_at(&self.path, &layout, offset)?,
                record: ByteRecord::new(),
                pending: self.header.clone(),
                position: 0,
                rows_left: part.rows,
                projection: self.projection.clone(),
            }));
        }
        let mut source = open(
            &self.path,
            self.sheet.as_deref(),
            Some(self.header_row),
            self.legacy_text,
        )
        .map_err(io::Error::other)?;
        let mut record = ByteRecord::new();
        let mut pending = Vec::with_capacity(64 * 1024);
        if read_header(&mut source, &mut record, &mut pending)?.is_none() {
            return Err(io::Error::other("the file has no rows any more"));
        }
        // The header as planned: the mapping may rename or leave out columns.
        pending.clone_from(&self.header);
        let mut to_skip = self.first_rows[index];
        while to_skip > 0 {
            match next_data_row(&mut source, &mut record)? {
                DataRow::Row => to_skip -= 1,
                DataRow::SkippedEmpty => {}
                DataRow::End => {
                    return Err(io::Error::other(
                        "the file has fewer rows than when it was checked",
                    ))
                }
            }
        }
        Ok(Box::new(PartReader {
            source,
            record,
            pending,
            position: 0,
            rows_left: part.rows,
            projection: self.projection.clone(),
        }))
    }
}

fn open(
    path: &Path,
    sheet: Option<&str>,
    header_row: Option<u64>,
    legacy_text: bool,
) -> Result<Source, PreflightError> {
    source::open_with(path, sheet, header_row, legacy_text).map_err(|refusal| {
        PreflightError::NotUsable {
            message: format!("{} {}", refusal.message, refusal.suggestion),
        }
    })
}

/// Reads the header and writes it, as it will be sent, into `out`; returns its length, or
/// None when the file holds no record at all.
fn read_header(
    source: &mut Source,
    record: &mut ByteRecord,
    out: &mut Vec<u8>,
) -> io::Result<Option<u64>> {
    if !source.read_record(record)? {
        return Ok(None);
    }
    out.clear();
    write_record(out, record.iter());
    Ok(Some(out.len() as u64))
}

enum DataRow {
    Row,
    SkippedEmpty,
    End,
}

/// Empty rows are left out of uploads (the check warns about them).
fn next_data_row(source: &mut Source, record: &mut ByteRecord) -> io::Result<DataRow> {
    if !source.read_record(record)? {
        return Ok(DataRow::End);
    }
    if record.iter().all(|field| field.trim_ascii().is_empty()) {
        return Ok(DataRow::SkippedEmpty);
    }
    Ok(DataRow::Row)
}

struct PartReader {
    source: Source,
    record: ByteRecord,
    /// Bytes produced but not yet read (starts with the header).
    pending: Vec<u8>,
    position: usize,
    rows_left: u64,
    projection: Option<Projection>,
}

impl Read for PartReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.position == self.pending.len() && self.rows_left > 0 {
            self.pending.clear();
            self.position = 0;
            // Fill a few dozen kilobytes at a time so small reads stay cheap.
            while self.pending.len() < 32 * 1024 && self.rows_left > 0 {
                match next_data_row(&mut self.source, &mut self.record)? {
                    DataRow::Row => {
                        match &self.projection {
                            Some(projection) => {
                                write_record(&mut self.pending, projection.cells(&self.record))
                            }
                            None => write_record(&mut self.pending, self.record.iter()),
                        }
                        self.rows_left -= 1;
                    }
                    DataRow::SkippedEmpty => {}
                    DataRow::End => {
                        return Err(io::Error::other(
                            "the file has fewer rows than when it was checked",
                        ));
                    }
                }
            }
        }
        let available = &self.pending[self.position..];
        let count = available.len().min(buf.len());
        buf[..count].copy_from_slice(&available[..count]);
        self.position += count;
        Ok(count)
    }
}

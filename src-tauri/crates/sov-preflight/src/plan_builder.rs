//! Builds an [`UploadPlan`] from the records of one read of a file, fed by whoever reads it: the
//! planner on its own, or the pre-flight check in the same pass, so both give the same plan.

use std::io;
use std::path::Path;
use std::time::SystemTime;

use csv::ByteRecord;

use crate::csv_out::{record_len, write_record};
use crate::error::PreflightError;
use crate::mapping::{ColumnMapping, Projection};
use crate::options::DEFAULT_ROWS_PER_BATCH;
use crate::source::{self, Source};
use crate::upload::{UploadPart, UploadPlan};

/// Rows per part for a caller's choice (`None` = the default; never less than one).
pub(crate) fn batch_rows(rows_per_batch: Option<usize>) -> u64 {
    rows_per_batch.unwrap_or(DEFAULT_ROWS_PER_BATCH).max(1) as u64
}

/// Size and modification time of a file, to refuse it later if it changed.
pub(crate) fn fingerprint(path: &Path) -> io::Result<(u64, Option<SystemTime>)> {
    let metadata = std::fs::metadata(path)?;
    Ok((metadata.len(), metadata.modified().ok()))
}

/// Parts measured so far. Feed it the header, then every record after it in file order.
pub(crate) struct PlanBuilder {
    batch: u64,
    mapping: ColumnMapping,
    /// The columns sent, when the mapping renames or leaves out some.
    projection: Option<Projection>,
    fingerprint: (u64, Option<SystemTime>),
    /// The header as sent at the start of every part.
    header: Vec<u8>,
    /// (rows, bytes) per part.
    sizes: Vec<(u64, u64)>,
    file_offsets: Vec<Option<u64>>,
    total_rows: u64,
    skipped_empty: bool,
}

impl PlanBuilder {
    /// Takes the file's fingerprint now, before it is read.
    pub(crate) fn new(path: &Path, batch: u64, mapping: &ColumnMapping) -> io::Result<Self> {
        Ok(Self {
            batch: batch.max(1),
            mapping: mapping.clone(),
            projection: None,
            fingerprint: fingerprint(path)?,
            header: Vec::new(),
            sizes: Vec::new(),
            file_offsets: Vec::new(),
            total_rows: 0,
            skipped_empty: false,
        })
    }

    pub(crate) fn header(&mut self, record: &ByteRecord) {
        self.header.clear();
        self.projection = Projection::of(record, &self.mapping);
        match &self.projection {
            Some(projection) => write_record(
                &mut self.header,
                projection.header.iter().map(String::as_bytes),
            ),
            None => write_record(&mut self.header, record.iter()),
        }
    }

    /// An empty row: left out of the upload.
    pub(crate) fn empty_row(&mut self) {
        self.skipped_empty = true;
    }

    /// A data row that started at `position` in the file (see `Source::file_position`).
    pub(crate) fn row(&mut self, position: Option<u64>, record: &ByteRecord) {
        if self.total_rows.is_multiple_of(self.batch) {
            self.sizes.push((0, self.header.len() as u64));
            self.file_offsets.push(position);
        }
        if let Some(last) = self.sizes.last_mut() {
            last.0 += 1;
            last.1 += match &self.projection {
                Some(projection) => record_len(projection.cells(record)),
                None => record_len(record.iter()),
            };
        }
        self.total_rows += 1;
    }

    /// The plan of `path`, read from `source` (as Windows-1252 when `legacy_text`).
    pub(crate) fn finish(
        self,
        path: &Path,
        sheet: Option<String>,
        source: &Source,
        legacy_text: bool,
    ) -> Result<UploadPlan, PreflightError> {
        let Self {
            fingerprint,
            header,
            mut sizes,
            file_offsets,
            total_rows,
            skipped_empty,
            projection,
            ..
        } = self;
        if total_rows == 0 {
            return Err(no_rows(path));
        }
        // Rows above the header (a title, notes) are not sent, so such a file is never sent as is.
        let whole_file = source.layout.is_plain_utf8_csv()
            && source.rows_above_header == 0
            && projection.is_none()
            && !skipped_empty
            && sizes.len() == 1;
        if whole_file {
            sizes[0].1 = fingerprint.0;
        }
        let stem = path.file_stem().map_or_else(
            || "corrections".to_owned(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        let count = sizes.len();
        let mut first_row = 0;
        let mut first_rows = Vec::with_capacity(count);
        let parts = sizes
            .into_iter()
            .enumerate()
            .map(|(index, (rows, byte_len))| {
                first_rows.push(first_row);
                first_row += rows;
                let file_name = if count == 1 {
                    format!("{stem}.csv")
                } else {
                    format!("{stem} (part {} of {count}).csv", index + 1)
                };
                UploadPart {
                    file_name,
                    byte_len,
                    rows,
                }
            })
            .collect();
        Ok(UploadPlan {
            path: path.to_owned(),
            sheet,
            header_row: source.first_row_number,
            projection,
            legacy_text,
            whole_file,
            parts,
            first_rows,
            file_offsets,
            header,
            fingerprint,
        })
    }
}

pub(crate) fn no_rows(path: &Path) -> PreflightError {
    PreflightError::NotUsable {
        message: format!(
            "`{}` has no rows to update. Add at least one row with a correction below the header row.",
            source::display_name(path)
        ),
    }
}

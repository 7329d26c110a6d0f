//! The pre-flight check of one file: a single streaming pass over its records.

use std::path::Path;

use csv::ByteRecord;

use crate::duplicates::{RowTargets, TargetSet};
use crate::error::PreflightError;
use crate::findings::{column_letter, thousands, Detail, Findings, Tap, TapKey};
use crate::header::{self, Header};
use crate::identity::{parse_sheet_row_number, Target};
use crate::options::CheckOptions;
use crate::plan_builder::PlanBuilder;
use crate::report::{
    ColumnStatus, FileKind, FileReport, FileStamp, Fix, Preview, Severity, Summary,
};
use crate::source::{self, Layout, Source};
use crate::upload::UploadPlan;
use crate::values;

/// The targets of the files already checked in this job, by file name.
#[derive(Default)]
pub(crate) struct JobTargets {
    files: Vec<(String, TargetSet)>,
}

impl JobTargets {
    pub(crate) fn add(&mut self, file_name: String, targets: TargetSet) {
        self.files.push((file_name, targets));
    }

    /// Earlier files whose buildings could not be kept for comparison (their temporary file failed).
    pub(crate) fn incomplete_files(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .filter(|(_, targets)| !targets.is_available())
            .map(|(name, _)| name.as_str())
    }

    fn file_with(&self, hash: u64) -> Option<&str> {
        self.files
            .iter()
            .find(|(_, targets)| targets.contains(hash))
            .map(|(name, _)| name.as_str())
    }
}

/// What the safe one-click fixes would change.
#[derive(Debug, Clone, Default)]
pub(crate) struct FixPlan {
    /// (column index, new name).
    pub renames: Vec<(usize, &'static str)>,
    /// Keep only this many columns (the rest are nameless and empty).
    pub keep_columns: Option<usize>,
    pub drop_empty_rows: bool,
    /// The file looked like UTF-8 but is not: read it as Windows-1252.
    pub legacy_text: bool,
}

pub(crate) struct Scan {
    pub report: FileReport,
    pub fix_plan: FixPlan,
    pub layout: Option<Layout>,
    /// Every row's target; turned into a [`TargetSet`] only when later files of the job need it.
    pub targets: RowTargets,
    /// The upload plan built in the same pass, when one was asked for and the pass read every
    /// record; `None` otherwise (plan the upload separately).
    pub upload_plan: Option<Result<UploadPlan, PreflightError>>,
}

/// The check and, with `plan_batch`, in the same read the upload plan in parts of at most that
/// many rows.
pub(crate) fn scan(
    path: &Path,
    options: &CheckOptions,
    job: &JobTargets,
    plan_batch: Option<u64>,
) -> Scan {
    scan_with(path, options, job, false, plan_batch, None)
}

/// The check of one file on its own, handing every occurrence of one kind of problem to `tap`.
pub(crate) fn scan_tapped(
    path: &Path,
    options: &CheckOptions,
    key: TapKey,
    tap: &mut dyn Tap,
) -> Scan {
    scan_with(
        path,
        options,
        &JobTargets::default(),
        false,
        None,
        Some((key, tap)),
    )
}

fn scan_with(
    path: &Path,
    options: &CheckOptions,
    job: &JobTargets,
    legacy_text: bool,
    plan_batch: Option<u64>,
    tap: Option<(TapKey, &mut dyn Tap)>,
) -> Scan {
    // Before the file is read, like `plan_upload`; without it the plan is left to `plan_upload`.
    let mut plan =
        plan_batch.and_then(|batch| PlanBuilder::new(path, batch, &options.mapping).ok());
    let mut upload_plan = None;
    let file_name = source::display_name(path);
    let mut findings = Findings::new(&file_name, options.max_findings_per_kind);
    if let Some((key, tap)) = tap {
        findings = findings.with_tap(key, tap);
    }
    let mut report = FileReport {
        path: path.display().to_string(),
        file_name: file_name.clone(),
        kind: FileKind::Csv,
        summary: Summary::default(),
        notices: Vec::new(),
        sheet: None,
        sheets: Vec::new(),
        header_row: None,
        header_row_detected: false,
        columns: Vec::new(),
        remembered_mapping: false,
        findings: Vec::new(),
        fixes: Vec::new(),
        preview: Preview::default(),
        blocking: false,
        // Taken before reading, so an edit made while the file is read is noticed too.
        stamp: FileStamp::of(path),
    };
    let mut fix_plan = FixPlan {
        legacy_text,
        ..FixPlan::default()
    };
    let mut targets = RowTargets::default();
    let mut layout = None;
    match source::open_with(
        path,
        options.sheet_of(path),
        options.header_row_of(path),
        legacy_text,
    ) {
        Err(refusal) => {
            report.kind = refusal.kind;
            findings.push(Severity::Error, refusal.code, None, None, || Detail {
                value: None,
                message: refusal.message,
                suggestion: refusal.suggestion,
            });
        }
        Ok(mut source) => {
            report.kind = source.layout.kind();
            report.notices = source.layout.notices();
            report.header_row = Some(source.first_row_number);
            report.header_row_detected = source.header_detected;
            if source.rows_above_header > 0 {
                report.notices.push(header_row_notice(&source));
            }
            if let Layout::Excel { sheet, sheets } = &source.layout {
                report.sheet = Some(sheet.clone());
                report.sheets = sheets.clone();
            }
            let read_to_end = Pass {
                options,
                job,
                findings: &mut findings,
                report: &mut report,
                fix_plan: &mut fix_plan,
                targets: &mut targets,
                plan: plan.as_mut(),
            }
            .run(&mut source);
            if source.saw_invalid_utf8() && !legacy_text {
                // Rare: valid UTF-8 at the start, not further on. Read it all again as Windows-1252.
                let tap = findings.take_tap().map(|(key, tap)| {
                    tap.restart();
                    (key, tap)
                });
                return scan_with(path, options, job, true, plan_batch, tap);
            }
            // A pass that stopped early saw only part of the file: no plan from it.
            upload_plan = plan.filter(|_| read_to_end).map(|plan| {
                plan.finish(
                    path,
                    options.sheet_of(path).map(str::to_owned),
                    &source,
                    legacy_text,
                )
            });
            report.fixes = layout_fixes(&source.layout, &fix_plan, &report.preview.header);
            layout = Some(source.layout);
        }
    }
    let (kept, errors, warnings) = findings.finish();
    report.findings = kept;
    report.summary.errors = errors;
    report.summary.warnings = warnings;
    report.blocking = errors > 0;
    Scan {
        report,
        fix_plan,
        layout,
        targets,
        upload_plan,
    }
}

/// Says which row was read as the header when it is not the first, so the user can disagree.
fn header_row_notice(source: &Source) -> String {
    let header = source.first_row_number;
    let first = header - source.rows_above_header;
    let above = if first + 1 == header {
        format!("row {first} above it was")
    } else {
        format!("rows {first}–{} above it were", header - 1)
    };
    let how = if source.header_detected {
        "The column names were found in row"
    } else {
        "The column names are read from row"
    };
    format!("{how} {header}; {above} skipped (a title or notes) and will not be sent. Choose another header row if this is wrong.")
}

fn layout_fixes(layout: &Layout, plan: &FixPlan, header: &[String]) -> Vec<Fix> {
    let fix = |id: &str, label: String| Fix {
        id: id.to_owned(),
        label,
        fixes_a_problem: matches!(
            id,
            "rename_column" | "drop_empty_columns" | "drop_empty_rows"
        ),
    };
    let mut fixes: Vec<Fix> = plan
        .renames
        .iter()
        .map(|(index, to)| {
            let from = header.get(*index).map_or("", String::as_str);
            fix("rename_column", format!("Rename `{from}` to `{to}`"))
        })
        .collect();
    if let Some(keep) = plan.keep_columns {
        let range = if keep + 1 == header.len() {
            column_letter(keep)
        } else {
            format!(
                "{}–{}",
                column_letter(keep),
                column_letter(header.len().saturating_sub(1))
            )
        };
        fixes.push(fix(
            "drop_empty_columns",
            format!("Remove the empty column(s) {range}"),
        ));
    }
    if plan.drop_empty_rows {
        fixes.push(fix("drop_empty_rows", "Remove the empty rows".into()));
    }
    match layout {
        Layout::Text {
            encoding,
            delimiter,
        } => {
            use crate::detect::TextEncoding;
            match encoding {
                TextEncoding::Utf8 => {}
                TextEncoding::Utf8WithBom => fixes.push(fix(
                    "strip_bom",
                    "Remove the invisible byte-order mark".into(),
                )),
                _ => fixes.push(fix("convert_encoding", "Save the file as UTF-8".into())),
            }
            if *delimiter != b',' {
                fixes.push(fix(
                    "convert_delimiter",
                    "Separate the columns with commas".into(),
                ));
            }
        }
        Layout::Excel { sheet, .. } => {
            fixes.push(fix(
                "convert_excel",
                format!("Save the sheet `{sheet}` as a CSV file"),
            ));
        }
    }
    fixes
}

/// State of one pass over a file's records.
struct Pass<'a, 't> {
    options: &'a CheckOptions,
    job: &'a JobTargets,
    findings: &'a mut Findings<'t>,
    report: &'a mut FileReport,
    fix_plan: &'a mut FixPlan,
    targets: &'a mut RowTargets,
    /// Fed every record when the upload is planned in the same pass.
    plan: Option<&'a mut PlanBuilder>,
}

impl Pass<'_, '_> {
    /// Checks every record; false when it stopped before the end of the file.
    fn run(&mut self, source: &mut Source) -> bool {
        let mut record = ByteRecord::new();
        let file_name = self.report.file_name.clone();
        match source.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => {
                self.findings.push(Severity::Error, "empty_file", None, None, || Detail {
                    value: None,
                    message: format!("`{file_name}` has no header row and no rows."),
                    suggestion: "Save your corrections again from Excel and pick the saved file.".into(),
                });
                return false;
            }
            Err(error) => {
                self.read_failed(&error, source.first_row_number);
                return false;
            }
        }
        let names: Vec<String> = record
            .iter()
            .map(|field| String::from_utf8_lossy(field).into_owned())
            .collect();
        if names.iter().all(|name| name.trim().is_empty()) {
            self.findings.push(Severity::Error, "missing_header", Some(source.first_row_number), None, || Detail {
                value: None,
                message: format!("The first row of `{file_name}` is empty; it should hold the column names."),
                suggestion: "Put the attribute names (such as `sheet_name`, `sheet_row_number`) in the first row.".into(),
            });
            return false;
        }
        if let Some(plan) = self.plan.as_deref_mut() {
            plan.header(&record);
        }
        self.report.preview.header = names.clone();
        let header = header::analyse(
            names,
            source.first_row_number,
            &self.options.mapping,
            self.findings,
        );
        self.report.columns = header.reports.clone();
        self.fix_plan.renames = header
            .columns
            .iter()
            .enumerate()
            .filter_map(|(index, column)| column.rename_to.map(|to| (index, to)))
            .collect();
        self.report.summary.columns = header.columns.len() as u64;
        self.report.summary.recognized_columns = header.recognized;
        self.rows(source, &header, &mut record)
    }

    fn read_failed(&mut self, error: &std::io::Error, row: u64) {
        let file_name = self.report.file_name.clone();
        self.findings
            .push(Severity::Error, "read_failed", Some(row), None, || Detail {
                value: None,
                message: format!("Reading `{file_name}` stopped at row {row}: {error}."),
                suggestion: "Check the file is not open in another program and pick it again."
                    .into(),
            });
    }

    /// Checks the data rows; false when reading stopped before the end of the file.
    fn rows(&mut self, source: &mut Source, header: &Header, record: &mut ByteRecord) -> bool {
        let typed: Vec<(usize, crate::attributes::ValueType)> = header
            .columns
            .iter()
            .enumerate()
            .filter_map(|(index, column)| column.value_type.map(|value_type| (index, value_type)))
            .collect();
        let width = header.columns.len();
        let checks_zip = typed
            .iter()
            .any(|(_, value_type)| *value_type == crate::attributes::ValueType::Zip);
        let country_column = header
            .reports
            .iter()
            .position(|column| {
                column.attribute.as_deref() == Some("country")
                    && !matches!(column.status, ColumnStatus::DontSend)
            })
            .filter(|_| checks_zip);
        let this_year = values::current_year();
        let mut row_number = source.first_row_number;
        let mut rows = 0u64;
        let mut empty_rows = 0u64;
        // Sized once (with a little slack) instead of growing by doubling.
        *self.targets = RowTargets::with_capacity(
            (source.estimated_records + source.estimated_records / 16) as usize,
        );
        // First row with a value under a nameless trailing column, per such column.
        let mut trailing_values: Vec<Option<u64>> = vec![None; width - header.trailing_blank_from];
        let mut read_to_end = true;
        loop {
            let position = source.file_position();
            match source.read_record(record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(error) => {
                    self.read_failed(&error, row_number + 1);
                    read_to_end = false;
                    break;
                }
            }
            row_number += 1;
            if record.iter().all(|field| field.trim_ascii().is_empty()) {
                if let Some(plan) = self.plan.as_deref_mut() {
                    plan.empty_row();
                }
                empty_rows += 1;
                self.findings.push(Severity::Warning, "empty_row", Some(row_number), None, || Detail {
                    value: None,
                    message: format!("Row {row_number} is empty; it will be left out."),
                    suggestion: "Nothing to do, or remove the empty rows with the one-click fix.".into(),
                });
                self.targets.push(None);
                continue;
            }
            rows += 1;
            if let Some(plan) = self.plan.as_deref_mut() {
                plan.row(position, record);
            }
            if self.report.preview.rows.len() < self.options.preview_rows {
                self.report.preview.rows.push(
                    record
                        .iter()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect(),
                );
            }
            if record.len() != width {
                let cells = record.len();
                self.findings.push(Severity::Error, "field_count_mismatch", Some(row_number), None, || Detail {
                    value: Some(cells.to_string()),
                    message: format!("Row {row_number} has {cells} cells but the header has {width} columns."),
                    suggestion: format!("Check row {row_number} for a stray comma or a missing cell: every row needs one cell per column."),
                });
            }
            for (offset, first_row) in trailing_values.iter_mut().enumerate() {
                let has_value = record
                    .get(header.trailing_blank_from + offset)
                    .is_some_and(|f| !f.trim_ascii().is_empty());
                if has_value && first_row.is_none() {
                    *first_row = Some(row_number);
                }
            }
            let target = self.identity(header, record, row_number);
            self.targets.push(target);
            // The row's country, only when a ZIP code is checked against it.
            let context = values::RowContext {
                country: country_column
                    .and_then(|index| record.get(index))
                    .and_then(|cell| std::str::from_utf8(cell).ok()),
                this_year,
            };
            for &(index, value_type) in &typed {
                let Some(raw) = record.get(index) else {
                    continue;
                };
                // Fields are UTF-8 already (decoded or validated); lossy is only a fallback.
                let raw = match std::str::from_utf8(raw) {
                    Ok(text) => std::borrow::Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(raw),
                };
                if let Some(problem) = values::check(value_type, &raw, context) {
                    let name = &header.columns[index].name;
                    self.findings.push(
                        Severity::Warning,
                        problem.code(),
                        Some(row_number),
                        Some((index, name)),
                        || {
                            let (what, suggestion) = problem.words(&raw);
                            Detail {
                                value: Some(raw.clone().into_owned()),
                                message: format!(
                                    "Row {row_number}, column `{}`: `{raw}` {what}.",
                                    name.trim()
                                ),
                                suggestion,
                            }
                        },
                    );
                }
            }
        }
        self.report.summary.rows = rows;
        self.repeated_targets(header, source.first_row_number);
        for other in self.job.incomplete_files() {
            self.findings.push(Severity::Warning, "cross_file_check_incomplete", None, None, || Detail {
                value: None,
                message: format!("This file could not be compared with `{other}` for buildings updated in both."),
                suggestion: "Make sure there is free space in the temporary folder, then check the files again.".into(),
            });
        }
        self.fix_plan.drop_empty_rows = empty_rows > 0;
        if rows == 0 {
            let file_name = self.report.file_name.clone();
            self.findings
                .push(Severity::Error, "no_rows", None, None, || Detail {
                    value: None,
                    message: format!("`{file_name}` has column names but no rows to update."),
                    suggestion: "Add at least one row with a correction below the header row."
                        .into(),
                });
        }
        self.trailing_columns(header, &trailing_values);
        read_to_end
    }

    fn trailing_columns(&mut self, header: &Header, trailing_values: &[Option<u64>]) {
        if trailing_values.is_empty() {
            return;
        }
        let mut all_empty = true;
        for (offset, first_row) in trailing_values.iter().enumerate() {
            let Some(row) = first_row else { continue };
            all_empty = false;
            let index = header.trailing_blank_from + offset;
            let letter = column_letter(index);
            let header_row = header.row;
            self.findings.push(Severity::Error, "blank_column_name", None, Some((index, &letter)), || Detail {
                value: None,
                message: format!("Column {letter} has no name in the header row, but row {row} has a value in it."),
                suggestion: format!("Type the attribute name in cell {letter}{header_row}, or delete the column if it is not needed."),
            });
        }
        if all_empty {
            let first = header.trailing_blank_from;
            let count = trailing_values.len();
            let letter = column_letter(first);
            self.fix_plan.keep_columns = Some(first);
            self.findings.push(Severity::Warning, "empty_trailing_columns", None, Some((first, &letter)), || Detail {
                value: None,
                message: format!("{} empty column(s) without a name from column {letter} on will be left out.", thousands(count as u64)),
                suggestion: "Nothing to do, or remove them with the one-click fix.".into(),
            });
        }
    }

    /// Checks the row's identity cells; returns the hash of its target when it has one.
    fn identity(&mut self, header: &Header, record: &ByteRecord, row_number: u64) -> Option<u64> {
        let identity = header.identity?;
        let cell = |index: usize| {
            std::str::from_utf8(record.get(index).unwrap_or_default())
                .unwrap_or_default()
                .trim()
        };
        let name_of = |index: usize| header.columns[index].name.as_str();
        if let Some(item_key) = identity.item_key.map(cell).filter(|key| !key.is_empty()) {
            return Some(self.cross_file(
                Target::ItemKey(item_key),
                identity.item_key,
                header,
                row_number,
            ));
        }
        let Some((sheet_index, row_index)) = identity.sheet else {
            let index = identity.item_key.unwrap_or_default();
            self.missing_identity(
                row_number,
                index,
                name_of(index),
                "`item_key` is empty",
                "Fill in the building's `item_key`, or delete the row.",
            );
            return None;
        };
        let (sheet, sheet_row) = (cell(sheet_index), cell(row_index));
        if sheet.is_empty() || sheet_row.is_empty() {
            let (index, what) = match (sheet.is_empty(), sheet_row.is_empty()) {
                (true, true) => (sheet_index, "`sheet_name` and `sheet_row_number` are empty"),
                (true, false) => (sheet_index, "`sheet_name` is empty"),
                _ => (row_index, "`sheet_row_number` is empty"),
            };
            self.missing_identity(row_number, index, name_of(index), what, "Fill in `sheet_name` and `sheet_row_number` (the building's sheet and row in the original SOV), or delete the row.");
            return None;
        }
        let Some(number) = parse_sheet_row_number(sheet_row) else {
            let name = name_of(row_index);
            self.findings.push(Severity::Error, "invalid_sheet_row_number", Some(row_number), Some((row_index, name)), || Detail {
                value: Some(sheet_row.to_owned()),
                message: format!("Row {row_number}: `sheet_row_number` is `{sheet_row}`, which is not a row number (a whole number from 1 up)."),
                suggestion: "Enter the building's row number in the original SOV sheet, such as 12.".into(),
            });
            return None;
        };
        Some(self.cross_file(
            Target::SheetRow(sheet, number),
            Some(row_index),
            header,
            row_number,
        ))
    }

    fn missing_identity(
        &mut self,
        row_number: u64,
        index: usize,
        name: &str,
        what: &str,
        suggestion: &str,
    ) {
        self.findings.push(
            Severity::Error,
            "missing_identity",
            Some(row_number),
            Some((index, name)),
            || Detail {
                value: None,
                message: format!(
                    "Row {row_number} does not say which building it updates: {what}."
                ),
                suggestion: suggestion.into(),
            },
        );
    }

    /// Reports a target already updated by an earlier file of the job; returns its hash.
    fn cross_file(
        &mut self,
        target: Target<'_>,
        column: Option<usize>,
        header: &Header,
        row_number: u64,
    ) -> u64 {
        let hash = target.hash64();
        if let Some(other_file) = self.job.file_with(hash) {
            let column = column.map(|index| (index, header.columns[index].name.as_str()));
            self.findings.push(Severity::Error, "duplicate_building_across_files", Some(row_number), column, || Detail {
                value: Some(target.describe()),
                message: format!("Row {row_number} updates the same building ({}) as a row of `{other_file}`.", target.describe()),
                suggestion: "Keep the correction for this building in one file only.".into(),
            });
        }
        hash
    }

    /// Rows of this file that update a building an earlier row already updates.
    fn repeated_targets(&mut self, header: &Header, first_row_number: u64) {
        let Some(identity) = header.identity else {
            return;
        };
        let column_index = match (identity.item_key, identity.sheet) {
            (_, Some((_, sheet_row))) => sheet_row,
            (Some(item_key), None) => item_key,
            (None, None) => return,
        };
        let column = (column_index, header.columns[column_index].name.as_str());
        let findings = &mut *self.findings;
        let checked = self.targets.for_each_repeat(|index, first_index| {
            let row_number = first_row_number + 1 + index as u64;
            let first_row = first_row_number + 1 + first_index as u64;
            findings.push(Severity::Error, "duplicate_building", Some(row_number), Some(column), || Detail {
                value: None,
                message: format!("Row {row_number} updates the same building as row {first_row} of this file."),
                suggestion: "Keep one row per building: merge the corrections into one row and delete the other.".into(),
            });
        });
        if let Err(error) = checked {
            findings.push(Severity::Warning, "duplicate_check_incomplete", None, Some(column), || Detail {
                value: None,
                message: format!("This large file could not be fully checked for rows that update the same building ({error})."),
                suggestion: "Make sure there is free space in the temporary folder, then check the file again.".into(),
            });
        }
    }
}

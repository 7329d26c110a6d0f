//! Every sheet of a workbook as a table of its own (a sheet per location group, say): each checked
//! with its own header row and columns, a building updated on two sheets (or in two files) named,
//! and, for sending, each planned as an upload named after its sheet.

use std::path::{Path, PathBuf};

use crate::check::{self, JobTargets};
use crate::options::CheckOptions;
use crate::report::FileReport;
use crate::upload::{plan_upload, UploadPlan};
use crate::{plan_builder, source, CheckedFile, PreflightError};

/// Checks every sheet of a workbook, and buildings updated on two sheets; one report per sheet, in
/// workbook order. A CSV file or a one-sheet workbook gives one report, as [`crate::check_file`].
/// To send a sheet, plan it with `options.sheet_for` naming it.
pub fn check_every_sheet(path: &Path, options: &CheckOptions) -> Vec<FileReport> {
    every_sheet_job(&[path.to_path_buf()], options, None)
        .into_iter()
        .map(|sheet| sheet.report)
        .collect()
}

/// [`check_every_sheet`] for each of `paths`, in order, a building updated on two sheets or in two
/// files named.
pub fn check_files_every_sheet(paths: &[PathBuf], options: &CheckOptions) -> Vec<FileReport> {
    every_sheet_job(paths, options, None)
        .into_iter()
        .map(|sheet| sheet.report)
        .collect()
}

/// [`check_every_sheet`] for each of `paths`, in order, and in the same read of each sheet its
/// upload plan with `rows_per_batch`: one [`CheckedFile`] per sheet (per file for a CSV file or a
/// one-sheet workbook). A building updated on two sheets or in two files is named. The plans of a
/// workbook's sheets send parts named after the sheet ("Acme - North.csv"), so they stay apart.
pub fn check_and_plan_every_sheet(
    paths: &[PathBuf],
    options: &CheckOptions,
    rows_per_batch: Option<usize>,
) -> Vec<CheckedFile> {
    let batch = plan_builder::batch_rows(rows_per_batch);
    every_sheet_job(paths, options, Some(batch))
        .into_iter()
        .map(|sheet| {
            let plan = sheet
                .plan
                .unwrap_or_else(|| plan_upload(&sheet.path, &sheet.options, rows_per_batch));
            CheckedFile {
                path: sheet.path,
                report: sheet.report,
                plan: match sheet.named {
                    Some(name) => plan.map(|plan| plan.named_after_sheet(&name)),
                    None => plan,
                },
            }
        })
        .collect()
}

/// One sheet (or a whole CSV file) of the job, as checked.
struct CheckedSheet {
    path: PathBuf,
    /// The sheet, when the workbook has several.
    named: Option<String>,
    options: CheckOptions,
    report: FileReport,
    plan: Option<Result<UploadPlan, PreflightError>>,
}

fn every_sheet_job(
    paths: &[PathBuf],
    options: &CheckOptions,
    plan_batch: Option<u64>,
) -> Vec<CheckedSheet> {
    let tables: Vec<(PathBuf, Option<String>)> = paths
        .iter()
        .flat_map(|path| {
            let sheets = source::sheet_names(path).filter(|sheets| sheets.len() > 1);
            match sheets {
                Some(sheets) => sheets
                    .into_iter()
                    .map(|sheet| (path.clone(), Some(sheet)))
                    .collect(),
                None => vec![(path.clone(), None)],
            }
        })
        .collect();
    let count = tables.len();
    let mut job = JobTargets::default();
    tables
        .into_iter()
        .enumerate()
        .map(|(position, (path, named))| {
            let mut sheet_options = options.clone();
            if let Some(sheet) = &named {
                sheet_options.sheet_for.insert(path.clone(), sheet.clone());
            }
            let mut scan = check::scan(&path, &sheet_options, &job, plan_batch);
            if scan.report.sheet.is_none() {
                // A sheet that could not be read is still named, so the user knows which one.
                scan.report.sheet.clone_from(&named);
            }
            // The last table's buildings are compared with nothing: not worth another pass.
            if position + 1 < count {
                let name = match &named {
                    Some(sheet) => format!("{}` sheet `{sheet}", scan.report.file_name),
                    None => scan.report.file_name.clone(),
                };
                job.add(name, scan.targets.into_target_set());
            }
            CheckedSheet {
                path,
                named,
                options: sheet_options,
                report: scan.report,
                plan: scan.upload_plan,
            }
        })
        .collect()
}

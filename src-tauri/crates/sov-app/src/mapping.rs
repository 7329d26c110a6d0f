//! The window's mapping step: check files with the user's header rows and column choices (and the
//! choices remembered for files with the same headers), remember or forget a confirmed mapping, list the
//! attributes a column can be sent as, and list a problem's rows a page at a time or save them all as CSV.

use crate::state::AppState;
use crate::AppResult;
use serde::{Deserialize, Serialize};
use sov_error::{AppError, Code};
use sov_preflight::{
    CheckOptions, ColumnMapping, FileReport, Finding, MappingStore, ProblemRowsPage, Severity,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the confirmed mappings are kept, in the app's config folder.
const MAPPING_STORE_FILE: &str = "column-mappings.json";

/// What the window has decided about the files beyond the sheet: header rows and column choices.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FileChoices {
    /// The sheet picked per workbook path.
    #[serde(default)]
    pub sheets: BTreeMap<PathBuf, String>,
    /// The header row picked per path (Excel numbering); the others are found.
    #[serde(default)]
    pub header_rows: BTreeMap<PathBuf, u64>,
    /// Header text → attribute name, or `-` for "don't send this column".
    #[serde(default)]
    pub mapping: BTreeMap<String, String>,
}

impl FileChoices {
    /// The column choices as pre-flight and the engine take them; a choice that is no attribute is refused.
    pub(crate) fn column_mapping(&self) -> AppResult<ColumnMapping> {
        ColumnMapping::from_text_choices(&self.mapping).map_err(|reason| {
            AppError::invalid_input(format!(
                "The column choices cannot be used: {reason} Choose the column's attribute again in step 3."
            ))
        })
    }

    fn options(&self) -> AppResult<CheckOptions> {
        Ok(CheckOptions {
            sheet_for: self.sheets.clone(),
            header_row_for: self.header_rows.clone(),
            mapping: self.column_mapping()?,
            ..CheckOptions::default()
        })
    }
}

/// One entry of the mapping step's choice list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttributeChoice {
    /// The name sent to the server, e.g. `const__bldg_year_built`.
    pub name: String,
    /// The plain label, e.g. "Year built".
    pub label: String,
    /// `identification`, `location`, `limits`, `construction`, `occupancy` or `hazard`.
    pub group: String,
}

/// Every attribute a column can be sent as, in the contract's order.
pub fn attribute_choices() -> Vec<AttributeChoice> {
    sov_attributes::attributes()
        .iter()
        .map(|attribute| AttributeChoice {
            name: attribute.name.to_owned(),
            label: attribute.label.to_owned(),
            group: attribute.group.to_owned(),
        })
        .collect()
}

/// One kind of problem of a checked file, as the window names it to save its rows.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProblemRows {
    pub path: PathBuf,
    pub code: String,
    #[serde(default)]
    pub column: Option<String>,
}

impl AppState {
    fn mapping_store_path(&self) -> PathBuf {
        self.config_dir.join(MAPPING_STORE_FILE)
    }

    fn mapping_store(&self) -> AppResult<MappingStore> {
        MappingStore::open(&self.mapping_store_path()).map_err(|error| {
            AppError::new(Code::FileError, error.to_string(), format!("{error:?}"))
        })
    }

    /// The pre-flight check of the files together, with the user's choices and, for a file whose headers
    /// match a confirmed mapping, that mapping (the report says so and sets `remembered_mapping`). A store that
    /// cannot be read is left aside: the files are checked without it, as if nothing were remembered.
    pub async fn check_files_with_choices(
        &self,
        paths: Vec<PathBuf>,
        choices: FileChoices,
    ) -> AppResult<Vec<FileReport>> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut choices = choices;
        let given = self.given_files(&paths).await?;
        crate::changes_upload::add_workbook_columns(&given, &mut choices.mapping);
        let options = choices.options()?;
        let store = self.mapping_store().ok();
        tokio::task::spawn_blocking(move || match store {
            Some(store) => sov_preflight::check_files_remembering(&paths, &options, &store),
            None => sov_preflight::check_files(&paths, &options),
        })
        .await
        .map_err(AppError::internal)
    }

    /// "Remember for files like this": the mapping confirmed for files with this header row.
    pub fn remember_mapping(
        &self,
        header: &[String],
        mapping: &BTreeMap<String, String>,
    ) -> AppResult<()> {
        let mapping = ColumnMapping::from_text_choices(mapping).map_err(AppError::invalid_input)?;
        let mut store = self.mapping_store()?;
        store
            .remember(header, &mapping)
            .map_err(|error| mapping_not_saved(&self.mapping_store_path(), error))
    }

    /// The undo of a remembered mapping: files with this header row are asked about again.
    pub fn forget_mapping(&self, header: &[String]) -> AppResult<()> {
        let mut store = self.mapping_store()?;
        store
            .forget(header)
            .map(|_| ())
            .map_err(|error| mapping_not_saved(&self.mapping_store_path(), error))
    }
}

fn mapping_not_saved(path: &Path, error: sov_preflight::PreflightError) -> AppError {
    AppError::file(
        format!(
            "SOV Updater could not save the column choices in “{}”. Check that your user folder is not full; the choices still apply to this check.",
            path.display()
        ),
        error,
    )
}

/// "Save the list": every row of `problem` in the file, checked with `choices`, written as CSV to `out`
/// (which appears only when complete). Returns how many rows were written.
pub async fn save_problem_rows(
    problem: ProblemRows,
    choices: FileChoices,
    out: PathBuf,
) -> AppResult<u64> {
    let options = choices.options()?;
    tokio::task::spawn_blocking(move || {
        let report = sov_preflight::check_file(&problem.path, &options);
        let finding = report
            .findings
            .iter()
            .find(|finding| finding.code == problem.code && finding.column == problem.column)
            .cloned()
            .ok_or_else(|| problem_gone(&problem, &report))?;
        write_rows(&problem.path, &options, &finding, &out)
    })
    .await
    .map_err(AppError::internal)?
}

/// Most rows one page of the window's row list may ask for (the page draws them all).
pub const PROBLEM_ROWS_PAGE_LIMIT: u64 = 500;

/// A page of the window's row list of `problem`: `limit` rows from position `offset`, with their
/// values and words, and how many rows have it in all (the file is read again).
pub async fn list_problem_rows(
    problem: ProblemRows,
    choices: FileChoices,
    offset: u64,
    limit: u64,
) -> AppResult<ProblemRowsPage> {
    let options = choices.options()?;
    let limit = limit.clamp(1, PROBLEM_ROWS_PAGE_LIMIT);
    tokio::task::spawn_blocking(move || {
        let report = sov_preflight::check_file(&problem.path, &options);
        let finding = report
            .findings
            .iter()
            .find(|finding| finding.code == problem.code && finding.column == problem.column)
            .ok_or_else(|| problem_gone(&problem, &report))?;
        Ok(sov_preflight::problem_rows_page(
            &problem.path,
            &options,
            finding,
            offset,
            limit,
        ))
    })
    .await
    .map_err(AppError::internal)?
}

fn write_rows(
    path: &Path,
    options: &CheckOptions,
    finding: &Finding,
    out: &Path,
) -> AppResult<u64> {
    sov_preflight::save_problem_rows(path, options, finding, out).map_err(|error| {
        AppError::file(
            format!(
                "The list could not be saved as “{}”. Choose another folder, or check that the disk is not full.",
                out.display()
            ),
            error,
        )
    })
}

/// The file changed since it was checked and no longer has the problem.
fn problem_gone(problem: &ProblemRows, report: &FileReport) -> AppError {
    // A file that cannot be read as a table now (moved, deleted, open elsewhere) says why.
    let unreadable = report
        .findings
        .iter()
        .find(|finding| report.header_row.is_none() && finding.severity == Severity::Error);
    let message = match unreadable {
        Some(finding) => format!(
            "The rows cannot be listed: {} {}",
            finding.message, finding.suggestion
        ),
        None => format!(
            "{} no longer has this problem: it was changed since it was checked. Click “Check again” on its card to see its problems now.",
            report.file_name
        ),
    };
    AppError::new(
        Code::InvalidInput,
        message,
        format!("{} {:?}", problem.code, problem.column),
    )
}

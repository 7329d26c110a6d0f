//! The pre-flight report (serde, snake_case), as described in the architecture document.

use serde::{Deserialize, Serialize};

/// What a file turned out to be, judged by its content first and its name second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Csv,
    Excel,
    Pdf,
    Image,
    Zip,
    OfficeDocument,
    Binary,
    /// The file could not be opened at all (missing, no permission).
    Unreadable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One problem found, in the user's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Finding {
    pub severity: Severity,
    /// Stable identifier of the kind of problem (e.g. `unknown_column_near_miss`).
    pub code: String,
    pub file: String,
    /// Row number as Excel shows it (header = row 1); `None` for file- or column-wide findings.
    pub row: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
    pub suggestion: String,
    /// How many further rows had the same problem and were left out of the report.
    pub more_count: u64,
    /// Every row with this problem (this column and code), in file order, up to 10,000; the
    /// whole list is written by `save_problem_rows`. Empty for file- or column-wide findings.
    #[serde(default)]
    pub rows: Vec<u64>,
    /// How many rows have this problem (more than `rows.len()` when the list was cut).
    #[serde(default)]
    pub row_count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// Data rows (not counting the header or empty rows).
    pub rows: u64,
    pub columns: u64,
    /// Columns whose name is exactly a known building attribute.
    pub recognized_columns: u64,
    pub errors: u64,
    pub warnings: u64,
}

/// A one-click fix `apply_fixes` can make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fix {
    /// `rename_column`, `drop_empty_columns`, `drop_empty_rows`, `strip_bom`, `convert_encoding`,
    /// `convert_delimiter` or `convert_excel`.
    pub id: String,
    pub label: String,
    /// True when the fix removes a finding (rename, drop empty rows or columns); false for a
    /// format conversion (encoding, delimiter, workbook to CSV) that the upload does anyway.
    /// Offer "Fix it" for a problem only when a fix with this set exists.
    #[serde(default)]
    pub fixes_a_problem: bool,
}

/// How a column of the file is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ColumnStatus {
    /// The header is an attribute name (perhaps with a case or spacing slip a finding names).
    Attribute,
    /// The user chose the attribute (now or in a remembered mapping).
    Mapped,
    /// Not sent, as the user chose.
    DontSend,
    /// An attribute is suggested; blocking until the user accepts, changes or skips it.
    Suggested,
    /// No idea what it holds; blocking until the user chooses an attribute or skips it.
    Unknown,
    /// The column has no header.
    Blank,
}

/// One column of the file and the attribute it is sent as (or would be, once confirmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ColumnReport {
    /// Excel's letter for the column.
    pub letter: String,
    /// The header as written in the file.
    pub header: String,
    pub status: ColumnStatus,
    /// The attribute sent (or suggested); `None` when unknown, blank or not sent.
    pub attribute: Option<String>,
    /// The attribute's label ("Year built"), when it is one we know.
    pub label: Option<String>,
}

impl ColumnReport {
    /// "Year Built → Year built (const__bldg_year_built)", or "Notes → not sent".
    pub fn describe(&self) -> String {
        let target = match (self.status, &self.attribute, &self.label) {
            (ColumnStatus::DontSend, _, _) => "not sent".to_owned(),
            (_, Some(attribute), Some(label)) => format!("{label} ({attribute})"),
            (_, Some(attribute), None) => attribute.clone(),
            (ColumnStatus::Blank, _, _) => "no header: not sent".to_owned(),
            _ => "? (choose an attribute, or don't send this column)".to_owned(),
        };
        format!("{} → {target}", self.header.trim())
    }
}

/// The first rows of the file, as they will be sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Preview {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Everything the pre-flight check found about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileReport {
    pub path: String,
    pub file_name: String,
    pub kind: FileKind,
    pub summary: Summary,
    /// Things the user should know that are not problems (encoding, delimiter, sheet used).
    pub notices: Vec<String>,
    /// For a workbook: the sheet that was read (the one asked for, else the first).
    pub sheet: Option<String>,
    /// For a workbook: every sheet's name, in workbook order, so the user can pick another one.
    /// Empty for CSV files.
    pub sheets: Vec<String>,
    /// The row (as Excel numbers rows) read as the header; rows above it were skipped. `None`
    /// when the file could not be read as a table.
    #[serde(default)]
    pub header_row: Option<u64>,
    /// True when `header_row` was found by looking rather than chosen; the user may pick another.
    #[serde(default)]
    pub header_row_detected: bool,
    /// Every column of the header, with how it is sent: what the mapping step shows.
    #[serde(default)]
    pub columns: Vec<ColumnReport>,
    /// True when `columns` follow a mapping remembered for these headers (the window offers "Undo").
    #[serde(default)]
    pub remembered_mapping: bool,
    pub findings: Vec<Finding>,
    pub fixes: Vec<Fix>,
    pub preview: Preview,
    /// True when at least one finding is an error: the file must not be uploaded as is.
    pub blocking: bool,
    /// The file's size and last change when it was checked, so a file edited afterwards (in
    /// Excel, say) is noticed before it is sent. `None` when the file could not be looked at.
    #[serde(default)]
    pub stamp: Option<FileStamp>,
}

/// A file's size and modification time (milliseconds since 1970, exact in JavaScript too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileStamp {
    pub size: u64,
    pub modified_ms: u64,
}

impl FileStamp {
    /// The stamp of the file at `path` now; `None` when it cannot be looked at (gone, no access).
    pub fn of(path: &std::path::Path) -> Option<FileStamp> {
        let metadata = std::fs::metadata(path).ok()?;
        let modified = metadata.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(FileStamp {
            size: metadata.len(),
            modified_ms: u64::try_from(since.as_millis()).ok()?,
        })
    }
}

impl FileReport {
    /// The fixes that remove a finding: what a "Fix it" for the file's problems may offer.
    pub fn problem_fixes(&self) -> impl Iterator<Item = &Fix> + '_ {
        self.fixes.iter().filter(|fix| fix.fixes_a_problem)
    }

    /// The findings with a given code, for callers that react to one kind of problem.
    pub fn findings_with_code<'a>(
        &'a self,
        code: &'a str,
    ) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |finding| finding.code == code)
    }
}

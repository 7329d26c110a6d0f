//! The underwriter's corrections workbook: made from an SOV's current buildings (`writer`), read back whether it
//! is ours or any CSV/Excel file with attribute headers (`reader`), with a hidden sheet (`snapshot`) recording what
//! the workbook was made from.

pub mod attributes;
pub mod building;
pub mod cells;
pub mod file_name;
pub mod reader;
pub mod snapshot;
mod streamed;
pub mod value;
pub mod writer;

pub use attributes::{AttributeChoice, AttributeKind};
pub use building::{Attributes, Building, RowKey};
pub use reader::{read_corrections, read_edits, CorrectionRow, CorrectionsFile, Entry};
pub use snapshot::Snapshot;
pub use value::Value;
pub use writer::{corrections_workbook_bytes, save_corrections_workbook, WorkbookSource};

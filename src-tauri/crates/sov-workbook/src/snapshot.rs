//! The hidden sheet of our workbook: what it was made from (SOV, revision, time, column → attribute map, each
//! row's values then), sealed by a checksum so a hand-edited copy is noticed and not trusted.
//!
//! Layout, one record per row, column A naming the record:
//! `format | sov-updater-corrections/1`, `sov_id | …`, `revision | …`, `made_at | …`,
//! `header | Item key | Sheet | Row | Year built | …`, `attribute | item_key | sheet_name | sheet_row_number | … `,
//! then one `base | <values>` row per building, and last `checksum | <sha-256 of every row above>`.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use crate::value::Value;

pub const DATA_SHEET: &str = "SOV Updater data";
pub const FORMAT: &str = "sov-updater-corrections/1";
pub const IDENTITY_COLUMNS: [(&str, &str); 3] = [
    ("item_key", "Item key"),
    ("sheet_name", "Sheet"),
    ("sheet_row_number", "Row"),
];

/// What the workbook was made from, read back from a hidden sheet whose checksum held.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub sov_id: String,
    pub revision: String,
    pub made_at: String,
    /// (header as written, attribute), identity columns first.
    pub columns: Vec<(String, String)>,
    /// Each building's attribute values when the workbook was made, by item key (empty ones left out).
    pub base: HashMap<String, BTreeMap<String, Value>>,
}

/// Why a hidden sheet was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotProblem {
    /// Not our sheet at all (no format record): the workbook is read by its headers.
    NotOurs,
    /// Our sheet, changed since it was written (checksum differs, records missing or out of place).
    EditedByHand(String),
}

/// The running checksum of the rows of the hidden sheet, in the order they are written.
#[derive(Default)]
pub struct Checksum(Sha256);

impl Checksum {
    pub fn add_row(&mut self, cells: &[Option<&Value>]) {
        for cell in cells {
            self.0.update(canonical(*cell).as_bytes());
            self.0.update([0x1f]);
        }
        self.0.update([0x1e]);
    }

    pub fn hex(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// The form of a cell the checksum covers. Numbers are rounded to 10 significant digits, since spreadsheet
/// programs re-save them with their own precision.
fn canonical(cell: Option<&Value>) -> String {
    match cell {
        None => String::new(),
        Some(Value::Number(number)) => format!("n:{number:.9e}"),
        Some(Value::Bool(flag)) => format!("b:{flag}"),
        Some(Value::Text(text)) => format!("t:{text}"),
    }
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

/// The rows before the `base` rows, as cells.
pub fn head_rows(
    sov_id: &str,
    revision: &str,
    made_at: &str,
    columns: &[(String, String)],
) -> Vec<Vec<Value>> {
    let mut header = vec![text("header")];
    header.extend(columns.iter().map(|(label, _)| text(label)));
    let mut attribute = vec![text("attribute")];
    attribute.extend(columns.iter().map(|(_, name)| text(name)));
    vec![
        vec![text("format"), text(FORMAT)],
        vec![text("sov_id"), text(sov_id)],
        vec![text("revision"), text(revision)],
        vec![text("made_at"), text(made_at)],
        header,
        attribute,
    ]
}

/// Reads the hidden sheet's rows (cells already converted to values).
pub fn parse(rows: &[Vec<Option<Value>>]) -> Result<Snapshot, SnapshotProblem> {
    let record = |index: usize, name: &str| -> Option<&[Option<Value>]> {
        let row = rows.get(index)?;
        matches!(row.first(), Some(Some(Value::Text(first))) if first == name)
            .then_some(row.as_slice())
    };
    let single = |index: usize, name: &str| -> Option<String> {
        record(index, name)?.get(1)?.as_ref().map(Value::to_field)
    };
    if single(0, "format").as_deref() != Some(FORMAT) {
        return Err(SnapshotProblem::NotOurs);
    }
    let edited = |what: &str| SnapshotProblem::EditedByHand(what.to_owned());
    let mut checksum = Checksum::default();
    let checksum_row = rows
        .iter()
        .rposition(
            |row| matches!(row.first(), Some(Some(Value::Text(first))) if first == "checksum"),
        )
        .ok_or_else(|| edited("its checksum row is missing"))?;
    for row in &rows[..checksum_row] {
        let cells: Vec<Option<&Value>> = row.iter().map(Option::as_ref).collect();
        checksum.add_row(trim_trailing_empty(&cells));
    }
    let recorded = single(checksum_row, "checksum").unwrap_or_default();
    if checksum.hex() != recorded {
        return Err(edited("its contents differ from what SOV Updater wrote"));
    }
    let field = |index: usize, name: &str| single(index, name).ok_or_else(|| edited(name));
    let sov_id = field(1, "sov_id")?;
    let revision = field(2, "revision")?;
    let made_at = field(3, "made_at")?;
    let cells_after_name = |index: usize, name: &str| -> Result<Vec<String>, SnapshotProblem> {
        Ok(record(index, name)
            .ok_or_else(|| edited(name))?
            .iter()
            .skip(1)
            .map(|cell| cell.as_ref().map(Value::to_field).unwrap_or_default())
            .collect())
    };
    let headers = cells_after_name(4, "header")?;
    let attributes = cells_after_name(5, "attribute")?;
    if headers.len() != attributes.len() || attributes.len() < IDENTITY_COLUMNS.len() {
        return Err(edited("its column map is incomplete"));
    }
    let columns: Vec<(String, String)> = headers.into_iter().zip(attributes).collect();
    let mut base = HashMap::new();
    for row in &rows[6..checksum_row] {
        let Some(Some(item_key)) = row.get(1) else {
            continue;
        };
        let values = columns
            .iter()
            .enumerate()
            .skip(IDENTITY_COLUMNS.len())
            .filter_map(|(index, (_, attribute))| {
                Some((attribute.clone(), row.get(index + 1)?.clone()?))
            })
            .collect();
        base.insert(item_key.to_field(), values);
    }
    Ok(Snapshot {
        sov_id,
        revision,
        made_at,
        columns,
        base,
    })
}

/// A spreadsheet program does not keep empty trailing cells; the checksum ignores them on both sides.
pub fn trim_trailing_empty<'a, 'b>(cells: &'a [Option<&'b Value>]) -> &'a [Option<&'b Value>] {
    let end = cells
        .iter()
        .rposition(Option::is_some)
        .map_or(0, |last| last + 1);
    &cells[..end]
}

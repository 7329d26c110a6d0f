//! The hidden sheet of our workbook: what it was made from (SOV, revision, time, column → attribute map, each
//! row's values then), sealed by a checksum so a hand-edited copy is noticed and not trusted.
//!
//! Layout, one record per row, column A naming the record:
//! `format | sov-updater-corrections/1`, `sov_id | …`, `revision | …`, `made_at | …`,
//! `header | Item key | Sheet | Row | Year built | …`, `attribute | item_key | sheet_name | sheet_row_number | … `,
//! then one `base | <item key> | <its values as a JSON array, in attribute order>` row per building (the JSON cut
//! into several cells when longer than a cell holds), and last `checksum | <sha-256 of every row above>`.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::value::{BaseValue, Value};

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
    /// Each building's attribute values when the workbook was made, by item key: a JSON array in the order of
    /// [`Snapshot::attributes`], kept as text (a fraction of the memory of the values) until a row is compared.
    pub base: HashMap<String, Box<str>>,
}

impl Snapshot {
    /// The attribute columns (after the identity columns), in the order of each `base` row.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .skip(IDENTITY_COLUMNS.len())
            .map(|(_, attribute)| attribute.as_str())
    }

    /// One building's values when the workbook was made, in the order of [`Snapshot::attributes`].
    pub fn base_row(&self, item_key: &str) -> Option<Vec<Option<Value>>> {
        serde_json::from_str(self.base.get(item_key)?).ok()
    }

    /// As [`Snapshot::base_row`], with text read in place (nothing copied); for comparing many rows quickly.
    pub fn base_values(&self, item_key: &str) -> Option<Vec<Option<BaseValue<'_>>>> {
        serde_json::from_str(self.base.get(item_key)?).ok()
    }

    /// One building's value of one attribute when the workbook was made.
    pub fn base_value(&self, item_key: &str, attribute: &str) -> Option<Value> {
        let index = self.attributes().position(|name| name == attribute)?;
        self.base_row(item_key)?.into_iter().nth(index)?
    }
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
#[derive(Default, Clone)]
pub struct Checksum(Sha256);

impl Checksum {
    pub fn add_row(&mut self, cells: &[Option<&Value>]) {
        for cell in cells {
            // Text (most of the sheet: each base row's JSON) goes in as it is, without a formatted copy.
            match cell {
                Some(Value::Text(text)) => {
                    self.0.update(b"t:");
                    self.0.update(text.as_bytes());
                }
                other => self.0.update(canonical(*other).as_bytes()),
            }
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

/// Reads the hidden sheet's rows (cells already converted to values), taking them over.
pub fn parse(rows: Vec<Vec<Option<Value>>>) -> Result<Snapshot, SnapshotProblem> {
    let mut reader = SnapshotReader::default();
    for row in rows {
        reader.add_row(row);
    }
    reader.finish()
}

/// The rows before the base rows: format, sov_id, revision, made_at, header, attribute.
const HEAD_ROWS: usize = 6;

/// Reads the hidden sheet one row at a time, so its 50,000 base rows are held once (as the map), never also as
/// a list of rows.
#[derive(Default)]
pub struct SnapshotReader {
    head: Vec<Vec<Option<Value>>>,
    rows_seen: usize,
    checksum: Checksum,
    /// Base rows covered by the last checksum row seen.
    base: HashMap<String, Box<str>>,
    /// Base rows after the last checksum row seen (dropped unless another checksum row covers them).
    pending: Vec<(String, Box<str>)>,
    /// Whether the last checksum row seen matched the rows before it.
    last_checksum_matched: Option<bool>,
}

fn is_record(row: &[Option<Value>], name: &str) -> bool {
    matches!(row.first(), Some(Some(Value::Text(first))) if first == name)
}

fn single(row: &[Option<Value>], name: &str) -> Option<String> {
    is_record(row, name).then(|| row.get(1)?.as_ref().map(Value::to_field))?
}

impl SnapshotReader {
    pub fn add_row(&mut self, row: Vec<Option<Value>>) {
        let index = self.rows_seen;
        self.rows_seen += 1;
        if index >= HEAD_ROWS && is_record(&row, "checksum") {
            let matched = single(&row, "checksum") == Some(self.checksum.clone().hex());
            self.last_checksum_matched = Some(matched);
            self.base.extend(self.pending.drain(..));
        }
        {
            let cells: Vec<Option<&Value>> = row.iter().map(Option::as_ref).collect();
            self.checksum.add_row(trim_trailing_empty(&cells));
        }
        if index < HEAD_ROWS {
            self.head.push(row);
            return;
        }
        if is_record(&row, "checksum") {
            return;
        }
        let mut cells = row.into_iter().skip(1);
        let Some(Some(item_key)) = cells.next() else {
            return;
        };
        // Usually one cell; a long row's JSON is cut into several (see the module's notes).
        let mut parts = cells.flatten().map(Value::into_field);
        let mut json = parts.next().unwrap_or_default();
        parts.for_each(|part| json.push_str(&part));
        self.pending
            .push((item_key.into_field(), json.into_boxed_str()));
    }

    pub fn finish(self) -> Result<Snapshot, SnapshotProblem> {
        let rows = &self.head;
        let field_at =
            |index: usize, name: &str| -> Option<String> { single(rows.get(index)?, name) };
        if field_at(0, "format").as_deref() != Some(FORMAT) {
            return Err(SnapshotProblem::NotOurs);
        }
        let edited = |what: &str| SnapshotProblem::EditedByHand(what.to_owned());
        match self.last_checksum_matched {
            None => return Err(edited("its checksum row is missing")),
            Some(false) => return Err(edited("its contents differ from what SOV Updater wrote")),
            Some(true) => {}
        }
        let field = |index: usize, name: &str| field_at(index, name).ok_or_else(|| edited(name));
        let (sov_id, revision, made_at) = (
            field(1, "sov_id")?,
            field(2, "revision")?,
            field(3, "made_at")?,
        );
        let cells_after_name = |index: usize, name: &str| -> Result<Vec<String>, SnapshotProblem> {
            let row = rows
                .get(index)
                .filter(|row| is_record(row, name))
                .ok_or_else(|| edited(name))?;
            Ok(row
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
        Ok(Snapshot {
            sov_id,
            revision,
            made_at,
            columns,
            base: self.base,
        })
    }
}

/// A spreadsheet program does not keep empty trailing cells; the checksum ignores them on both sides.
pub fn trim_trailing_empty<'a, 'b>(cells: &'a [Option<&'b Value>]) -> &'a [Option<&'b Value>] {
    let end = cells
        .iter()
        .rposition(Option::is_some)
        .map_or(0, |last| last + 1);
    &cells[..end]
}

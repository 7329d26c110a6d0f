//! The preview: a corrections file against the SOV's current buildings, before anything is sent.

use std::collections::HashMap;

use serde::Serialize;
use sov_workbook::attributes::{kind_of, label_of};
use sov_workbook::value::{same_optional, suggest_number};
use sov_workbook::{Building, CorrectionsFile, Entry, RowKey, Value};

use crate::flags::{flag_value, moved_far, Flag, FlagKind};
use crate::matching::BuildingIndex;
pub use crate::matching::UnmatchedReason;
use crate::summary::summary_sentence;

/// One value that will change on SOV Fixer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub item_key: String,
    pub sheet_name: String,
    pub sheet_row_number: u32,
    /// The building as a person knows it (name and address).
    pub building: String,
    pub file_row: u32,
    pub attribute: String,
    pub label: String,
    pub old: Option<Value>,
    pub new: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmatchedRow {
    pub file_row: u32,
    pub key: RowKey,
    pub reason: UnmatchedReason,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnchangedRow {
    pub file_row: u32,
    pub item_key: String,
    pub building: String,
}

/// A cell the user emptied: clearing does not remove a value on SOV Fixer, so it is not sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClearedCell {
    pub item_key: String,
    pub file_row: u32,
    pub attribute: String,
    pub kept: Value,
    pub message: String,
}

/// A cell the user changed that SOV Fixer also changed since the workbook was made: the user chooses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaleCell {
    pub item_key: String,
    pub file_row: u32,
    pub attribute: String,
    pub made_from: Option<Value>,
    pub server_now: Option<Value>,
    pub yours: Value,
}

/// Everything the window and `sov-update preview --json` show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    pub sov_id: String,
    pub revision: String,
    /// The revision our workbook was made from, when the file is ours and its hidden sheet intact.
    pub made_from_revision: Option<String>,
    pub stale_base: bool,
    pub summary: String,
    /// True when a row matches no building: nothing may be sent until it is fixed or removed.
    pub blocked: bool,
    pub changes: Vec<Change>,
    pub unmatched_rows: Vec<UnmatchedRow>,
    pub unchanged_rows: Vec<UnchangedRow>,
    pub cleared_cells: Vec<ClearedCell>,
    pub stale_cells: Vec<StaleCell>,
    pub flags: Vec<Flag>,
    pub warnings: Vec<String>,
}

impl Preview {
    /// How many distinct buildings change.
    pub fn changed_buildings(&self) -> usize {
        let mut keys: Vec<&str> = self
            .changes
            .iter()
            .map(|change| change.item_key.as_str())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }
}

/// Compares `file` with the current `buildings` of SOV `sov_id` at `revision`; `this_year` bounds year built.
pub fn preview(
    sov_id: &str,
    revision: &str,
    buildings: &[Building],
    file: &CorrectionsFile,
    this_year: i32,
) -> Preview {
    let index = BuildingIndex::new(sov_id, buildings);
    let mut warnings = file.warnings.clone();
    let snapshot = file.snapshot.as_ref().filter(|snapshot| {
        let same_sov = snapshot.sov_id == sov_id;
        if !same_sov {
            warnings.push(format!(
                "“{}” was made from another SOV (id {}), not this one (id {sov_id}).",
                file.file_name, snapshot.sov_id
            ));
        }
        same_sov
    });
    let stale_base = snapshot.is_some_and(|snapshot| snapshot.revision != revision);
    let mut result = Preview {
        sov_id: sov_id.to_owned(),
        revision: revision.to_owned(),
        made_from_revision: snapshot.map(|snapshot| snapshot.revision.clone()),
        stale_base,
        summary: String::new(),
        blocked: false,
        changes: Vec::new(),
        unmatched_rows: Vec::new(),
        unchanged_rows: Vec::new(),
        cleared_cells: Vec::new(),
        stale_cells: Vec::new(),
        flags: Vec::new(),
        warnings,
    };
    let base_positions: Vec<Option<usize>> = file
        .attributes
        .iter()
        .map(|attribute| {
            snapshot.and_then(|snapshot| snapshot.attributes().position(|name| name == attribute))
        })
        .collect();
    let mut first_row_of: HashMap<usize, u32> = HashMap::new();
    for row in &file.rows {
        let found = index
            .find(&row.key)
            .and_then(|found| match first_row_of.get(&found) {
                Some(_) => Err(UnmatchedReason::DuplicateRow),
                None => Ok(found),
            });
        let found = match found {
            Ok(found) => found,
            Err(reason) => {
                let first = index
                    .find(&row.key)
                    .ok()
                    .and_then(|found| first_row_of.get(&found).copied());
                result.unmatched_rows.push(UnmatchedRow {
                    file_row: row.file_row,
                    key: row.key.clone(),
                    reason,
                    message: unmatched_message(reason, row.file_row, &row.key, &index, first),
                });
                continue;
            }
        };
        first_row_of.insert(found, row.file_row);
        let building = index.building(found);
        // A row read by `read_edits` keeps no cells when none was edited: nothing to look up for it.
        let base_row: Option<Vec<Option<Value>>> = snapshot
            .filter(|_| !row.values.is_empty())
            .and_then(|snapshot| snapshot.base_row(&building.item_key));
        let changes_before = result.changes.len();
        for (index, (attribute, base_position)) in
            file.attributes.iter().zip(&base_positions).enumerate()
        {
            let entry = row.values.get(index).unwrap_or(&Entry::Unchanged);
            if matches!(entry, Entry::Unreadable | Entry::Unchanged) {
                continue;
            }
            let current = building.value(attribute);
            // The value when the workbook was made, for the columns it was made with.
            let base = match (&base_row, base_position) {
                (Some(values), Some(position)) => {
                    Some(values.get(*position).and_then(Option::as_ref))
                }
                _ => None,
            };
            let reference = base.unwrap_or(current);
            let yours = match entry {
                Entry::Value(value) => Some(value),
                Entry::Empty => None,
                Entry::Unreadable | Entry::Unchanged => continue,
            };
            let Some(yours) = yours else {
                if let Some(kept) = reference.and(current) {
                    result.cleared_cells.push(ClearedCell {
                        item_key: building.item_key.clone(),
                        file_row: row.file_row,
                        attribute: attribute.clone(),
                        kept: kept.clone(),
                        message: format!(
                            "{} was emptied in row {}. Emptying a cell does not remove the value on SOV Fixer, so it stays {kept} and nothing is sent for it.",
                            label_of(attribute),
                            row.file_row
                        ),
                    });
                }
                continue;
            };
            let edited_by_user = !means_the_same(attribute, reference, yours);
            if !edited_by_user || means_the_same(attribute, current, yours) {
                continue;
            }
            if let Some(base) = base {
                if !same_optional(base, current) {
                    result.stale_cells.push(StaleCell {
                        item_key: building.item_key.clone(),
                        file_row: row.file_row,
                        attribute: attribute.clone(),
                        made_from: base.cloned(),
                        server_now: current.cloned(),
                        yours: yours.clone(),
                    });
                }
            }
            if let Some((kind, message, suggested)) =
                flag_value(attribute, current, yours, this_year)
            {
                result.flags.push(Flag {
                    item_key: building.item_key.clone(),
                    file_row: row.file_row,
                    attribute: attribute.clone(),
                    kind,
                    message,
                    suggested,
                });
            }
            result.changes.push(Change {
                item_key: building.item_key.clone(),
                sheet_name: building.sheet_name.clone(),
                sheet_row_number: building.sheet_row_number,
                building: building.label(),
                file_row: row.file_row,
                attribute: attribute.clone(),
                label: label_of(attribute),
                old: current.cloned(),
                new: yours.clone(),
            });
        }
        let row_changes = &result.changes[changes_before..];
        if row_changes.is_empty() {
            result.unchanged_rows.push(UnchangedRow {
                file_row: row.file_row,
                item_key: building.item_key.clone(),
                building: building.label(),
            });
        } else if let Some(message) = moved_far(
            building,
            new_value(row_changes, "latitude"),
            new_value(row_changes, "longitude"),
        ) {
            let attribute = if new_value(row_changes, "latitude").is_some() {
                "latitude"
            } else {
                "longitude"
            };
            result.flags.push(Flag {
                item_key: building.item_key.clone(),
                file_row: row.file_row,
                attribute: attribute.to_owned(),
                kind: FlagKind::MovedFar,
                message,
                suggested: None,
            });
        }
    }
    result.blocked = !result.unmatched_rows.is_empty();
    result.summary = summary_sentence(&result);
    result
}

/// Whether the file's value is the reference value: equal, or its displayed form in a number column (a CSV saved
/// "as shown", as Excel does, holds "1,000,000" for 1000000).
fn means_the_same(attribute: &str, reference: Option<&Value>, yours: &Value) -> bool {
    if same_optional(reference, Some(yours)) {
        return true;
    }
    match (reference.and_then(Value::as_number), yours) {
        (Some(number), Value::Text(text)) if kind_of(attribute).is_number() => suggest_number(text)
            .is_some_and(|shown| (shown - number).abs() <= 1e-9 * number.abs().max(1.0)),
        _ => false,
    }
}

fn new_value<'a>(changes: &'a [Change], attribute: &str) -> Option<&'a Value> {
    changes
        .iter()
        .find(|change| change.attribute == attribute)
        .map(|change| &change.new)
}

fn unmatched_message(
    reason: UnmatchedReason,
    file_row: u32,
    key: &RowKey,
    index: &BuildingIndex<'_>,
    first_row: Option<u32>,
) -> String {
    let sheet = key.sheet_name.as_deref().unwrap_or_default();
    let item_key = key.item_key.as_deref().unwrap_or_default();
    let what = match reason {
        UnmatchedReason::NoSuchSheet => format!(
            "names a sheet this SOV does not have (its sheets: {})",
            index.sheet_names().join(", ")
        ),
        UnmatchedReason::NoSuchRow => match key.sheet_row_number {
            Some(number) if item_key.is_empty() => {
                format!("names row {number} of sheet “{sheet}”, which has no building in this SOV")
            }
            _ => format!("has the item key “{item_key}”, which no building of this SOV has"),
        },
        UnmatchedReason::ItemKeyFromAnotherSov => {
            format!(
                "has the item key “{item_key}”, which belongs to another SOV, not SOV {}",
                index.sov_id
            )
        }
        UnmatchedReason::NoIdentity => {
            "has neither an item key nor a sheet and row number".to_owned()
        }
        UnmatchedReason::KeysDisagree => format!(
            "has the item key “{item_key}” but sheet “{sheet}” row {}, which is another building",
            key.sheet_row_number
                .map_or_else(String::new, |row| row.to_string())
        ),
        UnmatchedReason::DuplicateRow => format!(
            "corrects the same building as row {}",
            first_row.map_or_else(|| "above".to_owned(), |row| row.to_string())
        ),
    };
    let next_step = match reason {
        UnmatchedReason::DuplicateRow => {
            "Keep one row per building: merge the two rows and delete one."
        }
        _ => "Correct its item key, sheet or row (or delete the row), then add the file again.",
    };
    format!("Row {file_row} {what}. {next_step}")
}

//! The changes the user asked for, read back from exactly the bytes sent (each upload part, after the
//! column mapping): one per building and attribute, a later row winning, as SOV Fixer applies them.

use std::collections::HashMap;
use std::sync::Arc;

use sov_compare::RequestedChange;
use sov_error::AppError;
use sov_preflight::UploadPlan;
use sov_workbook::value::same_optional;
use sov_workbook::{Building, Value};

const IDENTITY: [&str; 3] = ["item_key", "sheet_name", "sheet_row_number"];

/// Every non-empty cell sent, as a request on the building it names in `base` (the revision the update was
/// based on). Rows that name no building are left out (SOV Fixer reports them as rows not applied), and so are
/// values the building already had: they ask for no change.
pub fn requested_changes(
    plans: &[Arc<UploadPlan>],
    base: &[Building],
) -> Result<Vec<RequestedChange>, AppError> {
    let by_item_key: HashMap<&str, &Building> = base
        .iter()
        .map(|building| (building.item_key.as_str(), building))
        .collect();
    let by_sheet_row: HashMap<(&str, u32), &Building> = base
        .iter()
        .map(|building| {
            (
                (building.sheet_name.as_str(), building.sheet_row_number),
                building,
            )
        })
        .collect();
    let mut order: Vec<(String, String)> = Vec::new();
    let mut values: HashMap<(String, String), Value> = HashMap::new();
    for plan in plans {
        for part in 0..plan.parts().len() {
            let bytes = plan.open_part(part).map_err(|error| {
                AppError::file(
                    format!(
                        "{} could not be read again to check what SOV Fixer applied. Keep the file where it \
                         was until the update has finished.",
                        plan.path().display()
                    ),
                    error,
                )
            })?;
            let mut reader = csv::Reader::from_reader(bytes);
            let header: Vec<String> = reader
                .headers()
                .map_err(|error| unreadable(plan, error))?
                .iter()
                .map(|name| name.trim_start_matches('\u{feff}').trim().to_owned())
                .collect();
            let column = |name: &str| header.iter().position(|h| h == name);
            let (key, sheet, row) = (
                column("item_key"),
                column("sheet_name"),
                column("sheet_row_number"),
            );
            for record in reader.records() {
                let record = record.map_err(|error| unreadable(plan, error))?;
                let cell = |index: Option<usize>| {
                    index
                        .and_then(|index| record.get(index))
                        .map_or("", str::trim)
                };
                let building = if cell(key).is_empty() {
                    cell(row)
                        .parse::<u32>()
                        .ok()
                        .and_then(|number| by_sheet_row.get(&(cell(sheet), number)))
                } else {
                    by_item_key.get(cell(key))
                };
                let Some(building) = building else { continue };
                for (name, text) in header.iter().zip(record.iter()) {
                    if IDENTITY.contains(&name.as_str()) {
                        continue;
                    }
                    let Some(value) = Value::from_text(text) else {
                        continue;
                    };
                    let place = (building.item_key.clone(), name.clone());
                    if values.insert(place.clone(), value).is_none() {
                        order.push(place);
                    }
                }
            }
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|place| {
            let value = values.remove(&place)?;
            let building = by_item_key.get(place.0.as_str())?;
            let unchanged = same_optional(building.value(&place.1), Some(&value));
            (!unchanged).then_some(RequestedChange {
                item_key: place.0,
                attribute: place.1,
                value,
            })
        })
        .collect())
}

fn unreadable(plan: &UploadPlan, error: csv::Error) -> AppError {
    AppError::file(
        format!(
            "{} could not be read again to check what SOV Fixer applied.",
            plan.path().display()
        ),
        error,
    )
}

//! The file actually sent: identifying columns plus the changed cells of the changed rows.

use std::collections::HashMap;

use sov_error::AppError;
use sov_workbook::Value;

use crate::preview::Preview;

/// Which value to keep for a cell that changed both in the workbook and on SOV Fixer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleChoice {
    Yours,
    ServerNow,
    MadeFrom,
}

/// The corrections CSV of the changes, one row per changed building (`sheet_name`, `sheet_row_number`, then
/// each attribute that changes anywhere, empty where this building keeps its value). Stale cells follow
/// `choices` (by item key and attribute; yours when not chosen). `None` when nothing is left to send.
pub fn changes_csv(
    preview: &Preview,
    choices: &HashMap<(String, String), StaleChoice>,
) -> Result<Option<Vec<u8>>, AppError> {
    let stale: HashMap<(&str, &str), &crate::preview::StaleCell> = preview
        .stale_cells
        .iter()
        .map(|cell| ((cell.item_key.as_str(), cell.attribute.as_str()), cell))
        .collect();
    let mut attributes: Vec<&str> = Vec::new();
    let mut rows: Vec<(&str, u32, HashMap<&str, &Value>)> = Vec::new();
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    for change in &preview.changes {
        let key = (change.item_key.clone(), change.attribute.clone());
        let value = match (
            choices.get(&key),
            stale.get(&(change.item_key.as_str(), change.attribute.as_str())),
        ) {
            (Some(StaleChoice::ServerNow), Some(_)) => None,
            (Some(StaleChoice::MadeFrom), Some(cell)) => cell.made_from.as_ref(),
            _ => Some(&change.new),
        };
        let Some(value) = value else {
            continue;
        };
        if !attributes.contains(&change.attribute.as_str()) {
            attributes.push(change.attribute.as_str());
        }
        let position = *row_of.entry(change.item_key.as_str()).or_insert_with(|| {
            rows.push((
                change.sheet_name.as_str(),
                change.sheet_row_number,
                HashMap::new(),
            ));
            rows.len() - 1
        });
        rows[position].2.insert(change.attribute.as_str(), value);
    }
    if rows.is_empty() {
        return Ok(None);
    }
    let failed =
        |error: csv::Error| AppError::internal(format!("writing the changes file failed: {error}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["sheet_name", "sheet_row_number"];
    header.extend(&attributes);
    writer.write_record(&header).map_err(failed)?;
    for (sheet, row, values) in &rows {
        let mut record = vec![(*sheet).to_owned(), row.to_string()];
        record.extend(attributes.iter().map(|attribute| {
            values
                .get(attribute)
                .map(|value| value.to_field())
                .unwrap_or_default()
        }));
        writer.write_record(&record).map_err(failed)?;
    }
    writer
        .into_inner()
        .map(Some)
        .map_err(|error| AppError::internal(format!("writing the changes file failed: {error}")))
}

//! The smallest building shape the workbook and the preview need, after the JSON output of §14.4 of the API
//! contract. (A streaming reader of whole outputs lives elsewhere; `buildings_from_output` reads one in memory.)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// The keys of a building that are identity, not attributes an underwriter corrects.
pub const IDENTITY_KEYS: [&str; 6] = [
    "item_key",
    "sheet_name",
    "sheet_row_number",
    "building_counter",
    "parsing_sheet_name",
    "extra",
];

/// One building of an SOV revision: its identity and its attribute values (empty ones left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Building {
    pub item_key: String,
    pub sheet_name: String,
    pub sheet_row_number: u32,
    pub attributes: BTreeMap<String, Value>,
}

impl Building {
    /// Reads one element of the output's `buildings[]`; `None` when it lacks its identity.
    pub fn from_json(json: &serde_json::Value) -> Option<Building> {
        let fields = json.as_object()?;
        let item_key = fields.get("item_key")?.as_str()?.to_owned();
        let sheet_name = fields.get("sheet_name")?.as_str()?.to_owned();
        let sheet_row_number = match fields.get("sheet_row_number")? {
            serde_json::Value::Number(number) => u32::try_from(number.as_u64()?).ok()?,
            serde_json::Value::String(text) => text.trim().parse().ok()?,
            _ => return None,
        };
        let attributes = fields
            .iter()
            .filter(|(name, _)| {
                !IDENTITY_KEYS.contains(&name.as_str()) && name.as_str() != "custom_attrs"
            })
            .filter_map(|(name, value)| Some((name.clone(), Value::from_json(value)?)))
            .collect();
        Some(Building {
            item_key,
            sheet_name,
            sheet_row_number,
            attributes,
        })
    }

    /// How a person recognises the building: its name and address, not its key.
    pub fn label(&self) -> String {
        let parts: Vec<String> = ["bldg_name", "street", "city"]
            .iter()
            .filter_map(|name| self.attributes.get(*name).map(Value::to_field))
            .collect();
        if parts.is_empty() {
            format!("{} row {}", self.sheet_name, self.sheet_row_number)
        } else {
            parts.join(", ")
        }
    }

    pub fn value(&self, attribute: &str) -> Option<&Value> {
        self.attributes.get(attribute)
    }
}

/// Every building of a JSON output document (top level `{id, buildings: [...]}`), in order.
pub fn buildings_from_output(json: &serde_json::Value) -> Vec<Building> {
    json.get("buildings")
        .and_then(serde_json::Value::as_array)
        .map(|buildings| buildings.iter().filter_map(Building::from_json).collect())
        .unwrap_or_default()
}

/// How a corrections row names its building: by item key, or by sheet and row (either may be missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowKey {
    pub item_key: Option<String>,
    pub sheet_name: Option<String>,
    pub sheet_row_number: Option<u32>,
}

/// The SOV id, sheet and row inside an item key shaped `i-<sovid>!<sheet>!<row>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKeyParts {
    pub sov_id: String,
    pub sheet_name: String,
    pub sheet_row_number: Option<u32>,
}

pub fn parse_item_key(item_key: &str) -> Option<ItemKeyParts> {
    let rest = item_key.trim().strip_prefix("i-")?;
    let (sov_id, rest) = rest.split_once('!')?;
    let (sheet_name, row) = rest.rsplit_once('!')?;
    Some(ItemKeyParts {
        sov_id: sov_id.to_owned(),
        sheet_name: sheet_name.to_owned(),
        sheet_row_number: row.trim().parse().ok(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_a_building_with_object_and_plain_attributes() {
        let json = serde_json::json!({"buildings": [{
            "item_key": "i-42!Sheet1!2", "sheet_name": "Sheet1", "sheet_row_number": 2, "building_counter": 1,
            "bldg_name": "Normal House", "const__bldg_year_built": {"value": 1969, "confidence": 1.0},
            "street": null, "extra": {"x": 1}
        }, {"bldg_name": "no identity"}]});
        let buildings = buildings_from_output(&json);
        assert_eq!(buildings.len(), 1);
        let building = &buildings[0];
        assert_eq!(building.sheet_row_number, 2);
        assert_eq!(
            building.value("const__bldg_year_built"),
            Some(&Value::Number(1969.0))
        );
        assert_eq!(building.value("street"), None);
        assert!(!building.attributes.contains_key("extra"));
        assert_eq!(building.label(), "Normal House");
    }

    #[test]
    fn splits_an_item_key_whose_sheet_name_has_an_exclamation_mark() {
        let parts = parse_item_key("i-42!Sheet!One!17").unwrap();
        assert_eq!(parts.sov_id, "42");
        assert_eq!(parts.sheet_name, "Sheet!One");
        assert_eq!(parts.sheet_row_number, Some(17));
        assert_eq!(parse_item_key("Sheet1-2"), None);
    }
}

//! The smallest building shape the workbook and the preview need, after the JSON output of §14.4 of the API
//! contract. (A streaming reader of whole outputs lives elsewhere; `buildings_from_output` reads one in memory.)

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::streamed::{read_building, Names};
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

/// One building of an SOV revision: its identity and its attribute values (empty ones left out). Attribute
/// names are shared between the buildings of one read (`Arc<str>`), so 50,000 buildings do not hold 50,000
/// copies of each name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Building {
    pub item_key: String,
    pub sheet_name: String,
    pub sheet_row_number: u32,
    pub attributes: Attributes,
}

/// A building's attribute values by name, sorted by name: a plain vector rather than a tree, since 50,000
/// buildings × 40 attributes in tree nodes took about half again the memory of the values themselves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes(Vec<(Arc<str>, Value)>);

impl Attributes {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .binary_search_by(|(key, _)| (**key).cmp(name))
            .ok()
            .map(|index| &self.0[index].1)
    }

    /// Sets `name` to `value`, returning the value it replaced.
    pub fn insert(&mut self, name: Arc<str>, value: Value) -> Option<Value> {
        match self.0.binary_search_by(|(key, _)| key.cmp(&name)) {
            Ok(index) => Some(std::mem::replace(&mut self.0[index].1, value)),
            Err(index) => {
                self.0.insert(index, (name, value));
                None
            }
        }
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &Arc<str>> {
        self.0.iter().map(|(key, _)| key)
    }

    /// (name, value) pairs, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Value)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(Arc<str>, Value)> for Attributes {
    /// A name given twice keeps its last value, as a map would.
    fn from_iter<I: IntoIterator<Item = (Arc<str>, Value)>>(pairs: I) -> Self {
        let mut pairs: Vec<(Arc<str>, Value)> = pairs.into_iter().collect();
        // Stable, so equal names stay in the order given and the last one can be kept.
        pairs.sort_by(|(left, _), (right, _)| left.cmp(right));
        let mut kept: Vec<(Arc<str>, Value)> = Vec::with_capacity(pairs.len());
        for pair in pairs {
            match kept.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => kept.push(pair),
            }
        }
        kept.shrink_to_fit();
        Attributes(kept)
    }
}

impl Serialize for Attributes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

pub(crate) fn is_identity_or_unused(key: &str) -> bool {
    IDENTITY_KEYS.contains(&key) || key == "custom_attrs"
}

fn row_number(json: &serde_json::Value) -> Option<u32> {
    match json {
        serde_json::Value::Number(number) => u32::try_from(number.as_u64()?).ok(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

impl Building {
    /// Reads one element of the output's `buildings[]`; `None` when it lacks its identity.
    pub fn from_json(json: &serde_json::Value) -> Option<Building> {
        let fields = json.as_object()?;
        let attributes = fields
            .iter()
            .filter(|(name, _)| !is_identity_or_unused(name))
            .filter_map(|(name, value)| Some((Arc::from(name.as_str()), Value::from_json(value)?)))
            .collect();
        Some(Building {
            item_key: fields.get("item_key")?.as_str()?.to_owned(),
            sheet_name: fields.get("sheet_name")?.as_str()?.to_owned(),
            sheet_row_number: row_number(fields.get("sheet_row_number")?)?,
            attributes,
        })
    }

    /// How a person recognises the building: its name and address, not its key.
    pub fn label(&self) -> String {
        // Written into one string: the preview labels every row of a 50,000-row file.
        let mut label = String::new();
        for value in ["bldg_name", "street", "city"]
            .iter()
            .filter_map(|name| self.attributes.get(name))
        {
            if !label.is_empty() {
                label.push_str(", ");
            }
            match value {
                Value::Text(text) => label.push_str(text),
                other => label.push_str(&other.to_field()),
            }
        }
        if label.is_empty() {
            format!("{} row {}", self.sheet_name, self.sheet_row_number)
        } else {
            label
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

/// Every building of a JSON output streamed from `reader` by `sov-data` (never the whole document in memory),
/// read straight into [`Building`]s as it goes by (`streamed`); buildings lacking their identity are skipped, and
/// attribute names are shared between buildings.
pub fn buildings_from_data(
    reader: impl std::io::Read,
) -> Result<Vec<Building>, sov_data::ReadError> {
    let mut names = Names::default();
    let mut buildings = Vec::new();
    sov_data::for_each_building_parsed(
        reader,
        |json| read_building(json, &mut names),
        |building| {
            buildings.extend(building);
            Ok(())
        },
    )?;
    Ok(buildings)
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

        let streamed = buildings_from_data(json.to_string().as_bytes()).unwrap();
        assert_eq!(streamed, buildings);
    }

    #[test]
    fn buildings_streamed_read_the_same_as_the_output_in_memory() {
        let json = serde_json::json!({"id": "42", "buildings": [
            {"item_key": "i-42!S!2", "sheet_name": "S", "sheet_row_number": 2, "building_counter": 1,
             "const__bldg_year_built": {"value": 1969, "confidence": 0.5}, "city": "Miami", "street": null},
            {"item_key": "i-42!S!3", "city": "no sheet or row"},
            {"item_key": "i-42!S!4", "sheet_name": "S", "sheet_row_number": 4, "zip": " ",
             "limits__building_value": {"value": {"value": 2.5e6}}, "occupancy": {"code": "A1", "value": "Office"},
             "tiv": {"confidence": 1.0}, "sprinklered": true, "codes": [1, "two", null], "custom_attrs": {"a": 1}}
        ]});
        let streamed = buildings_from_data(json.to_string().as_bytes()).unwrap();
        assert_eq!(streamed, buildings_from_output(&json));
        assert_eq!(streamed.len(), 2);
        let third = &streamed[1];
        assert_eq!(third.value("zip"), None);
        assert_eq!(third.value("tiv"), None);
        assert_eq!(
            third.value("limits__building_value"),
            Some(&Value::Number(2.5e6))
        );
        assert_eq!(
            third.value("occupancy"),
            Some(&Value::Text("Office".into()))
        );
        assert_eq!(
            third.value("codes"),
            Some(&Value::Text(r#"[1,"two",null]"#.into()))
        );
        assert!(!third.attributes.contains_key("custom_attrs"));
    }

    #[test]
    fn a_streamed_output_shares_attribute_names_between_buildings() {
        let json = r#"{"id": "42", "buildings": [
            {"item_key": "i-42!S!2", "sheet_name": "S", "sheet_row_number": "2", "city": "Miami"},
            {"item_key": "i-42!S!3", "sheet_name": "S", "sheet_row_number": 3, "city": "Tampa", "extra": {}}
        ], "uw_rules": [1, 2]}"#;
        let buildings = buildings_from_data(json.as_bytes()).unwrap();
        assert_eq!(buildings.len(), 2);
        let first = buildings[0].attributes.keys().next().unwrap();
        let second = buildings[1].attributes.keys().next().unwrap();
        assert!(Arc::ptr_eq(first, second));
        assert!(buildings_from_data(&b"{\"buildings\": [}"[..]).is_err());
    }

    #[test]
    fn attributes_are_found_by_name_and_a_repeated_name_keeps_its_last_value() {
        let attributes: Attributes = [
            (Arc::from("street"), Value::Text("1 Main St".into())),
            (Arc::from("city"), Value::Text("Miami".into())),
            (Arc::from("street"), Value::Text("2 Main St".into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(attributes.len(), 2);
        assert_eq!(
            attributes.get("street"),
            Some(&Value::Text("2 Main St".into()))
        );
        assert_eq!(attributes.get("zip"), None);
        let mut attributes = attributes;
        attributes.insert(Arc::from("zip"), Value::Text("33139".into()));
        let replaced = attributes.insert(Arc::from("city"), Value::Text("Tampa".into()));
        assert_eq!(replaced, Some(Value::Text("Miami".into())));
        let names: Vec<&str> = attributes.keys().map(|name| &**name).collect();
        assert_eq!(names, ["city", "street", "zip"]);
        assert_eq!(
            serde_json::to_value(&attributes).unwrap(),
            serde_json::json!({"city": "Tampa", "street": "2 Main St", "zip": "33139"})
        );
    }

    #[test]
    fn a_building_is_labelled_by_its_name_and_address_or_else_its_sheet_and_row() {
        let mut building = Building {
            item_key: "i-42!Locations!7".into(),
            sheet_name: "Locations".into(),
            sheet_row_number: 7,
            attributes: Attributes::default(),
        };
        assert_eq!(building.label(), "Locations row 7");
        building
            .attributes
            .insert(Arc::from("city"), Value::Text("Miami".into()));
        building
            .attributes
            .insert(Arc::from("street"), Value::Number(1200.0));
        building
            .attributes
            .insert(Arc::from("bldg_name"), Value::Text("Ocean Tower".into()));
        assert_eq!(building.label(), "Ocean Tower, 1200, Miami");
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

//! One building and its attributes, each a plain value or a `{value, confidence, …}` object.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The keys of an attribute given as an object (§14.4, the dictionary's † attributes).
const ATTRIBUTE_OBJECT_KEYS: [&str; 6] = [
    "value",
    "confidence",
    "original",
    "source",
    "units",
    "comment",
];

/// One building of the output. The identifying keys are lifted out; every other key (including
/// `building_counter`, `extra`, `custom_attrs`) stays in `attributes` as the file gives it.
/// Read by hand (see `BuildingVisitor`), not derived: a derived `flatten` buffers every value twice.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Building {
    pub item_key: Option<String>,
    pub sheet_name: Option<String>,
    pub sheet_row_number: Option<u64>,
    #[serde(flatten)]
    pub attributes: Map<String, Value>,
}

/// An attribute's value and, when the output gave it as an object, what came with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attribute<'a> {
    pub value: &'a Value,
    pub confidence: Option<&'a Value>,
    pub original: Option<&'a Value>,
    pub source: Option<&'a Value>,
    pub units: Option<&'a Value>,
    pub comment: Option<&'a Value>,
}

impl<'a> Attribute<'a> {
    /// Reads either form: an object is the `{value, …}` form when it has a `value` key and no key
    /// outside the six of §14.4; anything else is a plain value (an object included).
    pub fn of(raw: &'a Value) -> Self {
        if let Value::Object(map) = raw {
            let is_wrapped = map.contains_key("value")
                && map
                    .keys()
                    .all(|key| ATTRIBUTE_OBJECT_KEYS.contains(&key.as_str()));
            if is_wrapped {
                return Self {
                    value: map.get("value").unwrap_or(&Value::Null),
                    confidence: map.get("confidence"),
                    original: map.get("original"),
                    source: map.get("source"),
                    units: map.get("units"),
                    comment: map.get("comment"),
                };
            }
        }
        Self {
            value: raw,
            confidence: None,
            original: None,
            source: None,
            units: None,
            comment: None,
        }
    }

    /// The value as text for a table or a CSV cell: strings as they are, `null` empty, other
    /// values as JSON.
    pub fn text(&self) -> String {
        value_text(self.value)
    }
}

/// A value as a table or CSV cell shows it.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

impl Building {
    /// An attribute by name (also `item_key`, `sheet_name`, `sheet_row_number` are not attributes).
    pub fn attribute(&self, name: &str) -> Option<Attribute<'_>> {
        self.attributes.get(name).map(Attribute::of)
    }
}

impl<'de> Deserialize<'de> for Building {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(BuildingVisitor)
    }
}

/// Each key once, straight into its place: the three identifying keys lifted out, every other key into
/// `attributes` (the form a derived `#[serde(flatten)]` gives, at about half its cost on a 50,000-building output).
struct BuildingVisitor;

impl<'de> Visitor<'de> for BuildingVisitor {
    type Value = Building;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a building object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Building, A::Error> {
        let mut building = Building::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "item_key" => building.item_key = text_of(map.next_value()?),
                "sheet_name" => building.sheet_name = text_of(map.next_value()?),
                "sheet_row_number" => building.sheet_row_number = row_number_of(map.next_value()?),
                _ => {
                    let value: Value = map.next_value()?;
                    building.attributes.insert(key, value);
                }
            }
        }
        Ok(building)
    }
}

/// `item_key` or `sheet_name` as the output gives it: text (not blank), or a number written as text.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(text_of(Value::deserialize(deserializer)?))
}

fn text_of(value: Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A row number given as a number (`7`, `7.0`) or as text (`"7"`).
pub fn row_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(row_number_of(Value::deserialize(deserializer)?))
}

fn row_number_of(value: Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_and_object_attributes_read_the_same_value() {
        let building: Building = serde_json::from_value(json!({
            "item_key": "i-s-1!SOV!7", "sheet_name": "SOV", "sheet_row_number": "7",
            "year_built": 1987,
            "roof_year": {"value": 2015, "confidence": 0.9, "original": "2015 (approx)", "source": "ping"},
            "extra": {"value": 1, "note": "not an attribute object"}
        }))
        .unwrap();
        assert_eq!(building.sheet_row_number, Some(7));
        let plain = building.attribute("year_built").unwrap();
        assert_eq!(plain.value, &json!(1987));
        assert!(plain.confidence.is_none());
        let wrapped = building.attribute("roof_year").unwrap();
        assert_eq!(wrapped.value, &json!(2015));
        assert_eq!(wrapped.confidence, Some(&json!(0.9)));
        assert_eq!(wrapped.original, Some(&json!("2015 (approx)")));
        assert_eq!(wrapped.text(), "2015");
        let other = building.attribute("extra").unwrap();
        assert_eq!(other.value["note"], "not an attribute object");
        assert!(building.attribute("missing").is_none());
        assert!(!building.attributes.contains_key("item_key"));
    }

    #[test]
    fn row_numbers_in_every_written_form() {
        let row = |v: Value| {
            serde_json::from_value::<Building>(json!({ "sheet_row_number": v }))
                .unwrap()
                .sheet_row_number
        };
        assert_eq!(row(json!(7)), Some(7));
        assert_eq!(row(json!(7.0)), Some(7));
        assert_eq!(row(json!(" 12 ")), Some(12));
        assert_eq!(row(json!(7.5)), None);
        assert_eq!(row(json!(null)), None);
        assert_eq!(value_text(&json!(null)), "");
        assert_eq!(value_text(&json!("a,b")), "a,b");
        assert_eq!(value_text(&json!(1.5)), "1.5");
    }
}

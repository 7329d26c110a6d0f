//! One element of an output's `buildings[]` read straight into what the workbook and the preview need: its
//! identity and each attribute's value (the `value` of a `{value, confidence, …}` object), nothing else. Going
//! through `sov_data::Building` first built a JSON tree of every attribute (and of every object's six keys) only
//! to throw it away, which was a third of a 50,000-row preview's time.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::value::Value;

/// A building as streamed: attribute names not yet shared, identity not yet checked.
pub struct StreamedBuilding {
    pub item_key: Option<String>,
    pub sheet_name: Option<String>,
    pub sheet_row_number: Option<u64>,
    /// (name, value) in file order; empty values left out, identity and unused keys too.
    pub attributes: Vec<(String, Value)>,
}

impl<'de> Deserialize<'de> for StreamedBuilding {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(BuildingVisitor)
    }
}

struct BuildingVisitor;

impl<'de> Visitor<'de> for BuildingVisitor {
    type Value = StreamedBuilding;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a building object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StreamedBuilding, A::Error> {
        let mut building = StreamedBuilding {
            item_key: None,
            sheet_name: None,
            sheet_row_number: None,
            attributes: Vec::new(),
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "item_key" => building.item_key = map.next_value::<IdentityText>()?.0,
                "sheet_name" => building.sheet_name = map.next_value::<IdentityText>()?.0,
                "sheet_row_number" => {
                    building.sheet_row_number = map.next_value::<IdentityRow>()?.0;
                }
                name if crate::building::is_identity_or_unused(name) => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    if let Some(value) = map.next_value::<OutputValue>()?.0 {
                        building.attributes.push((key, value));
                    }
                }
            }
        }
        Ok(building)
    }
}

/// `item_key` or `sheet_name`, read as `sov-data` reads them.
struct IdentityText(Option<String>);

impl<'de> Deserialize<'de> for IdentityText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        sov_data::identity_text(deserializer).map(IdentityText)
    }
}

/// `sheet_row_number`, read as `sov-data` reads it.
struct IdentityRow(Option<u64>);

impl<'de> Deserialize<'de> for IdentityRow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        sov_data::identity_row_number(deserializer).map(IdentityRow)
    }
}

/// An attribute's value as [`Value::from_json`] reads it, without the JSON tree: `null` and blank text are no
/// value, an object counts by its `value` key, a list is kept as its JSON text.
struct OutputValue(Option<Value>);

impl<'de> Deserialize<'de> for OutputValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OutputValueVisitor)
    }
}

struct OutputValueVisitor;

impl<'de> Visitor<'de> for OutputValueVisitor {
    type Value = OutputValue;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an attribute value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<OutputValue, E> {
        Ok(OutputValue(None))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<OutputValue, E> {
        Ok(OutputValue(None))
    }

    fn visit_bool<E: serde::de::Error>(self, flag: bool) -> Result<OutputValue, E> {
        Ok(OutputValue(Some(Value::Bool(flag))))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<OutputValue, E> {
        Ok(OutputValue(Some(Value::Number(number as f64))))
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<OutputValue, E> {
        Ok(OutputValue(Some(Value::Number(number as f64))))
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<OutputValue, E> {
        Ok(OutputValue(Some(Value::Number(number))))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<OutputValue, E> {
        Ok(OutputValue(
            (!text.trim().is_empty()).then(|| Value::Text(text.to_owned())),
        ))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<OutputValue, E> {
        Ok(OutputValue(
            (!text.trim().is_empty()).then_some(Value::Text(text)),
        ))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OutputValue, A::Error> {
        // A repeated `value` key counts by its last occurrence, as in a JSON tree.
        let mut value = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "value" {
                value = map.next_value::<OutputValue>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(OutputValue(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OutputValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<serde_json::Value>()? {
            items.push(item);
        }
        Ok(OutputValue(Some(Value::Text(
            serde_json::Value::Array(items).to_string(),
        ))))
    }
}

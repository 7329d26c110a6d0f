//! One element of an output's `buildings[]` read straight into a [`Building`]: its identity and each attribute's
//! value (the `value` of a `{value, confidence, …}` object), names shared between buildings as they are read.
//! Going through `sov_data::Building` first built a JSON tree of every attribute (and of every object's six keys)
//! only to throw it away, which was a third of a 50,000-row preview's time.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::building::{is_identity_or_unused, Attributes, Building};
use crate::value::Value;

/// Attribute names met so far, so 50,000 buildings share one copy of each.
pub type Names = HashSet<Arc<str>>;

/// Reads one building's JSON; `None` when it lacks its item key, sheet or row (it cannot be corrected).
pub fn read_building(
    json: &[u8],
    names: &mut Names,
) -> Result<Option<Building>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let building = BuildingSeed { names }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(building)
}

/// The shared copy of `name`.
pub fn intern(names: &mut Names, name: &str) -> Arc<str> {
    if let Some(shared) = names.get(name) {
        return Arc::clone(shared);
    }
    let shared: Arc<str> = Arc::from(name);
    names.insert(Arc::clone(&shared));
    shared
}

struct BuildingSeed<'n> {
    names: &'n mut Names,
}

impl<'de> DeserializeSeed<'de> for BuildingSeed<'_> {
    type Value = Option<Building>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BuildingSeed<'_> {
    type Value = Option<Building>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a building object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Building>, A::Error> {
        let (mut item_key, mut sheet_name, mut sheet_row_number) = (None, None, None);
        let mut attributes = Vec::new();
        while let Some(name) = map.next_key_seed(NameSeed {
            names: &mut *self.names,
        })? {
            match &*name {
                "item_key" => item_key = map.next_value::<IdentityText>()?.0,
                "sheet_name" => sheet_name = map.next_value::<IdentityText>()?.0,
                "sheet_row_number" => sheet_row_number = map.next_value::<IdentityRow>()?.0,
                other if is_identity_or_unused(other) => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ => {
                    if let Some(value) = map.next_value::<OutputValue>()?.0 {
                        attributes.push((name, value));
                    }
                }
            }
        }
        let (Some(item_key), Some(sheet_name), Some(row)) =
            (item_key, sheet_name, sheet_row_number)
        else {
            return Ok(None);
        };
        let Ok(sheet_row_number) = u32::try_from(row) else {
            return Ok(None);
        };
        Ok(Some(Building {
            item_key,
            sheet_name,
            sheet_row_number,
            attributes: attributes.into_iter().collect::<Attributes>(),
        }))
    }
}

/// A key, as its shared copy (no allocation once the name was met).
struct NameSeed<'n> {
    names: &'n mut Names,
}

impl<'de> DeserializeSeed<'de> for NameSeed<'_> {
    type Value = Arc<str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Arc<str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for NameSeed<'_> {
    type Value = Arc<str>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Arc<str>, E> {
        Ok(intern(self.names, name))
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

//! Plain-language names and kinds of the attributes an underwriter corrects (API contract §9.2, kept as data in
//! `sov-attributes`), and which of them a workbook shows.

use std::collections::BTreeSet;

use crate::building::{Building, IDENTITY_KEYS};

/// What an attribute holds, for number formats in the workbook and for the preview's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeKind {
    Text,
    Money,
    Year,
    Count,
    Decimal,
    Latitude,
    Longitude,
    Code,
}

impl AttributeKind {
    /// Whether the attribute is a number, so text typed into it deserves a second look.
    pub fn is_number(self) -> bool {
        !matches!(self, AttributeKind::Text | AttributeKind::Code)
    }

    /// The spreadsheet number format of the attribute's cells.
    pub fn number_format(self) -> Option<&'static str> {
        match self {
            AttributeKind::Money => Some("#,##0"),
            AttributeKind::Year => Some("0"),
            AttributeKind::Count => Some("#,##0"),
            AttributeKind::Decimal => Some("#,##0.00"),
            AttributeKind::Latitude | AttributeKind::Longitude => Some("0.000000"),
            AttributeKind::Text | AttributeKind::Code => None,
        }
    }
}

/// The attributes of contract §9.2 a workbook may show (from `sov-attributes`, in the contract's order), leaving
/// out the building's identity, which has columns of its own.
pub fn known_attributes() -> impl Iterator<Item = &'static sov_attributes::Attribute> {
    sov_attributes::attributes().iter().filter(|attribute| {
        !IDENTITY_KEYS.contains(&attribute.name) && attribute.name != "custom_attrs"
    })
}

/// The attribute of §9.2 with this name, when a workbook may show it.
pub fn known_attribute(name: &str) -> Option<&'static sov_attributes::Attribute> {
    known_attributes().find(|attribute| attribute.name == name)
}

/// The header a person reads: the known label, or the attribute name made readable ("wind_speed" → "Wind speed").
pub fn label_of(name: &str) -> String {
    if let Some(known) = known_attribute(name) {
        return known.label.to_owned();
    }
    let words = name.replace("__", " ").replace('_', " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_owned(),
    }
}

/// Text, when the attribute is unknown: a number typed into it is not flagged.
pub fn kind_of(name: &str) -> AttributeKind {
    use sov_attributes::ValueType;
    match known_attribute(name).map(|known| known.value_type) {
        Some(ValueType::Currency) => AttributeKind::Money,
        Some(ValueType::Year) => AttributeKind::Year,
        Some(ValueType::WholeNumber | ValueType::Stories) => AttributeKind::Count,
        Some(ValueType::Decimal) => AttributeKind::Decimal,
        Some(ValueType::Latitude) => AttributeKind::Latitude,
        Some(ValueType::Longitude) => AttributeKind::Longitude,
        Some(ValueType::Zip | ValueType::IsoConstruction) => AttributeKind::Code,
        Some(ValueType::Identity | ValueType::Text | ValueType::FloodZone) | None => {
            AttributeKind::Text
        }
    }
}

/// The attribute a header means: a known label ("Year built"), a name underwriters use ("Yr Blt"), or an
/// attribute name ("const__bldg_year_built").
pub fn attribute_for_header(header: &str) -> Option<String> {
    let wanted = normalise_header(header);
    if wanted.is_empty() {
        return None;
    }
    if let Some(known) = known_attributes()
        .find(|known| normalise_header(known.label) == wanted || known.name == wanted)
    {
        return Some(known.name.to_owned());
    }
    // The names underwriters give columns ("Stories", "TIV", "Yr Blt"), as the pre-flight check knows them.
    if let Some(suggested) = sov_attributes::suggest(header) {
        return Some(suggested.name.to_owned());
    }
    looks_like_attribute_name(&wanted).then_some(wanted)
}

/// Lower case snake case, as SOV Fixer names attributes (§9.2).
pub fn looks_like_attribute_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && text.contains('_')
}

pub fn normalise_header(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Which attributes a workbook shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeChoice {
    /// The ones an underwriter corrects (address, values and limits, construction, occupancy, year, stories,
    /// area, roof).
    Default,
    /// Every attribute any building of the SOV has.
    All,
    /// Exactly these, in this order.
    Named(Vec<String>),
}

impl AttributeChoice {
    /// The attribute columns, in order: known ones in the contract's order, then others by name.
    pub fn resolve(&self, buildings: &[Building]) -> Vec<String> {
        match self {
            AttributeChoice::Default => known_attributes()
                .filter(|known| known.in_default_workbook)
                .map(|known| known.name.to_owned())
                .collect(),
            AttributeChoice::All => {
                let present: BTreeSet<&str> = buildings
                    .iter()
                    .flat_map(|building| building.attributes.keys().map(|name| &**name))
                    .collect();
                let mut names: Vec<String> = known_attributes()
                    .filter(|known| present.contains(known.name))
                    .map(|known| known.name.to_owned())
                    .collect();
                names.extend(
                    present
                        .iter()
                        .filter(|name| known_attribute(name).is_none())
                        .map(|name| (*name).to_owned()),
                );
                names
            }
            AttributeChoice::Named(names) => {
                let mut seen = BTreeSet::new();
                names
                    .iter()
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty() && seen.insert(name.clone()))
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_understood_as_labels_or_attribute_names() {
        assert_eq!(
            attribute_for_header(" Year  built "),
            Some("const__bldg_year_built".into())
        );
        assert_eq!(
            attribute_for_header("const__roof_covering"),
            Some("const__roof_covering".into())
        );
        assert_eq!(
            attribute_for_header("wind_speed_mph"),
            Some("wind_speed_mph".into())
        );
        assert_eq!(
            attribute_for_header("Stories"),
            Some("const__num_stories".into()),
            "a name underwriters use"
        );
        assert_eq!(attribute_for_header("My notes"), None);
        assert_eq!(attribute_for_header(""), None);
    }

    #[test]
    fn unknown_attributes_get_a_readable_label() {
        assert_eq!(label_of("wind_speed_mph"), "Wind speed mph");
        assert_eq!(label_of("limits__building_value"), "Building value");
    }

    #[test]
    fn every_known_label_is_distinct() {
        let labels: BTreeSet<String> = known_attributes()
            .map(|known| normalise_header(known.label))
            .collect();
        assert_eq!(labels.len(), known_attributes().count());
    }
}

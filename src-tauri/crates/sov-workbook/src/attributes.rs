//! Plain-language names and kinds of the attributes an underwriter corrects (API contract §9.2), and which of them
//! a workbook shows.

use std::collections::BTreeSet;

use crate::building::Building;

/// What an attribute holds, for number formats in the workbook and for the preview's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeKind {
    Text,
    Money,
    Year,
    Count,
    Area,
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
            AttributeKind::Count | AttributeKind::Area => Some("#,##0"),
            AttributeKind::Decimal => Some("#,##0.00"),
            AttributeKind::Latitude | AttributeKind::Longitude => Some("0.000000"),
            AttributeKind::Text | AttributeKind::Code => None,
        }
    }
}

/// A known attribute: its name on SOV Fixer, the header a person reads, its kind, and whether the default
/// workbook shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownAttribute {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: AttributeKind,
    pub corrected_by_default: bool,
}

const fn known(
    name: &'static str,
    label: &'static str,
    kind: AttributeKind,
    corrected_by_default: bool,
) -> KnownAttribute {
    KnownAttribute {
        name,
        label,
        kind,
        corrected_by_default,
    }
}

use AttributeKind::{Area, Code, Count, Decimal, Latitude, Longitude, Money, Text, Year};

/// In the order a workbook shows them: address, values and limits, construction, occupancy, then the rest.
pub const KNOWN_ATTRIBUTES: &[KnownAttribute] = &[
    known("bldg_name", "Building name", Text, true),
    known("street", "Street", Text, true),
    known("city", "City", Text, true),
    known("state", "State", Text, true),
    known("zip", "ZIP code", Text, true),
    known("county", "County", Text, false),
    known("country", "Country", Text, true),
    known("bldg_street_descriptor", "Full address", Text, false),
    known("latitude", "Latitude", Latitude, false),
    known("longitude", "Longitude", Longitude, false),
    known("location_group", "Location group", Code, false),
    known("limits__building_value", "Building value", Money, true),
    known("limits__building_limit", "Building limit", Money, true),
    known("limits__bpp_limit", "Contents (BPP) limit", Money, true),
    known("limits__bi_limit", "Business income limit", Money, true),
    known(
        "limits__signs_and_other_limit",
        "Signs and other limit",
        Money,
        false,
    ),
    known(
        "limits__total_rp_and_bpp",
        "Total real property and BPP",
        Money,
        false,
    ),
    known("limits__total_limit", "Total limit", Money, true),
    known("limits__total_value", "Total value", Money, true),
    known(
        "limits__insurance_to_value",
        "Insurance to value",
        Decimal,
        false,
    ),
    known("const__bldg_year_built", "Year built", Year, true),
    known("const__num_stories", "Stories", Count, true),
    known(
        "const__num_stories_below_gnd",
        "Stories below ground",
        Count,
        false,
    ),
    known("const__bldg_area", "Floor area (sq ft)", Area, true),
    known("const__num_buildings", "Number of buildings", Count, false),
    known("const__roof_covering", "Roof covering", Text, true),
    known("const__wall_type", "Wall type", Text, true),
    known("const__desc_ping", "Construction description", Text, true),
    known("const__code_iso", "ISO construction code", Code, false),
    known("const__code_air", "AIR construction code", Code, false),
    known("const__code_rms", "RMS construction code", Code, false),
    known("const__code_atc", "ATC construction code", Code, false),
    known("occupancy__type_desc", "Occupancy", Text, true),
    known("occupancy__desc_ping", "Occupancy description", Text, false),
    known("occupancy__code_atc", "ATC occupancy code", Code, false),
    known("occupancy__code_air", "AIR occupancy code", Code, false),
    known("occupancy__code_rms", "RMS occupancy code", Code, false),
    known("slosh_zone", "SLOSH zone", Code, false),
    known("wind_tier", "Wind tier", Text, false),
    known("fema_flood_zone", "FEMA flood zone", Text, false),
    known("air__roof_covering", "AIR roof covering code", Code, false),
    known(
        "amrisc__roof_covering",
        "AmRisc roof covering code",
        Code,
        false,
    ),
    known("icm__roof_covering", "ICM roof covering", Text, false),
    known("icm__wind_tier", "ICM wind tier", Text, false),
    known(
        "rms__ws_roof_covering",
        "RMS roof covering code",
        Code,
        false,
    ),
];

pub fn known_attribute(name: &str) -> Option<&'static KnownAttribute> {
    KNOWN_ATTRIBUTES.iter().find(|known| known.name == name)
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
    known_attribute(name).map_or(AttributeKind::Text, |known| known.kind)
}

/// The attribute a header means: a known label ("Year built"), or an attribute name ("const__bldg_year_built").
pub fn attribute_for_header(header: &str) -> Option<String> {
    let wanted = normalise_header(header);
    if wanted.is_empty() {
        return None;
    }
    if let Some(known) = KNOWN_ATTRIBUTES
        .iter()
        .find(|known| normalise_header(known.label) == wanted || known.name == wanted)
    {
        return Some(known.name.to_owned());
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
    /// The attribute columns, in order: known ones in the order of [`KNOWN_ATTRIBUTES`], then others by name.
    pub fn resolve(&self, buildings: &[Building]) -> Vec<String> {
        match self {
            AttributeChoice::Default => KNOWN_ATTRIBUTES
                .iter()
                .filter(|known| known.corrected_by_default)
                .map(|known| known.name.to_owned())
                .collect(),
            AttributeChoice::All => {
                let present: BTreeSet<&str> = buildings
                    .iter()
                    .flat_map(|building| building.attributes.keys().map(String::as_str))
                    .collect();
                let mut names: Vec<String> = KNOWN_ATTRIBUTES
                    .iter()
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
        let labels: BTreeSet<String> = KNOWN_ATTRIBUTES
            .iter()
            .map(|known| normalise_header(known.label))
            .collect();
        assert_eq!(labels.len(), KNOWN_ATTRIBUTES.len());
    }
}

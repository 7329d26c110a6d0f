//! The building attribute names the SOV Fixer API is known to accept (contract §9.2) and the
//! value type of the ones whose values we can check locally.

/// Every attribute name found in the contract. Not exhaustive: the server has the final say,
/// which is why a name outside this list is only a warning unless it is a near-miss of one.
const KNOWN_ATTRIBUTES: &[&str] = &[
    // Identification / base
    "item_key",
    "sheet_name",
    "sheet_row_number",
    "building_counter",
    "parsing_sheet_name",
    "extra",
    "custom_attrs",
    // Location / address
    "bldg_name",
    "location_group",
    "street",
    "city",
    "state",
    "zip",
    "county",
    "country",
    "bldg_street_descriptor",
    "latitude",
    "longitude",
    // Limits / values
    "limits__building_limit",
    "limits__building_value",
    "limits__total_rp_and_bpp",
    "limits__total_limit",
    "limits__total_value",
    "limits__insurance_to_value",
    "limits__bpp_limit",
    "limits__bi_limit",
    "limits__signs_and_other_limit",
    // Construction
    "const__bldg_year_built",
    "const__bldg_area",
    "const__num_buildings",
    "const__num_stories",
    "const__num_stories_below_gnd",
    "const__roof_covering",
    "const__wall_type",
    "const__desc_ping",
    "const__code_iso",
    "const__code_air",
    "const__code_rms",
    "const__code_atc",
    // Occupancy
    "occupancy__code_atc",
    "occupancy__code_air",
    "occupancy__code_rms",
    "occupancy__type_desc",
    "occupancy__desc_ping",
    // Hazard zones and model-specific codes
    "slosh_zone",
    "wind_tier",
    "fema_flood_zone",
    "air__roof_covering",
    "amrisc__roof_covering",
    "icm__roof_covering",
    "icm__wind_tier",
    "rms__ws_roof_covering",
];

/// The attribute names of contract §9.2, in the contract's order.
pub fn known_attributes() -> &'static [&'static str] {
    KNOWN_ATTRIBUTES
}

/// True when `label` names a known attribute, ignoring case, spaces and punctuation.
pub(crate) fn is_column_label(label: &str) -> bool {
    let wanted = squash(label);
    !wanted.is_empty()
        && known_attributes()
            .iter()
            .any(|known| squash(known) == wanted)
}

/// Lower-case letters and digits only: "Year Built" and "year_built" both become "yearbuilt".
pub(crate) fn squash(label: &str) -> String {
    label
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The kind of value a typed attribute holds, for the local value checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueType {
    Year,
    WholeNumber,
    Decimal,
    Currency,
    Latitude,
    Longitude,
}

/// The value type of a known attribute (by its exact name), if we check its values.
pub(crate) fn value_type(attribute: &str) -> Option<ValueType> {
    let value_type = match attribute {
        "const__bldg_year_built" => ValueType::Year,
        "const__num_buildings"
        | "const__num_stories"
        | "const__num_stories_below_gnd"
        | "building_counter" => ValueType::WholeNumber,
        // The area is documented as a number; fractional areas are plausible, so only decimals are required.
        "limits__insurance_to_value" | "const__bldg_area" => ValueType::Decimal,
        "limits__building_limit"
        | "limits__building_value"
        | "limits__total_rp_and_bpp"
        | "limits__total_limit"
        | "limits__total_value"
        | "limits__bpp_limit"
        | "limits__bi_limit"
        | "limits__signs_and_other_limit" => ValueType::Currency,
        "latitude" => ValueType::Latitude,
        "longitude" => ValueType::Longitude,
        _ => return None,
    };
    Some(value_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_typed_attribute_is_a_known_attribute() {
        for name in [
            "const__bldg_year_built",
            "const__num_stories",
            "const__bldg_area",
            "limits__total_value",
            "latitude",
            "longitude",
        ] {
            assert!(known_attributes().contains(&name), "{name}");
            assert!(value_type(name).is_some(), "{name}");
        }
        assert_eq!(value_type("bldg_name"), None);
    }

    #[test]
    fn known_attributes_are_unique() {
        let mut names = known_attributes().to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), known_attributes().len());
    }
}

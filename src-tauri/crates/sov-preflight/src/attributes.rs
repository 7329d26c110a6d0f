//! The building attribute names the SOV Fixer API is known to accept (contract §9.2) and the
//! value type of the ones whose values we can check locally.

/// The attribute names of contract §9.2, in the contract's order (kept as data in `sov-attributes`).
/// Not exhaustive: the server has the final say.
pub fn known_attributes() -> &'static [&'static str] {
    sov_attributes::names()
}

/// True when `label` names a known attribute or is a name underwriters use for one ("Year Built",
/// "TIV"), ignoring case, spaces and punctuation.
pub(crate) fn is_column_label(label: &str) -> bool {
    sov_attributes::suggest(label).is_some()
}

pub(crate) use sov_attributes::ValueType;

/// The value type of a known attribute (by its exact name), if we check its values.
pub(crate) fn value_type(attribute: &str) -> Option<ValueType> {
    sov_attributes::attribute(attribute)
        .map(|attribute| attribute.value_type)
        .filter(|value_type| !matches!(value_type, ValueType::Text | ValueType::Identity))
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

//! Checks of the values of typed attributes (years, counts, amounts, coordinates).

use crate::attributes::ValueType;

/// What is wrong with `raw` for an attribute of `value_type`: (message tail, suggestion).
/// Empty cells are fine: they are allowed in corrections.
pub(crate) fn problem(value_type: ValueType, raw: &str) -> Option<(&'static str, &'static str)> {
    let value = raw.trim();
    if value.is_empty() {
        return None;
    }
    let ok = match value_type {
        ValueType::Identity
        | ValueType::Text
        | ValueType::Zip
        | ValueType::IsoConstruction
        | ValueType::FloodZone => true,
        ValueType::Year => {
            whole_number(value).is_some_and(|year| (1600.0..=2100.0).contains(&year))
        }
        ValueType::WholeNumber | ValueType::Stories => whole_number(value).is_some(),
        ValueType::Decimal => decimal(value).is_some(),
        ValueType::Currency => amount(value).is_some(),
        ValueType::Latitude => {
            decimal(value).is_some_and(|degrees| (-90.0..=90.0).contains(&degrees))
        }
        ValueType::Longitude => {
            decimal(value).is_some_and(|degrees| (-180.0..=180.0).contains(&degrees))
        }
    };
    if ok {
        return None;
    }
    Some(match value_type {
        ValueType::Year => (
            "is not a year",
            "Enter a four-digit year such as 1969, or leave the cell empty.",
        ),
        ValueType::Identity
        | ValueType::Text
        | ValueType::Zip
        | ValueType::IsoConstruction
        | ValueType::FloodZone => return None,
        ValueType::WholeNumber | ValueType::Stories => (
            "is not a whole number",
            "Enter a whole number such as 3, or leave the cell empty.",
        ),
        ValueType::Decimal => (
            "is not a number",
            "Enter a number such as 552.24, or leave the cell empty.",
        ),
        ValueType::Currency => (
            "is not an amount",
            "Enter an amount such as 1200000 or $1,200,000, or leave the cell empty.",
        ),
        ValueType::Latitude => (
            "is not a latitude (a number from -90 to 90)",
            "Enter the latitude in decimal degrees such as 25.790794, or leave the cell empty.",
        ),
        ValueType::Longitude => (
            "is not a longitude (a number from -180 to 180)",
            "Enter the longitude in decimal degrees such as -80.14029, or leave the cell empty.",
        ),
    })
}

/// A number, allowing thousands separators ("1,200.5"). Checked for every typed cell of
/// every row, so it avoids allocating.
fn decimal(value: &str) -> Option<f64> {
    if !value.as_bytes().contains(&b',') {
        return value
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite());
    }
    if !well_grouped(value) {
        return None;
    }
    let mut digits = [0u8; 64];
    let mut length = 0;
    for byte in value.bytes().filter(|byte| *byte != b',') {
        *digits.get_mut(length)? = byte;
        length += 1;
    }
    let text = std::str::from_utf8(&digits[..length]).ok()?;
    text.parse::<f64>().ok().filter(|number| number.is_finite())
}

fn whole_number(value: &str) -> Option<f64> {
    decimal(value).filter(|number| *number >= 0.0 && number.fract() == 0.0)
}

/// An amount of money: a number with an optional `$` ("$1,200,000", "-$5", "$ 300").
fn amount(value: &str) -> Option<f64> {
    let (negative, rest) = match value.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, value),
    };
    let rest = rest.strip_prefix('$').map_or(rest, str::trim_start);
    let number = decimal(rest)?;
    Some(if negative { -number } else { number })
}

/// Commas only between groups of three digits, before any decimal point ("1,200" but not "1,2").
fn well_grouped(value: &str) -> bool {
    let integer_part = value.split('.').next().unwrap_or(value);
    let mut groups = integer_part.trim_start_matches(['-', '+']).split(',');
    groups
        .next()
        .is_some_and(|first| (1..=3).contains(&first.len()))
        && groups.all(|group| group.len() == 3)
        && !value[integer_part.len()..].contains(',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_spellings() {
        for (value_type, value) in [
            (ValueType::Year, "1969"),
            (ValueType::WholeNumber, "12"),
            (ValueType::WholeNumber, "1,200"),
            (ValueType::Decimal, "552.24"),
            (ValueType::Currency, "$1,200,000"),
            (ValueType::Currency, "1200000.50"),
            (ValueType::Currency, "-$5"),
            (ValueType::Latitude, "-90"),
            (ValueType::Longitude, "-80.14029"),
            (ValueType::Year, "  "),
        ] {
            assert_eq!(problem(value_type, value), None, "{value}");
        }
    }

    #[test]
    fn rejects_what_does_not_parse_or_is_out_of_range() {
        for (value_type, value) in [
            (ValueType::Year, "69ish"),
            (ValueType::Year, "19690"),
            (ValueType::WholeNumber, "2.5"),
            (ValueType::WholeNumber, "-1"),
            (ValueType::Decimal, "n/a"),
            (ValueType::Currency, "1,20,000"),
            (ValueType::Decimal, "1.5,000"),
            (ValueType::Currency, "USD"),
            (ValueType::Latitude, "91"),
            (ValueType::Longitude, "-180.5"),
            (ValueType::Decimal, "inf"),
        ] {
            assert!(problem(value_type, value).is_some(), "{value}");
        }
    }
}

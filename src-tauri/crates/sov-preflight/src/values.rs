//! Checks of the values of typed attributes: that they parse (years, counts, amounts,
//! coordinates) and that they are plausible (a year in the past, a positive amount, a ZIP code
//! of the country's shape, a code from its known set). All warnings: the server has the final say.

use std::fmt::Write as _;

use crate::attributes::ValueType;

/// What is wrong with one cell. Cheap to make (no allocation): the words are made by
/// [`Problem::words`] only for the findings that are kept.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Problem {
    Fixed {
        /// The finding code: `invalid_value` (does not parse) or a plausibility code.
        code: &'static str,
        what: &'static str,
        suggestion: &'static str,
    },
    FutureYear {
        this_year: i32,
    },
    AmountWithSymbols {
        amount: f64,
    },
    ZipLostZero,
}

impl Problem {
    pub(crate) fn code(&self) -> &'static str {
        match self {
            Problem::Fixed { code, .. } => code,
            Problem::FutureYear { .. } => "implausible_year",
            Problem::AmountWithSymbols { .. } => "amount_with_symbols",
            Problem::ZipLostZero => "zip_shape",
        }
    }

    /// (the end of the sentence "Row 4, column `Year Built`: `3020` …", what to do) for the cell `raw`.
    pub(crate) fn words(&self, raw: &str) -> (String, String) {
        match self {
            Problem::Fixed {
                what, suggestion, ..
            } => ((*what).to_owned(), (*suggestion).to_owned()),
            Problem::FutureYear { this_year } => (
                format!("is in the future (it is {this_year} now)"),
                "Check the year built; a typing slip such as 3020 for 2020 is common.".to_owned(),
            ),
            Problem::AmountWithSymbols { amount } => {
                let plain = plain_number(*amount);
                (
                    format!("is written with symbols or separators; the number is {plain}"),
                    format!(
                        "Enter it as {plain}, a plain number, so it cannot be read differently."
                    ),
                )
            }
            Problem::ZipLostZero => {
                let padded = format!("{:0>5}", raw.trim());
                (
                    format!("is not a US ZIP code (5 digits); Excel may have dropped its leading zero: {padded}"),
                    format!("Enter it as {padded}, and format the column as Text in Excel so the zero stays."),
                )
            }
        }
    }
}

fn problem(code: &'static str, what: &'static str, suggestion: &'static str) -> Option<Problem> {
    Some(Problem::Fixed {
        code,
        what,
        suggestion,
    })
}

/// The values a row's other cells give for checking this one (the country, for a ZIP code).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RowContext<'a> {
    pub country: Option<&'a str>,
    /// The current year, for "built in the future".
    pub this_year: i32,
}

/// What is wrong with `raw` for an attribute of `value_type`, if anything. Empty cells are fine:
/// they are allowed in corrections.
pub(crate) fn check(value_type: ValueType, raw: &str, context: RowContext<'_>) -> Option<Problem> {
    let value = raw.trim();
    if value.is_empty() {
        return None;
    }
    match value_type {
        ValueType::Identity | ValueType::Text => None,
        ValueType::Year => year(value, context.this_year),
        ValueType::WholeNumber => match whole_number(value) {
            Some(_) => None,
            None => not_whole(),
        },
        ValueType::Stories => match whole_number(value) {
            Some(stories) if (1.0..=200.0).contains(&stories) => None,
            Some(_) => problem(
                "implausible_stories",
                "is not a plausible number of stories (1 to 200)",
                "Check the number of stories above ground; leave the cell empty if it is not known.",
            ),
            None => not_whole(),
        },
        ValueType::Decimal => match decimal(value) {
            Some(_) => None,
            None => problem(
                "invalid_value",
                "is not a number",
                "Enter a number such as 552.24, or leave the cell empty.",
            ),
        },
        ValueType::Currency => money(value),
        ValueType::Latitude => match decimal(value) {
            Some(degrees) if (-90.0..=90.0).contains(&degrees) => None,
            _ => problem(
                "invalid_value",
                "is not a latitude (a number from -90 to 90)",
                "Enter the latitude in decimal degrees such as 25.790794, or leave the cell empty.",
            ),
        },
        ValueType::Longitude => match decimal(value) {
            Some(degrees) if (-180.0..=180.0).contains(&degrees) => None,
            _ => problem(
                "invalid_value",
                "is not a longitude (a number from -180 to 180)",
                "Enter the longitude in decimal degrees such as -80.14029, or leave the cell empty.",
            ),
        },
        ValueType::Zip => zip(value, context.country),
        ValueType::IsoConstruction => match whole_number(value) {
            Some(class) if (1.0..=6.0).contains(&class) => None,
            _ => problem(
                "unknown_code",
                "is not an ISO construction class (1 to 6)",
                "Enter the ISO class as a number from 1 (frame) to 6 (fire resistive).",
            ),
        },
        ValueType::FloodZone => flood_zone(value),
    }
}

fn not_whole() -> Option<Problem> {
    problem(
        "invalid_value",
        "is not a whole number",
        "Enter a whole number such as 3, or leave the cell empty.",
    )
}

fn year(value: &str, this_year: i32) -> Option<Problem> {
    let Some(year) = whole_number(value).filter(|year| *year < 10_000.0) else {
        return problem(
            "invalid_value",
            "is not a year",
            "Enter a four-digit year such as 1969, or leave the cell empty.",
        );
    };
    let year = year as i32;
    if year > this_year {
        return Some(Problem::FutureYear { this_year });
    }
    if year < 1700 {
        return problem(
            "implausible_year",
            "is before 1700",
            "Check the year built: enter all four digits, such as 1969.",
        );
    }
    None
}

/// Amounts: a plain number is fine; negative or zero is implausible; symbols, thousands
/// separators and suffixes ("$1.2M", "1,200,000") are read and the plain number suggested.
fn money(value: &str) -> Option<Problem> {
    let Some(amount) = amount(value) else {
        return problem(
            "invalid_value",
            "is not an amount",
            "Enter the amount as a plain number such as 1200000, or leave the cell empty.",
        );
    };
    if amount <= 0.0 {
        return problem(
            "implausible_amount",
            if amount == 0.0 {
                "is zero"
            } else {
                "is negative"
            },
            "Enter the amount in dollars, more than zero; leave the cell empty if it is not known.",
        );
    }
    if value.parse::<f64>().is_ok() {
        return None;
    }
    Some(Problem::AmountWithSymbols { amount })
}

/// 1200000.0 → "1200000", 1234.5 → "1234.5".
fn plain_number(amount: f64) -> String {
    let mut text = String::new();
    if amount.fract() == 0.0 && amount.abs() < 1e15 {
        let _ = write!(text, "{}", amount as i64);
    } else {
        let _ = write!(text, "{amount}");
    }
    text
}

/// An amount of money: a number with an optional `$`, thousands separators and a `K`, `M` or
/// `B` suffix ("$1,200,000", "-$5", "$1.2M", "850k").
fn amount(value: &str) -> Option<f64> {
    let (negative, rest) = match value.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, value),
    };
    let rest = rest.strip_prefix('$').map_or(rest, str::trim_start);
    let (rest, multiplier) = match rest.as_bytes().last() {
        Some(b'k' | b'K') => (&rest[..rest.len() - 1], 1e3),
        Some(b'm' | b'M') => (&rest[..rest.len() - 1], 1e6),
        Some(b'b' | b'B') => (&rest[..rest.len() - 1], 1e9),
        _ => (rest, 1.0),
    };
    let number = decimal(rest.trim_end())? * multiplier;
    // 1.2 million is 1200000, not 1199999.9999999998.
    let number = if multiplier > 1.0 {
        (number * 100.0).round() / 100.0
    } else {
        number
    };
    Some(if negative { -number } else { number })
}

/// ZIP / postal code shapes of the countries whose shape is simple and certain.
fn zip(value: &str, country: Option<&str>) -> Option<Problem> {
    let country = country.map(str::trim).unwrap_or_default();
    let is = |names: &[&str]| names.iter().any(|name| name.eq_ignore_ascii_case(country));
    if country.is_empty() || is(&["US", "USA", "United States", "United States of America"]) {
        let bytes = value.as_bytes();
        let digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
        let five = bytes.len() == 5 && digits(bytes);
        let nine =
            bytes.len() == 10 && bytes[5] == b'-' && digits(&bytes[..5]) && digits(&bytes[6..]);
        if five || nine {
            return None;
        }
        if (3..5).contains(&bytes.len()) && digits(bytes) {
            return Some(Problem::ZipLostZero);
        }
        return problem(
            "zip_shape",
            "is not a US ZIP code (5 digits, or ZIP+4 such as 33139-1234)",
            "Check the ZIP code, or fill in the country column if the building is not in the US.",
        );
    }
    if is(&["CA", "CAN", "Canada"]) {
        let squashed: Vec<u8> = value.bytes().filter(|byte| *byte != b' ').collect();
        let shape_ok = squashed.len() == 6
            && squashed.iter().enumerate().all(|(index, byte)| {
                if index % 2 == 0 {
                    byte.is_ascii_alphabetic()
                } else {
                    byte.is_ascii_digit()
                }
            });
        if !shape_ok {
            return problem(
                "zip_shape",
                "is not a Canadian postal code (such as K1A 0B1)",
                "Check the postal code.",
            );
        }
    }
    None
}

/// FEMA flood zone designations.
fn flood_zone(value: &str) -> Option<Problem> {
    let upper = value.to_ascii_uppercase();
    let known = matches!(
        upper.as_str(),
        "A" | "AE"
            | "AH"
            | "AO"
            | "AR"
            | "A99"
            | "V"
            | "VE"
            | "X"
            | "B"
            | "C"
            | "D"
            | "X500"
            | "SHADED X"
            | "UNSHADED X"
    ) || upper
        .strip_prefix('A')
        .or_else(|| upper.strip_prefix('V'))
        .and_then(|number| number.parse::<u8>().ok())
        .is_some_and(|number| (1..=30).contains(&number));
    if known {
        return None;
    }
    problem(
        "unknown_code",
        "is not a FEMA flood zone (such as A, AE, V, VE or X)",
        "Check the flood zone on the FEMA flood map, or leave the cell empty.",
    )
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

/// The current calendar year (UTC), from the system clock.
pub(crate) fn current_year() -> i32 {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() / 86_400) as i64;
    year_of_day(days)
}

/// The year of a day counted from 1970-01-01 (Howard Hinnant's civil-from-days).
fn year_of_day(days: i64) -> i32 {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let year = year_of_era + era * 400 + i64::from(month_index >= 10);
    year as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: RowContext<'static> = RowContext {
        country: None,
        this_year: 2026,
    };

    fn code_of(value_type: ValueType, value: &str) -> Option<&'static str> {
        check(value_type, value, NOW).map(|problem| problem.code())
    }

    #[test]
    fn accepts_the_usual_spellings() {
        for (value_type, value) in [
            (ValueType::Year, "1969"),
            (ValueType::Year, "2026"),
            (ValueType::WholeNumber, "12"),
            (ValueType::WholeNumber, "1,200"),
            (ValueType::Stories, "2"),
            (ValueType::Decimal, "552.24"),
            (ValueType::Currency, "1200000.50"),
            (ValueType::Latitude, "-90"),
            (ValueType::Longitude, "-80.14029"),
            (ValueType::Year, "  "),
            (ValueType::Zip, "33139"),
            (ValueType::Zip, "33139-1234"),
            (ValueType::IsoConstruction, "5"),
            (ValueType::FloodZone, "ae"),
            (ValueType::FloodZone, "A12"),
        ] {
            assert_eq!(code_of(value_type, value), None, "{value}");
        }
    }

    #[test]
    fn what_does_not_parse_is_an_invalid_value() {
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
            assert_eq!(code_of(value_type, value), Some("invalid_value"), "{value}");
        }
    }

    #[test]
    fn implausible_values_are_named() {
        for (value_type, value, code) in [
            (ValueType::Year, "3020", "implausible_year"),
            (ValueType::Year, "2027", "implausible_year"),
            (ValueType::Year, "1650", "implausible_year"),
            (ValueType::Currency, "-5", "implausible_amount"),
            (ValueType::Currency, "0", "implausible_amount"),
            (ValueType::Stories, "0", "implausible_stories"),
            (ValueType::Stories, "250", "implausible_stories"),
            (ValueType::Zip, "2134", "zip_shape"),
            (ValueType::Zip, "331390", "zip_shape"),
            (ValueType::IsoConstruction, "9", "unknown_code"),
            (ValueType::FloodZone, "Z", "unknown_code"),
        ] {
            assert_eq!(code_of(value_type, value), Some(code), "{value}");
        }
        let zip = check(ValueType::Zip, "2134", NOW).map(|problem| problem.words("2134").1);
        assert_eq!(
            zip.as_deref(),
            Some("Enter it as 02134, and format the column as Text in Excel so the zero stays.")
        );
    }

    #[test]
    fn amounts_with_symbols_suggest_the_plain_number() {
        for (value, plain) in [
            ("$1.2M", "1200000"),
            ("1,200,000", "1200000"),
            ("$1,200,000", "1200000"),
            ("850k", "850000"),
            ("$ 300.50", "300.5"),
        ] {
            let problem = check(ValueType::Currency, value, NOW);
            assert_eq!(
                problem.map(|p| p.code()),
                Some("amount_with_symbols"),
                "{value}"
            );
            assert_eq!(
                problem.map(|p| p.words(value).1),
                Some(format!(
                    "Enter it as {plain}, a plain number, so it cannot be read differently."
                )),
                "{value}"
            );
        }
    }

    #[test]
    fn a_zip_code_is_judged_by_the_rows_country() {
        let canada = RowContext {
            country: Some("Canada"),
            this_year: 2026,
        };
        assert_eq!(check(ValueType::Zip, "K1A 0B1", canada), None);
        assert_eq!(
            check(ValueType::Zip, "33139", canada).map(|p| p.code()),
            Some("zip_shape")
        );
        let france = RowContext {
            country: Some("FR"),
            this_year: 2026,
        };
        assert_eq!(check(ValueType::Zip, "75001", france), None, "not judged");
    }

    #[test]
    fn the_year_of_a_day_is_the_calendar_year() {
        assert_eq!(year_of_day(0), 1970);
        assert_eq!(year_of_day(364), 1970);
        assert_eq!(year_of_day(365), 1971);
        assert_eq!(year_of_day(20_454), 2026, "2026-01-01");
        assert_eq!(year_of_day(20_453), 2025, "2025-12-31");
    }
}

//! One attribute value as the JSON output, a spreadsheet cell or a CSV field holds it.

use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A non-empty value. An empty cell or a JSON `null` is `None` wherever an `Option<Value>` appears.
/// Read as an untagged enum would (a number, a bool or a string), by hand: the derived form buffers each value
/// and tries the variants in turn, which made reading the hidden sheet's base rows several times slower.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Text(String),
}

impl Value {
    /// Reads a JSON output value: plain, or the `{value, confidence, …}` object of §14.4 (its `value` counts).
    pub fn from_json(json: &serde_json::Value) -> Option<Value> {
        match json {
            serde_json::Value::Null => None,
            serde_json::Value::Bool(flag) => Some(Value::Bool(*flag)),
            serde_json::Value::Number(number) => number.as_f64().map(Value::Number),
            serde_json::Value::String(text) if text.trim().is_empty() => None,
            serde_json::Value::String(text) => Some(Value::Text(text.clone())),
            serde_json::Value::Object(fields) => fields.get("value").and_then(Value::from_json),
            serde_json::Value::Array(_) => Some(Value::Text(json.to_string())),
        }
    }

    /// A CSV field or a text cell: empty (after trimming) is no value.
    pub fn from_text(text: &str) -> Option<Value> {
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| Value::Text(trimmed.to_owned()))
    }

    /// The number this value is, when it is one or is text that is exactly a plain number ("1972", "33139").
    pub fn as_number(&self) -> Option<f64> {
        self.borrowed().as_number()
    }

    /// Whether two values mean the same to SOV Fixer: see [`ValueRef::same_as`].
    pub fn same_as(&self, other: &Value) -> bool {
        self.borrowed().same_as(other.borrowed())
    }

    pub fn borrowed(&self) -> ValueRef<'_> {
        match self {
            Value::Number(number) => ValueRef::Number(*number),
            Value::Bool(flag) => ValueRef::Bool(*flag),
            Value::Text(text) => ValueRef::Text(text),
        }
    }

    /// The text written into a CSV field for SOV Fixer.
    pub fn to_field(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            other => other.borrowed().to_field(),
        }
    }

    /// The value as the preview shows it in `attribute`'s column. In a number column a number, or text that is
    /// exactly one (SOV Fixer keeps values as text, so "1969" or "1969.0"), reads as the spreadsheet shows it:
    /// "1969", "220000" (not 220000.00000000003). Anything else, a ZIP code "02134" included, as it is.
    pub fn shown_in(&self, attribute: &str) -> String {
        match self.as_number() {
            Some(number) if crate::attributes::kind_of(attribute).is_number() => {
                format_shown(number)
            }
            _ => self.to_field(),
        }
    }

    /// [`Value::to_field`], keeping the text itself when it is text.
    pub fn into_field(self) -> String {
        match self {
            Value::Text(text) => text,
            other => other.borrowed().to_field(),
        }
    }
}

/// A value without its own copy of its text: a cell's value, or one read from the hidden sheet's JSON in place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Number(f64),
    Bool(bool),
    Text(&'a str),
}

impl ValueRef<'_> {
    /// The text written into a CSV field for SOV Fixer.
    pub fn to_field(self) -> String {
        match self {
            ValueRef::Number(number) => format_number(number),
            ValueRef::Bool(flag) => flag.to_string(),
            ValueRef::Text(text) => text.to_owned(),
        }
    }

    /// The number this value is, when it is one or is text that is exactly a plain number ("1972", "33139").
    pub fn as_number(self) -> Option<f64> {
        match self {
            ValueRef::Number(number) => Some(number),
            ValueRef::Text(text) => parse_plain_number(text),
            ValueRef::Bool(_) => None,
        }
    }

    /// Whether two values mean the same to SOV Fixer: numbers equal (a number and its plain text too, since a
    /// spreadsheet turns "33139" into 33139), text equal after trimming.
    pub fn same_as(self, other: ValueRef<'_>) -> bool {
        match (self, other) {
            (ValueRef::Text(left), ValueRef::Text(right)) => left.trim() == right.trim(),
            (ValueRef::Bool(left), ValueRef::Bool(right)) => left == right,
            (ValueRef::Bool(flag), ValueRef::Text(text))
            | (ValueRef::Text(text), ValueRef::Bool(flag)) => text
                .trim()
                .eq_ignore_ascii_case(if flag { "true" } else { "false" }),
            _ => match (self.as_number(), other.as_number()) {
                (Some(left), Some(right)) => numbers_equal(left, right),
                _ => false,
            },
        }
    }
}

/// One value of a hidden-sheet base row as read from its JSON: text borrowed from the JSON where it has no
/// escapes, so comparing a row's cells with it copies nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum BaseValue<'a> {
    Number(f64),
    Bool(bool),
    Text(std::borrow::Cow<'a, str>),
}

impl BaseValue<'_> {
    pub fn borrowed(&self) -> ValueRef<'_> {
        match self {
            BaseValue::Number(number) => ValueRef::Number(*number),
            BaseValue::Bool(flag) => ValueRef::Bool(*flag),
            BaseValue::Text(text) => ValueRef::Text(text),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for BaseValue<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BaseValueVisitor(std::marker::PhantomData))
    }
}

struct BaseValueVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for BaseValueVisitor<'a> {
    type Value = BaseValue<'a>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a number, true/false or text")
    }

    fn visit_bool<E: serde::de::Error>(self, flag: bool) -> Result<BaseValue<'a>, E> {
        Ok(BaseValue::Bool(flag))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<BaseValue<'a>, E> {
        Ok(BaseValue::Number(number as f64))
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<BaseValue<'a>, E> {
        Ok(BaseValue::Number(number as f64))
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<BaseValue<'a>, E> {
        Ok(BaseValue::Number(number))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<BaseValue<'a>, E> {
        Ok(BaseValue::Text(std::borrow::Cow::Borrowed(text)))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<BaseValue<'a>, E> {
        Ok(BaseValue::Text(std::borrow::Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<BaseValue<'a>, E> {
        Ok(BaseValue::Text(std::borrow::Cow::Owned(text)))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl Visitor<'_> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a number, true/false or text")
    }

    fn visit_bool<E: serde::de::Error>(self, flag: bool) -> Result<Value, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<Value, E> {
        Ok(Value::Number(number as f64))
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<Value, E> {
        Ok(Value::Number(number as f64))
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<Value, E> {
        Ok(Value::Number(number))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Value, E> {
        Ok(Value::Text(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Value, E> {
        Ok(Value::Text(text))
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_field())
    }
}

/// Whether two optional values are the same (both empty, or both present and [`Value::same_as`]).
pub fn same_optional(left: Option<&Value>, right: Option<&Value>) -> bool {
    match (left, right) {
        (None, None) => true,
        (Some(left), Some(right)) => left.same_as(right),
        _ => false,
    }
}

/// Integers without a fraction ("1972", not "1972.0"); others as Rust's shortest round-trip form.
pub fn format_number(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

/// A number as a spreadsheet program shows it: 15 significant digits at most (all a spreadsheet keeps), no
/// trailing zeros, no ".0".
pub fn format_shown(number: f64) -> String {
    if !number.is_finite() || number == 0.0 {
        return format_number(if number == 0.0 { 0.0 } else { number });
    }
    let magnitude = number.abs().log10().floor() as i32;
    let decimals = usize::try_from(14 - magnitude).unwrap_or(0);
    let text = format!("{number:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// An amount of money as a spreadsheet shows it with thousands separators ("2,500,000"; "1,234.5"), so a
/// person can count its zeros.
pub fn format_money(number: f64) -> String {
    let shown = format_shown(number);
    let (sign, digits) = match shown.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", shown.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    if !whole.bytes().all(|byte| byte.is_ascii_digit()) {
        return shown; // "inf", "NaN", or an exponent: nothing to group
    }
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

fn numbers_equal(left: f64, right: f64) -> bool {
    // Spreadsheet programs store 15 significant digits; closer than that is the same number.
    (left - right).abs() <= 1e-9 * left.abs().max(right.abs()).max(1.0)
}

/// Only plain numbers: digits, one point, a leading minus. "1,972" or "$1.2M" are not (see `suggest_number`).
fn parse_plain_number(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let plain = !trimmed.is_empty()
        && trimmed
            .chars()
            .enumerate()
            .all(|(index, c)| c.is_ascii_digit() || c == '.' || (c == '-' && index == 0));
    if plain {
        trimmed.parse().ok()
    } else {
        None
    }
}

/// The number an underwriter meant by text such as "1,972", "$1.2M", "850k", "USD 2,500,000".
pub fn suggest_number(text: &str) -> Option<f64> {
    let mut cleaned: String = text
        .trim()
        .trim_start_matches("USD")
        .chars()
        .filter(|c| !matches!(c, '$' | ',' | ' ' | '\u{a0}' | '€' | '£'))
        .collect();
    let multiplier = match cleaned.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => 1e3,
        Some('M') => 1e6,
        Some('B') => 1e9,
        _ => 1.0,
    };
    if multiplier != 1.0 {
        cleaned.pop();
    }
    let number: f64 = parse_plain_number(&cleaned)?;
    Some((number * multiplier * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn money_is_grouped_by_thousands_without_losing_a_digit() {
        for (number, shown) in [
            (0.0, "0"),
            (999.0, "999"),
            (1000.0, "1,000"),
            (250_000.0, "250,000"),
            (1_234_567.5, "1,234,567.5"),
            (-2_500_000.0, "-2,500,000"),
            (220_000.000_000_000_03, "220,000"),
        ] {
            assert_eq!(format_money(number), shown, "{number}");
        }
    }

    #[test]
    fn numbers_are_shown_as_a_spreadsheet_shows_them_and_codes_as_they_are() {
        let year = "const__bldg_year_built";
        assert_eq!(Value::Number(1972.0).shown_in(year), "1972");
        assert_eq!(Value::Text("1969".into()).shown_in(year), "1969");
        assert_eq!(Value::Text("1969.0".into()).shown_in(year), "1969");
        let money = "limits__building_value";
        assert_eq!(Value::Number(200_000.0 * 1.1).shown_in(money), "220000");
        assert_eq!(Value::Number(1_234_567.89).shown_in(money), "1234567.89");
        assert_eq!(Value::Text("$1.2M".into()).shown_in(money), "$1.2M");
        assert_eq!(Value::Number(0.1 + 0.2).shown_in("latitude"), "0.3");
        assert_eq!(
            Value::Number(-80.123456).shown_in("longitude"),
            "-80.123456"
        );
        assert_eq!(Value::Text("02134".into()).shown_in("zip"), "02134");
        assert_eq!(Value::Text("12.0".into()).shown_in("bldg_name"), "12.0");
        assert_eq!(format_shown(0.0), "0");
        assert_eq!(format_shown(-0.0), "0");
        assert_eq!(format_shown(1e20), "100000000000000000000");
        assert_eq!(format_shown(0.000_012_5), "0.0000125");
    }

    #[test]
    fn reads_plain_and_object_values_of_the_json_output() {
        let object = serde_json::json!({"value": 1969, "confidence": 0.9, "original": "1969"});
        assert_eq!(Value::from_json(&object), Some(Value::Number(1969.0)));
        assert_eq!(
            Value::from_json(&serde_json::json!("Built-up")),
            Some(Value::Text("Built-up".into()))
        );
        assert_eq!(Value::from_json(&serde_json::json!(null)), None);
        assert_eq!(Value::from_json(&serde_json::json!({"value": null})), None);
    }

    #[test]
    fn a_base_row_of_the_hidden_sheet_reads_back_as_it_was_written() {
        let written = vec![
            Some(Value::Number(1969.0)),
            None,
            Some(Value::Text("Built-up".into())),
            Some(Value::Bool(true)),
            Some(Value::Number(25.7617)),
        ];
        let json = serde_json::to_string(&written).unwrap();
        let read: Vec<Option<Value>> = serde_json::from_str(&json).unwrap();
        assert_eq!(read, written);
        let integer: Value = serde_json::from_str("-12").unwrap();
        assert_eq!(integer, Value::Number(-12.0));
        assert!(serde_json::from_str::<Value>("[1]").is_err());
        assert!(serde_json::from_str::<Value>("{\"value\": 1}").is_err());
    }

    #[test]
    fn a_base_row_read_in_place_compares_as_the_values_it_holds() {
        let json = r#"[1969.0, null, "Built-up", "say \"hi\"", true, "33139"]"#;
        let read: Vec<Option<BaseValue>> = serde_json::from_str(json).unwrap();
        assert!(matches!(
            read[2],
            Some(BaseValue::Text(std::borrow::Cow::Borrowed("Built-up")))
        ));
        let owned: Vec<Option<Value>> = serde_json::from_str(json).unwrap();
        for (base, value) in read.iter().zip(&owned) {
            match (base, value) {
                (Some(base), Some(value)) => assert!(base.borrowed().same_as(value.borrowed())),
                (None, None) => {}
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(owned[3], Some(Value::Text("say \"hi\"".into())));
        let zip = read[5].as_ref().unwrap().borrowed();
        assert!(zip.same_as(Value::Number(33139.0).borrowed()));
        assert!(!zip.same_as(Value::Text("33140".into()).borrowed()));
    }

    #[test]
    fn a_zip_code_as_text_equals_the_number_a_spreadsheet_made_of_it() {
        assert!(Value::Text("33139".into()).same_as(&Value::Number(33139.0)));
        assert!(!Value::Text("1,972".into()).same_as(&Value::Number(1972.0)));
        assert!(!Value::Text("Built-up".into()).same_as(&Value::Text("Metal".into())));
        assert!(Value::Text(" Metal ".into()).same_as(&Value::Text("Metal".into())));
    }

    #[test]
    fn suggests_the_number_meant_by_formatted_text() {
        assert_eq!(suggest_number("1,972"), Some(1972.0));
        assert_eq!(suggest_number("$1.2M"), Some(1_200_000.0));
        assert_eq!(suggest_number("850k"), Some(850_000.0));
        assert_eq!(suggest_number("about 12"), None);
    }

    #[test]
    fn numbers_are_written_without_a_needless_fraction() {
        assert_eq!(format_number(1972.0), "1972");
        assert_eq!(format_number(25.7617), "25.7617");
    }
}

//! `-E KEY=VALUE` entries for `extra_data`: split at the first `=`, each key at most once.

use serde_json::{Map, Value};

/// Splits one `-E` argument; the value may itself contain `=`.
pub fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!(
            "`{text}` is not KEY=VALUE; write it like -E insured_name=\"Acme Corp\""
        )),
    }
}

/// Builds the `extra_data` object; a key given twice is a mistake worth stopping for.
pub fn extra_data_map(pairs: &[(String, String)]) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    for (key, value) in pairs {
        if map.contains_key(key) {
            return Err(format!(
                "-E {key} was given more than once. Give each extra_data key once, then run the command again."
            ));
        }
        map.insert(key.clone(), Value::String(value.clone()));
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn value_keeps_its_own_equals_signs() {
        assert_eq!(
            parse_key_value("sov_description=a=b").unwrap(),
            ("sov_description".to_owned(), "a=b".to_owned())
        );
        assert_eq!(
            parse_key_value("k=").unwrap(),
            ("k".to_owned(), String::new())
        );
    }

    #[test]
    fn missing_key_or_equals_is_rejected() {
        assert!(parse_key_value("insured_name")
            .unwrap_err()
            .contains("KEY=VALUE"));
        assert!(parse_key_value("=value").is_err());
    }

    #[test]
    fn duplicate_key_is_an_error_naming_it() {
        let pairs = vec![
            ("insured_name".to_owned(), "A".to_owned()),
            ("insured_name".to_owned(), "B".to_owned()),
        ];
        assert!(extra_data_map(&pairs).unwrap_err().contains("insured_name"));
        let single = extra_data_map(&pairs[..1]).unwrap();
        assert_eq!(single["insured_name"], "A");
    }
}

//! The JSON schema of the `--json` stream, read from docs/cli.md (so the document and the tests
//! cannot drift apart), and a validator for the subset of JSON Schema it uses.

use serde_json::Value;

pub fn events_schema() -> Value {
    let doc_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../docs/cli.md");
    let doc = std::fs::read_to_string(doc_path).unwrap();
    let after_marker = doc
        .split("<!-- events-schema -->")
        .nth(1)
        .expect("docs/cli.md has no events-schema marker");
    let block = after_marker
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("no ```json block after the marker");
    serde_json::from_str(block).unwrap()
}

pub fn validate(schema: &Value, value: &Value) -> Result<(), String> {
    check(schema, schema, value, "$")
}

fn check(root: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/$defs/");
        let target = &root["$defs"][name];
        if target.is_null() {
            return Err(format!("{at}: unknown $ref {reference}"));
        }
        return check(root, target, value, at);
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let matching: Vec<usize> = options
            .iter()
            .enumerate()
            .filter(|(_, option)| check(root, option, value, at).is_ok())
            .map(|(index, _)| index)
            .collect();
        if matching.len() != 1 {
            let reasons: Vec<String> = options
                .iter()
                .filter_map(|option| check(root, option, value, at).err())
                .collect();
            return Err(format!(
                "{at}: must match exactly one alternative, matched {matching:?}; {reasons:?}"
            ));
        }
    }
    if let Some(expected) = schema.get("const") {
        if expected != value {
            return Err(format!("{at}: expected {expected}, found {value}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(name) => vec![name.as_str()],
            Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.iter().any(|name| has_type(value, name)) {
            return Err(format!("{at}: {value} is not of type {names:?}"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                return Err(format!("{at}: missing `{name}`"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, field) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(field_schema) => check(root, field_schema, field, &format!("{at}.{name}"))?,
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{at}: undocumented field `{name}`"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (index, item) in array.iter().enumerate() {
            check(root, items, item, &format!("{at}[{index}]"))?;
        }
    }
    Ok(())
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => false,
    }
}

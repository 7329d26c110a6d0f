//! The streaming pass: the top-level object's small keys are kept, `buildings[]` is handed over one
//! element at a time together with its byte range in the file, everything else is skipped unparsed.

use std::io::Read;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::scanner::Scanner;
use crate::{Building, ReadError};

/// The output's top-level keys other than `buildings` that say what it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SovHeader {
    /// The parent SOV id (the same in every revision).
    pub id: Option<String>,
    pub source_filename: Option<String>,
    /// As the file states it; `buildings_read` is what was actually there.
    pub num_buildings: Option<u64>,
    pub buildings_read: u64,
}

/// Calls `on_building` with every building in file order, holding one at a time. Returns the
/// header; the first error (malformed JSON, or one `on_building` returned) stops the pass.
pub fn for_each_building<R: Read>(
    reader: R,
    mut on_building: impl FnMut(Building) -> Result<(), ReadError>,
) -> Result<SovHeader, ReadError> {
    scan(reader, |building: Building, _range| on_building(building))
}

/// As [`for_each_building`], each building's JSON parsed by `parse` into the caller's own type: a reader that
/// needs only some keys, its own form of the values, or state kept from one building to the next (names shared
/// between buildings) skips building the general [`Building`] first.
pub fn for_each_building_parsed<R: Read, T>(
    reader: R,
    mut parse: impl FnMut(&[u8]) -> Result<T, serde_json::Error>,
    mut on_building: impl FnMut(T) -> Result<(), ReadError>,
) -> Result<SovHeader, ReadError> {
    scan_parsed(reader, &mut parse, |building: T, _range| {
        on_building(building)
    })
}

/// Where an element of `buildings[]` sits in the file: `start..end` in bytes.
pub(crate) type ByteRange = std::ops::Range<u64>;

/// The pass itself, generic over what each building is read as (all of it, or its keys only).
pub(crate) fn scan<R: Read, T: DeserializeOwned>(
    reader: R,
    on_item: impl FnMut(T, ByteRange) -> Result<(), ReadError>,
) -> Result<SovHeader, ReadError> {
    scan_parsed(reader, &mut |bytes| serde_json::from_slice(bytes), on_item)
}

/// [`scan`] with each element's bytes parsed by `parse`.
fn scan_parsed<R: Read, T>(
    reader: R,
    parse: &mut impl FnMut(&[u8]) -> Result<T, serde_json::Error>,
    mut on_item: impl FnMut(T, ByteRange) -> Result<(), ReadError>,
) -> Result<SovHeader, ReadError> {
    let mut scanner = Scanner::new(reader);
    let mut header = SovHeader::default();
    let mut saw_buildings = false;
    let mut key = Vec::new();
    let mut element = Vec::new();
    scanner.expect(b'{', "an SOV data object, `{`")?;
    if scanner.peek_token()? == Some(b'}') {
        scanner.expect(b'}', "`}`")?;
    } else {
        loop {
            key.clear();
            if scanner.peek_token()? != Some(b'"') {
                return Err(scanner.error_here("expected a key in quotes"));
            }
            let key_position = scanner.position();
            scanner.value(Some(&mut key))?;
            let name: String = serde_json::from_slice(&key)
                .map_err(|e| ReadError::from_json_at(&e, key_position))?;
            scanner.expect(b':', "`:` after a key")?;
            match name.as_str() {
                "buildings" => {
                    header.buildings_read =
                        buildings(&mut scanner, &mut element, parse, &mut on_item)?;
                    saw_buildings = true;
                }
                "id" | "source_filename" | "num_buildings" => {
                    element.clear();
                    let position = scanner.position();
                    scanner.value(Some(&mut element))?;
                    let value: Value = serde_json::from_slice(&element)
                        .map_err(|e| ReadError::from_json_at(&e, position))?;
                    match name.as_str() {
                        "id" => header.id = text(value),
                        "source_filename" => header.source_filename = text(value),
                        _ => header.num_buildings = value.as_u64(),
                    }
                }
                _ => scanner.value(None)?,
            }
            match scanner.peek_token()? {
                Some(b',') => scanner.expect(b',', "`,`")?,
                Some(b'}') => {
                    scanner.expect(b'}', "`}`")?;
                    break;
                }
                Some(_) => return Err(scanner.error_here("expected `,` or `}` after a value")),
                None => return Err(ReadError::from_eof()),
            }
        }
    }
    if scanner.peek_token()?.is_some() {
        return Err(scanner.error_here("more data after the end of the object"));
    }
    if !saw_buildings {
        return Err(ReadError::new(
            "it has no `buildings` list, so it is not an SOV data file",
        ));
    }
    Ok(header)
}

/// The elements of `buildings[]`, each parsed from its own bytes.
fn buildings<R: Read, T>(
    scanner: &mut Scanner<R>,
    element: &mut Vec<u8>,
    parse: &mut impl FnMut(&[u8]) -> Result<T, serde_json::Error>,
    on_item: &mut impl FnMut(T, ByteRange) -> Result<(), ReadError>,
) -> Result<u64, ReadError> {
    scanner.expect(b'[', "a list of buildings, `[`")?;
    let mut count = 0;
    if scanner.peek_token()? == Some(b']') {
        scanner.expect(b']', "`]`")?;
        return Ok(0);
    }
    loop {
        if scanner.peek_token()? != Some(b'{') {
            return Err(scanner.error_here("each building must be an object, `{`"));
        }
        element.clear();
        let start = scanner.offset();
        let position = scanner.position();
        scanner.value(Some(element))?;
        let item: T = parse(element).map_err(|e| ReadError::from_json_at(&e, position))?;
        on_item(item, start..scanner.offset())?;
        count += 1;
        match scanner.peek_token()? {
            Some(b',') => scanner.expect(b',', "`,`")?,
            Some(b']') => {
                scanner.expect(b']', "`]`")?;
                return Ok(count);
            }
            Some(_) => return Err(scanner.error_here("expected `,` or `]` after a building")),
            None => return Err(ReadError::from_eof()),
        }
    }
}

fn text(value: Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

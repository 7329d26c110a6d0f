//! Builds a job's outputs: the SOV's buildings with every uploaded correction applied, written to disk.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::catalog::{
    known_attribute, OutputFormat, OutputKind, ANNOTATED_ATTRIBUTES, KNOWN_ATTRIBUTES,
};
use crate::sov::{Building, Sov};
use crate::state::{Changes, StartRequest, StoredOutput};

/// Rows that found no building, as the result message names them.
const UNMATCHED_NAMED_IN_MESSAGE: usize = 10;

/// The outcome of applying the uploads: the changed values only, laid over the SOV's buildings
/// when outputs are written, so a big SOV is never copied.
#[derive(Debug, Clone, PartialEq)]
pub struct Corrected {
    /// Building index → attribute → new value, since the parse (the base revision's changes included).
    pub changes: Changes,
    pub rows_total: u64,
    pub rows_matched: u64,
    /// How each unmatched row is named: `Sheet1 row 99` or `item_key i-…`.
    pub unmatched: Vec<String>,
}

/// The derived attribute: the full address line, recomputed from these inputs when one of them is corrected.
pub const ADDRESS_LINE: &str = "bldg_street_descriptor";
pub const ADDRESS_INPUTS: [&str; 4] = ["street", "city", "state", "zip"];

/// `<street>, <city>, <state> <zip>`, missing parts left out, as the generated SOVs write it.
pub fn address_line(value: impl Fn(&str) -> Option<String>) -> String {
    let part = |name: &str| value(name).filter(|v| !v.trim().is_empty());
    let state_zip: Vec<String> = [part("state"), part("zip")].into_iter().flatten().collect();
    [
        part("street"),
        part("city"),
        Some(state_zip.join(" ")).filter(|s| !s.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

/// Applies the uploaded CSVs in order (later uploads win) over the base revision's changes.
/// An empty cell leaves the value unchanged. A row that corrects an address input and does not set the
/// address line itself gets the address line recomputed. `ignored` names an attribute the service
/// silently leaves alone (a fault knob).
pub fn apply_corrections(
    sov: &Sov,
    base: &Changes,
    uploads: &[PathBuf],
    ignored: Option<&str>,
) -> std::io::Result<Corrected> {
    let buildings = &sov.buildings;
    let by_item_key: HashMap<String, usize> = buildings
        .iter()
        .enumerate()
        .map(|(i, b)| (b.item_key.clone(), i))
        .collect();
    let by_sheet_row: HashMap<(String, u64), usize> = buildings
        .iter()
        .enumerate()
        .map(|(i, b)| ((b.sheet_name.clone(), b.sheet_row_number), i))
        .collect();
    let mut outcome = Corrected {
        changes: base.clone(),
        rows_total: 0,
        rows_matched: 0,
        unmatched: Vec::new(),
    };
    for path in uploads {
        let mut reader = csv::Reader::from_reader(BufReader::new(File::open(path)?));
        let header: Vec<String> = reader
            .headers()
            .map_err(std::io::Error::other)?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        // Key columns are never written; other names were checked against the catalog at upload.
        let writable: Vec<Option<&'static str>> = header
            .iter()
            .map(|h| match h.as_str() {
                "item_key" | "sheet_name" | "sheet_row_number" => None,
                other => known_attribute(other),
            })
            .collect();
        let column = |name: &str| header.iter().position(|h| h == name);
        let (key_col, sheet_col, row_col) = (
            column("item_key"),
            column("sheet_name"),
            column("sheet_row_number"),
        );
        for record in reader.records() {
            let record = record.map_err(std::io::Error::other)?;
            outcome.rows_total += 1;
            let cell =
                |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
            let item_key = cell(key_col);
            let sheet = cell(sheet_col);
            let row = cell(row_col).parse::<u64>().ok();
            let target = if !item_key.is_empty() {
                by_item_key.get(item_key)
            } else {
                row.and_then(|r| by_sheet_row.get(&(sheet.to_string(), r)))
            };
            let Some(&index) = target else {
                outcome.unmatched.push(if item_key.is_empty() {
                    format!("{sheet} row {}", cell(row_col))
                } else {
                    format!("item_key {item_key}")
                });
                continue;
            };
            outcome.rows_matched += 1;
            let changes = outcome.changes.entry(index).or_default();
            let mut address_touched = false;
            let mut address_given = false;
            for (name, value) in writable.iter().zip(record.iter()) {
                if let (Some(name), false) = (name, value.is_empty()) {
                    if Some(*name) == ignored {
                        continue;
                    }
                    address_touched |= ADDRESS_INPUTS.contains(name);
                    address_given |= *name == ADDRESS_LINE;
                    changes.insert(name, value.to_string());
                }
            }
            if address_touched && !address_given {
                let building = &buildings[index];
                let line = address_line(|name| {
                    changes
                        .get(name)
                        .or_else(|| building.attributes.get(name))
                        .cloned()
                });
                changes.insert(ADDRESS_LINE, line);
            }
        }
    }
    Ok(outcome)
}

impl Corrected {
    /// A building's value of an attribute, corrected or original.
    pub fn value<'a>(
        &'a self,
        index: usize,
        building: &'a Building,
        name: &str,
    ) -> Option<&'a str> {
        self.changes
            .get(&index)
            .and_then(|changes| changes.get(name))
            .or_else(|| building.attributes.get(name))
            .map(String::as_str)
    }

    /// Every attribute of a building with the corrections applied, in name order.
    pub fn merged<'a>(
        &'a self,
        index: usize,
        building: &'a Building,
    ) -> BTreeMap<&'static str, &'a str> {
        let mut merged: BTreeMap<&'static str, &str> = building
            .attributes
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        if let Some(changes) = self.changes.get(&index) {
            merged.extend(changes.iter().map(|(name, value)| (*name, value.as_str())));
        }
        merged
    }
}

/// The `result.message` of a successful job.
pub fn success_message(corrected: &Corrected) -> String {
    let count = corrected.unmatched.len();
    if count == 0 {
        return "Success.".to_string();
    }
    format!(
        "Success. {count} {} matched no building: {}.",
        if count == 1 { "row" } else { "rows" },
        name_rows(&corrected.unmatched)
    )
}

/// The `result.message` when no row matched at all.
pub fn nothing_matched_message(sov_id: &str, corrected: &Corrected) -> String {
    if corrected.rows_total == 0 {
        return format!("The locations files had no rows, so nothing in SOV {sov_id} was updated.");
    }
    format!(
        "No row matched a building of SOV {sov_id}: {}. Check item_key, or sheet_name and sheet_row_number.",
        name_rows(&corrected.unmatched)
    )
}

fn name_rows(rows: &[String]) -> String {
    let mut text = rows
        .iter()
        .take(UNMATCHED_NAMED_IN_MESSAGE)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if rows.len() > UNMATCHED_NAMED_IN_MESSAGE {
        text.push_str(&format!(
            " and {} more",
            rows.len() - UNMATCHED_NAMED_IN_MESSAGE
        ));
    }
    text
}

/// Everything an output file needs to know about the job.
pub struct OutputContext<'a> {
    pub sov: &'a Sov,
    pub sudid: &'a str,
    pub revision: u32,
    pub record_type: &'a str,
    pub start: &'a StartRequest,
    pub corrected: &'a Corrected,
    pub year_month: &'a str,
    /// † attributes as `{value, confidence, original, source, units, comment}` objects.
    pub annotated: bool,
}

/// Output filename: `<insured_name> <YYYY-MM><suffix>.<ext>`, insured_name used exactly as given.
pub fn output_filename(ctx: &OutputContext<'_>, format: &OutputFormat) -> String {
    let insured = match ctx.start.extra_data.get("insured_name") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Null) | None => ctx.sov.id.clone(),
        Some(Value::String(_)) => ctx.sov.id.clone(),
        Some(other) => other.to_string(),
    };
    let ext = format.output_extension.as_deref().unwrap_or("dat");
    format!(
        "{insured} {}{}.{ext}",
        ctx.year_month, format.filename_suffix
    )
}

/// Writes one output per requested format into `dir`, under server-side names unrelated to the filename.
pub fn write_outputs(
    ctx: &OutputContext<'_>,
    formats: &[OutputFormat],
    dir: &Path,
) -> std::io::Result<Vec<StoredOutput>> {
    std::fs::create_dir_all(dir)?;
    let mut outputs = Vec::new();
    for (index, format) in formats.iter().enumerate() {
        let ext = format.output_extension.as_deref().unwrap_or("dat");
        let path = dir.join(format!("output-{index}.{ext}"));
        let mut writer = BufWriter::new(File::create(&path)?);
        match format.kind {
            OutputKind::Json => write_json(ctx, &mut writer, false)?,
            OutputKind::DebugJson => write_json(ctx, &mut writer, true)?,
            OutputKind::Csv => write_csv(ctx, &mut writer)?,
        }
        writer.flush()?;
        drop(writer);
        outputs.push(StoredOutput {
            filename: output_filename(ctx, format),
            description: format.label.clone(),
            output_format: format.output_format.clone(),
            size: std::fs::metadata(&path)?.len(),
            path,
            origin: None,
            listed_without_url: false,
        });
    }
    Ok(outputs)
}

/// A † attribute as the dictionary describes it; `original` is the sheet's text, `source` says who set `value`.
fn annotated_value(value: Value, original: Option<&str>, units: Option<&str>) -> Value {
    let changed = original.map(|o| json!(o)) != Some(value.clone()) && !value.is_null();
    json!({
        "value": value,
        "confidence": if changed { 1.0 } else { 0.9 },
        "original": original,
        "source": if changed { "update" } else { "sov" },
        "units": units,
        "comment": if changed { Some("Corrected by an SOV update.") } else { None },
    })
}

pub fn building_json(
    index: usize,
    building: &Building,
    corrected: &Corrected,
    annotated: bool,
) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("building_counter".into(), json!(index + 1));
    object.insert("item_key".into(), json!(building.item_key));
    object.insert("sheet_name".into(), json!(building.sheet_name));
    object.insert("sheet_row_number".into(), json!(building.sheet_row_number));
    for (name, value) in corrected.merged(index, building) {
        let mut value = if value.is_empty() {
            Value::Null
        } else {
            json!(value)
        };
        if annotated {
            if let Some((_, units)) = ANNOTATED_ATTRIBUTES.iter().find(|(n, _)| *n == name) {
                let original = building.attributes.get(name).map(String::as_str);
                value = annotated_value(value, original, *units);
            }
        }
        object.insert(name.to_string(), value);
    }
    Value::Object(object)
}

/// Streams the JSON output (contract §10 top level) building by building.
fn write_json(ctx: &OutputContext<'_>, out: &mut impl Write, debug: bool) -> std::io::Result<()> {
    let policy_terms = if ctx.start.policy_terms.is_null() {
        json!({})
    } else {
        ctx.start.policy_terms.clone()
    };
    let head = json!({
        "id": ctx.sov.id,
        "source_filename": ctx.sov.source_filename,
        "num_buildings": ctx.sov.buildings.len(),
        "extra_data": ctx.start.extra_data,
        "uw_rules": {},
        "policy_terms": policy_terms,
        "computed_policy_terms": policy_terms,
    });
    let head_text = serde_json::to_string(&head)?;
    // Reopen the object to append the (possibly huge) buildings array without building it in memory.
    let head_text = head_text.strip_suffix('}').unwrap_or(&head_text);
    out.write_all(head_text.as_bytes())?;
    if debug {
        let debug_block = json!({
            "sudid": ctx.sudid,
            "revision": ctx.revision,
            "record_type": ctx.record_type,
            "rows_received": ctx.corrected.rows_total,
            "rows_matched": ctx.corrected.rows_matched,
            "rows_unmatched": ctx.corrected.unmatched,
            "output_formats": ctx.start.output_formats,
            "outputter_name": ctx.start.outputter_name,
            "integrations": ctx.start.integrations,
        });
        write!(out, ",\"debug\":{}", serde_json::to_string(&debug_block)?)?;
    }
    out.write_all(b",\"buildings\":[")?;
    for (index, building) in ctx.sov.buildings.iter().enumerate() {
        if index > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(
            &mut *out,
            &building_json(index, building, ctx.corrected, ctx.annotated),
        )?;
    }
    out.write_all(b"]}")?;
    Ok(())
}

fn write_csv(ctx: &OutputContext<'_>, out: &mut impl Write) -> std::io::Result<()> {
    let present: Vec<&str> = KNOWN_ATTRIBUTES
        .iter()
        .copied()
        .filter(|name| {
            !matches!(
                *name,
                "item_key" | "sheet_name" | "sheet_row_number" | "building_counter"
            )
        })
        .filter(|name| {
            ctx.sov
                .buildings
                .iter()
                .any(|b| b.attributes.contains_key(*name))
                || ctx
                    .corrected
                    .changes
                    .values()
                    .any(|c| c.contains_key(*name))
        })
        .collect();
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec![
        "building_counter",
        "item_key",
        "sheet_name",
        "sheet_row_number",
    ];
    header.extend(&present);
    writer
        .write_record(&header)
        .map_err(std::io::Error::other)?;
    for (index, building) in ctx.sov.buildings.iter().enumerate() {
        let mut row = vec![
            (index + 1).to_string(),
            building.item_key.clone(),
            building.sheet_name.clone(),
            building.sheet_row_number.to_string(),
        ];
        row.extend(present.iter().map(|name| {
            ctx.corrected
                .value(index, building, name)
                .unwrap_or_default()
                .to_string()
        }));
        writer.write_record(&row).map_err(std::io::Error::other)?;
    }
    writer.flush()
}

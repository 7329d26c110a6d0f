//! `workbook-bench generate DIR [BUILDINGS] [ATTRIBUTES]`: writes DIR/buildings.json (a JSON output of that many
//! buildings, §14.4 of the API contract) and DIR/edited.xlsx (our workbook of it with 3 cells changed in every
//! 100th row, re-sorted, as a user would hand it back).
//! `workbook-bench write DIR OUT.xlsx`: the corrections workbook of DIR/buildings.json, all attributes.
//! `workbook-bench preview DIR WORKBOOK.xlsx`: the preview of WORKBOOK against DIR/buildings.json.
//! `workbook-bench load DIR`: only reading DIR/buildings.json (the part of `preview` before the workbook).
//! `workbook-bench revise DIR`: writes DIR/revision-1.json (buildings.json with year built and roof covering
//! changed in every 100th building) and DIR/requested.json (the year-built changes: the ones "asked for").
//! `workbook-bench compare DIR`: the change report's comparison of buildings.json and revision-1.json (issue 15).
//! Each command prints one JSON line: what it did and the seconds of its main step.

use std::error::Error;
use std::path::Path;
use std::time::Instant;

use calamine::{Data, Reader as _};
use sov_workbook::attributes::{kind_of, known_attributes, AttributeChoice, AttributeKind};
use sov_workbook::building::{buildings_from_data, buildings_from_output};
use sov_workbook::reader::read_edits;
use sov_workbook::{corrections_workbook_bytes, Building, WorkbookSource};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const SOV_ID: &str = "5150";
const REVISION: &str = "rev-1";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["generate", dir, rest @ ..] => {
            let buildings = rest.first().map_or(Ok(50_000), |n| n.parse())?;
            let attributes = rest.get(1).map_or(Ok(40), |n| n.parse())?;
            generate(Path::new(dir), buildings, attributes)
        }
        ["write", dir, out] => write(Path::new(dir), Path::new(out)),
        ["load", dir] => {
            let started = Instant::now();
            let buildings = load_buildings(Path::new(dir))?;
            let seconds = started.elapsed().as_secs_f64();
            println!("{}", serde_json::json!({"buildings": buildings.len(), "seconds": seconds}));
            Ok(())
        }
        ["preview", dir, workbook] => preview(Path::new(dir), Path::new(workbook)),
        ["revise", dir] => revise(Path::new(dir)),
        ["compare", dir] => compare(Path::new(dir)),
        _ => Err("usage: workbook-bench generate DIR [BUILDINGS] [ATTRIBUTES] | write DIR OUT.xlsx | preview DIR WORKBOOK.xlsx | load DIR | revise DIR | compare DIR".into()),
    }
}

fn value_for(kind: AttributeKind, name: &str, index: usize) -> serde_json::Value {
    let i = index as f64;
    match kind {
        AttributeKind::Money => serde_json::json!(250_000.0 + (index % 977) as f64 * 1_000.0),
        AttributeKind::Year => {
            serde_json::json!({"value": 1900 + index % 120, "confidence": 0.9, "original": null, "source": "sov", "units": null, "comment": null})
        }
        AttributeKind::Count => serde_json::json!(1 + index % 12),
        AttributeKind::Decimal => serde_json::json!((i * 0.37) % 100.0),
        AttributeKind::Latitude => serde_json::json!(25.0 + (index % 1000) as f64 * 0.01),
        AttributeKind::Longitude => serde_json::json!(-80.0 - (index % 1000) as f64 * 0.01),
        AttributeKind::Code => serde_json::json!(format!("{}", 100 + index % 400)),
        AttributeKind::Text => serde_json::json!(format!("{name} {}", index % 5000)),
    }
}

fn generate(dir: &Path, count: usize, attribute_count: usize) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let attributes: Vec<&str> = known_attributes()
        .map(|attribute| attribute.name)
        .take(attribute_count)
        .collect();
    let buildings: Vec<serde_json::Value> = (0..count)
        .map(|index| {
            let row = index + 2;
            let mut building = serde_json::Map::new();
            building.insert(
                "item_key".into(),
                format!("i-{SOV_ID}!Locations!{row}").into(),
            );
            building.insert("building_counter".into(), index.into());
            building.insert("sheet_name".into(), "Locations".into());
            building.insert("sheet_row_number".into(), row.into());
            for attribute in &attributes {
                building.insert(
                    (*attribute).into(),
                    value_for(kind_of(attribute), attribute, index),
                );
            }
            serde_json::Value::Object(building)
        })
        .collect();
    let output = serde_json::json!({"id": SOV_ID, "source_filename": "bench.xlsx", "num_buildings": count, "buildings": buildings});
    std::fs::write(dir.join("buildings.json"), serde_json::to_vec(&output)?)?;

    let parsed = buildings_from_output(&output);
    let source = WorkbookSource {
        sov_id: SOV_ID,
        revision: REVISION,
        made_at: "2026-12-06T00:00:00Z",
        buildings: &parsed,
    };
    let made = corrections_workbook_bytes(&source, &AttributeChoice::All)?;
    let edits = edit_like_a_user(&made, &dir.join("edited.xlsx"))?;
    println!(
        "{}",
        serde_json::json!({"generated": count, "attributes": attributes.len(), "edits": edits})
    );
    Ok(())
}

/// Changes three cells in every 100th row, re-sorts the rows (descending) and keeps the hidden sheet as it was.
/// Saved with a shared string table, as Excel and LibreOffice save a workbook (not with inline strings).
fn edit_like_a_user(bytes: &[u8], out: &Path) -> Result<usize> {
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))?;
    let mut output = rust_xlsxwriter::Workbook::new();
    let mut edits = 0;
    for (sheet_index, name) in workbook.sheet_names().into_iter().enumerate() {
        let range = workbook.worksheet_range(&name)?;
        let mut rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        if sheet_index == 0 {
            let header = rows.remove(0);
            for (index, row) in rows
                .iter_mut()
                .enumerate()
                .filter(|(index, _)| index % 100 == 0)
            {
                for column in [5, 15, 25] {
                    if let Some(cell) = row.get_mut(column) {
                        *cell = match cell {
                            Data::Float(number) => Data::Float(*number + 1.0),
                            _ => Data::String(format!("edited {index}")),
                        };
                        edits += 1;
                    }
                }
            }
            rows.reverse();
            rows.insert(0, header);
        }
        let sheet = output.add_worksheet_with_low_memory()?;
        sheet.set_name(&name)?;
        sheet.set_hidden(sheet_index > 0);
        for (row, cells) in rows.iter().enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                let (row, column) = (u32::try_from(row)?, u16::try_from(column)?);
                match cell {
                    Data::Float(number) => {
                        sheet.write_number(row, column, *number)?;
                    }
                    Data::Int(number) => {
                        sheet.write_number(row, column, *number as f64)?;
                    }
                    Data::String(text) => {
                        sheet.write_string(row, column, text)?;
                    }
                    Data::Bool(flag) => {
                        sheet.write_boolean(row, column, *flag)?;
                    }
                    _ => {}
                }
            }
        }
    }
    output.save(out)?;
    Ok(edits)
}

fn load_buildings(dir: &Path) -> Result<Vec<Building>> {
    let file = std::fs::File::open(dir.join("buildings.json"))?;
    Ok(buildings_from_data(std::io::BufReader::new(file))?)
}

fn write(dir: &Path, out: &Path) -> Result<()> {
    let buildings = load_buildings(dir)?;
    let started = Instant::now();
    let source = WorkbookSource {
        sov_id: SOV_ID,
        revision: REVISION,
        made_at: "2026-12-06T00:00:00Z",
        buildings: &buildings,
    };
    let bytes = corrections_workbook_bytes(&source, &AttributeChoice::All)?;
    std::fs::write(out, &bytes)?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"rows": buildings.len(), "bytes": bytes.len(), "seconds": seconds})
    );
    Ok(())
}

fn preview(dir: &Path, workbook: &Path) -> Result<()> {
    // The order `sov-update preview` uses: the file first (only its edits are kept, and the workbook's own
    // buffers are gone before the buildings are loaded), then the SOV's buildings.
    let started = Instant::now();
    let file = read_edits(workbook)?;
    let reading = started.elapsed();
    let buildings = load_buildings(dir)?;
    let started = Instant::now();
    let result = sov_compare::preview(SOV_ID, REVISION, &buildings, &file, 2026);
    let seconds = (reading + started.elapsed()).as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"rows": file.rows.len(), "changes": result.changes.len(), "unchanged_rows": result.unchanged_rows.len(), "seconds": seconds})
    );
    Ok(())
}

/// The next revision: in every 100th building the year built moves on by one (asked for) and the roof covering is
/// recomputed (SOV Fixer's own change); every other building is untouched.
fn revise(dir: &Path) -> Result<()> {
    let mut output: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("buildings.json"))?)?;
    let mut requested = Vec::new();
    let buildings = output["buildings"]
        .as_array_mut()
        .ok_or("buildings.json has no buildings")?;
    for (index, building) in buildings
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| i % 100 == 0)
    {
        let year = 1901 + index % 120;
        building["const__bldg_year_built"]["value"] = year.into();
        building["const__roof_covering"] = format!("Recomputed {index}").into();
        requested.push(serde_json::json!({
            "item_key": building["item_key"], "attribute": "const__bldg_year_built", "value": year
        }));
    }
    std::fs::write(dir.join("revision-1.json"), serde_json::to_vec(&output)?)?;
    std::fs::write(dir.join("requested.json"), serde_json::to_vec(&requested)?)?;
    println!("{}", serde_json::json!({"requested": requested.len()}));
    Ok(())
}

fn compare(dir: &Path) -> Result<()> {
    let started = Instant::now();
    let from = load_buildings(dir)?;
    let to = buildings_from_data(std::io::BufReader::new(std::fs::File::open(
        dir.join("revision-1.json"),
    )?))?;
    let asked: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.join("requested.json"))?)?;
    let requested: Vec<sov_compare::RequestedChange> = asked
        .iter()
        .filter_map(|change| {
            Some(sov_compare::RequestedChange {
                item_key: change["item_key"].as_str()?.to_owned(),
                attribute: change["attribute"].as_str()?.to_owned(),
                value: sov_workbook::Value::from_json(&change["value"])?,
            })
        })
        .collect();
    let diff = sov_compare::compare_revisions(&from, &to, &requested);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"confirmed": diff.requested.len() - diff.not_applied(), "not_applied": diff.not_applied(),
            "derived": diff.derived.len(), "untouched": diff.untouched_buildings, "seconds": seconds})
    );
    Ok(())
}

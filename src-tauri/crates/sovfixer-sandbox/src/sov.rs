//! The SOVs the sandbox knows: their buildings and enabled formats, seeded demo data and generated ones.

use std::collections::BTreeMap;

use crate::catalog::{carrier_bordereau_format, known_attribute, standard_formats, OutputFormat};
use crate::clock::UtcTime;

/// Reference attributes of the two buildings in the sample SOV (same rows as `samples/*.csv`).
const SAMPLE_LOCATIONS_CSV: &str = include_str!("seed/test_reoutput_locations.csv");

pub const SAMPLE_SOV_ID: &str = "s-demo-sample";
pub const LARGE_SOV_ID: &str = "s-demo-large";
pub const LARGE_SOV_BUILDINGS: usize = 5_000;
/// `demo_sovs` starts with the sample and the large SOV, the ones start-up output names.
pub const FEATURED_SOVS: usize = 2;

/// A parsed building: its keys plus attribute values as the source sheet had them (text).
#[derive(Debug, Clone, PartialEq)]
pub struct Building {
    pub item_key: String,
    pub sheet_name: String,
    pub sheet_row_number: u64,
    /// Attribute name (from the catalog) → cell text.
    pub attributes: BTreeMap<&'static str, String>,
}

/// An SOV as parsed by the service (revision 0).
#[derive(Debug, Clone)]
pub struct Sov {
    pub id: String,
    pub description: String,
    pub source_filename: String,
    pub buildings: Vec<Building>,
    pub formats: Vec<OutputFormat>,
    /// When its parse finished (history's `completed_time` of revision 0); seeded SOVs have fixed dates.
    pub parsed_at: String,
    /// `extra_data.insured_name` of the parse; searched by `/sov/activity`.
    pub insured_name: String,
    /// `api` or `email`.
    pub origin: &'static str,
    pub parse: ParseStatus,
    /// Updates already applied when the sandbox starts (revisions 1, 2, … in order).
    pub seeded_updates: Vec<SeededUpdate>,
}

/// How the SOV's own parse ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseStatus {
    Complete,
    /// Parsing failed: no buildings, no revisions; `error_message` in the history.
    Failed(String),
    /// Still parsing, `pct_complete` done.
    InProgress(u32),
}

impl ParseStatus {
    /// The one-letter status of history and activity items.
    pub fn letter(&self) -> &'static str {
        match self {
            ParseStatus::Complete => "C",
            ParseStatus::Failed(_) => "F",
            ParseStatus::InProgress(_) => "I",
        }
    }
}

/// A finished update the seed data starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct SeededUpdate {
    pub completed_time: String,
    pub record_type: &'static str,
    pub client_ref: Option<String>,
    /// (building index, attribute, new value).
    pub changes: Vec<(usize, &'static str, String)>,
}

impl Sov {
    /// Looks a requested format up case-insensitively, returning the canonical entry.
    pub fn format(&self, requested: &str) -> Option<&OutputFormat> {
        self.formats
            .iter()
            .find(|f| f.output_format.eq_ignore_ascii_case(requested))
    }
}

/// Item keys follow the service's pattern `i-<sovid>!<sheet>!<row>`.
pub fn item_key(sov_id: &str, sheet: &str, row: u64) -> String {
    format!("i-{sov_id}!{sheet}!{row}")
}

/// The two SOVs every test and the demo update use, then the rest of the demo book (`book.rs`).
pub fn demo_sovs() -> Vec<Sov> {
    let mut large = generated_sov(LARGE_SOV_ID, LARGE_SOV_BUILDINGS, true);
    large.source_filename = "Gulf Coast Portfolio 2026 SOV.xlsx".to_string();
    large.insured_name = "Gulf Coast Hospitality Group".to_string();
    large.parsed_at = "2026-02-11T09:30:42.517Z".to_string();
    let mut sovs = vec![sample_sov(), large];
    sovs.extend(crate::book::book_sovs());
    sovs
}

fn sample_sov() -> Sov {
    let original_names = ["Lincoln Road Tower", "Capitol Hill Offices"];
    let mut buildings = Vec::new();
    let mut reader = csv::Reader::from_reader(SAMPLE_LOCATIONS_CSV.as_bytes());
    let headers = reader.headers().cloned().unwrap_or_default();
    for (index, record) in reader.records().flatten().enumerate() {
        let mut attributes = BTreeMap::new();
        let mut sheet_name = String::from("Sheet1");
        let mut sheet_row_number = index as u64 + 2;
        for (name, value) in headers.iter().zip(record.iter()) {
            match name {
                "sheet_name" => sheet_name = value.to_string(),
                "sheet_row_number" => sheet_row_number = value.parse().unwrap_or(sheet_row_number),
                _ => {
                    if let Some(name) = known_attribute(name) {
                        attributes.insert(name, value.to_string());
                    }
                }
            }
        }
        let name = original_names.get(index).copied().unwrap_or("Building");
        attributes.insert("bldg_name", name.to_string());
        buildings.push(Building {
            item_key: item_key(SAMPLE_SOV_ID, &sheet_name, sheet_row_number),
            sheet_name,
            sheet_row_number,
            attributes,
        });
    }
    Sov {
        id: SAMPLE_SOV_ID.to_string(),
        description: format!(
            "{} buildings on Sheet1 rows 2-3, matching samples/corrections.csv and samples/test_reoutput_locations.csv",
            buildings.len()
        ),
        source_filename: "Sample Property Schedule.xlsx".to_string(),
        buildings,
        formats: standard_formats(),
        parsed_at: "2026-03-02T15:04:11.208Z".to_string(),
        insured_name: "Harbor Point Properties LLC".to_string(),
        origin: "api",
        parse: ParseStatus::Complete,
        seeded_updates: Vec::new(),
    }
}

const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Miami", "FL", "33131", "Miami-Dade"),
    ("Houston", "TX", "77002", "Harris"),
    ("Charleston", "SC", "29401", "Charleston"),
    ("New Orleans", "LA", "70112", "Orleans"),
    ("Tampa", "FL", "33602", "Hillsborough"),
    ("Savannah", "GA", "31401", "Chatham"),
];
const ROOFS: &[&str] = &[
    "Built-up",
    "Metal",
    "Asphalt shingles",
    "Tile",
    "Single ply membrane",
];
const FLOOD_ZONES: &[&str] = &["X", "AE", "VE", "A", "X500"];

/// A deterministic pseudo-random stream (SplitMix64) so generated SOVs are identical on every run.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }
}

/// Builds an SOV of `count` buildings on sheet `Locations`, rows 2..=count+1.
pub fn generated_sov(id: &str, count: usize, with_carrier_format: bool) -> Sov {
    generated_sov_seeded(id, count, with_carrier_format, 0x0005_EED0_F50F)
}

/// `generated_sov` with its own random stream, so the book's SOVs differ from each other.
pub fn generated_sov_seeded(id: &str, count: usize, with_carrier_format: bool, seed: u64) -> Sov {
    let mut rng = SplitMix(seed);
    let buildings = (0..count)
        .map(|index| {
            let row = index as u64 + 2;
            let (city, state, zip, county) = CITIES[rng.below(CITIES.len() as u64) as usize];
            let value = 250_000 + rng.below(400) * 25_000;
            let street = format!("{} Harbor Blvd", 100 + rng.below(9_800));
            let attributes = [
                ("bldg_name", format!("Building {}", index + 1)),
                ("location_group", (index / 50 + 1).to_string()),
                ("street", street.clone()),
                ("city", city.to_string()),
                ("state", state.to_string()),
                ("zip", zip.to_string()),
                ("county", county.to_string()),
                ("country", "US".to_string()),
                (
                    "bldg_street_descriptor",
                    format!("{street}, {city}, {state} {zip}"),
                ),
                ("limits__building_value", value.to_string()),
                ("limits__total_value", (value + value / 5).to_string()),
                ("const__bldg_year_built", (1950 + rng.below(74)).to_string()),
                ("const__num_stories", (1 + rng.below(30)).to_string()),
                ("const__bldg_area", (2_000 + rng.below(200_000)).to_string()),
                (
                    "const__roof_covering",
                    ROOFS[rng.below(ROOFS.len() as u64) as usize].to_string(),
                ),
                (
                    "fema_flood_zone",
                    FLOOD_ZONES[rng.below(FLOOD_ZONES.len() as u64) as usize].to_string(),
                ),
            ]
            .into_iter()
            .collect();
            Building {
                item_key: item_key(id, "Locations", row),
                sheet_name: "Locations".to_string(),
                sheet_row_number: row,
                attributes,
            }
        })
        .collect();
    let mut formats = standard_formats();
    if with_carrier_format {
        formats.push(carrier_bordereau_format());
    }
    Sov {
        id: id.to_string(),
        description: format!(
            "{count} generated buildings on sheet Locations, rows 2-{}",
            count + 1
        ),
        source_filename: format!("{id}.xlsx"),
        buildings,
        formats,
        parsed_at: UtcTime::now().iso(),
        insured_name: String::new(),
        origin: "api",
        parse: ParseStatus::Complete,
        seeded_updates: Vec::new(),
    }
}

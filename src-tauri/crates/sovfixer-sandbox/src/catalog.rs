//! Fixed vocabularies of the service: building attributes, update types, output formats.

use serde::Serialize;

/// Columns the sandbox accepts in an add_locations CSV: the attribute list of the contract (§9.2).
/// Matching is case-sensitive, like any Django field lookup.
pub const KNOWN_ATTRIBUTES: &[&str] = &[
    "item_key",
    "sheet_name",
    "sheet_row_number",
    "building_counter",
    "parsing_sheet_name",
    "extra",
    "custom_attrs",
    "bldg_name",
    "location_group",
    "street",
    "city",
    "state",
    "zip",
    "county",
    "country",
    "bldg_street_descriptor",
    "latitude",
    "longitude",
    "limits__building_limit",
    "limits__building_value",
    "limits__total_rp_and_bpp",
    "limits__total_limit",
    "limits__total_value",
    "limits__insurance_to_value",
    "limits__bpp_limit",
    "limits__bi_limit",
    "limits__signs_and_other_limit",
    "const__bldg_year_built",
    "const__bldg_area",
    "const__num_buildings",
    "const__num_stories",
    "const__num_stories_below_gnd",
    "const__roof_covering",
    "const__wall_type",
    "const__desc_ping",
    "const__code_iso",
    "const__code_air",
    "const__code_rms",
    "const__code_atc",
    "occupancy__code_atc",
    "occupancy__code_air",
    "occupancy__code_rms",
    "occupancy__type_desc",
    "occupancy__desc_ping",
    "slosh_zone",
    "wind_tier",
    "fema_flood_zone",
    "air__roof_covering",
    "amrisc__roof_covering",
    "icm__roof_covering",
    "icm__wind_tier",
    "rms__ws_roof_covering",
];

/// The attributes the sandbox treats as † (dictionary-annotated) when the `annotated_attributes` knob is on,
/// with their units: the ones SOV Fixer normalizes or enriches from the sheet's raw text (construction,
/// values, geocodes), where a confidence and the original text mean something. The real † list is unknown.
pub const ANNOTATED_ATTRIBUTES: &[(&str, Option<&str>)] = &[
    ("const__bldg_year_built", None),
    ("const__num_stories", None),
    ("const__bldg_area", Some("sqft")),
    ("const__roof_covering", None),
    ("limits__building_value", Some("USD")),
    ("limits__total_value", Some("USD")),
    ("latitude", Some("degrees")),
    ("longitude", Some("degrees")),
];

pub fn is_known_attribute(name: &str) -> bool {
    KNOWN_ATTRIBUTES.contains(&name)
}

/// The catalog's own copy of an attribute name, so buildings share one key string per attribute.
pub fn known_attribute(name: &str) -> Option<&'static str> {
    KNOWN_ATTRIBUTES
        .iter()
        .copied()
        .find(|known| *known == name)
}

/// The seven documented `update_type` values (contract §5.1).
pub const UPDATE_TYPES: &[&str] = &[
    "SCRUB",
    "AIR",
    "RMS",
    "RMS_ANALYSIS",
    "API",
    "COMPLETE",
    "PINGREADY",
];

pub const DEFAULT_UPDATE_TYPE: &str = "API";

/// How the sandbox renders an output of a given format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Json,
    DebugJson,
    Csv,
}

/// One output format as listed by `GET /output_formats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutputFormat {
    pub output_format: String,
    pub label: String,
    pub output_extension: Option<String>,
    pub is_public: bool,
    #[serde(skip)]
    pub kind: OutputKind,
    /// Added to the filename stem so two formats sharing an extension do not collide.
    #[serde(skip)]
    pub filename_suffix: &'static str,
}

fn format(
    id: &str,
    label: &str,
    ext: &str,
    is_public: bool,
    kind: OutputKind,
    filename_suffix: &'static str,
) -> OutputFormat {
    OutputFormat {
        output_format: id.to_string(),
        label: label.to_string(),
        output_extension: Some(ext.to_string()),
        is_public,
        kind,
        filename_suffix,
    }
}

/// Formats every sandbox SOV has enabled.
pub fn standard_formats() -> Vec<OutputFormat> {
    vec![
        format("JSON", "JSON", "json", true, OutputKind::Json, ""),
        format(
            "DEBUGJSON",
            "DEBUGJSON",
            "json",
            true,
            OutputKind::DebugJson,
            " debug",
        ),
        format("CSV", "Buildings CSV", "csv", true, OutputKind::Csv, ""),
    ]
}

/// An org-specific format, enabled only on the large demo SOV so scoping by sovid is visible.
pub fn carrier_bordereau_format() -> OutputFormat {
    format(
        "CARRIER_BORDEREAU",
        "Carrier bordereau",
        "csv",
        false,
        OutputKind::Csv,
        " bordereau",
    )
}

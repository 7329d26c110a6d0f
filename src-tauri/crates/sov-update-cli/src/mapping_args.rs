//! The column-mapping options shared by `check` and `run`: `--map`, `--mapping FILE`,
//! `--header-row`, and how they become the pre-flight options.

use std::path::PathBuf;

use clap::Args;
use sov_preflight::{
    mapping_csv, CheckOptions, ColumnChoice, ColumnMapping, ColumnStatus, FileReport,
};

#[derive(Debug, Clone, Default, Args)]
pub struct MappingArgs {
    /// Send a column under an attribute name, e.g. --map "Year Built=const__bldg_year_built";
    /// "Notes=-" leaves a column out (repeatable; wins over --mapping).
    #[arg(long = "map", value_name = "HEADER=ATTRIBUTE", value_parser = parse_choice)]
    pub map: Vec<(String, ColumnChoice)>,
    /// A mapping file: a CSV table of `column,attribute` (`-` leaves a column out), as
    /// `check --suggest-mapping` prints it.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Row holding the column names, as Excel numbers rows (default: found by looking past
    /// titles, notes and blank rows).
    #[arg(long, value_name = "ROW", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
}

fn parse_choice(text: &str) -> Result<(String, ColumnChoice), String> {
    ColumnMapping::parse_choice(text)
}

impl MappingArgs {
    /// The pre-flight options for `sheet` and these choices; the error is a plain sentence.
    pub fn check_options(&self, sheet: Option<String>) -> Result<CheckOptions, String> {
        let mut mapping = match &self.mapping {
            Some(path) => ColumnMapping::from_file(path).map_err(|error| error.to_string())?,
            None => ColumnMapping::default(),
        };
        for (header, choice) in &self.map {
            mapping.choices.insert(header.clone(), choice.clone());
        }
        Ok(CheckOptions {
            sheet,
            header_row: self.header_row,
            mapping,
            ..CheckOptions::default()
        })
    }
}

/// What the window would suggest, as a mapping file `--mapping` reads (CSV, opens in Excel):
/// each header once with its suggested attribute; an empty attribute is still to decide.
pub fn suggested_mapping_text(reports: &[FileReport]) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let rows = reports
        .iter()
        .flat_map(|report| &report.columns)
        .filter(|column| column.status != ColumnStatus::Blank)
        .filter(|column| seen.insert(column.header.trim().to_owned()))
        .map(|column| {
            let attribute = match (column.status, &column.attribute) {
                (ColumnStatus::DontSend, _) => "-",
                (_, Some(attribute)) => attribute.as_str(),
                (_, None) => "",
            };
            (column.header.trim(), attribute)
        });
    mapping_csv(rows)
}

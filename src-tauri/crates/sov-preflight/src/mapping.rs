//! The user's column mapping: which attribute each of their headers is sent as, or that a column
//! is not sent. The upload is built from it, so the server receives attribute names whatever the
//! headers were.

use std::collections::BTreeMap;
use std::path::Path;

use csv::ByteRecord;
use serde::{Deserialize, Serialize};

use crate::error::PreflightError;
use crate::report::{ColumnStatus, FileReport};

/// The attribute written for a column the user chose not to send (`--map "Notes=-"`, mapping files).
pub const DONT_SEND: &str = "-";

/// What to do with the column of one header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ColumnChoice {
    /// Send the column under this attribute name.
    SendAs(String),
    /// Leave the column out of the upload.
    DontSend,
}

/// Choices by header text (trimmed), for every file of a check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ColumnMapping {
    pub choices: BTreeMap<String, ColumnChoice>,
}

impl ColumnMapping {
    pub fn is_empty(&self) -> bool {
        self.choices.is_empty()
    }

    /// The choice made for a header, if any.
    pub fn choice(&self, header: &str) -> Option<&ColumnChoice> {
        self.choices.get(header.trim())
    }

    pub fn send_as(&mut self, header: &str, attribute: &str) {
        self.choices.insert(
            header.trim().to_owned(),
            ColumnChoice::SendAs(attribute.to_owned()),
        );
    }

    pub fn dont_send(&mut self, header: &str) {
        self.choices
            .insert(header.trim().to_owned(), ColumnChoice::DontSend);
    }

    /// Adds the choices of `other`; `other` wins for a header both have.
    pub fn extend(&mut self, other: ColumnMapping) {
        self.choices.extend(other.choices);
    }

    /// The mapping that accepts every suggestion of a report in one click: each suggested
    /// column is sent as its suggested attribute. Columns without a suggestion stay undecided.
    pub fn accepting_suggestions(report: &FileReport) -> Self {
        let mut mapping = Self::default();
        for column in &report.columns {
            if let (ColumnStatus::Suggested, Some(attribute)) = (column.status, &column.attribute) {
                mapping.send_as(&column.header, attribute);
            }
        }
        mapping
    }

    /// The choices as plain text, header → attribute or `-` (a column not sent), as a mapping file
    /// and the job history keep them.
    pub fn to_text_choices(&self) -> BTreeMap<String, String> {
        self.choices
            .iter()
            .map(|(header, choice)| {
                let attribute = match choice {
                    ColumnChoice::SendAs(attribute) => attribute.clone(),
                    ColumnChoice::DontSend => DONT_SEND.to_owned(),
                };
                (header.clone(), attribute)
            })
            .collect()
    }

    /// Reads choices written by [`ColumnMapping::to_text_choices`] (or sent by the window); the
    /// error names the header whose attribute is not an attribute name.
    pub fn from_text_choices(choices: &BTreeMap<String, String>) -> Result<Self, String> {
        let mut mapping = Self::default();
        for (header, attribute) in choices {
            let choice = choice_for(header.trim(), attribute.trim())?;
            mapping.choices.insert(header.trim().to_owned(), choice);
        }
        Ok(mapping)
    }

    /// One `Header=attribute` choice, as `--map` writes it; `Header=-` means "don't send this column".
    pub fn parse_choice(text: &str) -> Result<(String, ColumnChoice), String> {
        let Some((header, attribute)) = text.rsplit_once('=') else {
            return Err(format!(
                "`{text}` is not a column choice. Write it as `Year Built=const__bldg_year_built`, or `Notes=-` to leave a column out."
            ));
        };
        let (header, attribute) = (header.trim(), attribute.trim());
        if attribute.is_empty() {
            return Err(format!(
                "`{text}` gives no attribute after the `=`. Write the attribute, such as `{header}=const__bldg_year_built`, or `{header}=-` to leave the column out."
            ));
        }
        Ok((header.to_owned(), choice_for(header, attribute)?))
    }

    /// A mapping file: a CSV table with the columns `column` and `attribute` (`-` to leave a
    /// column out; empty while undecided), as `check --suggest-mapping` writes it and Excel
    /// opens it. Errors name the file and row.
    pub fn from_file(path: &Path) -> Result<Self, PreflightError> {
        let bytes = std::fs::read(path).map_err(|error| PreflightError::io(path, error))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let bad_row = |row: u64, message: String| PreflightError::NotUsable {
            message: format!(
                "Row {row} of the mapping file `{}`: {message}",
                path.display()
            ),
        };
        let mut mapping = Self::default();
        for (index, record) in reader.records().enumerate() {
            let row = index as u64 + 2;
            let record = record.map_err(|error| bad_row(row, error.to_string()))?;
            let header = record.get(0).unwrap_or_default().trim();
            let attribute = record.get(1).unwrap_or_default().trim();
            if header.is_empty() || attribute.is_empty() {
                continue;
            }
            let choice = choice_for(header, attribute).map_err(|message| bad_row(row, message))?;
            mapping.choices.insert(header.to_owned(), choice);
        }
        Ok(mapping)
    }

    /// The mapping as a mapping file holds it (what [`ColumnMapping::from_file`] reads).
    pub fn to_file_text(&self) -> String {
        let rows = self.choices.iter().map(|(header, choice)| {
            let attribute = match choice {
                ColumnChoice::SendAs(attribute) => attribute.as_str(),
                ColumnChoice::DontSend => "-",
            };
            (header.as_str(), attribute)
        });
        mapping_csv(rows)
    }
}

/// A mapping file's text for (header, attribute) rows; an empty attribute is undecided.
pub fn mapping_csv<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = Vec::new();
    crate::csv_out::write_record(&mut out, [&b"column"[..], b"attribute"]);
    for (header, attribute) in rows {
        crate::csv_out::write_record(&mut out, [header.as_bytes(), attribute.as_bytes()]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The choice of `attribute` (`-` for "don't send") for the column `header`.
fn choice_for(header: &str, attribute: &str) -> Result<ColumnChoice, String> {
    if header.is_empty() {
        return Err(format!(
            "no column is named before `{attribute}`. Write the column's header as it is in the file."
        ));
    }
    if attribute == DONT_SEND {
        return Ok(ColumnChoice::DontSend);
    }
    if !is_attribute_name(attribute) {
        let hint = sov_attributes::suggest(attribute)
            .map(|known| format!(" Did you mean `{}`?", known.name))
            .unwrap_or_default();
        return Err(format!(
            "`{attribute}` (for the column `{header}`) is not an attribute name: attribute names are lowercase words joined by `_`, such as `const__bldg_year_built`.{hint}"
        ));
    }
    Ok(ColumnChoice::SendAs(attribute.to_owned()))
}

/// Lowercase ASCII letters, digits and underscores, starting with a letter.
fn is_attribute_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
}

/// Which columns of the file are sent, and under which names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Projection {
    /// Source column of each sent column, in order.
    pub columns: Vec<usize>,
    /// The header as sent.
    pub header: Vec<String>,
}

impl Projection {
    /// `None` when the mapping changes nothing in this header (the file is sent as it is).
    pub(crate) fn of(header: &ByteRecord, mapping: &ColumnMapping) -> Option<Self> {
        let mut changed = false;
        let mut projection = Self {
            columns: Vec::with_capacity(header.len()),
            header: Vec::with_capacity(header.len()),
        };
        for (index, field) in header.iter().enumerate() {
            let name = String::from_utf8_lossy(field);
            match mapping.choice(&name) {
                Some(ColumnChoice::DontSend) => changed = true,
                Some(ColumnChoice::SendAs(attribute)) => {
                    changed |= attribute.as_str() != name;
                    projection.columns.push(index);
                    projection.header.push(attribute.clone());
                }
                None => {
                    projection.columns.push(index);
                    projection.header.push(name.into_owned());
                }
            }
        }
        changed.then_some(projection)
    }

    /// The cells of `record` that are sent, in order (missing cells are empty).
    pub(crate) fn cells<'a>(&'a self, record: &'a ByteRecord) -> impl Iterator<Item = &'a [u8]> {
        self.columns
            .iter()
            .map(|&index| record.get(index).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_parsed_as_the_cli_and_files_write_them() {
        assert_eq!(
            ColumnMapping::parse_choice(" Year Built = const__bldg_year_built "),
            Ok((
                "Year Built".to_owned(),
                ColumnChoice::SendAs("const__bldg_year_built".into())
            ))
        );
        assert_eq!(
            ColumnMapping::parse_choice("Notes=-"),
            Ok(("Notes".to_owned(), ColumnChoice::DontSend))
        );
        assert_eq!(
            ColumnMapping::parse_choice("Year Built"),
            Err("`Year Built` is not a column choice. Write it as `Year Built=const__bldg_year_built`, or `Notes=-` to leave a column out.".into())
        );
        assert_eq!(
            ColumnMapping::parse_choice("Year Built=Year built"),
            Err("`Year built` (for the column `Year Built`) is not an attribute name: attribute names are lowercase words joined by `_`, such as `const__bldg_year_built`. Did you mean `const__bldg_year_built`?".into())
        );
        assert!(ColumnMapping::parse_choice("=city").is_err());
        assert_eq!(
            ColumnMapping::parse_choice("Notes="),
            Err("`Notes=` gives no attribute after the `=`. Write the attribute, such as `Notes=const__bldg_year_built`, or `Notes=-` to leave the column out.".into())
        );
        assert_eq!(
            ColumnMapping::parse_choice("# Stories=const__num_stories"),
            Ok((
                "# Stories".to_owned(),
                ColumnChoice::SendAs("const__num_stories".into())
            ))
        );
    }

    #[test]
    fn the_projection_renames_and_leaves_out_columns() {
        let mut mapping = ColumnMapping::default();
        mapping.send_as("Year Built", "const__bldg_year_built");
        mapping.dont_send("Notes");
        let header = ByteRecord::from(vec!["sheet_name", "Year Built", "Notes", "city"]);
        let projection = Projection::of(&header, &mapping).unwrap_or_else(|| panic!("changed"));
        assert_eq!(
            projection.header,
            ["sheet_name", "const__bldg_year_built", "city"]
        );
        let row = ByteRecord::from(vec!["Sheet1", "1969", "call owner"]);
        let cells: Vec<&[u8]> = projection.cells(&row).collect();
        assert_eq!(cells, [&b"Sheet1"[..], b"1969", b""]);
        let untouched = ByteRecord::from(vec!["sheet_name", "city"]);
        assert_eq!(Projection::of(&untouched, &mapping), None);
    }

    #[test]
    fn a_mapping_file_round_trips_and_names_its_bad_row() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let path = dir.path().join("mapping.csv");
        let mut mapping = ColumnMapping::default();
        mapping.send_as("# Stories", "const__num_stories");
        mapping.send_as("Limit, building", "limits__building_limit");
        mapping.dont_send("Notes");
        std::fs::write(&path, mapping.to_file_text()).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(ColumnMapping::from_file(&path).ok(), Some(mapping));
        std::fs::write(
            &path,
            "column,attribute\nTIV,limits__total_value\nUndecided,\nYear Built,Year built\n",
        )
        .unwrap_or_else(|error| panic!("{error}"));
        let error = ColumnMapping::from_file(&path).err().map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.starts_with("Row 4 of the mapping file")
                    && e.contains("Did you mean `const__bldg_year_built`?")),
            "{error:?}"
        );
    }
}

//! Checks of the header row: blank, duplicate and unknown column names, and which columns
//! identify the building.

use std::collections::HashMap;

use crate::attributes::{known_attributes, value_type, ValueType};
use crate::distance::damerau_levenshtein;
use crate::findings::{column_letter, Detail, Findings};
use crate::identity::IdentityColumns;
use crate::mapping::{ColumnChoice, ColumnMapping};
use crate::report::{ColumnReport, ColumnStatus, Severity};

#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// The name as written in the file.
    pub name: String,
    pub value_type: Option<ValueType>,
    /// The known name this column should be renamed to by the one-click fix.
    pub rename_to: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub columns: Vec<Column>,
    pub identity: Option<IdentityColumns>,
    /// Columns from this index on have no name (Excel often saves empty columns at the end).
    pub trailing_blank_from: usize,
    pub recognized: u64,
    /// The row number of the header, for messages that name its cells.
    pub row: u64,
    /// How each column is sent, for the report's mapping step.
    pub reports: Vec<ColumnReport>,
}

pub(crate) fn analyse(
    names: Vec<String>,
    header_row: u64,
    mapping: &ColumnMapping,
    findings: &mut Findings<'_>,
) -> Header {
    let trailing_blank_from = names
        .iter()
        .rposition(|name| !name.trim().is_empty())
        .map_or(0, |last_named| last_named + 1);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut canonical: Vec<Option<&'static str>> = Vec::with_capacity(names.len());
    let mut columns = Vec::with_capacity(names.len());
    let mut recognized = 0;
    let mut reports = Vec::with_capacity(names.len());
    for (index, name) in names.into_iter().enumerate() {
        let trimmed = name.trim();
        let letter = column_letter(index);
        let mut column = Column {
            name: name.clone(),
            value_type: None,
            rename_to: None,
        };
        let exact = known_attributes()
            .iter()
            .copied()
            .find(|known| *known == name);
        let known = exact.or_else(|| {
            known_attributes()
                .iter()
                .copied()
                .find(|known| known.eq_ignore_ascii_case(trimmed))
        });
        let mut report = ColumnReport {
            letter: letter.clone(),
            header: name.clone(),
            status: ColumnStatus::Attribute,
            attribute: known.map(str::to_owned),
            label: known.and_then(label_of),
        };
        if trimmed.is_empty() {
            report.status = ColumnStatus::Blank;
            reports.push(report);
            canonical.push(None);
            if index < trailing_blank_from {
                findings.push(Severity::Error, "blank_column_name", None, Some((index, &letter)), || Detail {
                    value: None,
                    message: format!("Column {letter} has no name in the header row."),
                    suggestion: format!("Type the attribute name in cell {letter}{header_row}, or delete the column if it is not needed."),
                });
            }
            columns.push(column);
            continue;
        }
        let choice = mapping.choice(trimmed);
        if let Some(first) = seen.insert(trimmed.to_ascii_lowercase(), index) {
            let first_letter = column_letter(first);
            findings.push(Severity::Error, "duplicate_column", None, Some((index, &name)), || Detail {
                value: None,
                message: format!("The column `{trimmed}` appears twice (columns {first_letter} and {letter})."),
                suggestion: "Keep one of the two columns: merge their values into one and delete the other.".into(),
            });
        }
        if let Some(choice) = choice {
            match choice {
                ColumnChoice::SendAs(attribute) => {
                    let attribute = known_attributes()
                        .iter()
                        .copied()
                        .find(|known| known == attribute);
                    recognized += 1;
                    report.status = ColumnStatus::Mapped;
                    column.value_type = attribute.and_then(value_type);
                    canonical.push(attribute);
                    report.label = attribute.and_then(label_of);
                    report.attribute = match choice {
                        ColumnChoice::SendAs(chosen) => Some(chosen.clone()),
                        ColumnChoice::DontSend => None,
                    };
                }
                ColumnChoice::DontSend => {
                    report.status = ColumnStatus::DontSend;
                    report.attribute = None;
                    report.label = None;
                    canonical.push(None);
                }
            }
            reports.push(report);
            columns.push(column);
            continue;
        }
        column.value_type = known.and_then(value_type);
        let mut suggested = known;
        match (exact, known) {
            (Some(_), _) => recognized += 1,
            (None, Some(known)) if trimmed == known => {
                column.rename_to = Some(known);
                findings.push(Severity::Error, "column_name_spaces", None, Some((index, &name)), || Detail {
                    value: None,
                    message: format!("The column name `{name}` has spaces before or after it, so the server would not recognize `{known}`."),
                    suggestion: format!("Rename the column to `{known}`."),
                });
            }
            (None, Some(known)) => {
                column.rename_to = Some(known);
                findings.push(Severity::Warning, "column_case_mismatch", None, Some((index, &name)), || Detail {
                    value: None,
                    message: format!("`{name}` differs from the known column `{known}` only in capital letters; the server may not accept it."),
                    suggestion: format!("Rename the column to `{known}`."),
                });
            }
            (None, None) => {
                match sov_attributes::suggest(trimmed) {
                    Some(attribute) => {
                        suggested = Some(attribute.name);
                        report.status = ColumnStatus::Suggested;
                        column.value_type = value_type(attribute.name);
                        let described = attribute.display();
                        findings.push(Severity::Error, "column_not_mapped", None, Some((index, &name)), || Detail {
                        value: None,
                        message: format!("`{trimmed}` is not an attribute name; it looks like {described}."),
                        suggestion: format!("Confirm the column mapping: send `{trimmed}` as `{}`, choose another attribute, or don't send this column.", attribute.name),
                    });
                    }
                    None => match near_miss(trimmed) {
                        Some(near) => {
                            suggested = Some(near);
                            report.status = ColumnStatus::Suggested;
                            let suggested = near;
                            column.rename_to = Some(suggested);
                            findings.push(Severity::Error, "unknown_column_near_miss", None, Some((index, &name)), || Detail {
                        value: None,
                        message: format!("`{name}` is not a known column. Did you mean `{suggested}`?"),
                        suggestion: format!("Rename the column to `{suggested}`."),
                    });
                        }
                        None => {
                            report.status = ColumnStatus::Unknown;
                            findings.push(Severity::Error, "unknown_column", None, Some((index, &name)), || Detail {
                        value: None,
                        message: format!("`{name}` is not in this app's list of building attributes, so it is not sent until you say what it holds."),
                        suggestion: "Choose the attribute this column holds, or don't send this column.".into(),
                    });
                        }
                    },
                }
            }
        }
        report.attribute = suggested.map(str::to_owned);
        report.label = suggested.and_then(label_of);
        // An unconfirmed suggestion still names the building: the missing identity is not a second problem.
        canonical.push(suggested);
        reports.push(report);
        columns.push(column);
    }
    let identity = identity_columns(&canonical, findings);
    Header {
        columns,
        identity,
        trailing_blank_from,
        recognized,
        row: header_row,
        reports,
    }
}

fn label_of(name: &str) -> Option<String> {
    sov_attributes::attribute(name).map(|attribute| attribute.label.to_owned())
}

/// The known name a misspelling is close to: within 2 edits, or 20 % of a long name, and
/// never more than a third of a short one (so `id` does not become `zip`).
fn near_miss(name: &str) -> Option<&'static str> {
    let lowered = name.to_ascii_lowercase();
    let length = lowered.chars().count();
    let allowed = (length / 5).max(2).min(length / 3).max(1);
    known_attributes()
        .iter()
        .copied()
        .map(|known| (damerau_levenshtein(&lowered, known), known))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

fn identity_columns(
    canonical: &[Option<&'static str>],
    findings: &mut Findings<'_>,
) -> Option<IdentityColumns> {
    let find = |wanted: &str| canonical.iter().position(|name| *name == Some(wanted));
    let item_key = find("item_key");
    let (sheet_name, sheet_row) = (find("sheet_name"), find("sheet_row_number"));
    let sheet = sheet_name.zip(sheet_row);
    if item_key.is_some() || sheet.is_some() {
        return Some(IdentityColumns { item_key, sheet });
    }
    let (message, suggestion) = match (sheet_name, sheet_row) {
        (Some(_), None) => (
            "The file has a `sheet_name` column but no `sheet_row_number` column, so its rows cannot be matched to buildings.",
            "Add a `sheet_row_number` column with each building's row number in the original SOV sheet, or use an `item_key` column instead.",
        ),
        (None, Some(_)) => (
            "The file has a `sheet_row_number` column but no `sheet_name` column, so its rows cannot be matched to buildings.",
            "Add a `sheet_name` column with the name of each building's sheet in the original SOV, or use an `item_key` column instead.",
        ),
        _ => (
            "The file has no column that says which building each row updates.",
            "Add an `item_key` column, or both a `sheet_name` and a `sheet_row_number` column.",
        ),
    };
    findings.push(
        Severity::Error,
        "missing_identity_columns",
        None,
        None,
        || Detail {
            value: None,
            message: message.into(),
            suggestion: suggestion.into(),
        },
    );
    None
}

#[cfg(test)]
mod tests {
    use super::near_miss;

    #[test]
    fn near_misses_are_close_and_far_names_are_not() {
        assert_eq!(near_miss("sheet_row_numbah"), Some("sheet_row_number"));
        assert_eq!(near_miss("cty"), Some("city"));
        assert_eq!(near_miss("lattitude"), Some("latitude"));
        assert_eq!(near_miss("id"), None);
        assert_eq!(near_miss("roof_age_years"), None);
    }
}

//! The building attributes the SOV Fixer API knows (contract §9.2) and the names underwriters
//! give those columns in their own spreadsheets ("Year Built", "TIV", "# Stories").
//!
//! Both lists are data files in `data/`, compiled in; the tests check they agree with each other.

use std::collections::HashMap;
use std::sync::OnceLock;

const ATTRIBUTES_CSV: &str = include_str!("../data/attributes.csv");
const VOCABULARY_CSV: &str = include_str!("../data/vocabulary.csv");

/// The kind of value an attribute holds, for the pre-flight value checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `item_key`, `sheet_name`, `sheet_row_number`: which building a row updates.
    Identity,
    Text,
    Year,
    WholeNumber,
    /// A count of stories: a whole number, plausibly 1–200.
    Stories,
    Decimal,
    Currency,
    Latitude,
    Longitude,
    Zip,
    /// ISO construction class 1–6.
    IsoConstruction,
    /// A FEMA flood zone designation (A, AE, X, V, VE, ...).
    FloodZone,
}

impl ValueType {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "identity" => Self::Identity,
            "text" => Self::Text,
            "year" => Self::Year,
            "whole_number" => Self::WholeNumber,
            "stories" => Self::Stories,
            "decimal" => Self::Decimal,
            "currency" => Self::Currency,
            "latitude" => Self::Latitude,
            "longitude" => Self::Longitude,
            "zip" => Self::Zip,
            "iso_construction" => Self::IsoConstruction,
            "flood_zone" => Self::FloodZone,
            _ => return None,
        })
    }
}

/// One building attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The name the server knows, e.g. `const__bldg_year_built`.
    pub name: &'static str,
    /// What an underwriter calls it, e.g. "Year built".
    pub label: &'static str,
    /// `identification`, `location`, `limits`, `construction`, `occupancy` or `hazard`.
    pub group: &'static str,
    pub value_type: ValueType,
    /// Shown in the corrections workbook by default: what an underwriter usually corrects (address, values and
    /// limits, construction, occupancy, year built, stories, area, roof).
    pub in_default_workbook: bool,
}

impl Attribute {
    /// "Year built (const__bldg_year_built)", the way a choice list shows it.
    pub fn display(&self) -> String {
        format!("{} ({})", self.label, self.name)
    }
}

struct Tables {
    attributes: Vec<Attribute>,
    names: Vec<&'static str>,
    /// Squashed name underwriters use → index in `attributes`.
    vocabulary: HashMap<String, usize>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| load(ATTRIBUTES_CSV, VOCABULARY_CSV).unwrap_or_else(|_| empty()))
}

fn empty() -> Tables {
    Tables {
        attributes: Vec::new(),
        names: Vec::new(),
        vocabulary: HashMap::new(),
    }
}

/// Parses the two data files; the error names the file and line (the tests prove there is none).
fn load(attributes_csv: &'static str, vocabulary_csv: &'static str) -> Result<Tables, String> {
    let mut attributes = Vec::new();
    for (number, line) in data_lines(attributes_csv) {
        let fields: Vec<&'static str> = line.split(',').collect();
        let [name, label, group, value_type, workbook] = fields[..] else {
            return Err(format!("attributes.csv line {number}: expected 5 fields"));
        };
        let in_default_workbook = match workbook {
            "default" => true,
            "" => false,
            other => {
                return Err(format!(
                    "attributes.csv line {number}: workbook is `default` or empty, not `{other}`"
                ))
            }
        };
        if in_default_workbook && (group == "identification") {
            return Err(format!(
                "attributes.csv line {number}: `{name}` identifies a building and is not corrected in a workbook"
            ));
        }
        let value_type = ValueType::parse(value_type)
            .ok_or_else(|| format!("attributes.csv line {number}: unknown type `{value_type}`"))?;
        if attributes
            .iter()
            .any(|known: &Attribute| known.name == name)
        {
            return Err(format!("attributes.csv line {number}: `{name}` twice"));
        }
        attributes.push(Attribute {
            name,
            label,
            group,
            value_type,
            in_default_workbook,
        });
    }
    let mut vocabulary = HashMap::new();
    // Every attribute is known by its own name and its label, however they are written.
    for (index, attribute) in attributes.iter().enumerate() {
        vocabulary.insert(squash(attribute.name), index);
        vocabulary.insert(squash(attribute.label), index);
    }
    for (number, line) in data_lines(vocabulary_csv) {
        let Some((phrase, name)) = line.rsplit_once(',') else {
            return Err(format!("vocabulary.csv line {number}: expected 2 fields"));
        };
        let index = attributes
            .iter()
            .position(|attribute| attribute.name == name)
            .ok_or_else(|| format!("vocabulary.csv line {number}: unknown attribute `{name}`"))?;
        let key = squash(phrase);
        if key.is_empty() {
            return Err(format!(
                "vocabulary.csv line {number}: `{phrase}` has no letters"
            ));
        }
        if let Some(&other) = vocabulary.get(&key) {
            if other != index {
                return Err(format!(
                    "vocabulary.csv line {number}: `{phrase}` already means `{}`",
                    attributes[other].name
                ));
            }
        }
        vocabulary.insert(key, index);
    }
    let names = attributes.iter().map(|attribute| attribute.name).collect();
    Ok(Tables {
        attributes,
        names,
        vocabulary,
    })
}

/// (line number, line) of every line after the heading, skipping blank ones.
fn data_lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        .skip(1)
        .map(|(index, line)| (index + 1, line.trim_end_matches('\r')))
        .filter(|(_, line)| !line.trim().is_empty())
}

/// Every attribute, in the contract's order.
pub fn attributes() -> &'static [Attribute] {
    &tables().attributes
}

/// Every attribute name, in the contract's order.
pub fn names() -> &'static [&'static str] {
    &tables().names
}

/// The attribute with exactly this name.
pub fn attribute(name: &str) -> Option<&'static Attribute> {
    attributes().iter().find(|attribute| attribute.name == name)
}

/// The attribute a column header most likely means, from the names underwriters use; case,
/// spaces and punctuation are ignored ("YEAR-BUILT", "Year built" and "year_built" are alike).
pub fn suggest(header: &str) -> Option<&'static Attribute> {
    let tables = tables();
    tables
        .vocabulary
        .get(&squash(header))
        .map(|&index| &tables.attributes[index])
}

/// Lower-case letters and digits only, with `#` read as "number": "# Stories" → "numberstories".
pub fn squash(label: &str) -> String {
    let mut squashed = String::with_capacity(label.len());
    for character in label.chars() {
        if character == '#' {
            squashed.push_str("number");
        } else if character.is_alphanumeric() {
            squashed.extend(character.to_lowercase());
        }
    }
    squashed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_files_load_without_a_mistake() {
        let tables = load(ATTRIBUTES_CSV, VOCABULARY_CSV).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(tables.attributes.len(), 52);
        assert_eq!(
            attributes().len(),
            52,
            "the compiled-in tables are the same"
        );
    }

    #[test]
    fn the_names_of_the_issue_are_understood() {
        for (header, name) in [
            ("Year Built", "const__bldg_year_built"),
            ("Yr Blt", "const__bldg_year_built"),
            ("YEAR-BUILT", "const__bldg_year_built"),
            ("Building Value", "limits__building_value"),
            ("TIV", "limits__total_value"),
            ("Total Insured Value", "limits__total_value"),
            ("Roof", "const__roof_covering"),
            ("Roof Cover", "const__roof_covering"),
            ("# Stories", "const__num_stories"),
            ("Sq Ft", "const__bldg_area"),
            ("Address", "street"),
            ("Street Address", "street"),
            ("Zip Code", "zip"),
            ("Occupancy", "occupancy__type_desc"),
            ("Construction", "const__desc_ping"),
            ("Loc #", "item_key"),
            ("Sheet", "sheet_name"),
            ("Row", "sheet_row_number"),
            ("  sheet row number ", "sheet_row_number"),
            ("const__bldg_year_built", "const__bldg_year_built"),
        ] {
            assert_eq!(suggest(header).map(|a| a.name), Some(name), "{header}");
        }
        assert_eq!(suggest("Roof age (years)"), None);
        assert_eq!(suggest("Notes"), None);
        assert_eq!(suggest("###"), None, "no letters, no guess");
    }

    #[test]
    fn a_phrase_meaning_two_attributes_is_refused() {
        let attributes =
            "name,label,group,value_type,workbook\ncity,City,location,text,\nstate,State,location,text,\n";
        let error = load(attributes, "phrase,attribute\nTown,city\nTOWN,state\n")
            .err()
            .unwrap_or_default();
        assert_eq!(error, "vocabulary.csv line 3: `TOWN` already means `city`");
    }

    #[test]
    fn a_vocabulary_entry_for_an_unknown_attribute_is_refused() {
        let attributes = "name,label,group,value_type,workbook\ncity,City,location,text,\n";
        let error = load(attributes, "phrase,attribute\nTown,town\n")
            .err()
            .unwrap_or_default();
        assert_eq!(error, "vocabulary.csv line 2: unknown attribute `town`");
        let error = load(
            "name,label,group,value_type,workbook\ncity,City,location,texty,\n",
            "h\n",
        )
        .err()
        .unwrap_or_default();
        assert_eq!(error, "attributes.csv line 2: unknown type `texty`");
    }

    #[test]
    fn the_default_workbook_shows_what_underwriters_correct() {
        let shown: Vec<&str> = attributes()
            .iter()
            .filter(|attribute| attribute.in_default_workbook)
            .map(|attribute| attribute.name)
            .collect();
        for name in [
            "street",
            "limits__building_value",
            "const__bldg_year_built",
            "const__num_stories",
            "const__bldg_area",
            "const__roof_covering",
            "occupancy__type_desc",
        ] {
            assert!(shown.contains(&name), "{name}");
        }
        assert!(!shown.contains(&"item_key"));
        assert!(
            !shown.contains(&"latitude"),
            "a correction rarely moves a pin"
        );
    }

    #[test]
    fn a_wrong_workbook_column_is_refused() {
        let error = load(
            "name,label,group,value_type,workbook\ncity,City,location,text,yes\n",
            "h\n",
        )
        .err()
        .unwrap_or_default();
        assert_eq!(
            error,
            "attributes.csv line 2: workbook is `default` or empty, not `yes`"
        );
        let error = load(
            "name,label,group,value_type,workbook\nitem_key,Item key,identification,identity,default\n",
            "h\n",
        )
        .err()
        .unwrap_or_default();
        assert!(error.contains("identifies a building"), "{error}");
    }

    #[test]
    fn displays_as_a_choice_list_shows_it() {
        let year = attribute("const__bldg_year_built").map(Attribute::display);
        assert_eq!(year.as_deref(), Some("Year built (const__bldg_year_built)"));
    }
}

//! Two revisions compared in one plain sentence. No request is known between them, so every difference is
//! simply a value that changed (not "changed by SOV Fixer on its own", as after an update).

use sov_compare::summary::{count, untouched_sentence};
use sov_compare::RevisionDiff;

/// "3 values changed on 2 buildings. 1 building added. 10 buildings untouched."
pub fn comparison_summary(diff: &RevisionDiff) -> String {
    let mut sentences = vec![if diff.derived.is_empty() {
        "No value changed.".to_owned()
    } else {
        format!(
            "{} changed on {}.",
            count(diff.derived.len(), "value", "values"),
            count(diff.changed_buildings, "building", "buildings")
        )
    }];
    if !diff.added_buildings.is_empty() {
        sentences.push(format!(
            "{} added.",
            count(diff.added_buildings.len(), "building", "buildings")
        ));
    }
    if !diff.removed_buildings.is_empty() {
        sentences.push(format!(
            "{} removed.",
            count(diff.removed_buildings.len(), "building", "buildings")
        ));
    }
    sentences.extend(untouched_sentence(diff.untouched_buildings));
    sentences.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sov_compare::revision_diff::{DerivedChange, Place};

    fn diff(values: usize, changed: usize, untouched: usize) -> RevisionDiff {
        let place = Place {
            item_key: "k".to_owned(),
            sheet_name: "Sheet1".to_owned(),
            sheet_row_number: 2,
            building: "B".to_owned(),
            attribute: "a".to_owned(),
            label: "A".to_owned(),
        };
        RevisionDiff {
            requested: Vec::new(),
            derived: (0..values)
                .map(|_| DerivedChange {
                    place: place.clone(),
                    before: None,
                    after: None,
                })
                .collect(),
            changed_buildings: changed,
            untouched_buildings: untouched,
            added_buildings: Vec::new(),
            removed_buildings: Vec::new(),
            summary: String::new(),
        }
    }

    #[test]
    fn counts_are_said_in_words_singular_and_plural() {
        assert_eq!(
            comparison_summary(&diff(3, 2, 10)),
            "3 values changed on 2 buildings. 10 buildings untouched."
        );
        assert_eq!(
            comparison_summary(&diff(1, 1, 1)),
            "1 value changed on 1 building. 1 building untouched."
        );
        assert_eq!(
            comparison_summary(&diff(0, 0, 12)),
            "No value changed. 12 buildings untouched."
        );
    }

    #[test]
    fn no_untouched_building_is_not_said() {
        assert_eq!(
            comparison_summary(&diff(4, 2, 0)),
            "4 values changed on 2 buildings."
        );
    }

    #[test]
    fn buildings_added_or_removed_are_said_apart() {
        let mut both = diff(0, 0, 4);
        both.added_buildings = vec!["x".to_owned(), "y".to_owned()];
        both.removed_buildings = vec!["z".to_owned()];
        assert_eq!(
            comparison_summary(&both),
            "No value changed. 2 buildings added. 1 building removed. 4 buildings untouched."
        );
    }
}

//! The preview in one plain sentence.

use crate::preview::Preview;

/// "1 building", "3 buildings": a count in words, for every sentence that says how many.
pub fn count(number: usize, one: &str, many: &str) -> String {
    if number == 1 {
        format!("1 {one}")
    } else {
        format!("{number} {many}")
    }
}

/// "10 buildings untouched.", or nothing when none was: "0 buildings untouched." reads as a warning, and when
/// every building changed the sentences before it say enough.
pub fn untouched_sentence(untouched_buildings: usize) -> Option<String> {
    (untouched_buildings > 0).then(|| {
        format!(
            "{} untouched.",
            count(untouched_buildings, "building", "buildings")
        )
    })
}

/// "12 buildings change, 31 values. 3 rows change nothing. 1 row matches no building in this SOV."
pub fn summary_sentence(preview: &Preview) -> String {
    let mut sentences = Vec::new();
    if preview.changes.is_empty() {
        sentences.push("Nothing changes.".to_owned());
    } else {
        let buildings = preview.changed_buildings();
        sentences.push(format!(
            "{} {}, {}.",
            count(buildings, "building", "buildings"),
            if buildings == 1 { "changes" } else { "change" },
            count(preview.changes.len(), "value", "values")
        ));
    }
    let unchanged = preview.unchanged_rows.len();
    if unchanged > 0 {
        sentences.push(format!(
            "{} nothing.",
            if unchanged == 1 {
                "1 row changes".to_owned()
            } else {
                format!("{unchanged} rows change")
            }
        ));
    }
    let unmatched = preview.unmatched_rows.len();
    if unmatched > 0 {
        sentences.push(format!(
            "{} no building in this SOV.",
            if unmatched == 1 {
                "1 row matches".to_owned()
            } else {
                format!("{unmatched} rows match")
            }
        ));
    }
    if preview.stale_base {
        sentences.push(format!(
            "The SOV changed on SOV Fixer since the workbook was made; {} also changed there.",
            count(
                preview.stale_cells.len(),
                "of your values",
                "of your values"
            )
        ));
    }
    if !preview.flags.is_empty() {
        sentences.push(format!(
            "{} worth a second look.",
            count(preview.flags.len(), "value is", "values are")
        ));
    }
    sentences.join(" ")
}

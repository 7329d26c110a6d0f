//! Finds the header row of a table that does not start on its first row: title rows, blank
//! rows and notes above the column names are skipped.

use csv::ByteRecord;

use crate::attributes::is_column_label;

/// Rows looked at to find the header; a table whose header is further down needs the user's choice.
pub(crate) const HEADER_SEARCH_ROWS: usize = 25;

/// Index (in `sample`, the file's first records) of the row that holds the column names.
///
/// The header is the first row whose cells are all labels (no numbers) and that is about as wide
/// as the widest row of the sample, preferring a row with at least one name we know. A file
/// whose first row qualifies reads exactly as before.
pub(crate) fn detect(sample: &[ByteRecord]) -> usize {
    let widest = sample.iter().map(filled_cells).max().unwrap_or(0);
    let wide_enough = |record: &ByteRecord| {
        let filled = filled_cells(record);
        // A lone title cell is never a header unless the table itself has one column.
        filled >= 1 && (filled * 5 >= widest * 3) && (filled >= 2 || widest == 1)
    };
    let candidates: Vec<usize> = sample
        .iter()
        .enumerate()
        .filter(|(_, record)| wide_enough(record) && all_labels(record))
        .map(|(index, _)| index)
        .collect();
    candidates
        .iter()
        .copied()
        .find(|&index| knows_a_name(&sample[index]))
        .or_else(|| candidates.first().copied())
        .unwrap_or(0)
}

fn filled_cells(record: &ByteRecord) -> usize {
    record
        .iter()
        .filter(|field| !field.trim_ascii().is_empty())
        .count()
}

/// Every filled cell is text that is not a number, a date or an amount.
fn all_labels(record: &ByteRecord) -> bool {
    record
        .iter()
        .map(|field| String::from_utf8_lossy(field.trim_ascii()).into_owned())
        .filter(|text| !text.is_empty())
        .all(|text| text.chars().any(char::is_alphabetic) && !looks_like_amount(&text))
}

fn looks_like_amount(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits * 2 > text.chars().count()
}

fn knows_a_name(record: &ByteRecord) -> bool {
    record
        .iter()
        .any(|field| is_column_label(&String::from_utf8_lossy(field)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<ByteRecord> {
        lines
            .iter()
            .map(|cells| ByteRecord::from(cells.to_vec()))
            .collect()
    }

    #[test]
    fn a_table_that_starts_on_row_one_keeps_its_first_row() {
        let sample = rows(&[&["sheet_name", "sheet_row_number"], &["Sheet1", "2"]]);
        assert_eq!(detect(&sample), 0);
    }

    #[test]
    fn title_blank_and_note_rows_are_skipped() {
        let sample = rows(&[
            &["Acme corrections 2026", "", "", ""],
            &["", "", "", ""],
            &["Prepared by", "J. Smith", "", ""],
            &["Sheet", "Row", "Year Built", "TIV"],
            &["Sheet1", "2", "1969", "$1,200,000"],
        ]);
        assert_eq!(detect(&sample), 3);
    }

    #[test]
    fn a_row_of_numbers_is_never_the_header() {
        let sample = rows(&[&["1", "2", "3"], &["4", "5", "6"]]);
        assert_eq!(detect(&sample), 0);
    }

    #[test]
    fn a_known_name_wins_over_an_earlier_row_of_words() {
        let sample = rows(&[
            &["Corrections", "for", "Acme"],
            &["item_key", "bldg_name", "city"],
            &["k1", "Main", "Miami"],
        ]);
        assert_eq!(detect(&sample), 1);
    }
}

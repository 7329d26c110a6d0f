//! Damerau–Levenshtein (optimal string alignment) distance, for "did you mean" suggestions.

/// Edits (insert, delete, substitute, swap two neighbours) needed to turn `a` into `b`.
pub(crate) fn damerau_levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for (i, cell) in table.iter_mut().step_by(width).enumerate() {
        *cell = i;
    }
    for (j, cell) in table.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[(i - 1) * width + j] + 1)
                .min(table[i * width + j - 1] + 1)
                .min(table[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[(i - 2) * width + j - 2] + 1);
            }
            table[i * width + j] = best;
        }
    }
    table[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::damerau_levenshtein;

    #[test]
    fn counts_the_usual_edits() {
        assert_eq!(
            damerau_levenshtein("sheet_row_numbah", "sheet_row_number"),
            2
        );
        assert_eq!(damerau_levenshtein("cty", "city"), 1);
        assert_eq!(damerau_levenshtein("ciyt", "city"), 1);
        assert_eq!(damerau_levenshtein("", "zip"), 3);
        assert_eq!(damerau_levenshtein("zip", "zip"), 0);
        assert_eq!(damerau_levenshtein("kitten", "sitting"), 3);
    }
}

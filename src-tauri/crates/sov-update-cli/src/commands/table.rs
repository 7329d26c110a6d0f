//! A plain text table for a terminal: columns padded to their widest cell.

/// The lines of a table with `header` over `rows`.
pub fn lines(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    std::iter::once(&header)
        .chain(rows)
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect()
}

/// A timestamp as a person reads it: `2026-03-05T10:00:00.123Z` → `2026-03-05 10:00`.
pub fn short_time(stamp: Option<&str>) -> String {
    let Some(stamp) = stamp else {
        return String::new();
    };
    let text: String = stamp.chars().take(16).collect();
    text.replace('T', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_times_shorten() {
        let rows = vec![
            vec!["Acme 2026 SOV.xlsx".to_owned(), "12".to_owned()],
            vec!["b".to_owned(), "5000".to_owned()],
        ];
        assert_eq!(
            lines(&["File", "Buildings"], &rows),
            [
                "File                Buildings",
                "Acme 2026 SOV.xlsx  12",
                "b                   5000"
            ]
        );
        assert_eq!(
            short_time(Some("2026-03-05T10:00:00.123Z")),
            "2026-03-05 10:00"
        );
        assert_eq!(short_time(None), "");
    }
}

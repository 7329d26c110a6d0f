//! Plain file names ("Acme Corp corrections 2026-12-03.xlsx"), never overwriting, written atomically.

use std::path::{Path, PathBuf};

use sov_error::AppError;

/// "Acme Corp corrections 2026-12-03.xlsx": the insured's name made safe for every file system (separators and
/// forbidden characters become spaces, runs of spaces one), "SOV" when nothing of it is left.
pub fn plain_file_name(insured: &str, what: &str, date: &str, extension: &str) -> String {
    let safe = sov_files::name::clean(insured, ' ');
    let safe = safe.split_whitespace().collect::<Vec<_>>().join(" ");
    let safe = shortened(&safe, INSURED_MAX_BYTES);
    let name = if safe.is_empty() { "SOV" } else { safe };
    // Windows goes by the part before the first dot: an insured called "Con.Ed" would name a device.
    sov_files::name::defuse_device_name(format!("{name} {what} {date}.{extension}"))
}

/// File systems allow 255 bytes per name; the insured's part keeps room for " corrections 2026-12-03 (99).xlsx".
const INSURED_MAX_BYTES: usize = 120;

/// `text` cut to at most `max_bytes` at a character boundary, without a space or dot left at its end.
fn shortened(text: &str, max_bytes: usize) -> &str {
    let mut end = text.len().min(max_bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].trim_end_matches([' ', '.'])
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Now in UTC as RFC 3339 (`2026-12-03T14:05:09Z`), as the history records times.
pub fn now_utc_rfc3339() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let of_day = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// Days since 1970-01-01 to a calendar date (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes `bytes` into `folder` as `file_name`, or "name (2).ext", "name (3).ext"… when taken: never
/// overwrites, and a reader never sees a half-written file (`sov_files` writes beside it, then renames).
pub fn write_new_file(folder: &Path, file_name: &str, bytes: &[u8]) -> Result<PathBuf, AppError> {
    sov_files::write_new_file(folder, file_name, bytes).map_err(|error| match error {
        sov_files::SaveError::NoFreeName { .. } => AppError::file(
            format!(
                "The folder {} already holds hundreds of files named \"{file_name}\". Move some away and try again.",
                folder.display()
            ),
            error,
        ),
        other => AppError::file(
            format!(
                "SOV Updater could not write into the folder {}. Check that it exists and that you may write there, or choose another folder.",
                folder.display()
            ),
            other,
        ),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_are_plain_and_safe() {
        for (insured, name) in [
            ("Acme Corp", "Acme Corp"),
            ("A/B: \"Holdings\"", "A B Holdings"),
            ("  ", "SOV"),
            (". Acme/./Corp .", "Acme Corp"),
            // A device name only counts as the part before the first dot of the whole name.
            ("CON", "CON"),
            ("Con.Ed", "_Con.Ed"),
        ] {
            assert_eq!(
                plain_file_name(insured, "corrections", "2026-12-03", "xlsx"),
                format!("{name} corrections 2026-12-03.xlsx"),
                "{insured}"
            );
        }
    }

    #[test]
    fn a_very_long_insured_name_is_shortened_so_the_file_can_be_written() {
        let folder = tempfile::tempdir().unwrap();
        for insured in [
            "A".repeat(400),
            "Société Générale ".repeat(30),
            "€".repeat(200),
        ] {
            let name = plain_file_name(&insured, "corrections", "2026-12-03", "xlsx");
            assert!(name.len() <= 160, "{} bytes: {name}", name.len());
            assert!(name.ends_with(" corrections 2026-12-03.xlsx"), "{name}");
            assert!(insured.starts_with(name.split(" corrections").next().unwrap().trim_end()));
            // Twice: the numbered second copy must fit as well.
            write_new_file(folder.path(), &name, b"x").unwrap();
            let second = write_new_file(folder.path(), &name, b"y").unwrap();
            assert!(second.to_string_lossy().contains("(2)"));
        }
    }

    #[test]
    fn now_is_a_utc_time_of_today() {
        let now = now_utc_rfc3339();
        assert_eq!(now.len(), "2026-12-03T14:05:09Z".len(), "{now}");
        assert!(
            now.starts_with(&today_utc()) || now.ends_with("T00:00:00Z"),
            "{now}"
        );
        assert!(now.ends_with('Z'));
    }

    #[test]
    fn dates_are_computed_from_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_790), (2026, 12, 3));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn a_second_file_of_the_same_name_gets_a_number_and_the_first_is_kept() {
        let folder = tempfile::tempdir().unwrap();
        let first = write_new_file(folder.path(), "Acme corrections.xlsx", b"one").unwrap();
        let second = write_new_file(folder.path(), "Acme corrections.xlsx", b"two").unwrap();
        assert_eq!(second.file_name().unwrap(), "Acme corrections (2).xlsx");
        assert_eq!(std::fs::read(first).unwrap(), b"one");
        assert_eq!(std::fs::read(second).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(folder.path())
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| {
                entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".sov-updater-")
            })
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_missing_folder_is_a_plain_file_error() {
        let folder = tempfile::tempdir().unwrap();
        let missing = folder.path().join("gone");
        let error = write_new_file(&missing, "x.xlsx", b"x").unwrap_err();
        assert_eq!(error.code, sov_error::Code::FileError);
        assert!(error.message.contains("could not write into the folder"));
    }
}

//! A folder of its own for each run's outputs, named so an underwriter can tell runs apart in Explorer:
//! `Acme Corp 2026-12-06 14.05` (the insured or the SOV, then the local date and time).

use std::io;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Local, NaiveDateTime, Timelike};

use super::filename::sanitize_filename;

/// Longest label kept, in characters, so `label yyyy-mm-dd hh.mm (nn)` stays short inside a deep Downloads path
/// (Windows' 260-character path limit still applies in many programs, Excel among them).
const MAX_LABEL_CHARS: usize = 60;

/// How many numbered variants (`… (2)`) are tried before giving up.
const MAX_FOLDER_VARIANTS: u32 = 999;

/// The name of a run's folder: the label made safe on Windows and Unix (no `\ / : * ? " < > |`, no reserved device
/// name, no trailing dot or space, bounded length), then the time. Minutes use a dot: `:` is not allowed on Windows.
pub fn run_folder_name(label: &str, at: NaiveDateTime) -> String {
    let label: String = sanitize_filename(label)
        .chars()
        .take(MAX_LABEL_CHARS)
        .collect();
    let label = label.trim_end_matches(['.', ' ']);
    let stamp = format!(
        "{:04}-{:02}-{:02} {:02}.{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    );
    if label.is_empty() {
        stamp
    } else {
        format!("{label} {stamp}")
    }
}

/// Creates `parent/<run_folder_name>` — or `… (2)`, `… (3)` when that name is taken — and returns it. The folder is
/// made with one `create_dir`, which fails on an existing folder, so two runs never share a folder and nothing
/// already there is written into or replaced. `parent` is created if it is missing.
pub fn create_run_folder(parent: &Path, label: &str, at: NaiveDateTime) -> io::Result<PathBuf> {
    std::fs::create_dir_all(parent)?;
    let name = run_folder_name(label, at);
    for index in 1..=MAX_FOLDER_VARIANTS {
        let candidate = if index == 1 {
            parent.join(&name)
        } else {
            parent.join(format!("{name} ({index})"))
        };
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{MAX_FOLDER_VARIANTS} folders named “{name}” already exist in {}",
            parent.display()
        ),
    ))
}

/// The local time of this computer, which is what the underwriter reads on their clock.
pub fn local_now() -> NaiveDateTime {
    Local::now().naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|day| day.and_hms_opt(hour, minute, 59))
            .expect("a valid time")
    }

    #[test]
    fn names_the_insured_and_the_local_minute() {
        assert_eq!(
            run_folder_name("Acme Corp", at(14, 5)),
            "Acme Corp 2026-12-06 14.05"
        );
        assert_eq!(
            run_folder_name("Acme Corp", at(9, 0)),
            "Acme Corp 2026-12-06 09.00"
        );
    }

    #[test]
    fn names_are_safe_on_windows() {
        assert_eq!(
            run_folder_name("Acme: Corp/West*?", at(14, 5)),
            "Acme_ Corp_West__ 2026-12-06 14.05"
        );
        assert_eq!(run_folder_name("CON", at(14, 5)), "_CON 2026-12-06 14.05");
        assert_eq!(
            run_folder_name("Acme Corp. ", at(14, 5)),
            "Acme Corp 2026-12-06 14.05"
        );
        assert_eq!(run_folder_name("", at(14, 5)), "output 2026-12-06 14.05");
        let long = run_folder_name(&"Very Long Insured Name ".repeat(20), at(14, 5));
        assert!(long.chars().count() <= MAX_LABEL_CHARS + " 2026-12-06 14.05".len());
        assert!(long.ends_with(" 2026-12-06 14.05"), "{long}");
        assert!(!long.contains("  "), "{long}");
    }

    #[test]
    fn never_reuses_a_folder() {
        let parent = tempfile::tempdir().expect("temp dir");
        let first = create_run_folder(parent.path(), "Acme Corp", at(14, 5)).expect("first");
        std::fs::write(first.join("kept.json"), "first run").expect("write");
        let second = create_run_folder(parent.path(), "Acme Corp", at(14, 5)).expect("second");
        let third = create_run_folder(parent.path(), "Acme Corp", at(14, 5)).expect("third");
        assert_eq!(first, parent.path().join("Acme Corp 2026-12-06 14.05"));
        assert_eq!(second, parent.path().join("Acme Corp 2026-12-06 14.05 (2)"));
        assert_eq!(third, parent.path().join("Acme Corp 2026-12-06 14.05 (3)"));
        assert_eq!(
            std::fs::read_to_string(first.join("kept.json")).expect("read"),
            "first run"
        );
        assert!(std::fs::read_dir(&second).expect("list").next().is_none());
    }

    #[test]
    fn a_file_in_the_way_is_not_mistaken_for_a_folder() {
        let parent = tempfile::tempdir().expect("temp dir");
        std::fs::write(parent.path().join("Acme Corp 2026-12-06 14.05"), "").expect("write");
        let folder = create_run_folder(parent.path(), "Acme Corp", at(14, 5)).expect("folder");
        assert_eq!(folder, parent.path().join("Acme Corp 2026-12-06 14.05 (2)"));
        assert!(folder.is_dir());
    }

    #[test]
    fn creates_a_missing_parent_and_reports_an_unusable_one() {
        let parent = tempfile::tempdir().expect("temp dir");
        let nested = parent.path().join("SOV Updater");
        let folder = create_run_folder(&nested, "Acme Corp", at(14, 5)).expect("folder");
        assert!(folder.starts_with(&nested) && folder.is_dir());

        let blocker = parent.path().join("a file");
        std::fs::write(&blocker, "").expect("write");
        assert!(create_run_folder(&blocker, "Acme Corp", at(14, 5)).is_err());
    }
}

//! Before a recorded job is sent again as a new job: are its input files still the ones that were sent (size and
//! SHA-256), and is the sheet of each workbook known? Reads every file: call it off the async threads.

use std::path::PathBuf;

use sov_history::InputFile;
use sov_preflight::CheckOptions;

use crate::request::hash_file;

/// What is wrong with one recorded input file.
#[derive(Debug, Clone, PartialEq)]
pub enum InputProblem {
    Missing,
    Unreadable(String),
    Changed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChangedInput {
    pub name: String,
    pub path: PathBuf,
    pub problem: InputProblem,
}

/// The recorded input files that are gone, unreadable, or no longer what was sent (size or SHA-256 differ).
pub fn changed_inputs(files: &[InputFile]) -> Vec<ChangedInput> {
    files
        .iter()
        .filter_map(|file| {
            let problem = match hash_file(&file.path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => InputProblem::Missing,
                Err(error) => InputProblem::Unreadable(error.to_string()),
                // A file unreadable when the job was recorded has no hash: nothing to compare against.
                Ok(_) if file.sha256.is_empty() => return None,
                Ok((size, sha256)) if size == file.size && sha256 == file.sha256 => return None,
                Ok(_) => InputProblem::Changed,
            };
            Some(ChangedInput {
                name: file.name.clone(),
                path: file.path.clone(),
                problem,
            })
        })
        .collect()
}

/// The recorded files that are workbooks with several sheets but no recorded sheet: jobs recorded by a version
/// that did not keep the sheet picked (the window always sends one for such a workbook). Sending such a file again
/// could send another sheet than the first time.
pub fn unrecorded_sheet_choices(files: &[InputFile]) -> Vec<String> {
    files
        .iter()
        .filter(|file| file.sheet.is_none())
        .filter(|file| {
            sov_preflight::check_file(&file.path, &CheckOptions::default())
                .sheets
                .len()
                > 1
        })
        .map(|file| file.name.clone())
        .collect()
}

/// Each file by name, what happened, and what to do.
pub(crate) fn changed_inputs_message(problems: &[ChangedInput]) -> String {
    let sentences: Vec<String> = problems
        .iter()
        .map(|input| match &input.problem {
            InputProblem::Missing => format!(
                "“{}” is no longer where it was when this update was sent ({}). Put it back there and retry, or start a new update with the file from its new place.",
                input.name,
                input.path.display()
            ),
            InputProblem::Unreadable(_) => format!(
                "“{}” cannot be read (it may be open in another program). Close it and retry.",
                input.name
            ),
            InputProblem::Changed => format!(
                "“{}” has changed since this update was sent, so Retry would not send the same corrections. To send the file as it is now, start a new update with it.",
                input.name
            ),
        })
        .collect();
    format!("Nothing was sent. {}", sentences.join(" "))
}

/// The raw lines for "Show details".
pub(crate) fn changed_inputs_detail(problems: &[ChangedInput]) -> String {
    problems
        .iter()
        .map(|input| {
            let what = match &input.problem {
                InputProblem::Missing => "missing".to_owned(),
                InputProblem::Unreadable(error) => format!("unreadable: {error}"),
                InputProblem::Changed => "size or SHA-256 differ from the recorded ones".to_owned(),
            };
            format!("{}: {what}", input.path.display())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_changed_or_missing_file_is_named_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fix.csv");
        std::fs::write(&path, "sheet_name\nSheet1\n").unwrap();
        let (size, sha256) = hash_file(&path).unwrap();
        let recorded = InputFile {
            name: "fix.csv".into(),
            path: path.clone(),
            size,
            sha256,
            sheet: None,
            header_row: None,
        };
        assert!(changed_inputs(std::slice::from_ref(&recorded)).is_empty());

        std::fs::write(&path, "sheet_name\nSheet2\n").unwrap();
        let problems = changed_inputs(std::slice::from_ref(&recorded));
        assert_eq!(problems[0].problem, InputProblem::Changed);
        assert!(changed_inputs_message(&problems).contains("“fix.csv” has changed"));

        std::fs::remove_file(&path).unwrap();
        let problems = changed_inputs(&[recorded]);
        assert_eq!(problems[0].problem, InputProblem::Missing);
        assert!(changed_inputs_message(&problems).contains("“fix.csv” is no longer where it was"));
        assert!(changed_inputs_detail(&problems).ends_with("fix.csv: missing"));
    }

    #[test]
    fn only_a_workbook_with_several_sheets_and_no_recorded_sheet_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("fix.csv");
        std::fs::write(&csv, "sheet_name,sheet_row_number,bldg_name\nSheet1,2,X\n").unwrap();
        let workbook = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../sov-preflight/tests/corpus/legacy_workbook.xls");
        let recorded = |name: &str, path: &PathBuf, sheet: Option<&str>| InputFile {
            name: name.into(),
            path: path.clone(),
            size: 0,
            sha256: String::new(),
            sheet: sheet.map(str::to_owned),
            header_row: None,
        };
        let picked = [
            recorded("fix.csv", &csv, None),
            recorded("legacy_workbook.xls", &workbook, Some("Corrections")),
        ];
        assert!(unrecorded_sheet_choices(&picked).is_empty());
        let from_an_earlier_version = [
            recorded("fix.csv", &csv, None),
            recorded("legacy_workbook.xls", &workbook, None),
        ];
        assert_eq!(
            unrecorded_sheet_choices(&from_an_earlier_version),
            vec!["legacy_workbook.xls".to_owned()]
        );
    }
}

//! What can go wrong reading an SOV data file, in words an underwriter can act on.

use std::fmt;
use std::path::PathBuf;

use sov_error::{AppError, Code};

#[derive(Debug)]
pub struct ReadError {
    /// The file, when reading one.
    pub path: Option<PathBuf>,
    /// 1-based line and column of the problem in the file, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong, in plain words.
    pub problem: String,
}

impl ReadError {
    /// An error with `problem` in plain words (also for a caller of `for_each_building` to stop it).
    pub fn new(problem: impl Into<String>) -> Self {
        Self {
            path: None,
            position: None,
            problem: problem.into(),
        }
    }

    pub(crate) fn at_position(problem: impl Into<String>, position: (usize, usize)) -> Self {
        Self {
            path: None,
            position: Some(position),
            problem: problem.into(),
        }
    }

    pub(crate) fn at(mut self, path: &std::path::Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    pub(crate) fn from_json(error: &serde_json::Error) -> Self {
        let problem = if error.is_eof() {
            "the file ends in the middle of the data (an interrupted download?)".to_owned()
        } else if error.is_io() {
            format!("it could not be read: {error}")
        } else {
            // serde_json's text ends with " at line L column C"; the position is reported apart.
            let text = error.to_string();
            let plain = text
                .rsplit_once(" at line ")
                .map_or(text.as_str(), |(head, _)| head);
            format!("it is not valid SOV data JSON ({plain})")
        };
        Self {
            path: None,
            position: (error.line() > 0).then(|| (error.line(), error.column())),
            problem,
        }
    }

    /// A serde_json error in a piece of the file that began at `start` (line, column).
    pub(crate) fn from_json_at(error: &serde_json::Error, start: (usize, usize)) -> Self {
        let mut read = Self::from_json(error);
        read.position = read.position.map(|(line, column)| {
            if line == 1 {
                (start.0, start.1 + column - 1)
            } else {
                (start.0 + line - 1, column)
            }
        });
        read
    }

    pub(crate) fn from_eof() -> Self {
        Self::new("the file ends in the middle of the data (an interrupted download?)")
    }

    pub fn code(&self) -> Code {
        Code::FileError
    }

    pub fn message(&self) -> String {
        let file = self.path.as_ref().map_or_else(
            || "The SOV data".to_owned(),
            |p| format!("The SOV data file {}", p.display()),
        );
        let at = self
            .position
            .map(|(line, column)| format!(" at line {line}, column {column}"))
            .unwrap_or_default();
        format!(
            "{file} cannot be read{at}: {}. Fetch the SOV's data again (a saved copy can be deleted safely); \
             if it keeps happening, send the file to SOV Fixer support.",
            self.problem
        )
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ReadError {}

impl From<ReadError> for AppError {
    fn from(error: ReadError) -> Self {
        AppError::new(error.code(), error.message(), error.problem.clone())
    }
}

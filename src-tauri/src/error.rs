//! The one error shape the UI sees: `{code, message, detail}`.

use serde::Serialize;

/// An error as sent to the webview. `message` is for the underwriter (plain words and a next step);
/// `detail` is the raw text behind it, shown only under "Show details".
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommandError {
    pub code: String,
    pub message: String,
    pub detail: String,
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            detail: detail.into(),
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new("invalid_input", message, "")
    }

    pub fn file(message: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self::new("file_error", message, detail.to_string())
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(
            "internal",
            "Something went wrong inside SOV Updater. Please try again; if it keeps happening, copy the details and send them to support.",
            detail.to_string(),
        )
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for CommandError {}

pub type CommandResult<T> = Result<T, CommandError>;

//! `{code, message, detail}`: the one shape an error has when a user sees it.

use serde::{Deserialize, Serialize};

use crate::Code;

/// An error as the window, the history and notifications see it. `message` is for the underwriter (plain
/// words and a next step); `detail` is the raw text behind it, shown only under "Show details".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppError {
    pub code: Code,
    pub message: String,
    pub detail: String,
}

impl AppError {
    pub fn new(code: Code, message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: detail.into(),
        }
    }

    /// Something the user typed or chose cannot be used; the message says what to change.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidInput, message, "")
    }

    /// A file or folder could not be used.
    pub fn file(message: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self::new(Code::FileError, message, detail.to_string())
    }

    /// A failure of SOV Updater itself (a task that panicked, an impossible state).
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(
            Code::Internal,
            "Something went wrong inside SOV Updater. Please try again; if it keeps happening, copy the details and send them to support.",
            detail.to_string(),
        )
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn serialises_as_code_message_and_detail() {
        let error = AppError::new(Code::NoApiKey, "Add a key.", "");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"code": "no_api_key", "message": "Add a key.", "detail": ""})
        );
    }
}

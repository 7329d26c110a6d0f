//! The one error type that crosses into the app, the CLI and the history store.

use std::fmt;
use std::time::Duration;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use sov_error::{AppError, Code};

/// What a 404 was about, so the message can say which id to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Sov(String),
    Update(String),
    Output(String),
    History(String),
    /// A building, by its `item_key`.
    Building(String),
    Endpoint,
}

/// Why an update failed, in a form the UI can branch on (`code()`).
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    CredentialsRejected {
        status: u16,
    },
    NotFound(Resource),
    InvalidAttribute {
        column: Option<String>,
        file: Option<String>,
    },
    JobNotPending,
    FormatNotEnabled {
        allowed: Vec<String>,
    },
    RateLimited {
        retry_after: Option<Duration>,
    },
    ServerError {
        status: Option<u16>,
    },
    NetworkUnreachable,
    TimedOut,
    /// The caller's deadline for processing passed; the update goes on on the server.
    DeadlinePassed,
    Cancelled,
    JobFailed {
        status: String,
        message: String,
    },
    /// SOV Fixer could not produce an output asked for through get_or_create_output.
    OutputFailed {
        message: String,
    },
    PreflightBlocked {
        file: String,
        problems: Vec<String>,
        /// SOV Updater has a one-click fix for a problem of the file (`FileReport::problem_fixes`):
        /// only then does the message suggest "Fix it".
        fix_offered: bool,
    },
    InvalidInput {
        reason: String,
    },
    FileError {
        path: String,
        reason: String,
    },
    /// Another program (on Windows, typically Excel) has the file open and does not share it.
    FileInUse {
        path: String,
    },
    Internal,
}

/// An error with a plain-language `message()` for an underwriter and the raw `detail()` for
/// "Show details". `Display` prints the message.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateError {
    kind: ErrorKind,
    detail: String,
}

impl UpdateError {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }

    /// A failure to read or write `path`: "close it in Excel" when another program holds the file on
    /// Windows, otherwise a plain file error with the system's reason.
    pub fn from_io(path: &std::path::Path, error: &std::io::Error) -> Self {
        let path = path.display().to_string();
        let kind = if sov_preflight::is_file_in_use(error) {
            ErrorKind::FileInUse { path }
        } else {
            ErrorKind::FileError {
                path,
                reason: error.to_string(),
            }
        };
        Self::new(kind, error.to_string())
    }

    pub fn cancelled() -> Self {
        Self::new(ErrorKind::Cancelled, "cancelled by the user")
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// Adds the uploaded file's name to an invalid-attribute error so the message can name it.
    pub(crate) fn with_file(mut self, file_name: &str) -> Self {
        if let ErrorKind::InvalidAttribute { file, .. } = &mut self.kind {
            *file = Some(file_name.to_owned());
        }
        self
    }

    pub fn code(&self) -> Code {
        match &self.kind {
            ErrorKind::CredentialsRejected { .. } => Code::CredentialsRejected,
            ErrorKind::NotFound(_) => Code::NotFound,
            ErrorKind::InvalidAttribute { .. } => Code::InvalidAttribute,
            ErrorKind::JobNotPending => Code::JobNotPending,
            ErrorKind::FormatNotEnabled { .. } => Code::FormatNotEnabled,
            ErrorKind::RateLimited { .. } => Code::RateLimited,
            ErrorKind::ServerError { .. } => Code::ServerError,
            ErrorKind::NetworkUnreachable => Code::NetworkUnreachable,
            ErrorKind::TimedOut | ErrorKind::DeadlinePassed => Code::TimedOut,
            ErrorKind::Cancelled => Code::Cancelled,
            ErrorKind::JobFailed { .. } | ErrorKind::OutputFailed { .. } => Code::JobFailed,
            ErrorKind::PreflightBlocked { .. } => Code::PreflightBlocked,
            ErrorKind::InvalidInput { .. } => Code::InvalidInput,
            ErrorKind::FileError { .. } | ErrorKind::FileInUse { .. } => Code::FileError,
            ErrorKind::Internal => Code::Internal,
        }
    }

    /// This error as the window and the history show it.
    pub fn to_app_error(&self) -> AppError {
        AppError::new(self.code(), self.message(), self.detail.clone())
    }

    /// Worth offering a "Try again" button: the same request may well succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited { .. }
                | ErrorKind::ServerError { .. }
                | ErrorKind::NetworkUnreachable
                | ErrorKind::TimedOut
                | ErrorKind::FileInUse { .. }
        )
    }

    pub fn message(&self) -> String {
        match &self.kind {
            ErrorKind::CredentialsRejected { .. } => "SOV Fixer did not accept your API key. Check that the key is \
                 current and belongs to the environment you selected, then enter it again where you connect to SOV Fixer."
                .to_owned(),
            ErrorKind::NotFound(resource) => not_found_message(resource),
            ErrorKind::InvalidAttribute { column, file } => {
                let file = file
                    .as_deref()
                    .map(|f| format!(" in {f}"))
                    .unwrap_or_default();
                match column {
                    Some(column) => format!(
                        "SOV Fixer does not know the column `{column}`{file}. Rename it to a building \
                         attribute SOV Fixer knows (the pre-flight check suggests names) or remove the \
                         column, then try again."
                    ),
                    None => format!(
                        "SOV Fixer rejected a column{file} as an unknown attribute. Check the column \
                         names against the building attributes, then try again."
                    ),
                }
            }
            ErrorKind::JobNotPending => "This update has already been started, so it no longer accepts \
                 files or a second start. Start a new update to send more corrections."
                .to_owned(),
            ErrorKind::FormatNotEnabled { allowed } if allowed.is_empty() => {
                "One of the output formats you chose is not enabled for your organization. Choose \
                 another format, or ask your SOV Fixer administrator to enable it."
                    .to_owned()
            }
            ErrorKind::FormatNotEnabled { allowed } => format!(
                "One of the output formats you chose is not enabled for your organization. You can \
                 choose: {}.",
                allowed.join(", ")
            ),
            ErrorKind::RateLimited { .. } => "SOV Fixer is receiving too many requests right now. Wait a \
                 minute, then try again."
                .to_owned(),
            ErrorKind::ServerError { .. } => "SOV Fixer had a problem on its side. Try again in a few \
                 minutes; if it keeps happening, send the details to SOV Fixer support."
                .to_owned(),
            ErrorKind::NetworkUnreachable => "SOV Updater could not reach SOV Fixer. Check your internet \
                 connection (and VPN or proxy), then try again."
                .to_owned(),
            ErrorKind::TimedOut => "SOV Fixer took too long to answer. Check your connection and try \
                 again; the update may still be running, so check its status before starting a new one."
                .to_owned(),
            ErrorKind::DeadlinePassed => "SOV Fixer has not finished this update within the time allowed. It keeps \
                 running on the server: look at it again later (Recent updates in the app, or `sov-update status` with \
                 its update id) to download the files once it is done."
                .to_owned(),
            ErrorKind::Cancelled => "The update was cancelled.".to_owned(),
            ErrorKind::JobFailed { status, message } => format!(
                "SOV Fixer could not complete the update ({status}): {message}. Check the corrections \
                 file, then start a new update."
            ),
            ErrorKind::OutputFailed { message } => format!(
                "SOV Fixer could not prepare the SOV's data ({message}). Try again in a few minutes; \
                 if it keeps failing, send the details to SOV Fixer support."
            ),
            ErrorKind::PreflightBlocked {
                file,
                problems,
                fix_offered,
            } => format!(
                "{file} has problems that must be fixed before sending:\n- {}\n{}",
                problems.join("\n- "),
                if *fix_offered {
                    "SOV Updater can fix some of them in one click: try “Fix it” on the file, then \
                     correct the rest in the file and try again."
                } else {
                    "Correct them in the file (there is no one-click fix for these), then try again."
                }
            ),
            ErrorKind::InvalidInput { reason } => format!("{reason} Correct it, then try again."),
            ErrorKind::FileError { path, reason } => format!(
                "SOV Updater could not use the file or folder {path}: {reason}. Check that it exists \
                 and that you may read and write it, then try again."
            ),
            ErrorKind::FileInUse { path } => format!(
                "{path} is open in another program, such as Excel. Close it there, then choose Retry."
            ),
            ErrorKind::Internal => "Something unexpected went wrong in SOV Updater. Try again; if it \
                 keeps happening, send the details to support."
                .to_owned(),
        }
    }
}

fn not_found_message(resource: &Resource) -> String {
    match resource {
        Resource::Sov(id) => format!(
            "SOV Fixer has no SOV with the id `{id}` for your account. Check the SOV id (it looks like \
             s-xx-xxxx-xxxxxx) and that you chose the right environment."
        ),
        Resource::Update(id) => format!(
            "SOV Fixer has no update with the id `{id}`. It may have expired; start a new update."
        ),
        Resource::Output(name) => format!(
            "The output file {name} is no longer available on SOV Fixer. Run the update again to \
             regenerate it."
        ),
        Resource::History(id) => format!(
            "SOV Fixer has no history entry with the id `{id}`. Check the id, then try again."
        ),
        Resource::Building(key) => format!(
            "SOV Fixer has no building with the key `{key}`. Check the key (it looks like \
             i-<SOV id>!<sheet>!<row>) and that the SOV still has that row."
        ),
        Resource::Endpoint => "SOV Fixer does not offer this function at the address configured. \
             Check the environment or server address you connect to."
            .to_owned(),
    }
}

impl fmt::Display for UpdateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for UpdateError {}

impl From<UpdateError> for AppError {
    fn from(error: UpdateError) -> Self {
        error.to_app_error()
    }
}

/// Serializes as `{"code", "message", "detail"}`, the shape the UI expects.
impl Serialize for UpdateError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("UpdateError", 3)?;
        state.serialize_field("code", &self.code())?;
        state.serialize_field("message", &self.message())?;
        state.serialize_field("detail", &self.detail)?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn serializes_code_message_and_detail() {
        let error = UpdateError::new(
            ErrorKind::InvalidAttribute {
                column: Some("sheet_row_numbah".into()),
                file: Some("corrections.csv".into()),
            },
            r#"{"file": "sheet_row_numbah: unknown attribute"}"#,
        );
        let value = serde_json::to_value(&error).unwrap();
        assert_eq!(value["code"], "invalid_attribute");
        let message = value["message"].as_str().unwrap();
        assert!(message.contains("sheet_row_numbah") && message.contains("corrections.csv"));
        assert!(value["detail"]
            .as_str()
            .unwrap()
            .contains("unknown attribute"));
    }

    #[test]
    fn a_file_held_by_another_program_asks_to_close_it_and_offers_retry() {
        let path = std::path::Path::new("Acme 2026-12.json");
        // ERROR_SHARING_VIOLATION: what Windows answers while Excel holds the file.
        let error = UpdateError::from_io(path, &std::io::Error::from_raw_os_error(32));
        if cfg!(windows) {
            assert_eq!(
                error.message(),
                "Acme 2026-12.json is open in another program, such as Excel. Close it there, then choose Retry."
            );
            assert!(error.is_transient(), "Retry is offered");
        } else {
            assert!(matches!(error.kind(), ErrorKind::FileError { .. }));
        }
        assert_eq!(error.code(), Code::FileError);
        let other = UpdateError::from_io(path, &std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(matches!(other.kind(), ErrorKind::FileError { .. }));
        assert!(!other.is_transient());
    }
}

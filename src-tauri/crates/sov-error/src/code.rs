//! The codes of `docs/architecture.md` ("Errors crossing into the UI"), as a closed enum.

use serde::{Deserialize, Serialize};

/// What kind of failure an error is: stable, serialised in snake_case, and the only thing code may branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Code {
    CredentialsRejected,
    NotFound,
    InvalidAttribute,
    JobNotPending,
    FormatNotEnabled,
    RateLimited,
    ServerError,
    NetworkUnreachable,
    TimedOut,
    Cancelled,
    JobFailed,
    PreflightBlocked,
    InvalidInput,
    KeychainUnavailable,
    NoApiKey,
    FileError,
    /// A job cut off by a restart before the server could act on it; Retry starts a new job.
    Interrupted,
    Internal,
}

impl Code {
    /// Every code, in the order of the contract.
    pub const ALL: [Code; 18] = [
        Code::CredentialsRejected,
        Code::NotFound,
        Code::InvalidAttribute,
        Code::JobNotPending,
        Code::FormatNotEnabled,
        Code::RateLimited,
        Code::ServerError,
        Code::NetworkUnreachable,
        Code::TimedOut,
        Code::Cancelled,
        Code::JobFailed,
        Code::PreflightBlocked,
        Code::InvalidInput,
        Code::KeychainUnavailable,
        Code::NoApiKey,
        Code::FileError,
        Code::Interrupted,
        Code::Internal,
    ];

    /// The serialised form, e.g. `"not_found"`: for storing and printing, never for comparing.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::CredentialsRejected => "credentials_rejected",
            Code::NotFound => "not_found",
            Code::InvalidAttribute => "invalid_attribute",
            Code::JobNotPending => "job_not_pending",
            Code::FormatNotEnabled => "format_not_enabled",
            Code::RateLimited => "rate_limited",
            Code::ServerError => "server_error",
            Code::NetworkUnreachable => "network_unreachable",
            Code::TimedOut => "timed_out",
            Code::Cancelled => "cancelled",
            Code::JobFailed => "job_failed",
            Code::PreflightBlocked => "preflight_blocked",
            Code::InvalidInput => "invalid_input",
            Code::KeychainUnavailable => "keychain_unavailable",
            Code::NoApiKey => "no_api_key",
            Code::FileError => "file_error",
            Code::Interrupted => "interrupted",
            Code::Internal => "internal",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored code this version does not know (written by a newer version, or damaged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown error code `{}`", self.0)
    }
}

impl std::error::Error for UnknownCode {}

impl std::str::FromStr for Code {
    type Err = UnknownCode;

    /// Parses a stored code (the history keeps codes as text).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .into_iter()
            .find(|code| code.as_str() == text)
            .ok_or_else(|| UnknownCode(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself_in_text_and_in_json() {
        for code in Code::ALL {
            assert_eq!(code.as_str().parse::<Code>().unwrap(), code);
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().to_owned())
            );
        }
        assert_eq!(
            "no_such_code".parse::<Code>(),
            Err(UnknownCode("no_such_code".into()))
        );
    }
}

//! The documented exit codes (see `--help` and docs/cli.md) and which error gets which.

use sov_error::Code;
use sov_update::{ErrorKind, UpdateError};

pub const DONE: u8 = 0;
pub const UNEXPECTED: u8 = 1;
pub const USAGE: u8 = 2;
pub const PREFLIGHT_BLOCKED: u8 = 3;
pub const CREDENTIALS: u8 = 4;
pub const JOB_FAILED: u8 = 5;
pub const TIMED_OUT: u8 = 6;
pub const NETWORK: u8 = 7;
/// The update finished and its outputs were saved, but SOV Fixer did not apply every row sent.
pub const ROWS_NOT_APPLIED: u8 = 8;
/// `run` of a corrections workbook whose values are all already on SOV Fixer: nothing was sent.
pub const NOTHING_TO_SEND: u8 = 9;
/// The update finished, but the new revision does not hold every value sent (the change report says which).
pub const CHANGES_NOT_APPLIED: u8 = 10;
pub const CANCELLED: u8 = 130;

/// The exit code for an engine or client error. A `--deadline` that ran out is a timeout; a request
/// that got no answer in time is a network failure.
pub fn for_error(error: &UpdateError) -> u8 {
    match error.kind() {
        ErrorKind::CredentialsRejected { .. } => CREDENTIALS,
        ErrorKind::PreflightBlocked { .. } => PREFLIGHT_BLOCKED,
        ErrorKind::NotFound(_)
        | ErrorKind::InvalidAttribute { .. }
        | ErrorKind::JobNotPending
        | ErrorKind::FormatNotEnabled { .. }
        | ErrorKind::JobFailed { .. }
        | ErrorKind::OutputFailed { .. } => JOB_FAILED,
        ErrorKind::DeadlinePassed => TIMED_OUT,
        ErrorKind::TimedOut
        | ErrorKind::NetworkUnreachable
        | ErrorKind::ServerError { .. }
        | ErrorKind::RateLimited { .. } => NETWORK,
        ErrorKind::Cancelled => CANCELLED,
        ErrorKind::InvalidInput { .. } => USAGE,
        ErrorKind::FileError { .. } | ErrorKind::FileInUse { .. } | ErrorKind::Internal => {
            UNEXPECTED
        }
    }
}

/// The exit code for an error in the shared vocabulary (what `sov-changes` returns).
pub fn for_code(code: Code) -> u8 {
    match code {
        Code::CredentialsRejected | Code::NoApiKey => CREDENTIALS,
        Code::PreflightBlocked => PREFLIGHT_BLOCKED,
        Code::NotFound
        | Code::InvalidAttribute
        | Code::JobNotPending
        | Code::FormatNotEnabled
        | Code::JobFailed => JOB_FAILED,
        Code::TimedOut | Code::NetworkUnreachable | Code::ServerError | Code::RateLimited => {
            NETWORK
        }
        Code::Cancelled | Code::Interrupted => CANCELLED,
        Code::InvalidInput => USAGE,
        _ => UNEXPECTED,
    }
}

/// The word the JSON summary uses for an outcome with this exit code.
pub fn outcome_word(code: u8) -> &'static str {
    match code {
        DONE => "done",
        USAGE => "usage_error",
        PREFLIGHT_BLOCKED => "preflight_blocked",
        CREDENTIALS => "credentials_rejected",
        JOB_FAILED => "failed",
        TIMED_OUT => "timed_out",
        NETWORK => "network_failure",
        ROWS_NOT_APPLIED => "done_with_rows_not_applied",
        NOTHING_TO_SEND => "nothing_to_send",
        CHANGES_NOT_APPLIED => "done_with_changes_not_applied",
        CANCELLED => "cancelled",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_user_facing_kind_has_its_own_code() {
        let code = |kind| for_error(&UpdateError::new(kind, "x"));
        assert_eq!(
            code(ErrorKind::CredentialsRejected { status: 401 }),
            CREDENTIALS
        );
        assert_eq!(code(ErrorKind::JobNotPending), JOB_FAILED);
        assert_eq!(code(ErrorKind::NetworkUnreachable), NETWORK);
        assert_eq!(code(ErrorKind::TimedOut), NETWORK);
        assert_eq!(code(ErrorKind::Cancelled), CANCELLED);
        assert_eq!(
            for_error(&UpdateError::new(ErrorKind::DeadlinePassed, "x")),
            TIMED_OUT
        );
    }
}

//! The one error vocabulary of SOV Updater. Every error that reaches a user (the window, the history, a
//! notification) is an [`AppError`]: a [`Code`] the window may branch on, a plain-language `message` with a
//! next step, and the raw `detail` shown under "Show details". Each crate's own error type maps into it
//! (`From<…> for AppError`); nobody compares codes as strings.

mod app_error;
mod code;

pub use app_error::AppError;
pub use code::{Code, UnknownCode};

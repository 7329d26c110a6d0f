//! The API key, kept out of logs and debug output.

use std::fmt;

/// An SOV Fixer API key. `Debug` and `Display` print `***` so the key can never end up in a log line,
/// a panic message or an error's detail by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps a key; surrounding whitespace (a common copy-paste artefact) is removed.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_owned())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `Authorization` header value. Crate-private: only the HTTP layer may see the key.
    pub(crate) fn header_value(&self) -> String {
        format!("Token {}", self.0)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_key() {
        let token = ApiToken::new("  secret-key-123 ");
        assert_eq!(format!("{token:?}"), "***");
        assert_eq!(format!("{token}"), "***");
        assert_eq!(token.header_value(), "Token secret-key-123");
    }
}

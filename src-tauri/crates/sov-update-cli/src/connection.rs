//! From the global options to a client: environment, API URL and the API key (found the way
//! `sovfixerapi` finds it). The key is never printed.

use std::path::PathBuf;

use sov_update::{ApiToken, ClientConfig, Environment, SovFixerClient};

use crate::cli::GlobalOptions;
use crate::events::ErrorInfo;
use crate::exit_code;
use sov_update::credentials::{self, KeySource};

/// A command that could not run: its exit code and what to tell the user.
#[derive(Debug, Clone)]
pub struct Failure {
    pub exit_code: u8,
    pub error: ErrorInfo,
}

/// Where the key came from, for `-vv` (never the key itself).
fn source_label(source: Option<KeySource>) -> &'static str {
    match source {
        None => "--auth-token",
        Some(KeySource::Environment) => "an environment variable",
        Some(KeySource::IniFile) => "~/.pingintel.ini",
    }
}

pub struct Connection {
    pub client: SovFixerClient,
    /// A line for `-vv`: which server and where the key came from.
    pub description: String,
}

pub fn connect(global: &GlobalOptions) -> Result<Connection, Failure> {
    let environment = environment(global)?;
    let environment_name = global.environment.as_str();
    let (token, source) = match global
        .auth_token
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        Some(token) => (token.to_owned(), None),
        None => credentials::lookup(
            environment_name,
            |name| std::env::var(name).ok(),
            ini_path().as_deref(),
        )
        .map(|(token, source)| (token, Some(source)))
        .ok_or_else(|| no_api_key(environment_name))?,
    };
    let base = environment.api_base();
    let client = SovFixerClient::new(ClientConfig::new(environment, ApiToken::new(token)))
        .map_err(|error| Failure {
            exit_code: exit_code::for_error(&error),
            error: ErrorInfo::from_update_error(&error, None),
        })?;
    Ok(Connection {
        client,
        description: format!(
            "SOV Fixer API: {base} (API key from {})",
            source_label(source)
        ),
    })
}

fn environment(global: &GlobalOptions) -> Result<Environment, Failure> {
    let Some(url) = &global.api_url else {
        return Ok(match global.environment.as_str() {
            "prodeu" => Environment::ProdEu,
            "staging" => Environment::Staging,
            "dev" => Environment::Dev,
            _ => Environment::Prod,
        });
    };
    Environment::custom(url).map_err(|_| Failure {
        exit_code: exit_code::USAGE,
        error: ErrorInfo::local(
            "invalid_input",
            format!("--api-url `{url}` is not a web address. Give it like https://api.example.com or http://127.0.0.1:8765."),
        ),
    })
}

fn ini_path() -> Option<PathBuf> {
    ini_path_in(std::env::var_os("HOME"), std::env::var_os("USERPROFILE"))
}

/// `~/.pingintel.ini` where the official client (Python's `expanduser`) finds it: on Windows in the user's
/// profile folder (`USERPROFILE`, even when a Unix-style shell set `HOME`), elsewhere in `HOME`.
fn ini_path_in(
    home: Option<std::ffi::OsString>,
    user_profile: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let folder = if cfg!(windows) {
        user_profile.or(home)
    } else {
        home.or(user_profile)
    };
    folder.map(|folder| PathBuf::from(folder).join(".pingintel.ini"))
}

fn no_api_key(environment: &str) -> Failure {
    let specific = credentials::serverspace(environment)
        .map(|space| format!("SOVFIXER_AUTH_TOKEN_{space} or "))
        .unwrap_or_default();
    Failure {
        exit_code: exit_code::CREDENTIALS,
        error: ErrorInfo::local(
            "no_api_key",
            format!(
                "No SOV Fixer API key was found. Pass --auth-token, set {specific}SOVFIXER_AUTH_TOKEN, \
                 or add SOVFIXER_AUTH_TOKEN to the [sovfixer] section of ~/.pingintel.ini."
            ),
        ),
    }
}

/// The options that point another command at the same server, for a printed resume command.
pub fn connection_flags(global: &GlobalOptions) -> String {
    let mut flags = String::new();
    if global.environment.as_str() != "prod" {
        flags.push_str(&format!(" -e {}", global.environment.as_str()));
    }
    if let Some(url) = &global.api_url {
        flags.push_str(&format!(" -u {}", shell_quote(url)));
    }
    flags
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pingintel_ini_is_looked_for_where_the_official_client_looks() {
        let home = Some("/home/uw".into());
        let profile = Some(r"C:\Users\uw".into());
        let found = super::ini_path_in(home.clone(), profile.clone());
        let expected_folder = if cfg!(windows) {
            r"C:\Users\uw"
        } else {
            "/home/uw"
        };
        assert_eq!(
            found,
            Some(PathBuf::from(expected_folder).join(".pingintel.ini"))
        );
        assert_eq!(
            super::ini_path_in(None, profile),
            Some(PathBuf::from(r"C:\Users\uw").join(".pingintel.ini"))
        );
        assert_eq!(
            super::ini_path_in(home, None),
            Some(PathBuf::from("/home/uw").join(".pingintel.ini"))
        );
        assert_eq!(super::ini_path_in(None, None), None);
    }

    use super::*;

    #[test]
    fn quoting_keeps_simple_words_and_protects_the_rest() {
        assert_eq!(shell_quote("s-demo-sample-r001"), "s-demo-sample-r001");
        assert_eq!(shell_quote("/tmp/my outputs"), "'/tmp/my outputs'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}

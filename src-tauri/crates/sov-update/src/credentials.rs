//! Finding an API key the way the official `sovfixerapi` client does, so a user who already set one up
//! for it finds it working here: `SOVFIXER_AUTH_TOKEN_<SERVERSPACE>`, then `SOVFIXER_AUTH_TOKEN`, then the
//! same two keys in the `[sovfixer]` section of `~/.pingintel.ini` (keys case-insensitive, as configparser).

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    IniFile,
}

/// The token-name suffix the official client uses for an environment (`STG` for staging, …).
pub fn serverspace(environment: &str) -> Option<&'static str> {
    match environment {
        "prod" => Some("PRD"),
        "prodeu" => Some("PRDEU"),
        "staging" => Some("STG"),
        "dev" => Some("DEV"),
        _ => None,
    }
}

/// Looks the key up in the environment and the ini file, in the official client's order.
pub fn lookup(
    environment: &str,
    env: impl Fn(&str) -> Option<String>,
    ini_path: Option<&Path>,
) -> Option<(String, KeySource)> {
    let specific = serverspace(environment).map(|space| format!("SOVFIXER_AUTH_TOKEN_{space}"));
    let names: Vec<String> = specific
        .into_iter()
        .chain(std::iter::once("SOVFIXER_AUTH_TOKEN".to_owned()))
        .collect();
    for name in &names {
        if let Some(value) = env(name).filter(|v| !v.trim().is_empty()) {
            return Some((value.trim().to_owned(), KeySource::Environment));
        }
    }
    let text = std::fs::read_to_string(ini_path?).ok()?;
    names
        .iter()
        .find_map(|name| ini_value(&text, "sovfixer", name))
        .map(|value| (value, KeySource::IniFile))
}

/// One value from an ini text; section and key names compare case-insensitively like Python's configparser.
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut in_section = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_section = name.trim().eq_ignore_ascii_case(section);
            continue;
        }
        if !in_section {
            continue;
        }
        let Some((name, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case(key) && !value.trim().is_empty() {
            return Some(value.trim().to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn environment_specific_variable_wins_over_the_general_one() {
        let env = env_of(&[
            ("SOVFIXER_AUTH_TOKEN", "general"),
            ("SOVFIXER_AUTH_TOKEN_STG", "stg"),
        ]);
        assert_eq!(
            lookup("staging", &env, None),
            Some(("stg".into(), KeySource::Environment))
        );
        assert_eq!(
            lookup("prod", &env, None),
            Some(("general".into(), KeySource::Environment))
        );
    }

    #[test]
    fn ini_file_is_read_case_insensitively_after_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let ini = dir.path().join(".pingintel.ini");
        std::fs::write(&ini, "[pingdata]\nSOVFIXER_AUTH_TOKEN = other\n[sovfixer]\nsovfixer_auth_token_dev = devkey\nSOVFIXER_AUTH_TOKEN = base\n").unwrap();
        let none = env_of(&[]);
        assert_eq!(
            lookup("dev", &none, Some(&ini)),
            Some(("devkey".into(), KeySource::IniFile))
        );
        assert_eq!(
            lookup("prodeu", &none, Some(&ini)),
            Some(("base".into(), KeySource::IniFile))
        );
        let env = env_of(&[("SOVFIXER_AUTH_TOKEN", "fromenv")]);
        assert_eq!(
            lookup("dev", &env, Some(&ini)).unwrap().1,
            KeySource::Environment
        );
    }

    #[test]
    fn nothing_configured_finds_nothing() {
        assert_eq!(
            lookup(
                "prod",
                env_of(&[]),
                Some(Path::new("/nonexistent/.pingintel.ini"))
            ),
            None
        );
    }
}

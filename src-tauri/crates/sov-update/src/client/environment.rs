//! Which SOV Fixer deployment to talk to.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// A SOV Fixer deployment. The named ones use the hosts of the official client; `Custom` is any base
/// URL (the sandbox, a proxy). API paths always live under `/api/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    Prod,
    ProdEu,
    Staging,
    Dev,
    Custom(Url),
}

impl Environment {
    /// Parses a custom base URL, with or without a trailing `/api/v1`.
    pub fn custom(base: &str) -> Result<Self, url::ParseError> {
        let url = Url::parse(base.trim())?;
        if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
            return Err(url::ParseError::RelativeUrlWithCannotBeABaseBase);
        }
        Ok(Self::Custom(url))
    }

    /// The API root, always ending in `/api/v1/` so relative joins stay below it.
    pub fn api_base(&self) -> Url {
        let host = match self {
            Self::Prod => "https://api.sovfixer.com",
            Self::ProdEu => "https://api.eu.sovfixer.com",
            Self::Staging => "https://api-staging.sovfixer.com",
            Self::Dev => "https://api-dev.sovfixer.com",
            Self::Custom(url) => return with_api_path(url),
        };
        let url = Url::parse(host).expect("hard-coded host is a valid URL");
        with_api_path(&url)
    }
}

fn with_api_path(url: &Url) -> Url {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let path = base.path().trim_end_matches('/').to_owned();
    let path = if path.ends_with("/api/v1") {
        format!("{path}/")
    } else {
        format!("{path}/api/v1/")
    };
    base.set_path(&path);
    base
}

impl FromStr for Environment {
    type Err = url::ParseError;

    /// `prod`, `prodeu`, `staging`, `dev` (any case), or a base URL.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "prod" => Ok(Self::Prod),
            "prodeu" => Ok(Self::ProdEu),
            "staging" => Ok(Self::Staging),
            "dev" => Ok(Self::Dev),
            _ => Self::custom(s),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Prod => f.write_str("prod"),
            Self::ProdEu => f.write_str("prodeu"),
            Self::Staging => f.write_str("staging"),
            Self::Dev => f.write_str("dev"),
            Self::Custom(url) => write!(f, "{url}"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn named_environments_use_the_documented_hosts() {
        assert_eq!(
            Environment::Prod.api_base().as_str(),
            "https://api.sovfixer.com/api/v1/"
        );
        assert_eq!(
            Environment::ProdEu.api_base().as_str(),
            "https://api.eu.sovfixer.com/api/v1/"
        );
        assert_eq!(
            Environment::Staging.api_base().as_str(),
            "https://api-staging.sovfixer.com/api/v1/"
        );
        assert_eq!(
            Environment::Dev.api_base().as_str(),
            "https://api-dev.sovfixer.com/api/v1/"
        );
    }

    #[test]
    fn custom_urls_get_exactly_one_api_suffix() {
        for input in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/api/v1",
            "http://127.0.0.1:8080/api/v1/",
        ] {
            let env: Environment = input.parse().unwrap();
            assert_eq!(
                env.api_base().as_str(),
                "http://127.0.0.1:8080/api/v1/",
                "{input}"
            );
        }
        let proxied: Environment = "https://proxy.example/sovfixer".parse().unwrap();
        assert_eq!(
            proxied.api_base().as_str(),
            "https://proxy.example/sovfixer/api/v1/"
        );
    }

    #[test]
    fn names_and_garbage() {
        assert_eq!(
            "PRODEU".parse::<Environment>().unwrap(),
            Environment::ProdEu
        );
        assert!("not a url".parse::<Environment>().is_err());
        assert!("ftp://example.com".parse::<Environment>().is_err());
    }
}

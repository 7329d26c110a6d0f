//! Where jobs are sent: a SOV Fixer environment or the app's built-in demo server. Parsed once where a name comes
//! in (preferences, the window, the history) and used as a type everywhere after.

use sov_update::{Environment, SovFixerClient};
use url::Url;

/// A SOV Fixer environment, or the demo server that runs inside the app (its address changes every run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Server(Environment),
    Demo,
}

/// Why a name and address do not make a [`Target`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    UnknownName(String),
    BadCustomUrl(String),
}

impl Target {
    /// From the name the window and the preferences use (`prod`, `prodeu`, `staging`, `dev`, `custom`, `demo`);
    /// `custom_url` is read only for `custom`.
    pub fn from_name(name: &str, custom_url: &str) -> Result<Self, TargetError> {
        match name {
            "demo" => Ok(Self::Demo),
            "custom" => Environment::custom(custom_url)
                .map(Self::Server)
                .map_err(|_| TargetError::BadCustomUrl(custom_url.to_owned())),
            "prod" => Ok(Self::Server(Environment::Prod)),
            "prodeu" => Ok(Self::Server(Environment::ProdEu)),
            "staging" => Ok(Self::Server(Environment::Staging)),
            "dev" => Ok(Self::Server(Environment::Dev)),
            other => Err(TargetError::UnknownName(other.to_owned())),
        }
    }

    /// The target a job was recorded against (its environment name and API base URL), if the name is known.
    pub fn from_record(name: &str, base_url: &str) -> Option<Self> {
        Self::from_name(name, base_url).ok()
    }

    /// The name the history records and the window shows: `custom` for any address of one's own.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::Server(Environment::Prod) => "prod",
            Self::Server(Environment::ProdEu) => "prodeu",
            Self::Server(Environment::Staging) => "staging",
            Self::Server(Environment::Dev) => "dev",
            Self::Server(Environment::Custom(_)) => "custom",
        }
    }

    /// The custom address, for a custom server.
    pub fn custom_url(&self) -> Option<&Url> {
        match self {
            Self::Server(Environment::Custom(url)) => Some(url),
            _ => None,
        }
    }

    /// The place in the user's words: "Production", "the demo", "the custom address https://…".
    pub fn describe(&self) -> String {
        match self {
            Self::Demo => "the demo".to_owned(),
            Self::Server(Environment::Prod) => "Production".to_owned(),
            Self::Server(Environment::ProdEu) => "Production EU".to_owned(),
            Self::Server(Environment::Staging) => "Staging".to_owned(),
            Self::Server(Environment::Dev) => "Development".to_owned(),
            Self::Server(Environment::Custom(url)) => format!("the custom address {url}"),
        }
    }
}

/// A client and the target it talks to: what every runner operation that reaches the server is given.
#[derive(Clone)]
pub struct Connection {
    pub client: SovFixerClient,
    pub target: Target,
}

impl Connection {
    pub fn new(client: SovFixerClient, target: Target) -> Self {
        Self { client, target }
    }

    /// Whether a job recorded as `environment_name` at `base_url` was sent here. The demo's address changes every
    /// run, so demo jobs match by name; a server matches by its API address (jobs recorded before addresses were
    /// kept have none and can only be from this setup).
    pub fn sent_here(&self, environment_name: &str, base_url: &str) -> bool {
        let recorded_on_demo =
            Target::from_record(environment_name, base_url) == Some(Target::Demo);
        match self.target {
            Target::Demo => recorded_on_demo,
            Target::Server(_) => !recorded_on_demo && self.same_server(base_url),
        }
    }

    /// Whether `base_url` is this connection's server itself: for the demo, this run's demo server (an earlier
    /// run's forgot everything when it stopped).
    pub fn same_server(&self, base_url: &str) -> bool {
        let recorded = base_url.trim().trim_end_matches('/');
        recorded.is_empty() || recorded == self.client.api_base().as_str().trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sov_update::{ApiToken, ClientConfig};

    fn connection(target: Target, url: &str) -> Connection {
        let client = SovFixerClient::new(ClientConfig::new(
            Environment::custom(url).unwrap(),
            ApiToken::new("t"),
        ))
        .unwrap();
        Connection::new(client, target)
    }

    #[test]
    fn names_read_back_as_the_same_target() {
        for name in ["prod", "prodeu", "staging", "dev", "demo"] {
            assert_eq!(Target::from_name(name, "").unwrap().name(), name);
        }
        let custom = Target::from_name("custom", "https://sov.example.com").unwrap();
        assert_eq!(custom.name(), "custom");
        assert_eq!(
            custom.describe(),
            "the custom address https://sov.example.com/"
        );
        assert_eq!(
            Target::from_name("custom", "ftp://x"),
            Err(TargetError::BadCustomUrl("ftp://x".into()))
        );
        assert_eq!(
            Target::from_name("mars", ""),
            Err(TargetError::UnknownName("mars".into()))
        );
    }

    #[test]
    fn a_server_job_is_matched_by_address_and_a_demo_job_by_name() {
        let server = connection(
            Target::from_name("custom", "http://127.0.0.1:1").unwrap(),
            "http://127.0.0.1:1",
        );
        assert!(server.sent_here("custom", "http://127.0.0.1:1/api/v1/"));
        assert!(server.sent_here("prod", ""), "a record without an address");
        assert!(!server.sent_here("custom", "http://127.0.0.1:2/api/v1/"));
        assert!(!server.sent_here("demo", "http://127.0.0.1:1/api/v1/"));

        let demo = connection(Target::Demo, "http://127.0.0.1:3");
        assert!(
            demo.sent_here("demo", "http://127.0.0.1:9/api/v1/"),
            "an earlier run's demo"
        );
        assert!(!demo.sent_here("prod", "http://127.0.0.1:3/api/v1/"));
    }
}

//! Talking to SOV Fixer (or the demo server): the connection in use, testing the key, listing formats.

use crate::state::AppState;
use crate::AppResult;
use serde::Serialize;
use sov_error::{AppError, Code};
use sov_jobs::{Connection, Target};
use sov_update::{ApiToken, ClientConfig, Environment, OutputFormat, SovFixerClient};

#[derive(Debug, Serialize)]
pub struct ConnectionCheck {
    pub ok: bool,
    pub format_count: usize,
}

impl AppState {
    /// A client for the environment chosen in the window, with the key from wherever it is kept (the demo
    /// server is started on first use).
    pub async fn connection(&self) -> AppResult<Connection> {
        let target = self.prefs().target.clone();
        let (environment, token) = match &target {
            Target::Demo => {
                let demo = self.demo.ensure_started().await?;
                let environment =
                    Environment::custom(&demo.base_url).map_err(AppError::internal)?;
                (environment, ApiToken::new(demo.token))
            }
            Target::Server(environment) => {
                let (key, _) = self.api_key().ok_or_else(|| {
                    AppError::new(
                        Code::NoApiKey,
                        "No API key is set for this environment. Paste your key under “Connect”, or try the demo.",
                        "",
                    )
                })?;
                (environment.clone(), ApiToken::new(key))
            }
        };
        let client = SovFixerClient::new(ClientConfig::new(environment, token))?;
        Ok(Connection::new(client, target))
    }

    pub async fn test_connection(&self) -> AppResult<ConnectionCheck> {
        let connection = self.connection().await?;
        let formats = match connection.client.list_output_formats(None).await {
            Ok(formats) => formats,
            Err(error) => match &connection.target {
                Target::Server(Environment::Custom(url))
                    if error.code() == Code::NetworkUnreachable =>
                {
                    let host = url.host_str().unwrap_or_default().to_owned();
                    let port = url.port_or_known_default().unwrap_or(443);
                    return Err(
                        unreachable_custom_server(url.as_str(), &host, port, error.into()).await,
                    );
                }
                _ => return Err(error.into()),
            },
        };
        Ok(ConnectionCheck {
            ok: true,
            format_count: formats.len(),
        })
    }

    pub async fn list_output_formats(
        &self,
        sov_id: Option<String>,
    ) -> AppResult<Vec<OutputFormat>> {
        let connection = self.connection().await?;
        let sov_id = sov_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        Ok(connection
            .client
            .list_output_formats(sov_id.as_deref())
            .await?)
    }
}

/// A custom address that cannot be reached is most often a typo, not a dead network: tell the two apart by
/// looking the host name up, and say which it is (the engine's own message blames the connection).
async fn unreachable_custom_server(url: &str, host: &str, port: u16, error: AppError) -> AppError {
    let found = tokio::net::lookup_host((host, port))
        .await
        .map(|mut addresses| addresses.next().is_some())
        .unwrap_or(false);
    let message = if found {
        format!(
            "Nothing answered at {url}. The address “{host}” exists, so your internet connection works, but no \
             SOV Fixer server is running there (or the port is wrong). Check the custom address under Advanced with \
             whoever gave it to you."
        )
    } else {
        format!(
            "The custom server address “{host}” does not exist. Check it for a typo under Advanced, or choose \
             Production."
        )
    };
    AppError::new(error.code, message, error.detail)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn a_custom_address_that_does_not_exist_is_called_a_wrong_address_not_a_dead_network() {
        let error = AppError::new(
            Code::NetworkUnreachable,
            "Check your internet connection.",
            "dns error",
        );
        let wrong = "https://no-such-host.invalid/api/v1";
        let said =
            unreachable_custom_server(wrong, "no-such-host.invalid", 443, error.clone()).await;
        assert_eq!(said.code, Code::NetworkUnreachable);
        assert!(
            said.message
                .contains("“no-such-host.invalid” does not exist"),
            "{}",
            said.message
        );
        assert!(!said.message.contains("internet connection"));

        // A free loopback port: the name resolves but nothing listens.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let closed = format!("http://127.0.0.1:{port}/api/v1");
        let said = unreachable_custom_server(&closed, "127.0.0.1", port, error).await;
        assert!(
            said.message.contains("Nothing answered"),
            "{}",
            said.message
        );
        assert!(said.message.contains("internet connection works"));
    }
}

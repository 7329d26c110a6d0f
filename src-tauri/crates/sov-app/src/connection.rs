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
        let formats = connection.client.list_output_formats(None).await?;
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

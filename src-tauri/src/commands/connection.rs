//! Talking to SOV Fixer (or the demo server): building the client, testing the key, listing formats.

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;
use serde::Serialize;
use sov_update::{ApiToken, ClientConfig, Environment, OutputFormat, SovFixerClient, UpdateError};
use tauri::State;

/// A client for the environment chosen in the window, with the key from wherever it is kept.
pub async fn client_for(state: &AppState) -> CommandResult<SovFixerClient> {
    let prefs = state.prefs().clone();
    let (environment, token) = match prefs.environment.as_str() {
        "demo" => {
            let demo = state.demo.ensure_started().await.map_err(|error| {
                CommandError::new(
                    "internal",
                    "The demo server could not start on this computer. Close other copies of SOV Updater and try again.",
                    error.to_string(),
                )
            })?;
            (
                Environment::custom(&demo.base_url).map_err(CommandError::internal)?,
                ApiToken::new(demo.token),
            )
        }
        name => {
            let environment = match name {
                "prodeu" => Environment::ProdEu,
                "staging" => Environment::Staging,
                "custom" => Environment::custom(&prefs.custom_url).map_err(|_| {
                    CommandError::invalid_input(
                        "The custom address is not valid. Check it under “Advanced”.",
                    )
                })?,
                _ => Environment::Prod,
            };
            let (key, _) = state.api_key().ok_or_else(|| {
                CommandError::new(
                    "no_api_key",
                    "No API key is set for this environment. Paste your key under “Connect”, or try the demo.",
                    "",
                )
            })?;
            (environment, ApiToken::new(key))
        }
    };
    SovFixerClient::new(ClientConfig::new(environment, token)).map_err(engine_error)
}

/// The engine's error, in the window's `{code, message, detail}` shape.
pub fn engine_error(error: UpdateError) -> CommandError {
    CommandError::new(error.code(), error.message(), error.detail())
}

#[derive(Debug, Serialize)]
pub struct ConnectionCheck {
    pub ok: bool,
    pub format_count: usize,
}

#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>) -> CommandResult<ConnectionCheck> {
    let client = client_for(&state).await?;
    let formats = client
        .list_output_formats(None)
        .await
        .map_err(engine_error)?;
    Ok(ConnectionCheck {
        ok: true,
        format_count: formats.len(),
    })
}

#[tauri::command]
pub async fn list_output_formats(
    state: State<'_, AppState>,
    sov_id: Option<String>,
) -> CommandResult<Vec<OutputFormat>> {
    let client = client_for(&state).await?;
    let sov_id = sov_id
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty());
    client
        .list_output_formats(sov_id.as_deref())
        .await
        .map_err(engine_error)
}

#[derive(Debug, Serialize)]
pub struct DemoStarted {
    pub sov_id: String,
    /// Sample corrections files for the demo SOV, so a newcomer has something to send.
    pub sample_files: Vec<std::path::PathBuf>,
    pub sovs: Vec<DemoSovView>,
    pub settings: super::settings::SettingsView,
}

#[derive(Debug, Serialize)]
pub struct DemoSovView {
    pub id: String,
    pub description: String,
}

#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> CommandResult<DemoStarted> {
    let demo = state.demo.ensure_started().await.map_err(|error| {
        CommandError::new(
            "internal",
            "The demo server could not start on this computer. Close other copies of SOV Updater and try again.",
            error.to_string(),
        )
    })?;
    state
        .update_prefs(|prefs| prefs.environment = "demo".into())
        .map_err(|error| CommandError::file("Your settings could not be saved.", error))?;
    let sovs: Vec<DemoSovView> = demo
        .sovs
        .into_iter()
        .map(|sov| DemoSovView {
            id: sov.id,
            description: sov.description,
        })
        .collect();
    let sample_files = crate::demo::write_sample_files(&state.config_dir.join("demo-samples"))
        .map_err(|error| {
            CommandError::file(
                "The demo's sample files could not be written to your settings folder.",
                error,
            )
        })?;
    Ok(DemoStarted {
        sample_files,
        sov_id: sovs.first().map(|s| s.id.clone()).unwrap_or_default(),
        sovs,
        settings: super::settings::settings_view(&state),
    })
}

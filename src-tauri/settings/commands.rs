//! Thin commands over the settings store; the file write runs on the blocking pool.

use tauri::State;

use super::Settings;
use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings> {
    Ok(state.settings.get())
}

#[tauri::command]
pub async fn settings_set(state: State<'_, AppState>, settings: Settings) -> Result<Settings> {
    state.settings.save(settings).await
}

/// The provider presets (base URL, default model, whether a key is needed), from Rust's one list.
#[tauri::command]
pub async fn settings_providers() -> Result<Vec<super::provider::Preset>> {
    Ok(super::provider::PRESETS.to_vec())
}

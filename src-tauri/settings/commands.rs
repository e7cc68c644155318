//! Thin commands over the settings store; the file write runs on the blocking pool.

use tauri::{AppHandle, Runtime, State};

use super::Settings;
use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings> {
    Ok(state.settings.get())
}

/// Saves the settings; the tray's language and the global shortcut follow at once.
#[tauri::command]
pub async fn settings_set<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings> {
    let before = state.settings.get();
    let saved = state.settings.save(settings).await?;
    crate::tray::lifecycle::settings_changed(&app, &before, &saved);
    state.reminder.settings_changed();
    Ok(saved)
}

/// The provider presets (base URL, default model, whether a key is needed), from Rust's one list.
#[tauri::command]
pub async fn settings_providers() -> Result<Vec<super::provider::Preset>> {
    Ok(super::provider::PRESETS.to_vec())
}

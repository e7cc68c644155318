//! Thin commands over `interpret`.

use tauri::State;

use super::CheckOk;
use crate::error::Result;
use crate::state::AppState;

/// Checks the saved endpoint, model and key with a one-token request.
#[tauri::command]
pub async fn settings_test(state: State<'_, AppState>) -> Result<CheckOk> {
    let endpoint = super::endpoint_from(&state.settings.get(), &state.secrets).await?;
    super::check_endpoint(&endpoint).await
}

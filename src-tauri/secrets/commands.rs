//! Thin commands over the key service. They answer only a status: no command returns a key.
//! Keychain calls block on D-Bus (or the OS), so they run on the blocking pool.

use tauri::State;

use super::{KeyStatus, Secrets};
use crate::error::Result;
use crate::state::AppState;

async fn blocking<T: Send + 'static>(
    secrets: &Secrets,
    f: impl FnOnce(Secrets) -> Result<T> + Send + 'static,
) -> Result<T> {
    let s = secrets.clone();
    tokio::task::spawn_blocking(move || f(s)).await?
}

#[tauri::command]
pub async fn secrets_set_api_key(
    state: State<'_, AppState>,
    provider: String,
    key: String,
    session_only: Option<bool>,
) -> Result<KeyStatus> {
    let session_only = session_only.unwrap_or(false);
    blocking(&state.secrets, move |s| {
        s.set(&provider, &key, session_only)
    })
    .await
}

#[tauri::command]
pub async fn secrets_delete_api_key(
    state: State<'_, AppState>,
    provider: String,
) -> Result<KeyStatus> {
    blocking(&state.secrets, move |s| s.delete(&provider)).await
}

#[tauri::command]
pub async fn secrets_status(state: State<'_, AppState>, provider: String) -> Result<KeyStatus> {
    blocking(&state.secrets, move |s| s.status(&provider)).await
}

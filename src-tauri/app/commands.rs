//! Thin commands over `app`.

use tauri::State;

use super::{AppInfo, Notice};
use crate::error::Result;
use crate::state::AppState;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo> {
    Ok(super::info(&state))
}

#[tauri::command]
pub async fn app_notices(state: State<'_, AppState>) -> Result<Vec<Notice>> {
    Ok(super::take_notices(&state))
}

#[tauri::command]
pub async fn app_ready() -> Result<()> {
    super::ready();
    Ok(())
}

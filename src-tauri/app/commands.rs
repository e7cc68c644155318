//! Thin commands over `app`.

use tauri::{AppHandle, Runtime, State};

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

/// The diary window has painted its list.
#[tauri::command]
pub async fn app_painted() -> Result<()> {
    super::painted();
    Ok(())
}

/// The diary window has booted and takes input: start-up work that can wait starts now.
#[tauri::command]
pub async fn app_ready<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    super::ready();
    crate::tray::lifecycle::after_first_paint(&app);
    Ok(())
}

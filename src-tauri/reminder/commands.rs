//! Thin command for the reminder: Settings' "Show it now", to see what it looks like (and that
//! this desktop shows notifications at all).

use tauri::{AppHandle, Runtime};

use crate::error::Result;

#[tauri::command]
pub async fn reminder_preview<R: Runtime>(app: AppHandle<R>) -> Result<()> {
    tokio::task::spawn_blocking(move || super::notify::show(&app)).await?
}

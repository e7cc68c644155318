//! Thin commands for the tray's windows: how the diary window closes, opening it from the quick
//! window, and the global shortcut's status for the settings view.

use tauri::{AppHandle, Manager, Runtime, State};

use super::shortcut::Shortcut;
use super::{close_plan, main_window, menu, ClosePlan};
use crate::error::{Error, Result};
use crate::events::ShortcutStatus;
use crate::state::AppState;

/// What closing the diary window should do: hide to a tray that exists (explaining once) or quit.
#[tauri::command]
pub async fn tray_close_plan(state: State<'_, AppState>) -> Result<ClosePlan> {
    let seen = state.settings.get().close_notice_seen;
    let visible = tokio::task::spawn_blocking(menu::tray_visible).await?;
    Ok(close_plan(visible, seen))
}

/// Hides the diary window to the tray (the notice has been seen), or quits. The page saved first.
#[tauri::command]
pub async fn tray_close_main<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    quit: bool,
) -> Result<()> {
    if quit {
        app.exit(0);
        return Ok(());
    }
    let mut settings = state.settings.get();
    if !settings.close_notice_seen {
        settings.close_notice_seen = true;
        // Not being able to remember the notice must not stop the window from closing.
        if let Err(e) = state.settings.save(settings).await {
            log::warn!("close notice not remembered: {}", e.kind());
        }
    }
    if let Some(w) = app.get_webview_window(main_window::MAIN) {
        w.hide()
            .map_err(|e| Error::Internal(format!("hide: {e}")))?;
    }
    Ok(())
}

/// Brings the diary window up, at a view (`settings`) or an entry.
#[tauri::command]
pub async fn tray_open_main<R: Runtime>(
    app: AppHandle<R>,
    view: Option<String>,
    entry_id: Option<i64>,
) -> Result<()> {
    main_window::open_main(&app, view, entry_id)
        .map_err(|e| Error::Internal(format!("open diary: {e}")))
}

/// How registering the global shortcut went (then `tray:shortcut` tells each change).
#[tauri::command]
pub async fn tray_shortcut_status(shortcut: State<'_, Shortcut>) -> Result<ShortcutStatus> {
    Ok(shortcut.status())
}

//! The quick window: created on first use and kept (hidden) afterwards, so its draft survives;
//! shown from the tray, the global shortcut and the reminder.

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

use super::menu::language;
use super::{toggle, Lang, Toggle};
use crate::state::AppState;

pub const QUICK: &str = "quick";

/// The quick window, created on first use and kept (hidden) afterwards, so its draft survives.
pub fn quick_window<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    if let Some(w) = app.get_webview_window(QUICK) {
        return Ok(w);
    }
    let lang = app
        .try_state::<AppState>()
        .map(|s| language(&s.settings.get()))
        .unwrap_or(Lang::En);
    WebviewWindowBuilder::new(app, QUICK, WebviewUrl::App("quick.html".into()))
        .title(super::quick_title(lang))
        .inner_size(520.0, 620.0)
        .min_inner_size(380.0, 420.0)
        .always_on_top(true)
        .skip_taskbar(true)
        .center()
        .visible(false)
        .build()
}

pub fn show_quick<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let w = quick_window(app)?;
    w.show()?;
    w.unminimize()?;
    w.set_focus()
}

/// The global shortcut's action: up if it is not in front, away if it is.
pub fn toggle_quick<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let w = quick_window(app)?;
    match toggle(w.is_visible()?, w.is_focused()?) {
        Toggle::Show => show_quick(app),
        Toggle::Hide => w.hide(),
    }
}

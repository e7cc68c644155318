//! The diary window as the tray and the quick window reach it: shown, sent to an entry or a view,
//! asked to save and quit. Its events go only to it.

use tauri::{AppHandle, Emitter, EventTarget, Manager, Runtime};

use crate::events;

pub const MAIN: &str = "main";

pub fn show_main<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if let Some(w) = app.get_webview_window(MAIN) {
        w.show()?;
        w.unminimize()?;
        w.set_focus()?;
    }
    Ok(())
}

pub(super) fn emit_main<R: Runtime, S: serde::Serialize + Clone>(
    app: &AppHandle<R>,
    event: &str,
    payload: S,
) -> tauri::Result<()> {
    app.emit_to(EventTarget::webview_window(MAIN), event, payload)
}

/// Asks the diary window to save what is being typed and quit; quits anyway after a few seconds
/// if the page does not answer (a hung page must not keep the app alive).
pub fn request_quit<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    emit_main(app, events::APP_QUIT_REQUESTED, ())?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        log::warn!("the diary window did not confirm the quit; quitting");
        app.exit(0);
    });
    Ok(())
}

/// Opens the diary at `view` (`diary`/`settings`) or at an entry; from the quick window.
pub fn open_main<R: Runtime>(
    app: &AppHandle<R>,
    view: Option<String>,
    entry_id: Option<i64>,
) -> tauri::Result<()> {
    show_main(app)?;
    if let Some(entry_id) = entry_id {
        emit_main(
            app,
            events::APP_OPEN_ENTRY,
            events::EntryChanged { entry_id },
        )?;
    } else if let Some(view) = view {
        emit_main(app, events::APP_SHOW_VIEW, events::ShowView { view })?;
    }
    Ok(())
}

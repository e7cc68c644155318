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

/// Whether the diary window has been shown since the app started (once, see `show_on_first_load`).
static SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The diary window starts hidden (`tauri.conf.json`) and is shown once its page has started
/// loading. Shown earlier, its first paint came while the web process was still starting, and
/// WebKitGTK's UI thread then waited for that process's first drawing update, giving up after
/// 500 ms: about every other start took half a second longer (docs/development.md, session 12).
pub fn show_on_first_load<R: Runtime>(window: &tauri::Window<R>) {
    if window.label() == MAIN {
        show_once(window.app_handle());
    }
}

/// Shows the diary window after `after` if its page has not started by then: a page that never
/// loads must still leave a window on screen, not a process with nothing to close.
pub fn show_anyway_after<R: Runtime>(app: &AppHandle<R>, after: std::time::Duration) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(after).await;
        if !SHOWN.load(std::sync::atomic::Ordering::Relaxed) {
            log::warn!("the diary page had not started after {after:?}; showing its window");
        }
        show_once(&app);
    });
}

fn show_once<R: Runtime>(app: &AppHandle<R>) {
    if !SHOWN.swap(true, std::sync::atomic::Ordering::Relaxed) {
        if let Some(w) = app.get_webview_window(MAIN) {
            if let Err(e) = w.show() {
                log::error!("could not show the diary window: {e}");
            }
        }
    }
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

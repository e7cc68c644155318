//! When the tray's parts come and change: the shortcut's state at start, the icon and the shortcut
//! after the diary window's first paint, and both following the settings.

use tauri::{AppHandle, Manager, Runtime};

use super::menu::{create_tray, language, relabel_tray};
use super::shortcut::{self, Shortcut};
use crate::settings::Settings;
use crate::state::AppState;

/// What the tray needs once the app state exists. The icon and the shortcut come after the diary
/// window has painted (`after_first_paint`): made here, the tray cost ~90 ms and the X11 key grab
/// ~0.5 s of the first paint (measured).
pub fn setup<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let settings = app.state::<AppState>().settings.get();
    app.manage(Shortcut::new(&settings.shortcut));
    Ok(())
}

/// Creates the tray icon and registers the saved shortcut in the background, once, after the diary
/// window has painted and its modules have booted (`app_ready`; since the backend paints the list
/// first, `app_painted` comes earlier and starts nothing).
pub fn after_first_paint<R: Runtime>(app: &AppHandle<R>) {
    let (Some(state), Some(keys)) = (app.try_state::<AppState>(), app.try_state::<Shortcut>())
    else {
        return;
    };
    if !keys.begin() {
        return;
    }
    let settings = state.settings.get();
    let accelerator = settings.shortcut.clone();
    let tray_app = app.clone();
    // GTK wants the tray made on the main thread.
    let made = app.run_on_main_thread(move || {
        if let Err(e) = create_tray(&tray_app, language(&settings)) {
            // No tray on this desktop: the diary and the shortcut still work.
            log::warn!("no tray icon: {e}");
        }
    });
    if let Err(e) = made {
        log::warn!("no tray icon: {e}");
    }
    let app = app.clone();
    std::thread::spawn(move || shortcut::apply(&app, &accelerator));
}

/// After the settings were saved: the menu's language and the shortcut follow them.
pub fn settings_changed<R: Runtime>(app: &AppHandle<R>, before: &Settings, after: &Settings) {
    if before.language != after.language {
        if let Err(e) = relabel_tray(app, language(after)) {
            log::warn!("tray menu not relabelled: {e}");
        }
    }
    if before.shortcut != after.shortcut {
        shortcut::apply(app, &after.shortcut);
    }
}

//! The tray icon and its translated menu, and what each item does.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use super::main_window::{emit_main, open_main, request_quit, show_main};
use super::quick::show_quick;
use super::{menu_language, Action, Lang};
use crate::events;
use crate::settings::Settings;

const TRAY_ID: &str = "haemong";

/// The language the tray speaks, from the settings and the system.
pub fn language(settings: &Settings) -> Lang {
    menu_language(settings.language, sys_locale::get_locale().as_deref())
}

/// Carries out a tray menu action.
pub fn perform<R: Runtime>(app: &AppHandle<R>, action: Action) -> tauri::Result<()> {
    match action {
        Action::QuickInterpret => show_quick(app),
        Action::OpenDiary => show_main(app),
        Action::NewDream => {
            show_main(app)?;
            emit_main(app, events::APP_NEW_ENTRY, ())
        }
        Action::About => open_main(app, Some("about".into()), None),
        Action::Lock => {
            let state = app.state::<crate::state::AppState>();
            if !crate::vault::status(&state.db).passphrase {
                // Nothing to lock with yet: to where a passphrase is set.
                return open_main(app, Some("privacy".into()), None);
            }
            // The window saves what is being typed and locks; if it cannot (gone, stuck), the
            // diary is locked from here a moment later all the same.
            let asked = emit_main(app, events::APP_LOCK_REQUESTED, ()).is_ok();
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if asked {
                    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                }
                let state = app.state::<crate::state::AppState>();
                if !state.db.is_locked() {
                    if let Err(e) = crate::vault::commands::lock_now(&app, &state).await {
                        log::error!("tray lock: {}", e.kind());
                    }
                }
            });
            Ok(())
        }
        Action::Quit => request_quit(app),
    }
}

fn menu<R: Runtime>(app: &AppHandle<R>, lang: Lang) -> tauri::Result<Menu<R>> {
    let item = |a: Action| MenuItem::with_id(app, a.id(), a.label(lang), true, None::<&str>);
    Menu::with_items(
        app,
        &[
            &item(Action::QuickInterpret)?,
            &item(Action::OpenDiary)?,
            &item(Action::NewDream)?,
            &PredefinedMenuItem::separator(app)?,
            &item(Action::About)?,
            &item(Action::Lock)?,
            &item(Action::Quit)?,
        ],
    )
}

/// The tray icon with its translated menu.
pub fn create_tray<R: Runtime>(app: &AppHandle<R>, lang: Lang) -> tauri::Result<()> {
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Haemong")
        .menu(&menu(app, lang)?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| {
            if let Some(action) = Action::from_id(event.id().as_ref()) {
                if let Err(e) = perform(app, action) {
                    log::error!("tray action {}: {e}", action.id());
                }
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Relabels the menu after the language setting changed.
pub fn relabel_tray<R: Runtime>(app: &AppHandle<R>, lang: Lang) -> tauri::Result<()> {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        tray.set_menu(Some(menu(app, lang)?))?;
    }
    Ok(())
}

/// Whether a tray icon can be seen: on Linux only when a StatusNotifier host runs (KDE, most
/// desktops; GNOME only with an extension).
pub fn tray_visible() -> bool {
    #[cfg(target_os = "linux")]
    {
        let owned = || -> zbus::Result<bool> {
            let conn = zbus::blocking::Connection::session()?;
            let proxy = zbus::blocking::fdo::DBusProxy::new(&conn)?;
            proxy
                .name_has_owner("org.kde.StatusNotifierWatcher".try_into()?)
                .map_err(Into::into)
        };
        owned().unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

//! The Tauri side of the tray: the icon and its menu, the quick window (created once, then shown and
//! hidden), the main window's show/quit paths, and the global shortcut. The decisions are in
//! `tray/mod.rs`; this file only carries them out.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{
    AppHandle, Emitter, EventTarget, Manager, Runtime, WebviewUrl, WebviewWindow,
    WebviewWindowBuilder,
};

use super::{menu_language, toggle, Action, Lang, ShortcutStatus, Toggle};
use crate::events;
use crate::settings::Settings;
use crate::state::AppState;

pub const MAIN: &str = "main";
pub const QUICK: &str = "quick";
const TRAY_ID: &str = "haemong";

/// The language the tray speaks, from the settings and the system.
pub fn language(settings: &Settings) -> Lang {
    menu_language(settings.language, sys_locale::get_locale().as_deref())
}

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

pub fn show_main<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if let Some(w) = app.get_webview_window(MAIN) {
        w.show()?;
        w.unminimize()?;
        w.set_focus()?;
    }
    Ok(())
}

fn emit_main<R: Runtime, S: serde::Serialize + Clone>(
    app: &AppHandle<R>,
    event: &str,
    payload: S,
) -> tauri::Result<()> {
    app.emit_to(EventTarget::webview_window(MAIN), event, payload)
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
        Action::Quit => request_quit(app),
    }
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

/// Registers `accelerator` as the quick window's global shortcut, replacing the previous one, and
/// remembers how that went for the settings view.
pub fn apply_shortcut<R: Runtime>(app: &AppHandle<R>, accelerator: &str) -> ShortcutStatus {
    use tauri_plugin_global_shortcut::{GlobalShortcut, Shortcut, ShortcutState};

    // The plugin is only installed where shortcuts can work (see `lib.rs`).
    let plugin = app.try_state::<GlobalShortcut<R>>();
    let status = match (plugin, accelerator.parse::<Shortcut>()) {
        (None, _) => ShortcutStatus::new("unsupported", accelerator),
        (Some(_), Err(_)) => ShortcutStatus::new("invalid", accelerator),
        (Some(gs), Ok(shortcut)) => {
            let _ = gs.unregister_all();
            let registered = gs.on_shortcut(shortcut, |app, _, event| {
                if event.state == ShortcutState::Pressed {
                    if let Err(e) = toggle_quick(app) {
                        log::error!("quick window: {e}");
                    }
                }
            });
            match registered {
                Ok(()) => ShortcutStatus::new("active", accelerator),
                Err(e) => {
                    log::warn!("shortcut {accelerator} not registered: {e}");
                    ShortcutStatus::new("taken", accelerator)
                }
            }
        }
    };
    set_shortcut_status(app, status.clone());
    status
}

/// What the tray needs once the app state exists. The icon and the shortcut come after the diary
/// window has painted (`shortcut_after_start`): made here, the tray cost ~90 ms and the X11 key
/// grab ~0.5 s of the first paint (measured).
pub fn setup<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let settings = app.state::<AppState>().settings.get();
    set_shortcut_status(app, ShortcutStatus::new("pending", &settings.shortcut));
    Ok(())
}

/// Creates the tray icon and registers the saved shortcut in the background, once, after the diary
/// window has painted.
pub fn shortcut_after_start<R: Runtime>(app: &AppHandle<R>) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    if state
        .shortcut_started
        .swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        return;
    }
    let settings = state.settings.get();
    let shortcut = settings.shortcut.clone();
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
    std::thread::spawn(move || apply_shortcut(&app, &shortcut));
}

fn set_shortcut_status<R: Runtime>(app: &AppHandle<R>, status: ShortcutStatus) {
    if let Some(state) = app.try_state::<AppState>() {
        if let Ok(mut s) = state.shortcut.lock() {
            *s = status;
        }
    }
}

/// After the settings were saved: the menu's language and the shortcut follow them.
pub fn settings_changed<R: Runtime>(app: &AppHandle<R>, before: &Settings, after: &Settings) {
    if before.language != after.language {
        if let Err(e) = relabel_tray(app, language(after)) {
            log::warn!("tray menu not relabelled: {e}");
        }
    }
    if before.shortcut != after.shortcut {
        apply_shortcut(app, &after.shortcut);
    }
}

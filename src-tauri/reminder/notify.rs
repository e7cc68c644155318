//! Puts the reminder up as a system notification. On Linux it goes to the notification server
//! through notify-rust with the freedesktop `default` action, and a click opens the quick window
//! ready to type; tauri-plugin-notification's desktop side drops the handle a click arrives on
//! (plugins-workspace#2150), so on macOS and Windows the plugin shows it and a click does what
//! the system does with it (brings the app up).

use tauri::{AppHandle, Manager, Runtime};

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::tray::Lang;

/// The notification's title and text in `lang`.
pub fn text(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Ko => (
            "간밤의 꿈을 적어 두세요",
            "잊기 전에 눌러서 빠른 해몽 창에 적어 보세요.",
        ),
        Lang::En => (
            "Write down last night's dream",
            "Before it fades: click to write it in the quick window.",
        ),
    }
}

/// Shows the reminder now. Blocking (it talks to the notification server): call it off the UI
/// thread.
pub fn show<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let lang = app
        .try_state::<AppState>()
        .map(|s| crate::tray::menu::language(&s.settings.get()))
        .unwrap_or(Lang::En);
    let (title, body) = text(lang);
    show_on_this_system(app, title, body)
}

/// The reminder on screen (its id at the notification server), while a thread waits for its click.
#[cfg(target_os = "linux")]
static ON_SCREEN: std::sync::Mutex<Option<u32>> = std::sync::Mutex::new(None);

#[cfg(target_os = "linux")]
fn show_on_this_system<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) -> Result<()> {
    let on_screen = || ON_SCREEN.lock().unwrap_or_else(|p| p.into_inner());
    let mut n = notify_rust::Notification::new();
    n.appname("Haemong")
        .summary(title)
        .body(body)
        .icon("haemong")
        .action("default", title)
        .hint(notify_rust::Hint::DesktopEntry("haemong".into()));
    // One still up (days in a tray, a desktop that keeps them) is replaced, not joined by
    // another: one notification, one waiting thread, however long the app runs.
    if let Some(id) = *on_screen() {
        n.id(id);
    }
    let handle = n
        .show()
        .map_err(|e| Error::Internal(format!("the notification server: {e}")))?;
    let id = handle.id();
    if on_screen().replace(id) == Some(id) {
        return Ok(()); // the thread waiting for that id hears this one's click too
    }
    let app = app.clone();
    std::thread::spawn(move || {
        handle.wait_for_action(|action| {
            if action == "default" {
                if let Err(e) = crate::tray::quick::show_quick(&app) {
                    log::error!("quick window from the reminder: {e}");
                }
            }
        });
        let mut shown = on_screen();
        if *shown == Some(id) {
            *shown = None;
        }
    });
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn show_on_this_system<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) -> Result<()> {
    use tauri_plugin_notification::NotificationExt;
    app.notification()
        .builder()
        .title(title)
        .body(body)
        .show()
        .map_err(|e| Error::Internal(format!("notification: {e}")))
}

/// Starts the reminder's loop for the app's lifetime (`Scheduler::run` on the local wall clock).
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let (scheduler, settings) = (state.reminder.clone(), state.settings.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(scheduler.run(
        settings,
        || chrono::Local::now().naive_local(),
        move || {
            let app = app.clone();
            tauri::async_runtime::spawn_blocking(move || {
                if let Err(e) = show(&app) {
                    log::warn!("the morning reminder could not be shown: {e}");
                }
            });
        },
    ));
}

//! Haemong's app: wires the Tauri-free cores (diary, settings) to the window through thin commands.

pub mod app;
pub mod cli;
pub mod data;
pub mod db;
pub mod diary;
pub mod error;
pub mod events;
pub mod fsutil;
pub mod interpret;
pub mod reminder;
pub mod secrets;
pub mod settings;
pub mod state;
pub mod symbols;
pub mod tray;
pub mod vault;

use tauri::{Manager, Runtime};

pub use error::{Error, Result};
pub use state::{AppState, Paths};

/// Every command the webview may call, for any runtime (the real one or `tauri::test`'s mock).
pub fn invoke_handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app::commands::app_info,
        app::commands::app_notices,
        app::commands::app_painted,
        app::commands::app_ready,
        diary::commands::diary_create,
        diary::commands::diary_update,
        diary::commands::diary_delete,
        diary::commands::diary_get,
        diary::commands::diary_list,
        diary::commands::diary_search,
        diary::commands::diary_tags,
        diary::commands::diary_insights,
        symbols::commands::symbols_find,
        symbols::commands::symbols_get,
        diary::commands::diary_file_quick,
        secrets::commands::secrets_set_api_key,
        secrets::commands::secrets_delete_api_key,
        secrets::commands::secrets_status,
        settings::commands::settings_get,
        settings::commands::settings_set,
        settings::commands::settings_providers,
        interpret::commands::settings_test,
        interpret::commands::settings_models,
        interpret::commands::interpret_start,
        interpret::commands::interpret_follow_up,
        interpret::commands::interpret_stop,
        interpret::commands::interpret_take,
        interpret::commands::interpret_history,
        interpret::commands::interpret_adhoc_list,
        interpret::commands::interpret_delete,
        interpret::commands::interpret_get,
        tray::commands::tray_close_plan,
        tray::commands::tray_close_main,
        tray::commands::tray_open_main,
        tray::commands::tray_shortcut_status,
        reminder::commands::reminder_preview,
        data::commands::data_export_json,
        data::commands::data_export_markdown,
        data::commands::data_import,
        data::commands::data_backups,
        data::commands::data_backup_now,
        data::commands::data_restore,
        data::commands::data_cancel,
        vault::commands::vault_status,
        vault::commands::vault_set_passphrase,
        vault::commands::vault_remove_passphrase,
        vault::commands::vault_lock,
        vault::commands::vault_unlock,
    ]
}

/// The app's builder without its context, so tests can build it on the mock runtime.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .setup(|app| {
            app::mark("setup");
            let path = app.path();
            let paths = Paths::new(&path.app_data_dir()?, &path.app_config_dir()?);
            app.manage(AppState::init(paths));
            app::mark("state");
            tray::main_window::show_anyway_after(app.handle(), std::time::Duration::from_secs(3));
            tray::lifecycle::setup(app.handle())?;
            reminder::notify::start(app.handle());
            watch_other_writers(app.handle());
            back_up_daily(app.handle());
            Ok(())
        })
        // A window that reloads or goes away stops the streams it started: nobody would read
        // the rest, and the provider stops generating (and billing) at once.
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                app::mark("page-started");
                tray::main_window::show_on_first_load(&webview.window());
                stop_streams_of(webview.app_handle(), webview.label());
            } else {
                app::mark("page-finished");
            }
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Destroyed = event {
                stop_streams_of(window.app_handle(), window.label());
            }
        })
        .invoke_handler(invoke_handler())
}

fn stop_streams_of<R: Runtime>(app: &tauri::AppHandle<R>, label: &str) {
    if let Some(state) = app.try_state::<AppState>() {
        state.mailbox.clear(label);
        let n = state.interpreter.stop_owned_by(label);
        if n > 0 {
            log::info!("window {label} went away; stopped {n} interpretation(s)");
        }
    }
}

/// Runs when the app is about to exit, however that was asked (the tray's Quit, the diary
/// window, Ctrl+Q, SIGTERM at logout): every running interpretation is stopped and what arrived is
/// saved as `stopped` before the process ends.
pub fn on_exit<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(state) = app.try_state::<AppState>() {
        let all_saved = tauri::async_runtime::block_on(
            state
                .interpreter
                .shutdown(std::time::Duration::from_secs(3)),
        );
        if !all_saved {
            log::warn!("an interpretation could not be saved before exit");
        }
    }
}

/// The automatic backup: a first look a minute after start (off the start's path), then every
/// ten minutes (so turning it on, or the day turning, is acted on soon);
/// one is taken when the day has none and the diary changed since the newest (`backup::due`).
fn back_up_daily<R: Runtime>(app: &tauri::AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(crate::app::FIRST_BACKUP_AFTER).await;
        loop {
            let state = app.state::<AppState>();
            let settings = state.settings.get();
            if settings.auto_backup {
                match state
                    .data
                    .backup_if_due(&state.db, settings.backup_keep())
                    .await
                {
                    Ok(Some(w)) => log::info!("backup taken: {} entries", w.entries),
                    Ok(None) | Err(Error::Locked) => {}
                    Err(e) => log::warn!("automatic backup failed: {}", e.kind()),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        }
    });
}

/// Tells every window when another process (`haemong add`, `haemong import`) changed the diary,
/// so the list shows it without a restart.
fn watch_other_writers<R: Runtime>(app: &tauri::AppHandle<R>) {
    let db = app.state::<AppState>().db.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // The first look takes the count as the app starts, before the window lists anything, so
        // a change made while the window was still loading is caught too.
        let mut seen = None;
        loop {
            match db.others_changed_since(&mut seen).await {
                Ok(true) => {
                    let changed = events::EntryChanged { entry_id: 0 };
                    if let Err(e) = tauri::Emitter::emit(&app, events::DIARY_CHANGED, changed) {
                        log::warn!("diary change not sent: {e}");
                    }
                }
                Ok(false) => {}
                Err(Error::Locked) => {}
                Err(e) => log::warn!("diary watch: {}", e.kind()),
            }
            tokio::time::sleep(crate::app::WATCH_EVERY).await;
        }
    });
}

pub fn run() {
    app::mark("main");
    // First: a second launch hands over to the running app and exits before it opens the diary.
    let mut b = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Err(e) = tray::main_window::show_main(app) {
                log::error!("could not show the diary window: {e}");
            }
        }))
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(
            tauri_plugin_window_state::Builder::default()
                // Where and how big, never whether: the quick window starts hidden.
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::all()
                        - tauri_plugin_window_state::StateFlags::VISIBLE,
                )
                .build(),
        );
    // The reminder's notification where the plugin shows it (see `reminder::notify`).
    #[cfg(not(target_os = "linux"))]
    {
        b = b.plugin(tauri_plugin_notification::init());
    }
    if tray::shortcuts_supported(|k| std::env::var(k).ok()) {
        b = b.plugin(tauri_plugin_global_shortcut::Builder::new().build());
    }
    let mut ctx = tauri::generate_context!("tauri.conf.json");
    app::serve::FirstPaintAssets::wrap(&mut ctx);
    let app = builder(b).build(ctx).expect("error while building Haemong");
    app::mark("built");
    exit_on_signals(app.handle());
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            on_exit(app);
        }
    });
}

/// SIGTERM (the session ending, `kill`), SIGINT (Ctrl+C in a terminal) and SIGHUP quit the way
/// the tray's Quit does, so a streaming interpretation is saved instead of lost.
fn exit_on_signals<R: Runtime>(app: &tauri::AppHandle<R>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
                signal(SignalKind::hangup()),
            ) else {
                log::warn!("signal handlers not installed");
                return;
            };
            let mut asked = false;
            loop {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                    _ = hup.recv() => {}
                }
                if asked {
                    // Asked twice: the orderly exit is stuck; do not make the user reach for -9.
                    std::process::exit(1);
                }
                asked = true;
                app.exit(0);
            }
        });
    }
    #[cfg(not(unix))]
    let _ = app;
}

//! The quick window's global shortcut: its own managed state (how registering it went), registered
//! once after the first paint and again when the setting changes, and every change told to the
//! windows as `tray:shortcut`, so the settings view never has to poll.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::quick::toggle_quick;
use crate::events::{ShortcutState, ShortcutStatus, SHORTCUT_STATUS};

/// Managed beside `AppState`: the shortcut's status, and whether the start-up registration began.
pub struct Shortcut {
    status: Mutex<ShortcutStatus>,
    started: AtomicBool,
}

impl Shortcut {
    pub fn new(accelerator: &str) -> Shortcut {
        Shortcut {
            status: Mutex::new(ShortcutStatus::new(ShortcutState::Pending, accelerator)),
            started: AtomicBool::new(false),
        }
    }

    pub fn status(&self) -> ShortcutStatus {
        self.status
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// `true` the first time only: the start-up registration runs once per app.
    pub fn begin(&self) -> bool {
        !self.started.swap(true, Ordering::SeqCst)
    }

    fn set(&self, status: ShortcutStatus) {
        match self.status.lock() {
            Ok(mut s) => *s = status,
            Err(p) => *p.into_inner() = status,
        }
    }
}

/// Registers `accelerator` as the quick window's global shortcut, replacing the previous one, and
/// tells the windows how that went.
pub fn apply<R: Runtime>(app: &AppHandle<R>, accelerator: &str) -> ShortcutStatus {
    use tauri_plugin_global_shortcut::{GlobalShortcut, Shortcut as Keys, ShortcutState as Key};

    // The plugin is only installed where shortcuts can work (see `lib.rs`).
    let plugin = app.try_state::<GlobalShortcut<R>>();
    let status = match (plugin, accelerator.parse::<Keys>()) {
        (None, _) => ShortcutStatus::new(ShortcutState::Unsupported, accelerator),
        (Some(_), Err(_)) => ShortcutStatus::new(ShortcutState::Invalid, accelerator),
        (Some(gs), Ok(keys)) => {
            let _ = gs.unregister_all();
            let registered = gs.on_shortcut(keys, |app, _, event| {
                if event.state == Key::Pressed {
                    if let Err(e) = toggle_quick(app) {
                        log::error!("quick window: {e}");
                    }
                }
            });
            match registered {
                Ok(()) => ShortcutStatus::new(ShortcutState::Active, accelerator),
                Err(e) => {
                    log::warn!("shortcut {accelerator} not registered: {e}");
                    ShortcutStatus::new(ShortcutState::Taken, accelerator)
                }
            }
        }
    };
    set_status(app, status.clone());
    status
}

/// Remembers `status` and tells every window.
pub fn set_status<R: Runtime>(app: &AppHandle<R>, status: ShortcutStatus) {
    if let Some(s) = app.try_state::<Shortcut>() {
        s.set(status.clone());
    }
    if let Err(e) = app.emit(SHORTCUT_STATUS, status) {
        log::warn!("shortcut status not sent: {e}");
    }
}

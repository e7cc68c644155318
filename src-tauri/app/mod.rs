//! App-wide facts the UI shows: version and data folder (so a user can back up the diary), the
//! notices that start-up left for the user, and the diary window's page with its first paint in it
//! (`first_paint`, served by `serve`).

pub mod commands;
pub mod first_paint;
pub mod serve;

use serde::Serialize;

use crate::state::AppState;

/// Something the user must be told once; the UI translates it by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Notice {
    /// The diary file could not be read; it was moved here and a fresh diary started.
    DiaryRecovered {
        moved_to: String,
    },
    /// The diary could not be opened at all; this session keeps entries in memory only.
    DiaryUnavailable {
        path: String,
        reason: String,
    },
    /// The diary is encrypted and this keychain has no key for it: the file is left untouched
    /// and this session keeps entries in memory only.
    DiaryKeyMissing {
        path: String,
    },
    /// No keychain could keep a key, so the diary stays unencrypted for now.
    DiaryNotEncrypted {
        reason: String,
    },
    /// The plain diary from an earlier version was encrypted at this start.
    DiaryEncrypted,
    /// Encrypting the plain diary failed; it is as it was, and is tried again at the next start.
    EncryptionFailed {
        reason: String,
    },
    SettingsRecovered {
        moved_to: String,
    },
    SettingsUnavailable {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub data_dir: String,
    pub diary_file: String,
    /// The quick window's shortcut when the user has not chosen one (settings' "Default").
    pub default_shortcut: &'static str,
}

pub fn info(state: &AppState) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: state.paths.data_dir.display().to_string(),
        diary_file: state.paths.diary_file.display().to_string(),
        default_shortcut: crate::settings::DEFAULT_SHORTCUT,
    }
}

/// Hands the pending notices over once: a reload of the window does not repeat them.
pub fn take_notices(state: &AppState) -> Vec<Notice> {
    state
        .notices
        .lock()
        .map(|mut n| std::mem::take(&mut *n))
        .unwrap_or_default()
}

/// The window has painted the diary's list (`ui/js/first-paint.js`, before the modules load, or
/// the modules themselves when the backend did not fill the page). `make bench` sets
/// `HAEMONG_BENCH_READY` and measures cold start up to this line (`ready`, as the empty window's).
pub fn painted() {
    mark("ready");
}

/// Every control of the window works (the modules have booted); `make bench` reports this too.
pub fn ready() {
    mark("working");
}

/// A point on the way to the first paint, for `make bench` and `tests/bench/start-phases.mjs`
/// (which timestamp each line as it arrives): silent unless `HAEMONG_BENCH_READY` is set.
pub fn mark(what: &str) {
    if std::env::var_os("HAEMONG_BENCH_READY").is_some() {
        eprintln!("haemong: {what}");
    }
}

/// How often the app looks whether another process (the command line) wrote to the diary.
pub const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(1500);
/// The automatic backup's first look, well after the window is up.
pub const FIRST_BACKUP_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

//! The one managed state: every service the commands reach, built without tauri so tests can
//! build it around a temporary folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::app::Notice;
use crate::db::Database;
use crate::interpret::Interpreter;
use crate::secrets::Secrets;
use crate::settings::SettingsStore;

pub struct AppState {
    pub db: Database,
    pub settings: Arc<SettingsStore>,
    pub secrets: Secrets,
    pub interpreter: Interpreter,
    /// `interpret:*` events waiting for their window (see `interpret::mailbox`).
    pub mailbox: Arc<crate::interpret::mailbox::Mailbox>,
    pub paths: Paths,
    /// The morning reminder's loop (woken when the settings change).
    pub reminder: Arc<crate::reminder::Scheduler>,
    /// Settings → Data's one job at a time (export, import, backup, restore).
    pub data: crate::data::service::DataJobs,
    /// Things the user must be told once the window is up (a diary moved aside, …).
    pub notices: Mutex<Vec<Notice>>,
}

#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
    pub config_dir: PathBuf,
    pub diary_file: PathBuf,
    pub settings_file: PathBuf,
}

impl Paths {
    pub fn new(data_dir: &Path, config_dir: &Path) -> Paths {
        Paths {
            data_dir: data_dir.to_path_buf(),
            config_dir: config_dir.to_path_buf(),
            diary_file: data_dir.join("diary.sqlite3"),
            settings_file: config_dir.join("settings.json"),
        }
    }
}

impl AppState {
    /// Opens every service. Never fails: whatever cannot be opened is replaced by something that
    /// works and the reason waits in `notices`, because a diary app that does not start loses the
    /// user's morning.
    pub fn init(paths: Paths) -> AppState {
        Self::with_secrets(paths, Secrets::os_keychain())
    }

    /// `init` with another key store (tests that must not touch the user's keychain).
    pub fn with_secrets(paths: Paths, secrets: Secrets) -> AppState {
        let opened = crate::vault::open_diary(&paths.diary_file, &secrets);
        let mut notices = opened.notices;
        let db = opened.db;
        let settings = match SettingsStore::load(&paths.settings_file) {
            Ok(loaded) => {
                if let Some(p) = loaded.moved_aside {
                    notices.push(Notice::SettingsRecovered {
                        moved_to: p.display().to_string(),
                    });
                }
                loaded.store
            }
            Err(e) => {
                log::error!("settings could not be read: {e}");
                notices.push(Notice::SettingsUnavailable {
                    reason: e.to_string(),
                });
                SettingsStore::in_memory(&paths.settings_file)
            }
        };
        let interpreter = Interpreter::new(db.clone()).expect("the HTTP client builds with rustls");
        AppState {
            db,
            interpreter,
            mailbox: Arc::default(),
            reminder: Arc::default(),
            settings: Arc::new(settings),
            secrets,
            paths,
            notices: Mutex::new(notices),
            data: Default::default(),
        }
    }
}

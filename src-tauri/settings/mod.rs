//! The user's preferences as a typed struct with defaults in one place, kept in a JSON file that is
//! written atomically and survives being corrupted (moved aside, defaults loaded, user told).

pub mod commands;
pub mod provider;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use provider::{
    is_local_address, is_local_ip, normalize_base_url, require_local, require_secure,
    AnswerLanguage, AuthHeader, Provider, Style,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    System,
    Ko,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// The longest custom system prompt kept; longer is refused with a message.
pub const MAX_PROMPT_CHARS: usize = 20_000;
pub const MAX_TIMEOUT_SECS: u32 = 3600;
/// The largest answer size a user may allow (1 MB of text is a short book).
pub const MAX_ANSWER_KB: u32 = 1024;
/// The smallest and largest budget for a follow-up request (characters).
pub const MIN_THREAD_BUDGET: u32 = 2_000;
pub const MAX_THREAD_BUDGET: u32 = 2_000_000;
pub const MAX_BACKUP_DAILY: u32 = 60;
pub const MAX_BACKUP_WEEKLY: u32 = 104;
/// The longest idle time before the diary locks itself (a day), in minutes.
pub const MAX_AUTOLOCK_MINUTES: u32 = 1440;
pub const DEFAULT_REMINDER_TIME: &str = "07:30";
pub const DEFAULT_SHORTCUT: &str = "CommandOrControl+Shift+Space";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
    pub provider: Provider,
    pub base_url: String,
    pub model: String,
    pub style: Style,
    pub custom_prompt: String,
    pub answer_language: AnswerLanguage,
    /// The quick window's global shortcut, in Tauri's accelerator syntax.
    pub shortcut: String,
    /// Seconds to wait for the server's first byte and between chunks; 0 = the provider's default
    /// (120 s for servers on this computer, 60 s otherwise).
    pub timeout_secs: u32,
    /// An answer longer than this many KB of text is cut there; 0 = the default (64 KB).
    pub max_answer_kb: u32,
    /// The one-time "Haemong keeps running in the tray" notice was shown.
    pub close_notice_seen: bool,
    /// How a custom provider wants the key (Azure's preset always sends `api-key`).
    pub auth_header: AuthHeader,
    /// The user confirmed sending the key and dreams over plain http to a remote address.
    pub allow_insecure_http: bool,
    /// The morning reminder ("Write down last night's dream"), off unless turned on.
    pub reminder_enabled: bool,
    /// Its time of day, local, `HH:MM`.
    pub reminder_time: String,
    /// A follow-up request is kept within this many characters by leaving out the thread's oldest
    /// turns (never the dream); 0 = the default (24,000).
    pub thread_budget_chars: u32,
    /// A verified copy of the diary each day it changed, into `backups/` beside it.
    pub auto_backup: bool,
    /// Local-only mode: interpretations only from servers on this computer or its network.
    pub local_only: bool,
    /// Daily backups kept (the newest days), and weekly ones kept beyond them.
    pub backup_daily: u32,
    pub backup_weekly: u32,
    /// With a passphrase set, the diary locks after this many idle minutes; 0 = never.
    pub autolock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let preset = Provider::default().preset();
        Settings {
            language: Language::default(),
            theme: Theme::default(),
            provider: preset.provider,
            base_url: preset.base_url.to_string(),
            model: preset.default_model.to_string(),
            style: Style::default(),
            custom_prompt: String::new(),
            answer_language: AnswerLanguage::default(),
            shortcut: DEFAULT_SHORTCUT.to_string(),
            timeout_secs: 0,
            max_answer_kb: 0,
            close_notice_seen: false,
            auth_header: AuthHeader::default(),
            allow_insecure_http: false,
            thread_budget_chars: 0,
            reminder_enabled: false,
            reminder_time: DEFAULT_REMINDER_TIME.to_string(),
            auto_backup: true,
            local_only: false,
            backup_daily: 7,
            backup_weekly: 8,
            autolock_minutes: 15,
        }
    }
}

impl Settings {
    /// How many backups stay.
    pub fn backup_keep(&self) -> crate::data::backup::Keep {
        crate::data::backup::Keep {
            daily: self.backup_daily,
            weekly: self.backup_weekly,
        }
    }

    /// What gets saved: the base URL normalised, text trimmed, sizes checked.
    pub fn validated(mut self) -> Result<Settings> {
        self.base_url = normalize_base_url(&self.base_url)?;
        self.model = self.model.trim().to_string();
        if self.model.chars().count() > 200 {
            return Err(Error::InvalidInput("the model name is too long".into()));
        }
        let chars = self.custom_prompt.chars().count();
        if chars > MAX_PROMPT_CHARS {
            return Err(Error::TooLong {
                chars,
                limit: MAX_PROMPT_CHARS,
            });
        }
        if self.timeout_secs > MAX_TIMEOUT_SECS {
            return Err(Error::InvalidInput(format!(
                "the time-out is at most {MAX_TIMEOUT_SECS} seconds"
            )));
        }
        if self.max_answer_kb > MAX_ANSWER_KB {
            return Err(Error::InvalidInput(format!(
                "the longest answer is at most {MAX_ANSWER_KB} KB"
            )));
        }
        if self.thread_budget_chars != 0
            && !(MIN_THREAD_BUDGET..=MAX_THREAD_BUDGET).contains(&self.thread_budget_chars)
        {
            return Err(Error::InvalidInput(format!(
                "the conversation budget is {MIN_THREAD_BUDGET} to {MAX_THREAD_BUDGET} characters"
            )));
        }
        self.reminder_time = match self.reminder_time.trim() {
            "" => DEFAULT_REMINDER_TIME.to_string(),
            t => crate::reminder::parse_time(t)?.format("%H:%M").to_string(),
        };
        if !(1..=MAX_BACKUP_DAILY).contains(&self.backup_daily)
            || self.backup_weekly > MAX_BACKUP_WEEKLY
        {
            return Err(Error::InvalidInput(format!(
                "backups kept: 1 to {MAX_BACKUP_DAILY} daily, 0 to {MAX_BACKUP_WEEKLY} weekly"
            )));
        }
        if self.autolock_minutes > MAX_AUTOLOCK_MINUTES {
            return Err(Error::InvalidInput(format!(
                "the diary locks after at most {MAX_AUTOLOCK_MINUTES} minutes"
            )));
        }
        self.shortcut = self.shortcut.trim().to_string();
        if self.shortcut.is_empty() {
            self.shortcut = DEFAULT_SHORTCUT.to_string();
        }
        Ok(self)
    }
}

/// The settings file and the current values.
#[derive(Debug)]
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
    /// One save at a time, from checking to the file to memory: two saves at once (the reminder
    /// and the theme, say) must not leave the file and memory disagreeing.
    writing: Mutex<()>,
}

/// What loading found.
#[derive(Debug)]
pub struct Loaded {
    pub store: SettingsStore,
    /// Set when the file was unreadable and was moved here; defaults were loaded instead.
    pub moved_aside: Option<PathBuf>,
}

impl SettingsStore {
    pub fn load(path: &Path) -> Result<Loaded> {
        let (settings, moved_aside) = match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice::<Settings>(&bytes) {
                Ok(s) => (s, None),
                Err(_) => (Settings::default(), Some(crate::fsutil::move_aside(path)?)),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), None),
            Err(e) => return Err(e.into()),
        };
        Ok(Loaded {
            store: SettingsStore {
                path: path.to_path_buf(),
                current: Mutex::new(settings),
                writing: Mutex::new(()),
            },
            moved_aside,
        })
    }

    /// Defaults that are saved to `path` on the first change; used when the file cannot be read.
    pub fn in_memory(path: &Path) -> SettingsStore {
        SettingsStore {
            path: path.to_path_buf(),
            current: Mutex::new(Settings::default()),
            writing: Mutex::new(()),
        }
    }

    pub fn get(&self) -> Settings {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// `set` on the blocking pool: the fsync never stalls an async worker.
    pub async fn save(self: &Arc<Self>, new: Settings) -> Result<Settings> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.set(new)).await?
    }

    /// Saves atomically: a crash leaves either the old file or the new one, never half of one.
    pub fn set(&self, new: Settings) -> Result<Settings> {
        // Held on the blocking pool only (`save`), never across an `.await`.
        let _one_at_a_time = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        let new = new.validated()?;
        // Checked when the address (or the permission) changes, so settings saved before this
        // rule existed can still be saved (language, theme, closing to the tray); an interpretation
        // to such an address is refused all the same (`interpret::endpoint_for`).
        let before = self.get();
        let moved = before.base_url != new.base_url || before.provider != new.provider;
        if moved || before.allow_insecure_http != new.allow_insecure_http {
            require_secure(&new.base_url, new.allow_insecure_http)?;
        }
        let json = serde_json::to_vec_pretty(&new).map_err(|e| Error::Settings(e.to_string()))?;
        crate::fsutil::write_atomic(&self.path, &json)?;
        *self
            .current
            .lock()
            .map_err(|_| Error::Internal("settings lock poisoned".into()))? = new.clone();
        Ok(new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn missing_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let l = SettingsStore::load(&dir.path().join("settings.json")).unwrap();
        assert_eq!(l.store.get(), Settings::default());
        assert!(l.moved_aside.is_none(), "nothing to move aside");
    }

    #[test]
    fn saves_at_once_leave_the_file_and_memory_agreeing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        let store = Arc::new(SettingsStore::load(&p).unwrap().store);
        let threads: Vec<_> = (0..8u32)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for j in 0..25u32 {
                        let s = Settings {
                            timeout_secs: i * 100 + j,
                            ..Settings::default()
                        };
                        store.set(s).unwrap();
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        let on_disk = SettingsStore::load(&p).unwrap();
        assert!(on_disk.moved_aside.is_none(), "the file is whole");
        assert_eq!(
            on_disk.store.get(),
            store.get(),
            "the last save in memory is the one on disk"
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn the_conversation_budget_is_zero_or_within_its_range() {
        let with = |n| Settings {
            thread_budget_chars: n,
            ..Settings::default()
        };
        assert!(with(0).validated().is_ok(), "0 means the default");
        assert!(with(MIN_THREAD_BUDGET).validated().is_ok());
        assert!(with(MAX_THREAD_BUDGET).validated().is_ok());
        for bad in [1, MIN_THREAD_BUDGET - 1, MAX_THREAD_BUDGET + 1] {
            assert!(
                matches!(with(bad).validated(), Err(Error::InvalidInput(_))),
                "{bad} is refused"
            );
        }
    }

    #[test]
    fn round_trip_survives_reload() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        let s = Settings {
            language: Language::Ko,
            theme: Theme::Dark,
            provider: Provider::Ollama,
            base_url: "http://localhost:11434/v1".into(),
            model: "qwen2.5".into(),
            style: Style::Custom,
            custom_prompt: "꿈을 시로 풀어 주세요.".into(),
            answer_language: AnswerLanguage::Ko,
            shortcut: "Alt+D".into(),
            timeout_secs: 90,
            max_answer_kb: 128,
            close_notice_seen: true,
            auth_header: AuthHeader::ApiKey,
            allow_insecure_http: true,
            thread_budget_chars: 8_000,
            reminder_enabled: true,
            reminder_time: "06:45".into(),
            auto_backup: false,
            local_only: true,
            backup_daily: 3,
            backup_weekly: 0,
            autolock_minutes: 5,
        };
        SettingsStore::load(&p)
            .unwrap()
            .store
            .set(s.clone())
            .unwrap();
        assert_eq!(SettingsStore::load(&p).unwrap().store.get(), s);
    }

    #[test]
    fn corrupt_files_are_moved_aside_and_defaults_load() {
        for bad in [
            &b""[..],
            b"{\"language\": \"k",
            b"not json",
            b"{\"language\": 3}",
            b"\xff\xfe",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("settings.json");
            std::fs::write(&p, bad).unwrap();
            let l = SettingsStore::load(&p).unwrap();
            assert_eq!(l.store.get(), Settings::default(), "defaults for {bad:?}");
            let aside = l.moved_aside.expect("bad file moved aside");
            assert_eq!(
                std::fs::read(&aside).unwrap(),
                bad,
                "moved file keeps its bytes"
            );
            assert!(
                !p.exists(),
                "the bad file no longer sits at the settings path"
            );
        }
    }

    #[test]
    fn saving_normalises_and_refuses_bad_values_without_changing_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        let store = SettingsStore::load(&p).unwrap().store;
        let saved = store
            .set(Settings {
                base_url: "localhost:11434/".into(),
                model: "  llama3.1 ".into(),
                ..Settings::default()
            })
            .unwrap();
        assert_eq!(saved.base_url, "http://localhost:11434/v1");
        assert_eq!(saved.model, "llama3.1");
        let before = std::fs::read(&p).unwrap();
        let bad = Settings {
            base_url: "ftp://nope".into(),
            ..Settings::default()
        };
        assert_eq!(store.set(bad).unwrap_err().kind(), ErrorKind::InvalidUrl);
        let long = Settings {
            custom_prompt: "꿈".repeat(MAX_PROMPT_CHARS + 1),
            ..Settings::default()
        };
        assert_eq!(store.set(long).unwrap_err().kind(), ErrorKind::TooLong);
        let clear = Settings {
            provider: Provider::Custom,
            base_url: "http://dreams.example.com/v1".into(),
            ..Settings::default()
        };
        assert_eq!(
            store.set(clear.clone()).unwrap_err().kind(),
            ErrorKind::InsecureUrl,
            "plain http to a remote server needs the user's explicit yes"
        );
        assert_eq!(
            std::fs::read(&p).unwrap(),
            before,
            "a refused save leaves the file alone"
        );
        assert_eq!(store.get(), saved, "and the current settings too");
        let allowed = store
            .set(Settings {
                allow_insecure_http: true,
                ..clear
            })
            .unwrap();
        assert_eq!(allowed.base_url, "http://dreams.example.com/v1");
    }

    #[test]
    fn defaults_are_the_openai_preset_and_the_traditional_style() {
        let d = Settings::default();
        assert_eq!(d.provider, Provider::OpenAI);
        assert_eq!(d.base_url, "https://api.openai.com/v1");
        assert_eq!(d.style, Style::Traditional);
        assert_eq!(d.shortcut, DEFAULT_SHORTCUT);
    }

    #[test]
    fn unknown_fields_and_missing_fields_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        std::fs::write(&p, br#"{"theme":"light","future":1}"#).unwrap();
        let l = SettingsStore::load(&p).unwrap();
        assert_eq!(l.store.get().theme, Theme::Light);
        assert_eq!(
            l.store.get().language,
            Language::System,
            "missing field takes its default"
        );
        assert!(l.moved_aside.is_none());
    }
}

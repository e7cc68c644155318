//! The user's preferences as a typed struct with defaults in one place, kept in a JSON file that is
//! written atomically and survives being corrupted (moved aside, defaults loaded, user told).

pub mod commands;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
}

/// The settings file and the current values.
#[derive(Debug)]
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
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
            },
            moved_aside,
        })
    }

    /// Defaults that are saved to `path` on the first change; used when the file cannot be read.
    pub fn in_memory(path: &Path) -> SettingsStore {
        SettingsStore {
            path: path.to_path_buf(),
            current: Mutex::new(Settings::default()),
        }
    }

    pub fn get(&self) -> Settings {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// `set` on the blocking pool: the fsync never stalls an async worker.
    pub async fn save(self: &Arc<Self>, new: Settings) -> Result<Settings> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.set(new))
            .await
            .map_err(|e| Error::Internal(format!("settings task failed: {e}")))?
    }

    /// Saves atomically: a crash leaves either the old file or the new one, never half of one.
    pub fn set(&self, new: Settings) -> Result<Settings> {
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

    #[test]
    fn missing_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let l = SettingsStore::load(&dir.path().join("settings.json")).unwrap();
        assert_eq!(l.store.get(), Settings::default());
        assert!(l.moved_aside.is_none(), "nothing to move aside");
    }

    #[test]
    fn round_trip_survives_reload() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.json");
        let s = Settings {
            language: Language::Ko,
            theme: Theme::Dark,
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

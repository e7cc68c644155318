//! The diary's key and the start that depends on it: the key lives in the OS keychain (under an
//! account named after the diary's file), is made on the first start that can keep one, and a
//! plain diary (and its backups) is encrypted then. Without the key an encrypted diary is never
//! touched, and never replaced by an empty one. No tauri here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::Notice;
use crate::db::cipher::{self, FileState};
use crate::db::{Database, Key};
use crate::error::{Error, Result};
use crate::secrets::Secrets;

/// The keychain account of the diary at `diary` (one diary per data folder).
pub fn account_for(diary: &Path) -> String {
    format!("diary-key:{}", diary.display())
}

/// What the keychain holds for the diary.
enum Lookup {
    Found(Key),
    Absent,
    /// No keychain (or a value that is not a key): nothing can be kept there, and nothing there
    /// is overwritten.
    Unusable(String),
}

fn lookup(secrets: &Secrets, account: &str) -> Lookup {
    match secrets.diary_key(account) {
        Ok(Some(hex)) => match Key::from_hex(&hex) {
            Some(k) => Lookup::Found(k),
            None => Lookup::Unusable("the keychain's diary key is not a key".into()),
        },
        Ok(None) => Lookup::Absent,
        Err(e) => Lookup::Unusable(e.to_string()),
    }
}

/// What the start opened, and what the user must be told about it.
#[derive(Debug)]
pub struct Opened {
    pub db: Database,
    pub notices: Vec<Notice>,
}

/// Opens the diary at `path` for the app. Never fails: a diary that cannot be opened leaves an
/// in-memory one for this session and a notice saying why, with the file untouched.
pub fn open_diary(path: &Path, secrets: &Secrets) -> Opened {
    match open_strict(path, secrets) {
        Ok(opened) => opened,
        Err(e) => {
            log::error!("diary could not be opened: {}", e.kind());
            let notice = match e {
                Error::DiaryKeyMissing => Notice::DiaryKeyMissing {
                    path: path.display().to_string(),
                },
                e => Notice::DiaryUnavailable {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                },
            };
            Opened {
                db: Database::open_in_memory().expect("an in-memory SQLite database always opens"),
                notices: vec![notice],
            }
        }
    }
}

/// Opens the diary at `path`, encrypting a plain one first when a key can be kept; for the
/// command line, which says what went wrong instead of opening something else.
pub fn open_strict(path: &Path, secrets: &Secrets) -> Result<Opened> {
    let account = account_for(path);
    let mut notices = Vec::new();
    let found = lookup(secrets, &account);
    let known = match &found {
        Lookup::Found(k) => Some(k),
        _ => None,
    };
    // Before anything looks at the file: an interrupted conversion is finished or undone.
    cipher::recover(path, known)?;
    let state = cipher::state_of(path)?;
    let key = match (found, state) {
        (Lookup::Found(k), _) => Some(k),
        (_, FileState::Encrypted) => return Err(Error::DiaryKeyMissing),
        (Lookup::Absent, _) => match create_key(secrets, &account, path) {
            Ok(k) => Some(k),
            Err(e) => {
                notices.push(Notice::DiaryNotEncrypted {
                    reason: e.to_string(),
                });
                None
            }
        },
        (Lookup::Unusable(reason), _) => {
            notices.push(Notice::DiaryNotEncrypted { reason });
            None
        }
    };
    let mut use_key = key.clone();
    if let (Some(k), FileState::Plain) = (&key, state) {
        match cipher::encrypt_file(path, k) {
            Ok(()) => {
                log::info!("the diary is now encrypted");
                notices.push(Notice::DiaryEncrypted);
            }
            Err(e) => {
                log::warn!("the diary could not be encrypted: {}", e.kind());
                notices.push(Notice::EncryptionFailed {
                    reason: e.to_string(),
                });
                use_key = None;
            }
        }
    }
    if let Some(k) = &key {
        encrypt_backups(path, k);
    }
    let opened = Database::open_keyed(path, use_key)?;
    if let Some(p) = opened.moved_aside {
        notices.push(Notice::DiaryRecovered {
            moved_to: p.display().to_string(),
        });
    }
    Ok(Opened {
        db: opened.db,
        notices,
    })
}

/// The plain backups (taken before this version) encrypted like the diary, and what interrupted
/// conversions left among them tidied. A backup that cannot be converted now stays as it is and
/// is tried again at the next start.
fn encrypt_backups(diary: &Path, key: &Key) {
    let dir = crate::data::backup::folder_of(diary);
    for base in cipher::interrupted_in(&dir) {
        if let Err(e) = cipher::recover(&base, Some(key)) {
            log::warn!(
                "an interrupted backup conversion was not tidied: {}",
                e.kind()
            );
        }
    }
    let Ok(items) = std::fs::read_dir(&dir) else {
        return;
    };
    for item in items.filter_map(|i| i.ok()) {
        let p = item.path();
        if p.extension().and_then(|e| e.to_str()) != Some("sqlite3") {
            continue;
        }
        if cipher::state_of(&p).ok() == Some(FileState::Plain) {
            match cipher::encrypt_file(&p, key) {
                Ok(()) => log::info!("a plain backup was encrypted"),
                Err(e) => log::warn!("a plain backup was not encrypted: {}", e.kind()),
            }
        }
    }
}

/// A new key, stored in the keychain and read back from it (so it is known to be kept) before
/// any file is encrypted with it. Made under a lock file beside the diary, so the app and the
/// command line starting together agree on one key.
fn create_key(secrets: &Secrets, account: &str, diary: &Path) -> Result<Key> {
    let _lock = KeyLock::take(&diary.with_extension("keylock"))?;
    if let Lookup::Found(k) = lookup(secrets, account) {
        return Ok(k);
    }
    let key = Key::random()?;
    secrets.set_diary_key(account, &key.to_hex())?;
    match secrets.diary_key(account)? {
        Some(hex) if Key::from_hex(&hex).as_ref() == Some(&key) => Ok(key),
        _ => Err(Error::KeychainUnavailable(
            "the keychain did not keep the diary's key".into(),
        )),
    }
}

/// A lock file held while a key is made; one left by a crash is taken over after a while.
struct KeyLock(PathBuf);

impl KeyLock {
    fn take(path: &Path) -> Result<KeyLock> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        for _ in 0..100 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => return Ok(KeyLock(path.to_path_buf())),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let stale = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > Duration::from_secs(30));
                    if stale {
                        let _ = std::fs::remove_file(path);
                    } else {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Internal(
            "another program is making the diary's key".into(),
        ))
    }
}

impl Drop for KeyLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{SecretStore, SessionStore};
    use std::sync::Arc;

    /// A keychain that is not there (no Secret Service).
    struct NoKeychain;
    impl SecretStore for NoKeychain {
        fn get(&self, _: &str) -> Result<Option<String>> {
            Err(Error::KeychainUnavailable("no Secret Service".into()))
        }
        fn set(&self, _: &str, _: &str) -> Result<()> {
            Err(Error::KeychainUnavailable("no Secret Service".into()))
        }
        fn delete(&self, _: &str) -> Result<()> {
            Ok(())
        }
    }

    fn add(db: &Database, text: &str) {
        db.call_blocking(|c| {
            crate::db::entries::create(
                c,
                &crate::diary::EntryInput {
                    body: text.into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    }

    fn count(db: &Database) -> i64 {
        db.call_blocking(|c| Ok(c.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?))
            .unwrap()
    }

    #[test]
    fn a_new_diary_is_encrypted_with_a_key_kept_in_the_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let store = Arc::new(SessionStore::default());
        let secrets = Secrets::new(store.clone());
        let opened = open_strict(&path, &secrets).unwrap();
        assert!(opened.notices.is_empty(), "{:?}", opened.notices);
        assert!(opened.db.is_encrypted());
        add(&opened.db, "a dream");
        drop(opened);
        assert_eq!(cipher::state_of(&path).unwrap(), FileState::Encrypted);
        let hex = store.get(&account_for(&path)).unwrap().expect("a key kept");
        assert!(Key::from_hex(&hex).is_some(), "64 hex digits");
        assert!(!path.with_extension("keylock").exists(), "the lock is gone");
        let again = open_strict(&path, &secrets).unwrap();
        assert_eq!(count(&again.db), 1, "reopened with the same key");
    }

    #[test]
    fn without_its_key_an_encrypted_diary_is_left_untouched_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let opened = open_strict(&path, &Secrets::new(Arc::new(SessionStore::default()))).unwrap();
        add(&opened.db, "a dream");
        drop(opened);
        let before = std::fs::read(&path).unwrap();
        let empty_keychain = Secrets::new(Arc::new(SessionStore::default()));
        let err = open_strict(&path, &empty_keychain).unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::DiaryKeyMissing);
        let app = open_diary(&path, &empty_keychain);
        assert!(
            matches!(app.notices.as_slice(), [Notice::DiaryKeyMissing { .. }]),
            "{:?}",
            app.notices
        );
        assert!(app.db.path().is_none(), "the app goes on in memory");
        let err = open_strict(&path, &Secrets::new(Arc::new(NoKeychain))).unwrap_err();
        assert_eq!(
            err.kind(),
            crate::error::ErrorKind::DiaryKeyMissing,
            "no keychain at all"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the file byte for byte"
        );
        let siblings: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("diary.sqlite3"))
            .collect();
        assert!(siblings.is_empty(), "nothing made beside it: {siblings:?}");
    }

    #[test]
    fn without_a_keychain_the_diary_stays_plain_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let opened = open_strict(&path, &Secrets::new(Arc::new(NoKeychain))).unwrap();
        assert!(
            matches!(
                opened.notices.as_slice(),
                [Notice::DiaryNotEncrypted { .. }]
            ),
            "{:?}",
            opened.notices
        );
        assert!(!opened.db.is_encrypted());
        add(&opened.db, "plain for now");
        drop(opened);
        // The keychain comes back: the plain diary is encrypted, its backups too.
        let backups = crate::data::backup::folder_of(&path);
        let b = backups.join("diary-2026-11-29.sqlite3");
        crate::data::backup::copy_verified(&path, &b, None, &crate::data::Progress::none())
            .unwrap();
        assert_eq!(cipher::state_of(&b).unwrap(), FileState::Plain);
        let store = Arc::new(SessionStore::default());
        let opened = open_strict(&path, &Secrets::new(store)).unwrap();
        assert!(
            matches!(opened.notices.as_slice(), [Notice::DiaryEncrypted]),
            "{:?}",
            opened.notices
        );
        assert_eq!(count(&opened.db), 1);
        assert_eq!(cipher::state_of(&path).unwrap(), FileState::Encrypted);
        assert_eq!(
            cipher::state_of(&b).unwrap(),
            FileState::Encrypted,
            "the backup too"
        );
        assert_eq!(
            crate::data::backup::verify(&b, opened.db.key()).unwrap(),
            1,
            "and it still verifies"
        );
    }
}

//! The diary's key and the start that depends on it: the key lives in the OS keychain (under an
//! account named after the diary's file), is made on the first start that can keep one, and a
//! plain diary (and its backups) is encrypted then. Without the key an encrypted diary is never
//! touched, and never replaced by an empty one. With a passphrase (`passphrase`) the key is also
//! kept wrapped by it, the diary starts locked and can be locked again. No tauri here.

pub mod commands;
pub mod passphrase;

use std::path::Path;

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
    // One Haemong process at a time from the first look at the file to the end of opening it.
    let mut start = start_lock(path)?;
    let _held = start.write()?;
    // With a passphrase the diary starts locked: no keychain is asked, nothing is opened.
    if passphrase::is_set(path) {
        cipher::recover(path, None)?;
        if cipher::state_of(path)? == FileState::Encrypted {
            return Ok(Opened {
                db: Database::closed(path),
                notices: Vec::new(),
            });
        }
        // A wrapped key beside a diary that is not encrypted: setting a passphrase on a plain
        // diary stopped before the conversion (`encrypt_with_passphrase`). It opens nothing.
        log::warn!("a wrapped key for a conversion that did not happen is set aside");
        passphrase::set_aside(path)?;
    }
    let account = account_for(path);
    let mut notices = Vec::new();
    let found = lookup(secrets, &account);
    let known = match &found {
        Lookup::Found(k) => Some(k),
        _ => None,
    };
    // Before anything looks at the file: an interrupted conversion is finished or undone (what
    // cannot be tidied now waits for the next start; the diary still opens).
    if let Err(e) = cipher::recover(path, known) {
        log::warn!("an interrupted encryption was not tidied: {}", e.kind());
    }
    let state = cipher::state_of(path)?;
    let key = match (found, state) {
        (Lookup::Found(k), _) => Some(k),
        (_, FileState::Encrypted) => return Err(Error::DiaryKeyMissing),
        (Lookup::Absent, _) => match create_key(secrets, &account) {
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

pub use crate::events::VaultStatus as Status;

pub fn status(db: &Database) -> Status {
    let locked = db.is_locked();
    Status {
        encrypted: locked || db.is_encrypted(),
        passphrase: db.path().is_some_and(passphrase::is_set),
        locked,
        file: db.path().is_some(),
    }
}

fn diary_of(db: &Database) -> Result<&Path> {
    db.path()
        .ok_or_else(|| Error::Internal("the diary is not a file this session".into()))
}

/// Sets the passphrase, or changes it (`current` must then be the one set). Only the key is
/// wrapped anew: the diary itself is never rewritten.
pub fn set_passphrase(db: &Database, current: Option<&str>, new: &str) -> Result<Status> {
    let diary = diary_of(db)?;
    passphrase::check(new)?;
    let Some(key) = db.key() else {
        return encrypt_with_passphrase(db, diary, new);
    };
    if let Some(w) = passphrase::load(diary)? {
        passphrase::unwrap(&w, current.unwrap_or_default())?;
    }
    passphrase::save(diary, &passphrase::wrap(&key, new)?)?;
    Ok(status(db))
}

/// A plain diary (kept plain because no keychain could keep a key) encrypted under a new key
/// that only the passphrase keeps. The wrapped key is written before the diary depends on it;
/// the diary is closed for the conversion (`encrypt_file` refuses while anything else has it
/// open) and opened again, encrypted, or as it was when the conversion failed (the wrapped key is
/// then removed again).
fn encrypt_with_passphrase(db: &Database, diary: &Path, new: &str) -> Result<Status> {
    let mut start = start_lock(diary)?;
    let _held = start.write()?;
    // Looked at under the lock: a second call that waited for it finds the work done.
    if db.is_locked() {
        return Err(Error::Locked);
    }
    if db.is_encrypted()
        || passphrase::is_set(diary)
        || cipher::state_of(diary)? != FileState::Plain
    {
        return Err(Error::InvalidInput(
            "the diary is already encrypted; give the current passphrase to change it".into(),
        ));
    }
    let key = Key::random()?;
    passphrase::save(diary, &passphrase::wrap(&key, new)?)?;
    db.lock()?;
    match cipher::encrypt_file(diary, &key) {
        Ok(()) => {
            log::info!("the diary is now encrypted under a passphrase");
            let reopened = db.reopen(Some(key.clone()));
            encrypt_backups(diary, &key);
            reopened.map(|()| status(db))
        }
        Err(e) => {
            log::warn!("the diary could not be encrypted: {}", e.kind());
            if let Err(r) = passphrase::remove(diary) {
                log::warn!("the unused wrapped key was not removed: {}", r.kind());
            }
            db.reopen(None)?;
            Err(e)
        }
    }
}

/// Removes the passphrase (the one set must be given). The keychain must hold the key first:
/// it is then its only copy.
pub fn remove_passphrase(db: &Database, secrets: &Secrets, current: &str) -> Result<Status> {
    let diary = diary_of(db)?;
    let w = passphrase::load(diary)?.ok_or(Error::NoPassphrase)?;
    let key = passphrase::unwrap(&w, current)?;
    if db.key().as_ref() != Some(&key) {
        // Never put into the keychain (over its own) a key that does not open this diary.
        return Err(Error::Internal(
            "the passphrase's key is not the open diary's".into(),
        ));
    }
    keep_key(secrets, &account_for(diary), &key)?;
    passphrase::remove(diary)?;
    Ok(status(db))
}

/// Closes the diary and forgets its key; only the passphrase opens it again.
pub fn lock(db: &Database) -> Result<Status> {
    if !passphrase::is_set(diary_of(db)?) {
        return Err(Error::NoPassphrase);
    }
    db.lock()?;
    Ok(status(db))
}

/// Opens the locked diary with the key the passphrase unwraps (`WrongPassphrase` otherwise; there
/// is no lock-out: the file is never at risk from tries).
pub fn unlock(db: &Database, passphrase: &str) -> Result<Status> {
    let diary = diary_of(db)?;
    let w = passphrase::load(diary)?.ok_or(Error::NoPassphrase)?;
    let key = passphrase::unwrap(&w, passphrase)?;
    if db.is_locked() {
        let mut start = start_lock(diary)?;
        let _held = start.write()?;
        // What a conversion under this key left (a plain copy aside, a backup not yet converted)
        // can only be tidied with the key, and a locked start never has it: now it does.
        if let Err(e) = cipher::recover(diary, Some(&key)) {
            log::warn!("an interrupted encryption was not tidied: {}", e.kind());
        }
        db.unlock(key.clone())?;
        encrypt_backups(diary, &key);
    }
    Ok(status(db))
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
/// any file is encrypted with it. Called under the start lock, after the keychain said it has
/// none: no other Haemong process makes one for this diary meanwhile.
fn create_key(secrets: &Secrets, account: &str) -> Result<Key> {
    let key = Key::random()?;
    keep_key(secrets, account, &key)?;
    Ok(key)
}

/// `key` in the keychain under `account`, stored unless it is there already, and read back: the
/// keychain is known to keep it before anything depends on it.
fn keep_key(secrets: &Secrets, account: &str, key: &Key) -> Result<()> {
    let holds = || matches!(secrets.diary_key(account), Ok(Some(hex)) if Key::from_hex(&hex).as_ref() == Some(key));
    if holds() {
        return Ok(());
    }
    secrets.set_diary_key(account, &key.to_hex())?;
    if holds() {
        Ok(())
    } else {
        Err(Error::KeychainUnavailable(
            "the keychain did not keep the diary's key".into(),
        ))
    }
}

/// The OS lock (released when its process ends, however it ends) beside the diary.
fn start_lock(diary: &Path) -> Result<fd_lock::RwLock<std::fs::File>> {
    if let Some(dir) = diary.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut name = diary.file_name().unwrap_or_default().to_os_string();
    name.push(".startlock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(diary.with_file_name(name))?;
    Ok(fd_lock::RwLock::new(file))
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

    fn no_keychain() -> Secrets {
        Secrets::new(Arc::new(NoKeychain))
    }

    /// A plain copy of the plain diary `from`, as a backup of `diary` taken on `day`.
    fn plain_backup(diary: &Path, from: &Path, day: &str) -> std::path::PathBuf {
        let b = crate::data::backup::folder_of(diary).join(format!("diary-{day}.sqlite3"));
        crate::data::backup::copy_verified(from, &b, None, &crate::data::Progress::none()).unwrap();
        b
    }

    fn names_in(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
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
        let err = open_strict(&path, &no_keychain()).unwrap_err();
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
        let siblings: Vec<_> = names_in(dir.path())
            .into_iter()
            .filter(|n| !n.starts_with("diary.sqlite3"))
            .collect();
        assert!(siblings.is_empty(), "nothing made beside it: {siblings:?}");
    }

    #[test]
    fn a_key_that_does_not_open_the_diary_leaves_it_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let store = Arc::new(SessionStore::default());
        let secrets = Secrets::new(store.clone());
        let opened = open_strict(&path, &secrets).unwrap();
        add(&opened.db, "a dream");
        drop(opened);
        assert!(
            !dir.path().join("diary.sqlite3-wal").exists(),
            "the last connection folded the WAL in"
        );
        let before = std::fs::read(&path).unwrap();
        // Another key under the diary's account (a keychain restored from elsewhere, say).
        store
            .set(&account_for(&path), &Key::random().unwrap().to_hex())
            .unwrap();
        let err = open_strict(&path, &secrets).unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::DiaryKeyMissing);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "not moved, not replaced"
        );
        let names: Vec<String> = names_in(dir.path())
            .into_iter()
            .filter(|n| n.contains("broken"))
            .collect();
        assert!(names.is_empty(), "nothing moved aside: {names:?}");
    }

    #[test]
    fn without_a_keychain_the_diary_stays_plain_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let opened = open_strict(&path, &no_keychain()).unwrap();
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
        let b = plain_backup(&path, &path, "2026-11-29");
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
            crate::data::backup::verify(&b, opened.db.key().as_ref()).unwrap(),
            1,
            "and it still verifies"
        );
    }

    #[test]
    fn without_a_keychain_a_passphrase_encrypts_the_diary_and_only_it_opens_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let opened = open_strict(&path, &no_keychain()).unwrap();
        add(&opened.db, "a dream kept before the passphrase");
        let b = plain_backup(&path, &path, "2026-11-29");

        let s = set_passphrase(&opened.db, None, "moonlit tide").unwrap();
        assert!(s.encrypted && s.passphrase && !s.locked, "{s:?}");
        assert_eq!(cipher::state_of(&path).unwrap(), FileState::Encrypted);
        assert_eq!(
            cipher::state_of(&b).unwrap(),
            FileState::Encrypted,
            "the backup too"
        );
        assert_eq!(count(&opened.db), 1, "the diary stays open, encrypted");
        add(&opened.db, "a dream written after");
        assert_eq!(
            remove_passphrase(&opened.db, &no_keychain(), "moonlit tide")
                .unwrap_err()
                .kind(),
            crate::error::ErrorKind::KeychainUnavailable,
            "the passphrase is the key's only keeper: it cannot be removed"
        );
        drop(opened);

        let again = open_strict(&path, &no_keychain()).unwrap();
        assert!(again.db.is_locked(), "the next start is locked");
        assert!(again.notices.is_empty(), "{:?}", again.notices);
        assert_eq!(
            unlock(&again.db, "wrong one").unwrap_err().kind(),
            crate::error::ErrorKind::WrongPassphrase
        );
        unlock(&again.db, "moonlit tide").unwrap();
        assert_eq!(count(&again.db), 2, "both dreams");
        let names = names_in(dir.path());
        assert!(
            !names
                .iter()
                .any(|n| n.contains(".plain") || n.contains(".encrypting")),
            "nothing left aside: {names:?}"
        );
    }

    #[test]
    fn a_failed_encryption_leaves_the_plain_diary_open_and_no_wrapped_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let opened = open_strict(&path, &no_keychain()).unwrap();
        add(&opened.db, "still plain");
        // Another program holds the diary open: the conversion is refused.
        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .execute_batch("BEGIN; SELECT count(*) FROM entries;")
            .unwrap();
        let err = set_passphrase(&opened.db, None, "moonlit tide").unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::DatabaseBusy, "{err}");
        drop(other);
        assert!(
            !passphrase::is_set(&path),
            "no wrapped key for a plain diary"
        );
        assert_eq!(cipher::state_of(&path).unwrap(), FileState::Plain);
        assert_eq!(count(&opened.db), 1, "the diary is open again, as it was");
        add(&opened.db, "and takes new dreams");
    }

    #[test]
    fn a_wrapped_key_beside_a_plain_diary_is_set_aside_and_the_diary_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        add(&open_strict(&path, &no_keychain()).unwrap().db, "plain");
        // The process died after the wrapped key was written, before the conversion.
        let k = Key::random().unwrap();
        passphrase::save(&path, &passphrase::wrap(&k, "half done").unwrap()).unwrap();
        let opened = open_strict(&path, &no_keychain()).unwrap();
        assert!(
            !opened.db.is_locked(),
            "not locked behind a key that opens nothing"
        );
        assert_eq!(count(&opened.db), 1);
        assert!(!passphrase::is_set(&path), "the passphrase is not set");
        assert!(
            names_in(dir.path()).contains(&"diary.sqlite3.keywrap.unused".to_string()),
            "the key is kept aside, not thrown away: {:?}",
            names_in(dir.path())
        );
        set_passphrase(&opened.db, None, "whole now").unwrap();
        assert_eq!(
            cipher::state_of(&path).unwrap(),
            FileState::Encrypted,
            "and can be set again"
        );
    }

    #[test]
    fn unlocking_converts_what_a_locked_start_could_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        let opened = open_strict(&path, &no_keychain()).unwrap();
        add(&opened.db, "kept");
        set_passphrase(&opened.db, None, "late backup").unwrap();
        drop(opened);
        // A plain backup the conversion did not reach (the process died before `encrypt_backups`).
        let other = dir.path().join("other.sqlite3");
        add(
            &open_strict(&other, &no_keychain()).unwrap().db,
            "plain backup",
        );
        let b = plain_backup(&path, &other, "2026-11-28");
        let locked = open_strict(&path, &no_keychain()).unwrap();
        assert!(locked.db.is_locked());
        assert_eq!(
            cipher::state_of(&b).unwrap(),
            FileState::Plain,
            "a locked start has no key"
        );
        unlock(&locked.db, "late backup").unwrap();
        assert_eq!(
            cipher::state_of(&b).unwrap(),
            FileState::Encrypted,
            "converted once the passphrase gave the key"
        );
    }
}

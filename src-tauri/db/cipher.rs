//! The diary at rest is encrypted (SQLCipher, built in with its crypto vendored): this module is
//! all that knows it. The key's shape, keying a connection, telling a plain file from an encrypted
//! one, and turning a plain file into an encrypted one so that a crash at any point still leaves a
//! readable diary. Where the key comes from (the keychain) is the vault's business, not this one's.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub const KEY_BYTES: usize = 32;
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// The page cache, in KiB, of a connection checking a whole encrypted file (`integrity_check`):
/// each page is decrypted as it is read, and the check's index seeks read the same pages again
/// and again, so they stay decrypted while it runs (freed when the connection closes).
pub const CHECK_CACHE_KIB: i64 = 256 * 1024;
/// SQLCipher's page size (its default, and the only one this app writes).
const PAGE: u64 = 4096;

/// A diary key: 256 random bits, used as SQLCipher's raw key (no key derivation at start-up).
/// Wiped from memory when dropped; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Zeroizing<[u8; KEY_BYTES]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    pub fn random() -> Result<Key> {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        getrandom::fill(&mut bytes[..])
            .map_err(|e| Error::Internal(format!("no randomness for a new key: {e}")))?;
        Ok(Key(bytes))
    }

    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Key {
        Key(Zeroizing::new(bytes))
    }

    /// The raw bytes, for wrapping under a passphrase (`vault::passphrase`).
    pub fn bytes(&self) -> &[u8; KEY_BYTES] {
        &self.0
    }

    /// The form kept in the keychain: 64 hex digits.
    pub fn to_hex(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(KEY_BYTES * 2));
        for b in self.0.iter() {
            s.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
            s.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0'));
        }
        s
    }

    pub fn from_hex(hex: &str) -> Option<Key> {
        let hex = hex.trim().as_bytes();
        if hex.len() != KEY_BYTES * 2 {
            return None;
        }
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        for (i, pair) in hex.chunks(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            bytes[i] = (hi * 16 + lo) as u8;
        }
        Some(Key(bytes))
    }

    /// SQLCipher's raw-key literal, `x'…'`.
    fn literal(&self) -> Zeroizing<String> {
        // Built in place, so no reallocation leaves a copy of the key behind.
        let mut s = Zeroizing::new(String::with_capacity(KEY_BYTES * 2 + 3));
        s.push_str("x'");
        s.push_str(&self.to_hex());
        s.push('\'');
        s
    }
}

/// What is at a diary's path, from its first bytes alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No file, or an empty one: a new diary starts here.
    Missing,
    /// An ordinary SQLite file: readable by anyone who copies it.
    Plain,
    /// Not SQLite's header and whole pages: what an encrypted diary looks like (it may also be a
    /// damaged one; only the key can tell).
    Encrypted,
    /// Neither: not a database file of any kind.
    Unknown,
}

pub fn state_of(path: &Path) -> Result<FileState> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => return Err(e.into()),
    };
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(FileState::Missing);
    }
    let mut head = [0u8; 16];
    let n = f.read(&mut head)?;
    Ok(if n == 16 && &head == SQLITE_HEADER {
        FileState::Plain
    } else if len % PAGE == 0 {
        FileState::Encrypted
    } else {
        FileState::Unknown
    })
}

/// Gives `conn` its key; must come before anything else is read or written through it.
pub fn key_connection(conn: &Connection, key: Option<&Key>) -> Result<()> {
    if let Some(key) = key {
        super::cipher_provider::install();
        let mut sql = Zeroizing::new(String::with_capacity(KEY_BYTES * 2 + 24));
        sql.push_str("PRAGMA key = \"");
        sql.push_str(&key.literal());
        sql.push_str("\";");
        conn.execute_batch(&sql)?;
    }
    Ok(())
}

/// Opens `path` with `key` when the file is (or will be) encrypted; a plain file (an old backup
/// not yet converted) is opened as it is.
pub fn open(path: &Path, flags: OpenFlags, key: Option<&Key>) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    let plain = state_of(path)
        .map(|s| s == FileState::Plain)
        .unwrap_or(false);
    key_connection(&conn, if plain { None } else { key })?;
    Ok(conn)
}

/// Whether `key` opens the file at `path` (an encrypted file with another key, or a damaged
/// one, answers false).
pub fn opens_with(path: &Path, key: Option<&Key>) -> bool {
    open(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key)
        .and_then(|c| Ok(c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?))
        .is_ok()
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The encrypted copy being written (`diary.sqlite3.encrypting`).
fn encrypting(path: &Path) -> PathBuf {
    beside(path, ".encrypting")
}

/// The plain file, moved aside until it has been overwritten and removed (`diary.sqlite3.plain`).
fn plain_aside(path: &Path) -> PathBuf {
    beside(path, ".plain")
}

/// The steps of a conversion, in order; a test kills the process at each (debug builds only,
/// `HAEMONG_TEST_KILL_AT`) and checks that the diary is readable afterwards.
pub const STEPS: [&str; 5] = ["exported", "verified", "moved-aside", "swapped", "wiping"];

fn step(name: &str) {
    #[cfg(all(debug_assertions, unix))]
    if std::env::var("HAEMONG_TEST_KILL_AT").as_deref() == Ok(name) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &std::process::id().to_string()])
            .status();
        std::thread::sleep(std::time::Duration::from_secs(10));
    }
    let _ = name;
}

/// Turns the plain SQLite file at `path` into an encrypted one under `key`. An encrypted copy is
/// written beside it (`sqlcipher_export`) and verified (same schema version and entry count,
/// `integrity_check`) before anything else happens; then the plain file gets a second name, the
/// copy is renamed into its place, and the plain file is overwritten and removed. A failure or a
/// crash at any step leaves a readable diary at `path` (plain or encrypted; `recover` tidies up
/// at the next start). Refused with `DatabaseBusy` while another program has the file open, and
/// while a plain copy an earlier conversion left is still aside. The caller holds the start lock
/// (`vault`), so no other Haemong process converts or recovers the same file meanwhile.
pub fn encrypt_file(path: &Path, key: &Key) -> Result<()> {
    let enc = encrypting(path);
    let aside = plain_aside(path);
    if aside.exists() {
        return Err(Error::Internal(
            "a plain copy from an earlier conversion is still aside".into(),
        ));
    }
    remove_if_present(&enc)?;
    let plain = Connection::open(path)?;
    plain.busy_timeout(std::time::Duration::from_millis(200))?;
    // Leaving WAL needs every other connection closed (and folds the WAL in): the proof that no
    // other program is using the file. The exclusive lock then keeps it that way.
    let mode: String =
        plain.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(Error::Database(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("the diary is open in another program".into()),
        )));
    }
    plain.execute_batch("PRAGMA main.locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")?;
    let result = export_from(&plain, &enc, key).and_then(|()| {
        step("exported");
        let (version, entries) = facts(&plain)?;
        verify_copy(&enc, key, version, entries)?;
        std::fs::OpenOptions::new()
            .write(true)
            .open(&enc)?
            .sync_all()?;
        step("verified");
        Ok(())
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&enc);
        return Err(e);
    }
    // Windows renames no file another handle holds open; elsewhere the lock is kept through the
    // swap so no other program can write to the plain file in between.
    #[cfg(not(unix))]
    drop(plain);
    // A second name for the plain file first (a hard link), so the diary's own name always
    // holds a whole diary, plain then encrypted; where links are not possible, a rename.
    if std::fs::hard_link(path, &aside).is_err() {
        std::fs::rename(path, &aside)?;
    }
    step("moved-aside");
    if let Err(e) = std::fs::rename(&enc, path) {
        std::fs::rename(&aside, path)?;
        return Err(e.into());
    }
    // From here the encrypted diary is in place: what is left is tidying, which `recover`
    // finishes at the next start if it fails now.
    if let Err(e) = crate::fsutil::sync_dir(path.parent().unwrap_or(Path::new("."))) {
        log::warn!("the folder was not synced after the swap: {e}");
    }
    step("swapped");
    #[cfg(unix)]
    drop(plain);
    if let Err(e) = wipe(&aside) {
        log::warn!("the plain copy was not wiped yet: {}", e.kind());
    }
    Ok(())
}

/// Writes what `plain` (a plain connection) holds into the new encrypted file `dest`, with its
/// schema version (which `sqlcipher_export` does not carry).
fn export_from(plain: &Connection, dest: &Path, key: &Key) -> Result<()> {
    let (version, _) = facts(plain)?;
    super::cipher_provider::install();
    plain.execute(
        "ATTACH DATABASE ?1 AS enc KEY ?2",
        rusqlite::params![dest.to_string_lossy(), key.literal().as_str()],
    )?;
    let done = (|| -> Result<()> {
        // A new file nobody reads until it is verified and renamed: no journal to leave behind.
        plain.execute_batch("PRAGMA enc.journal_mode = OFF;")?;
        plain.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(()))?;
        plain.execute_batch(&format!("PRAGMA enc.user_version = {version}"))?;
        Ok(())
    })();
    let detached = plain.execute_batch("DETACH DATABASE enc");
    done?;
    Ok(detached?)
}

/// The plain diary at `from` written, encrypted with `key`, into the new file `dest` and verified
/// there (a restore of a backup from before encryption); `from` is only read.
pub fn export_encrypted(from: &Path, dest: &Path, key: &Key) -> Result<()> {
    let plain = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    plain.execute_batch("BEGIN; SELECT count(*) FROM sqlite_master;")?;
    let (version, entries) = facts(&plain)?;
    let result =
        export_from(&plain, dest, key).and_then(|()| verify_copy(dest, key, version, entries));
    if result.is_err() {
        let _ = std::fs::remove_file(dest);
    }
    result
}

/// The schema version and the entry count a copy must match.
fn facts(c: &Connection) -> Result<(i64, i64)> {
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((version, count_entries(c)?))
}

fn count_entries(c: &Connection) -> Result<i64> {
    let has: bool = c.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entries')",
        [],
        |r| r.get(0),
    )?;
    Ok(if has {
        c.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?
    } else {
        0
    })
}

fn verify_copy(enc: &Path, key: &Key, version: i64, entries: i64) -> Result<()> {
    let c = Connection::open_with_flags(enc, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    key_connection(&c, Some(key))?;
    c.pragma_update(None, "cache_size", -CHECK_CACHE_KIB)?;
    let (v, n) = facts(&c)?;
    let check: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if v != version || n != entries || check != "ok" {
        return Err(Error::Internal(format!(
            "the encrypted copy differs (version {v}/{version}, entries {n}/{entries}, check {check})"
        )));
    }
    Ok(())
}

/// Overwrites the file with zeros, flushes it and removes it: the plain text does not stay in
/// the file's blocks for the next program that reads the free space (as far as the file system
/// writes in place; see docs/security.md).
fn wipe(path: &Path) -> Result<()> {
    let len = std::fs::metadata(path)?.len();
    let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
    let zeros = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..n])?;
        left -= n as u64;
        if left + n as u64 == len {
            f.sync_data()?;
            step("wiping");
        }
    }
    f.sync_all()?;
    drop(f);
    std::fs::remove_file(path)?;
    crate::fsutil::sync_dir(path.parent().unwrap_or(Path::new(".")))?;
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Finishes or undoes a conversion a crash interrupted, before anything looks at `path`: the
/// plain file back in place if the encrypted one never got there; once the encrypted one is in
/// place and opens with `key`, the plain one aside wiped. Without the key nothing is wiped.
pub fn recover(path: &Path, key: Option<&Key>) -> Result<()> {
    let aside = plain_aside(path);
    if aside.exists() {
        match state_of(path)? {
            FileState::Missing => {
                std::fs::rename(&aside, path)?;
                log::warn!("an interrupted encryption was undone; the plain diary is back");
            }
            FileState::Encrypted
                if key.is_some()
                    && opens_with(path, key)
                    && (state_of(&aside)? != FileState::Plain
                        || holds_all_of(path, key, &aside)) =>
            {
                wipe(&aside)?;
                log::info!("the plain copy an interrupted encryption left was wiped");
            }
            // Killed before the swap: the second name of the plain diary itself (never wiped).
            FileState::Plain if same_file::is_same_file(path, &aside)? => {
                std::fs::remove_file(&aside)?
            }
            _ => log::warn!("a plain copy aside was left as it is: the diary did not open"),
        }
    }
    remove_if_present(&encrypting(path))?;
    remove_if_present(&beside(path, ".encrypting-journal"))
}

/// Whether the encrypted diary at `path` holds everything the plain copy `aside` holds (the same
/// schema version, at least as many entries): only then may a whole plain copy be wiped. One
/// whose header is already zeros was being wiped when the process ended: it is no diary any more,
/// only the rest of its text, and is wiped too.
fn holds_all_of(path: &Path, key: Option<&Key>, aside: &Path) -> bool {
    let encrypted = open(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key).and_then(|c| facts(&c));
    let plain = Connection::open_with_flags(aside, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(Error::from)
        .and_then(|c| facts(&c));
    matches!((encrypted, plain), (Ok((v, n)), Ok((pv, pn))) if v == pv && n >= pn)
}

/// The files an interrupted conversion may have left in `dir` (the backups folder), as the paths
/// they were made for.
pub fn interrupted_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(items) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = items
        .filter_map(|i| i.ok())
        .filter_map(|i| {
            let name = i.file_name().to_string_lossy().into_owned();
            let base = name
                .strip_suffix(".plain")
                .or_else(|| name.strip_suffix(".encrypting"))?;
            Some(dir.join(base))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_diary(path: &Path, texts: &[&str]) {
        let db = crate::db::Database::open(path).unwrap().db;
        for t in texts {
            db.call_blocking(|c| {
                crate::db::entries::create(
                    c,
                    &crate::diary::EntryInput {
                        body: (*t).into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap();
        }
    }

    fn contains(path: &Path, needle: &str) -> bool {
        let bytes = std::fs::read(path).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn keys_round_trip_through_hex_and_are_never_printed() {
        let k = Key::random().unwrap();
        assert_eq!(
            Key::from_hex(&k.to_hex()),
            Some(k.clone()),
            "hex round trip"
        );
        assert_ne!(k, Key::random().unwrap(), "two keys differ");
        assert_eq!(format!("{k:?}"), "Key(…)", "Debug hides the bytes");
        assert_eq!(Key::from_hex("abc"), None, "too short");
        assert_eq!(Key::from_hex(&"zz".repeat(32)), None, "not hex");
    }

    #[test]
    fn a_plain_diary_becomes_encrypted_with_every_entry_and_its_search() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        plain_diary(&path, &["CANARY-돼지꿈 plain dream", "another night"]);
        assert_eq!(state_of(&path).unwrap(), FileState::Plain);
        assert!(contains(&path, "CANARY-"), "the plain file holds the text");
        let key = Key::random().unwrap();
        encrypt_file(&path, &key).unwrap();
        assert_eq!(state_of(&path).unwrap(), FileState::Encrypted);
        assert!(
            !contains(&path, "CANARY-"),
            "no dream text in the encrypted file"
        );
        assert!(!plain_aside(&path).exists() && !encrypting(&path).exists());
        assert!(!opens_with(&path, None), "unreadable without the key");
        assert!(
            !opens_with(&path, Some(&Key::random().unwrap())),
            "unreadable with another key"
        );
        let db = crate::db::Database::open_keyed(&path, Some(key))
            .unwrap()
            .db;
        let hits: i64 = db
            .call_blocking(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH '\"돼지꿈\"'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        assert_eq!(hits, 1, "the search index came along");
        let n: i64 = db
            .call_blocking(|c| Ok(c.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 2, "every entry came along");
    }

    #[test]
    fn a_diary_open_elsewhere_is_not_converted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        plain_diary(&path, &["held open"]);
        let other = crate::db::Database::open(&path).unwrap().db;
        let err = encrypt_file(&path, &Key::random().unwrap()).unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::DatabaseBusy, "{err}");
        assert_eq!(state_of(&path).unwrap(), FileState::Plain, "left as it was");
        drop(other);
    }

    #[test]
    fn recovery_puts_the_plain_diary_back_or_wipes_it_once_the_encrypted_one_is_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        plain_diary(&path, &["moved aside"]);
        // Killed before the swap, with a second name for the plain file.
        std::fs::hard_link(&path, plain_aside(&path)).unwrap();
        std::fs::write(encrypting(&path), b"half written").unwrap();
        recover(&path, None).unwrap();
        assert!(!plain_aside(&path).exists(), "the second name removed");
        assert_eq!(
            state_of(&path).unwrap(),
            FileState::Plain,
            "the diary untouched"
        );
        assert!(contains(&path, "moved aside"), "not wiped");
        // Killed between two renames (no hard links): only the plain file aside.
        std::fs::rename(&path, plain_aside(&path)).unwrap();
        std::fs::write(encrypting(&path), b"half written").unwrap();
        recover(&path, None).unwrap();
        assert_eq!(
            state_of(&path).unwrap(),
            FileState::Plain,
            "plain diary back"
        );
        assert!(!encrypting(&path).exists(), "the partial copy removed");
        // Killed after the swap: the encrypted diary in place, the plain one aside.
        let key = Key::random().unwrap();
        std::fs::copy(&path, plain_aside(&path)).unwrap();
        let copy = dir.path().join("copy.sqlite3");
        std::fs::copy(&path, &copy).unwrap();
        encrypt_file(&copy, &key).unwrap();
        std::fs::rename(&copy, &path).unwrap();
        recover(&path, Some(&Key::random().unwrap())).unwrap();
        assert!(
            plain_aside(&path).exists(),
            "a key that does not open the diary wipes nothing"
        );
        recover(&path, Some(&key)).unwrap();
        assert!(!plain_aside(&path).exists(), "wiped once the diary opens");
        assert!(opens_with(&path, Some(&key)));
    }
}

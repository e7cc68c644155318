//! The database's one owner: the connection, the ordered migrations and one queries file per
//! table. The domains (diary, interpret, …) call these queries and never write SQL against another
//! domain's table; read-only views over several tables (search, insights) stay with the diary.
//! No tauri here.

pub mod bulk;
pub mod cipher;
pub mod cipher_provider;
pub mod entries;
pub mod entry_symbols;
pub mod entry_tags;
pub mod interpretations;
pub mod messages;
pub mod migrations;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, ErrorCode, OpenFlags};

pub use bulk::Bulk;
pub use cipher::Key;

use crate::diary::{Entry, EntryInput};
use crate::error::{Error, Result};

/// The diary database. Cheap to clone; SQLite work runs on tokio's blocking pool, never on the
/// caller's (UI) thread, and the lock is never held across an `.await`.
#[derive(Clone)]
pub struct Database {
    /// Declared (so dropped) before the writer: the writer closes last, and as the last
    /// connection it folds the WAL into the file and removes it.
    reader: Arc<Reader>,
    /// The writer; `None` while the diary is locked (closed, its key forgotten).
    conn: Arc<Mutex<Option<Connection>>>,
    path: Option<PathBuf>,
    /// The file's key; None for a plain file (no keychain to keep a key in), in memory, or locked.
    /// Shared by every clone: a lock is seen by all of them.
    key: Arc<Mutex<Option<Key>>>,
}

/// Reads that may be slow (search-as-you-type) have their own read-only connection: a scan for a
/// rare short term never holds up an autosave, and a newer read interrupts the one it replaces.
struct Reader {
    conn: Arc<Mutex<Option<Connection>>>,
    /// None when the search shares the writer's connection (in memory): never interrupt a write.
    interrupt: Mutex<Option<rusqlite::InterruptHandle>>,
    generation: AtomicU64,
}

impl Reader {
    fn new(conn: Arc<Mutex<Option<Connection>>>, own: bool) -> Result<Reader> {
        let interrupt = match (own, lock(&conn)?.as_ref()) {
            (true, Some(c)) => Some(c.get_interrupt_handle()),
            _ => None,
        };
        Ok(Reader {
            conn,
            interrupt: Mutex::new(interrupt),
            generation: AtomicU64::new(0),
        })
    }
}

/// What happened when the diary was opened.
#[derive(Debug)]
pub struct Opened {
    pub db: Database,
    /// Set when the file at the diary's path could not be used and was moved here instead.
    pub moved_aside: Option<PathBuf>,
}

impl Database {
    /// Opens (or creates) a plain, unencrypted diary at `path`: tests, benchmarks, and users
    /// without a keychain (see `vault`).
    pub fn open(path: &Path) -> Result<Opened> {
        Self::open_keyed(path, None)
    }

    /// Opens (or creates) the diary at `path`, encrypted with `key` when there is one. A file that
    /// is not a usable diary is moved aside, never deleted, and a fresh diary is started in its
    /// place. An encrypted file that `key` does not open (another key, no key, or damage only the
    /// right key could tell) is never touched: `DiaryKeyMissing`.
    pub fn open_keyed(path: &Path, key: Option<Key>) -> Result<Opened> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let encrypted = cipher::state_of(path)? == cipher::FileState::Encrypted;
        if key.is_none() && encrypted {
            return Err(Error::DiaryKeyMissing);
        }
        match Self::open_existing(path, key.clone()) {
            Ok(db) => Ok(Opened {
                db,
                moved_aside: None,
            }),
            Err(e) if is_unusable_file(&e) && encrypted => {
                log::warn!(
                    "the encrypted diary does not open with this key ({})",
                    e.kind()
                );
                Err(Error::DiaryKeyMissing)
            }
            Err(e) if is_unusable_file(&e) => {
                log::warn!("diary file unusable ({}); moving it aside", e.kind());
                let aside = crate::fsutil::move_aside(path)?;
                let db = Self::open_existing(path, key)?;
                Ok(Opened {
                    db,
                    moved_aside: Some(aside),
                })
            }
            Err(e) => Err(e),
        }
    }

    fn open_existing(path: &Path, key: Option<Key>) -> Result<Database> {
        let (conn, reader) = connect(path, key.as_ref())?;
        Ok(Database {
            conn: Arc::new(Mutex::new(Some(conn))),
            reader: Arc::new(Reader::new(Arc::new(Mutex::new(Some(reader))), true)?),
            path: Some(path.to_path_buf()),
            key: Arc::new(Mutex::new(key)),
        })
    }

    /// The diary at `path`, not opened: locked until `unlock` is given its key. Every call until
    /// then answers `Error::Locked`.
    pub fn closed(path: &Path) -> Database {
        Database {
            conn: Arc::new(Mutex::new(None)),
            reader: Arc::new(Reader {
                conn: Arc::new(Mutex::new(None)),
                interrupt: Mutex::new(None),
                generation: AtomicU64::new(0),
            }),
            path: Some(path.to_path_buf()),
            key: Arc::new(Mutex::new(None)),
        }
    }

    /// Closes the diary and forgets its key (a lock): the connections are closed once the
    /// calls running on them end, and every later call answers `Error::Locked`.
    pub fn lock(&self) -> Result<()> {
        if self.path.is_none() {
            return Err(Error::Internal(
                "an in-memory diary cannot be locked".into(),
            ));
        }
        *lock(&self.reader.interrupt)? = None;
        lock(&self.reader.conn)?.take();
        lock(&self.conn)?.take();
        lock(&self.key)?.take();
        Ok(())
    }

    /// Opens the locked diary again with `key` (checked by opening: a wrong key answers the
    /// database's "not a database" and the diary stays locked).
    pub fn unlock(&self, key: Key) -> Result<()> {
        self.reopen(Some(key))
    }

    /// Opens the closed diary again, with `key` or (a plain file) without one.
    pub fn reopen(&self, key: Option<Key>) -> Result<()> {
        let path = self
            .path
            .as_deref()
            .ok_or_else(|| Error::Internal("an in-memory diary cannot be unlocked".into()))?;
        let (conn, reader) = connect(path, key.as_ref())?;
        let mut writer = lock(&self.conn)?;
        *lock(&self.reader.interrupt)? = Some(reader.get_interrupt_handle());
        *lock(&self.reader.conn)? = Some(reader);
        *writer = Some(conn);
        *lock(&self.key)? = key;
        Ok(())
    }

    pub fn is_locked(&self) -> bool {
        self.path.is_some() && lock(&self.conn).map(|c| c.is_none()).unwrap_or(true)
    }

    /// A diary that lives only in memory; for tests and benchmarks.
    pub fn open_in_memory() -> Result<Database> {
        let mut conn = Connection::open_in_memory()?;
        configure(&mut conn)?;
        let conn = Arc::new(Mutex::new(Some(conn)));
        Ok(Database {
            reader: Arc::new(Reader::new(conn.clone(), false)?),
            conn,
            path: None,
            key: Arc::new(Mutex::new(None)),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The key of the diary's file, for the backups and copies made of it.
    pub fn key(&self) -> Option<Key> {
        lock(&self.key).ok().and_then(|k| k.clone())
    }

    pub fn is_encrypted(&self) -> bool {
        self.key().is_some()
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = lock(&conn)?;
            f(guard.as_mut().ok_or(Error::Locked)?)
        })
        .await?
    }

    /// Runs a read on the read-only connection, where the newest call wins: an older one still
    /// running is interrupted and answers `Error::Superseded`, as does one that was still waiting
    /// when a newer one arrived. Search-as-you-type uses it, so a keystroke never queues behind
    /// the scan it makes obsolete.
    pub async fn read_latest<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let reader = self.reader.clone();
        let mine = reader.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(h) = lock(&reader.interrupt)?.as_ref() {
            h.interrupt();
        }
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&reader.conn)?;
            if reader.generation.load(Ordering::SeqCst) != mine {
                return Err(Error::Superseded);
            }
            f(conn.as_mut().ok_or(Error::Locked)?).map_err(|e| match e {
                Error::Database(ref d)
                    if d.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) =>
                {
                    Error::Superseded
                }
                other => other,
            })
        })
        .await?
    }

    /// A new read-only connection to the diary file holding one snapshot (an open read
    /// transaction), for long reads (exports) that must neither hold up the writer nor be
    /// interrupted by a search, and must not see an entry vanish half-way.
    pub fn snapshot(&self) -> Result<Connection> {
        let path = self
            .path
            .as_deref()
            .ok_or_else(|| Error::Internal("an in-memory diary has no file to read".into()))?;
        if self.is_locked() {
            return Err(Error::Locked);
        }
        let c = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        cipher::key_connection(&c, self.key().as_ref())?;
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        c.execute_batch("BEGIN; SELECT count(*) FROM sqlite_master;")?;
        Ok(c)
    }

    /// SQLite's count of commits made by *other* connections to this file (the command line, or
    /// another program): when it moves, what the window shows may be out of date.
    pub async fn others_changed_since(&self, seen: &mut Option<i64>) -> Result<bool> {
        let now: i64 = self
            .call(|c| Ok(c.query_row("PRAGMA data_version", [], |r| r.get(0))?))
            .await?;
        let changed = seen.is_some_and(|s| s != now);
        *seen = Some(now);
        Ok(changed)
    }

    /// `call_blocking` when the connection is free at once; `None` (nothing run) when another
    /// thread holds it, for work that must not wait (the first paint's page, `app::serve`).
    pub fn try_call_blocking<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Option<Result<T>> {
        let mut guard = self.conn.try_lock().ok()?;
        Some(match guard.as_mut() {
            Some(c) => f(c),
            None => Err(Error::Locked),
        })
    }

    /// Runs `f` with the connection on the current thread; for tests, benchmarks and start-up.
    pub fn call_blocking<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = lock(&self.conn)?;
        f(guard.as_mut().ok_or(Error::Locked)?)
    }
}

/// The guarded value, or an error if a thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| Error::Internal("diary lock poisoned".into()))
}

/// SQLCipher decrypts a page each time SQLite reads it from the file, so an encrypted diary keeps
/// the pages it read, decrypted, in a larger page cache (grown only as pages are read; a plain
/// diary is served from the system's file cache instead): a repeated search or filter does not
/// decrypt the same pages again. Per connection, in KiB.
const ENCRYPTED_CACHE_KIB: i64 = 64 * 1024;

/// The writer (WAL, migrations) and then the read-only reader of the file at `path`.
fn connect(path: &Path, key: Option<&Key>) -> Result<(Connection, Connection)> {
    let mut conn = Connection::open(path)?;
    cipher::key_connection(&conn, key)?;
    if key.is_some() {
        conn.pragma_update(None, "cache_size", -ENCRYPTED_CACHE_KIB)?;
    }
    configure(&mut conn)?;
    // Opened after the writer has set up WAL and the schema, so it only ever reads.
    let reader = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    cipher::key_connection(&reader, key)?;
    if key.is_some() {
        reader.pragma_update(None, "cache_size", -ENCRYPTED_CACHE_KIB)?;
    }
    reader.busy_timeout(std::time::Duration::from_secs(5))?;
    register_functions(&reader)?;
    Ok((conn, reader))
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("path", &self.path)
            .finish()
    }
}

/// Durability first: WAL with `synchronous=FULL` means an acknowledged save survives a crash or a
/// power cut; `busy_timeout` rides out a checkpoint or a second reader instead of failing at once.
fn configure(conn: &mut Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        log::warn!("journal_mode is {mode}, not WAL");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    register_functions(conn)?;
    migrate(conn)?;
    // Touch the data so a file with a valid header but broken pages is caught now, not mid-typing.
    conn.query_row(
        "SELECT count(*) FROM (SELECT id FROM entries LIMIT 1)",
        [],
        |_| Ok(()),
    )?;
    Ok(())
}

/// Brings the file's schema up to this build's (the diary at start, a backup being restored).
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let before: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    migrations::migrations().to_latest(conn)?;
    if (1..migrations::COMPACTED).contains(&before) {
        // Once, on the first open after an index shrank: the old index's pages would otherwise
        // stay in the file, copied and checked by every backup until the diary grew into them.
        // Outside the migrations' transaction, which VACUUM cannot run in; atomic, and only an
        // optimisation: if another program holds the file, the free pages are reused later.
        let t = std::time::Instant::now();
        match conn.execute_batch("VACUUM") {
            Ok(()) => log::info!("gave the old indexes' space back in {:?}", t.elapsed()),
            Err(e) => log::warn!("the old indexes' space stays free in the file: {e}"),
        }
        // In WAL mode the compacted copy went through the WAL: fold it back, and empty it.
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
    Ok(())
}

/// The SQL functions the queries use, on every connection that runs them.
fn register_functions(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    // `haemong_contains(text, term)`: whether `text` holds `term` (given folded) with Unicode
    // case folded as the trigram index folds it; SQLite's own LIKE folds only ASCII.
    conn.create_scalar_function(
        "haemong_contains",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text = ctx.get_raw(0).as_str().unwrap_or("");
            let term = ctx.get_raw(1).as_str().unwrap_or("");
            Ok(fold(text).contains(term))
        },
    )?;
    Ok(())
}

/// Case folded one character at a time as FTS5's tokenizers fold it (`sqlite3Fts5UnicodeFold`):
/// so a long term confirmed on the text matches where the index found it. Not `str::to_lowercase`,
/// whose final-sigma rule would make a term ending in Σ miss σ inside a word. FTS5's table is
/// older Unicode (it leaves letters added since as they are); folding those too changes nothing,
/// since the index already told them apart. Its few extra foldings beyond lower case are listed
/// here (compared character by character against SQLite's, docs/diary.md).
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ς' => 'σ',
            'µ' => 'μ',
            'ſ' => 's',
            'ϐ' => 'β',
            'ϑ' => 'θ',
            'ϕ' => 'φ',
            'ϖ' => 'π',
            'ϰ' => 'κ',
            'ϱ' => 'ρ',
            'ϵ' => 'ε',
            'ẛ' => 'ṡ',
            '\u{1FBE}' | '\u{0345}' => 'ι',
            c => {
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) => l,
                    _ => c,
                }
            }
        })
        .collect()
}

/// Errors that mean "this file is not a diary we can use", as opposed to "someone else holds it".
fn is_unusable_file(e: &Error) -> bool {
    let sqlite = match e {
        Error::Database(e) => e,
        Error::Migration(rusqlite_migration::Error::RusqliteError { err, .. }) => err,
        _ => return false,
    };
    matches!(
        sqlite.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt | ErrorCode::CannotOpen)
    )
}

/// Files a dream written outside the diary (the quick window) as a new entry, together with its
/// ad-hoc interpretation and that interpretation's thread when there is one: all or nothing, in
/// one transaction. It spans two tables, so it lives with their owner rather than in either domain.
pub fn file_into_diary(
    c: &mut Connection,
    input: &EntryInput,
    interpretation_id: Option<i64>,
) -> Result<Entry> {
    let tx = c.transaction()?;
    let entry = entries::create(&tx, input)?;
    if let Some(id) = interpretation_id {
        if !interpretations::attach_to_entry(&tx, id, entry.id)? {
            // Unknown, or already filed (a second click): nothing is created twice.
            return Err(Error::InterpretationNotFound(id));
        }
    }
    tx.commit()?;
    Ok(entry)
}

/// Column `i` of every row `sql` answers, for tests that look at a pragma's, a plan's or a query's
/// rows.
#[cfg(test)]
pub(crate) fn column<T: rusqlite::types::FromSql>(c: &Connection, sql: &str, i: usize) -> Vec<T> {
    c.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(i))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[cfg(test)]
mod tests {
    /// The build leaves out SQLite's process-wide page cache (`.cargo/config.toml`): with it,
    /// every connection's page reads go through one mutex, and the backup's parallel check, the
    /// app's reader and its writer wait on each other.
    #[test]
    fn each_connection_keeps_a_page_cache_of_its_own() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        let options: Vec<String> = super::column(&c, "PRAGMA compile_options", 0);
        assert!(
            options.iter().any(|o| o.starts_with("THREADSAFE=1")),
            "the compile options are listed: {options:?}"
        );
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "SQLite is built without the shared page cache: {options:?}"
        );
    }
}

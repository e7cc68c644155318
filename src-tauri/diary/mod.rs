//! The dream diary's core: entry types and the SQLite-backed service. No tauri here, so every rule
//! is tested without a window.

pub mod commands;
pub mod details;
pub mod insights;
pub mod migrations;
pub mod repo;
pub mod search;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use details::{Flag, Flags, Mood};

/// A dream text longer than this is refused with a clear message rather than silently truncated.
/// It is ten times the longest entry we promise to keep (100,000 characters).
pub const MAX_BODY_CHARS: usize = 1_000_000;
pub const MAX_TITLE_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: i64,
    /// The night of the dream, `YYYY-MM-DD`.
    pub night: String,
    pub title: String,
    pub body: String,
    /// Normalised (`details::normalize_tag`), in the order they were given.
    pub tags: Vec<String>,
    pub flags: Flags,
    pub mood: Option<Mood>,
    /// Sleep quality, 1–5.
    pub sleep: Option<u8>,
    /// Milliseconds since the Unix epoch, UTC.
    pub created_at: i64,
    pub updated_at: i64,
}

/// What the webview sends to create or replace an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryInput {
    /// Defaults to today's date (local time) when absent or empty.
    #[serde(default)]
    pub night: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub flags: Flags,
    #[serde(default)]
    pub mood: Option<Mood>,
    #[serde(default)]
    pub sleep: Option<u8>,
}

/// An entry as it will be stored, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    pub night: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub flags: Flags,
    pub mood: Option<Mood>,
    pub sleep: Option<u8>,
}

/// One row of the list or of search results: enough to show, never the whole (maybe huge) body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntrySummary {
    pub id: i64,
    pub night: String,
    pub title: String,
    pub excerpt: String,
    pub updated_at: i64,
    pub tags: Vec<String>,
    pub flags: Flags,
    pub mood: Option<Mood>,
}

/// Characters of the body shown in the list.
pub const EXCERPT_CHARS: usize = 160;

impl EntryInput {
    /// Checks the input and fills the default night; the returned values are what gets stored.
    pub fn validated(&self, today: &str) -> Result<Valid> {
        let night = match self.night.as_deref().map(str::trim) {
            None | Some("") => today.to_string(),
            Some(n) => {
                chrono::NaiveDate::parse_from_str(n, "%Y-%m-%d").map_err(|_| {
                    Error::InvalidInput("the night must be a date (YYYY-MM-DD)".into())
                })?;
                if n.len() != 10 {
                    return Err(Error::InvalidInput(
                        "the night must be a date (YYYY-MM-DD)".into(),
                    ));
                }
                n.to_string()
            }
        };
        if self.title.trim().is_empty() && self.body.trim().is_empty() {
            return Err(Error::EmptyEntry);
        }
        let body_chars = self.body.chars().count();
        if body_chars > MAX_BODY_CHARS {
            return Err(Error::TooLong {
                chars: body_chars,
                limit: MAX_BODY_CHARS,
            });
        }
        let title_chars = self.title.chars().count();
        if title_chars > MAX_TITLE_CHARS {
            return Err(Error::TooLong {
                chars: title_chars,
                limit: MAX_TITLE_CHARS,
            });
        }
        // The text is kept byte for byte (emoji, RTL marks, control characters); only the title's
        // surrounding whitespace goes, since it is a single line.
        Ok(Valid {
            night,
            title: self.title.trim().to_string(),
            body: self.body.clone(),
            tags: details::normalize_tags(&self.tags)?,
            flags: self.flags,
            mood: self.mood,
            sleep: details::check_sleep(self.sleep)?,
        })
    }
}

pub fn today_local() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The diary database. Cheap to clone; SQLite work runs on tokio's blocking pool, never on the
/// caller's (UI) thread, and the lock is never held across an `.await`.
#[derive(Clone)]
pub struct Diary {
    conn: Arc<Mutex<Connection>>,
    search: Arc<Searcher>,
    path: Option<PathBuf>,
}

/// Search-as-you-type has its own read connection: a slow scan for a rare short term never holds
/// up an autosave, and a newer query interrupts the one it replaces instead of queueing behind it.
struct Searcher {
    conn: Arc<Mutex<Connection>>,
    /// None when the search shares the writer's connection (in memory): never interrupt a write.
    interrupt: Option<rusqlite::InterruptHandle>,
    generation: AtomicU64,
}

impl Searcher {
    fn new(conn: Arc<Mutex<Connection>>, own: bool) -> Result<Searcher> {
        let interrupt = if own {
            Some(lock(&conn)?.get_interrupt_handle())
        } else {
            None
        };
        Ok(Searcher {
            conn,
            interrupt,
            generation: AtomicU64::new(0),
        })
    }
}

/// What happened when the diary was opened.
#[derive(Debug)]
pub struct Opened {
    pub diary: Diary,
    /// Set when the file at the diary's path could not be used and was moved here instead.
    pub moved_aside: Option<PathBuf>,
}

impl Diary {
    /// Opens (or creates) the diary at `path`. A file that is not a usable SQLite database is moved
    /// aside, never deleted, and a fresh diary is started in its place.
    pub fn open(path: &Path) -> Result<Opened> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        match Self::open_existing(path) {
            Ok(diary) => Ok(Opened {
                diary,
                moved_aside: None,
            }),
            Err(e) if is_unusable_file(&e) => {
                log::warn!("diary file unusable ({}); moving it aside", e.kind());
                let aside = crate::fsutil::move_aside(path)?;
                let diary = Self::open_existing(path)?;
                Ok(Opened {
                    diary,
                    moved_aside: Some(aside),
                })
            }
            Err(e) => Err(e),
        }
    }

    fn open_existing(path: &Path) -> Result<Diary> {
        let mut conn = Connection::open(path)?;
        configure(&mut conn)?;
        // Opened after the writer has set up WAL and the schema, so it only ever reads.
        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Diary {
            conn: Arc::new(Mutex::new(conn)),
            search: Arc::new(Searcher::new(Arc::new(Mutex::new(reader)), true)?),
            path: Some(path.to_path_buf()),
        })
    }

    /// A diary that lives only in memory; for tests and benchmarks.
    pub fn open_in_memory() -> Result<Diary> {
        let mut conn = Connection::open_in_memory()?;
        configure(&mut conn)?;
        let conn = Arc::new(Mutex::new(conn));
        Ok(Diary {
            search: Arc::new(Searcher::new(conn.clone(), false)?),
            conn,
            path: None,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
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
            f(&mut guard)
        })
        .await
        .map_err(|e| Error::Internal(format!("diary task failed: {e}")))?
    }

    /// The newest search wins: an older one still running is interrupted and answers
    /// `Error::Superseded`, as does one that was still waiting when a newer one arrived.
    pub async fn search_latest(
        &self,
        query: String,
        filter: search::Filter,
        (limit, offset): (u32, u32),
    ) -> Result<Vec<EntrySummary>> {
        let searcher = self.search.clone();
        let mine = searcher.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(h) = &searcher.interrupt {
            h.interrupt();
        }
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&searcher.conn)?;
            if searcher.generation.load(Ordering::SeqCst) != mine {
                return Err(Error::Superseded);
            }
            search::search_page(&mut conn, &query, &filter, limit, offset).map_err(|e| match e {
                Error::Database(ref d)
                    if d.sqlite_error_code() == Some(ErrorCode::OperationInterrupted) =>
                {
                    Error::Superseded
                }
                other => other,
            })
        })
        .await
        .map_err(|e| Error::Internal(format!("search task failed: {e}")))?
    }

    /// Runs `f` with the connection on the current thread; for tests, benchmarks and start-up.
    pub fn call_blocking<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = lock(&self.conn)?;
        f(&mut guard)
    }
}

/// The connection, or an error if a thread panicked while holding it.
fn lock(conn: &Mutex<Connection>) -> Result<std::sync::MutexGuard<'_, Connection>> {
    conn.lock()
        .map_err(|_| Error::Internal("diary lock poisoned".into()))
}

impl std::fmt::Debug for Diary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Diary").field("path", &self.path).finish()
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
    migrations::migrations().to_latest(conn)?;
    // Touch the data so a file with a valid header but broken pages is caught now, not mid-typing.
    conn.query_row(
        "SELECT count(*) FROM (SELECT id FROM entries LIMIT 1)",
        [],
        |_| Ok(()),
    )?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_is_refused() {
        let input = EntryInput {
            night: None,
            title: "  ".into(),
            body: "\n\t ".into(),
            ..Default::default()
        };
        assert!(
            matches!(input.validated("2026-01-01"), Err(Error::EmptyEntry)),
            "whitespace only is an empty entry"
        );
    }

    #[test]
    fn night_defaults_to_today_and_must_be_a_date() {
        let input = EntryInput {
            body: "꿈".into(),
            ..Default::default()
        };
        assert_eq!(input.validated("2026-01-02").unwrap().night, "2026-01-02");
        for bad in ["2026-13-01", "yesterday", "2026-1-1", "2026-02-30"] {
            let input = EntryInput {
                night: Some(bad.into()),
                body: "x".into(),
                ..Default::default()
            };
            assert!(
                matches!(input.validated("2026-01-02"), Err(Error::InvalidInput(_))),
                "{bad} is not accepted as a night"
            );
        }
    }

    fn big_diary(dir: &Path, entries: usize) -> Diary {
        let diary = Diary::open(&dir.join("diary.sqlite3")).unwrap().diary;
        diary
            .call_blocking(|c| {
                let tx = c.transaction()?;
                for i in 0..entries {
                    tx.execute(
                        "INSERT INTO entries (night, title, body, created_at, updated_at)
                         VALUES ('2026-01-01', '', ?1, 0, 0)",
                        [format!("{i} 긴 복도를 걸었다. ").repeat(40)],
                    )?;
                }
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        diary
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_newer_search_interrupts_the_one_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let diary = big_diary(dir.path(), 20_000);
        // Five common one-character terms that are rarely all in one entry: the newest entries do
        // not fill a page, so every entry is scanned, long enough to be overtaken.
        let slow = {
            let d = diary.clone();
            tokio::spawn(async move {
                d.search_latest("1 3 5 7 9".into(), Default::default(), (50, 0))
                    .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
        let newest = diary
            .search_latest("복도".into(), Default::default(), (5, 0))
            .await
            .unwrap();
        assert_eq!(newest.len(), 5, "the newest search answers");
        assert!(
            matches!(slow.await.unwrap(), Err(Error::Superseded)),
            "the replaced scan stops with Superseded instead of finishing"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn search_sees_what_was_just_written() {
        let dir = tempfile::tempdir().unwrap();
        let diary = big_diary(dir.path(), 10);
        let id = diary
            .call(|c| {
                repo::create(
                    c,
                    &EntryInput {
                        night: None,
                        title: "방금 쓴 꿈".into(),
                        body: "무지개 다리".into(),
                        ..Default::default()
                    },
                )
            })
            .await
            .unwrap()
            .id;
        let found = diary
            .search_latest("무지개".into(), Default::default(), (10, 0))
            .await
            .unwrap();
        assert_eq!(
            found.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![id],
            "the read connection sees the commit"
        );
    }

    #[test]
    fn over_long_body_is_refused_with_its_size() {
        let input = EntryInput {
            body: "가".repeat(MAX_BODY_CHARS + 1),
            ..Default::default()
        };
        match input.validated("2026-01-01") {
            Err(Error::TooLong { chars, limit }) => {
                assert_eq!((chars, limit), (MAX_BODY_CHARS + 1, MAX_BODY_CHARS))
            }
            other => panic!("expected TooLong, got {other:?}"),
        }
    }
}

//! Verified backups of the diary and their restore. A backup is a consistent copy taken through
//! SQLite's online backup API, in steps, from its own read connection holding one snapshot: the
//! app's writer never waits for it (WAL lets a reader and a writer run side by side), and writes
//! made meanwhile go into the next backup. Each copy is checked with `PRAGMA integrity_check`
//! before it replaces anything. One backup a day the diary changed (a backup asked for later the
//! same day is added beside it, never over it), the last `daily` days and `weekly` weeks kept
//! (`keep`). A restore copies the current diary aside first (`before-restore-…`, listed and
//! restorable like a backup), never deletes it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::Progress;
use crate::db::cipher::{self, FileState};
use crate::db::{Database, Key};
use crate::error::{Error, Result};

/// Pages copied per step (4 KiB each: 16 MiB), each flushed to disk before the next.
const PAGES_PER_STEP: i32 = 4096;
const PREFIX: &str = "diary-";
const SUFFIX: &str = ".sqlite3";

/// One backup file, as the Settings → Data list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    /// The file's name (`diary-2026-11-30.sqlite3`): what a restore asks for.
    pub name: String,
    pub kind: Kind,
    /// The day it was taken (`YYYY-MM-DD`, local).
    pub day: String,
    /// When its file was last written (ms since the epoch).
    pub taken_at: i64,
    /// Dreams in it; `None` when the file cannot be read (then it is not offered for restore).
    pub entries: Option<u64>,
    pub bytes: u64,
}

/// A daily backup, or the diary as it was just before a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Daily,
    BeforeRestore,
}

/// How many copies of the diary from before a restore stay (the newest).
const KEEP_BEFORE_RESTORE: usize = 3;
const BEFORE_RESTORE: &str = "before-restore-";

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Written {
    pub path: PathBuf,
    pub entries: u64,
    pub bytes: u64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    pub entries: u64,
    /// Where the diary as it was before the restore now is.
    pub previous: PathBuf,
}

/// The `backups/` folder beside the diary file.
pub fn folder_of(diary: &Path) -> PathBuf {
    diary.with_file_name("backups")
}

/// A consistent copy of the diary file `source` at `dest` (replaced only once the copy is
/// complete and verified). Returns its entry count.
pub fn copy_verified(
    source: &Path,
    dest: &Path,
    key: Option<&Key>,
    progress: &Progress,
) -> Result<Written> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dest.with_extension(format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = copy_to(source, &tmp, key, progress)
        .and_then(|()| {
            // With a key the copy must come out encrypted (a plain source cannot be copied page
            // by page into an encrypted file: refused rather than written plain).
            if key.is_some() && cipher::state_of(&tmp)? != FileState::Encrypted {
                return Err(Error::Internal(
                    "the backup did not come out encrypted".into(),
                ));
            }
            Ok(())
        })
        .and_then(|()| verify(&tmp, key));
    match result {
        Ok(entries) => {
            std::fs::rename(&tmp, dest)?;
            #[cfg(unix)]
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(Written {
                path: dest.to_path_buf(),
                entries,
                bytes: std::fs::metadata(dest)?.len(),
            })
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn copy_to(source: &Path, tmp: &Path, key: Option<&Key>, progress: &Progress) -> Result<()> {
    let src = cipher::open(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        key,
    )?;
    src.busy_timeout(Duration::from_secs(5))?;
    // One snapshot for the whole copy: without it, a write by the app between two steps would
    // restart the backup from the first page, and a busy diary could never be backed up.
    src.execute_batch("BEGIN; SELECT count(*) FROM sqlite_master;")?;
    copy_from(&src, tmp, key, progress)?;
    src.execute_batch("COMMIT")?;
    Ok(())
}

/// Copies what `src` sees into the new file `tmp`, as one self-contained file (no -wal beside it
/// when it is opened later), synced to disk, encrypted with `key` like the diary (the backup API
/// copies pages between files with the same encryption only).
fn copy_from(src: &Connection, tmp: &Path, key: Option<&Key>, progress: &Progress) -> Result<()> {
    let mut dst = Connection::open(tmp)?;
    cipher::key_connection(&dst, key)?;
    // A new file nobody else reads until it is renamed: no journal, no sync per step. It is
    // flushed step by step instead (`flush`), so the disk never has the whole diary to write at
    // once, which an autosave's own sync would wait behind.
    dst.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    let flush = std::fs::OpenOptions::new().write(true).open(tmp)?;
    {
        let backup = Backup::new(src, &mut dst)?;
        loop {
            match backup.step(PAGES_PER_STEP)? {
                StepResult::Done => break,
                StepResult::More => {
                    flush.sync_data()?;
                    let p = backup.progress();
                    let total = p.pagecount.max(1) as u64;
                    progress.step(total - p.remaining.max(0) as u64, total)?;
                }
                // Only the destination can be locked (it is ours alone); wait and go on.
                _ => {
                    progress.check()?;
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    drop(dst);
    flush.sync_all()?;
    Ok(())
}

/// The file is a sound Haemong diary: SQLite's own integrity check passes, it carries Haemong's
/// schema (a version this build knows, the diary's tables), and its entries can be counted
/// (returned).
pub fn verify(path: &Path, key: Option<&Key>) -> Result<u64> {
    let c = cipher::open(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key)
        .map_err(|_| Error::NotADiary("it cannot be opened"))?;
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .map_err(|_| Error::NotADiary("it is not a database"))?;
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > crate::db::migrations::count() as i64 {
        return Err(Error::NotADiary("it was made by a newer Haemong"));
    }
    let has = |t: &str| tables.iter().any(|n| n == t);
    if version < 1 || !(has("entries") && has("entries_fts") && has("interpretations")) {
        return Err(Error::NotADiary("it is not a Haemong diary"));
    }
    if !integrity_ok(path, key)? {
        return Err(Error::NotADiary("it is damaged"));
    }
    c.query_row("SELECT count(*) FROM entries", [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
        .map_err(|_| Error::NotADiary("it is not a Haemong diary"))
}

/// `PRAGMA integrity_check`, shared among the machine's cores: `quick_check` (every page, the
/// free list, every b-tree's structure, the constraints, the virtual tables' own checks) and
/// `integrity_check(TABLE)` for each ordinary table with an index or without rowid (its indexes
/// against its rows, its key order), which together check what the whole pragma checks. One
/// worker per core: the first starts `quick_check`, the longest piece, at once; meanwhile the next
/// sizes the other pieces on its own connection (whose cached pages its checks then read again)
/// and queues them costliest first (rows times indexes); each takes the next when it is free. A
/// plain file is read through memory-mapped I/O.
fn integrity_ok(path: &Path, key: Option<&Key>) -> Result<bool> {
    let open = || -> Result<Connection> {
        let c = cipher::open(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key)?;
        if key.is_some() {
            // SQLCipher reads through the page cache only (no memory map).
            c.pragma_update(None, "cache_size", -cipher::CHECK_CACHE_KIB)?;
        } else {
            c.pragma_update(None, "mmap_size", 1_i64 << 30)?;
        }
        Ok(c)
    };
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let queue = Pieces::default();
    let sizer = cores.min(2) - 1;
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..cores)
            .map(|i| {
                let (queue, open) = (&queue, &open);
                s.spawn(move || -> Result<bool> {
                    let _ends = Ends(queue);
                    let c = open()?;
                    if i == 0 && !passes(&c, "PRAGMA quick_check")? {
                        return Ok(false);
                    }
                    if i == sizer {
                        queue.publish(table_pieces(&c)?);
                    }
                    while let Some(sql) = queue.next() {
                        if !passes(&c, &sql)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                })
            })
            .collect();
        let mut ok = true;
        for w in workers {
            ok &= w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        }
        Ok(ok)
    })
}

fn passes(c: &Connection, check: &str) -> Result<bool> {
    Ok(c.query_row(check, [], |r| r.get::<_, String>(0))? == "ok")
}

/// `integrity_check(TABLE)` for each table it adds something to `quick_check` for, costliest
/// first.
fn table_pieces(c: &Connection) -> Result<Vec<String>> {
    // What `integrity_check(TABLE)` adds to `quick_check` is the table's indexes against its rows
    // and a WITHOUT ROWID table's key order (the search index's own tables are `shadow` there):
    // a rowid table with no index (the search index's segments) would only be read a
    // second time. Virtual tables (type `virtual`) are left to `quick_check`, which runs their own
    // check: naming them again would do it twice.
    let cross_checked: Vec<String> = c
        .prepare(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'shadow')
               AND (wr = 1 OR name IN (SELECT tbl_name FROM sqlite_master WHERE type = 'index'))",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut pieces: Vec<(i64, String)> = cross_checked
        .iter()
        .filter(|t| !t.starts_with("sqlite_"))
        .map(|t| {
            let quoted = t.replace('"', "\"\"");
            // Its cost: each row is looked up in each index (the diary's entries, with eight
            // small indexes, cost more than the tags, which have more rows).
            let cost = c
                .query_row(
                    &format!(
                        "SELECT (SELECT count(*) FROM \"{quoted}\")
                              * (1 + (SELECT count(*) FROM pragma_index_list(?1, 'main')))"
                    ),
                    [t],
                    |r| r.get(0),
                )
                .unwrap_or(0);
            (cost, format!("PRAGMA integrity_check(\"{quoted}\")"))
        })
        .collect();
    pieces.sort_by_key(|p| std::cmp::Reverse(p.0));
    Ok(pieces.into_iter().map(|(_, sql)| sql).collect())
}

/// The checks still to run, once they are known (`None` until the sizing worker has queued them).
#[derive(Default)]
struct Pieces {
    queue: Mutex<Option<std::collections::VecDeque<String>>>,
    queued: std::sync::Condvar,
}

impl Pieces {
    /// The next check, waiting until they are queued; `None` when all are taken.
    fn next(&self) -> Option<String> {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        while q.is_none() {
            q = self.queued.wait(q).unwrap_or_else(|p| p.into_inner());
        }
        q.as_mut()?.pop_front()
    }

    /// Nothing more to run.
    fn clear(&self) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        *q = Some(Default::default());
        self.queued.notify_all();
    }

    /// Queues the pieces, unless the check has already ended.
    fn publish(&self, pieces: Vec<String>) {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if q.is_none() {
            *q = Some(pieces.into());
        }
        self.queued.notify_all();
    }
}

/// Ends the check for every worker when one worker ends, however it ends. Done, it found the
/// queue drained; with a failed check or an error (a damaged file often answers with one) the
/// answer is known; and the sizing worker gone without its pieces (an error, a panic) must
/// leave no one waiting for them.
struct Ends<'a>(&'a Pieces);

impl Drop for Ends<'_> {
    fn drop(&mut self) {
        self.0.clear();
    }
}

/// The backups in `dir`, newest first (the copies from before a restore among them), each with
/// its entry count.
pub fn list(dir: &Path, key: Option<&Key>) -> Result<Vec<BackupInfo>> {
    Ok(scan(dir)?
        .into_iter()
        .map(|b| BackupInfo {
            entries: count_entries(&dir.join(&b.name), key),
            ..b
        })
        .collect())
}

/// The backups in `dir`, newest first, from their names and file times alone (`entries` is not
/// read: pruning and the automatic backup's check need no file opened).
fn scan(dir: &Path) -> Result<Vec<BackupInfo>> {
    let mut found = Vec::new();
    let items = match std::fs::read_dir(dir) {
        Ok(items) => items,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e.into()),
    };
    for item in items {
        let item = item?;
        let name = item.file_name().to_string_lossy().into_owned();
        let Some((day, kind)) = parse_name(&name) else {
            continue;
        };
        let meta = item.metadata()?;
        let taken_at = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_millis() as i64);
        found.push(BackupInfo {
            name,
            kind,
            day: day.format("%Y-%m-%d").to_string(),
            taken_at,
            entries: None,
            bytes: meta.len(),
        });
    }
    found.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.name.cmp(&a.name)));
    Ok(found)
}

fn count_entries(path: &Path, key: Option<&Key>) -> Option<u64> {
    let c = cipher::open(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key).ok()?;
    c.query_row("SELECT count(*) FROM entries", [], |r| r.get::<_, i64>(0))
        .ok()
        .map(|n| n as u64)
}

/// `diary-2026-11-30.sqlite3`, `diary-2026-11-30-093015.sqlite3` (a later one that day) or
/// `before-restore-20261130-093015.sqlite3` → its day and kind.
fn parse_name(name: &str) -> Option<(NaiveDate, Kind)> {
    let stem = name.strip_suffix(SUFFIX)?;
    let (rest, kind) = match stem.strip_prefix(BEFORE_RESTORE) {
        Some(rest) => (rest, Kind::BeforeRestore),
        None => (stem.strip_prefix(PREFIX)?, Kind::Daily),
    };
    let day = match kind {
        Kind::Daily => NaiveDate::parse_from_str(rest.get(..10)?, "%Y-%m-%d").ok()?,
        Kind::BeforeRestore => NaiveDate::parse_from_str(rest.get(..8)?, "%Y%m%d").ok()?,
    };
    let time = match kind {
        Kind::Daily => rest.get(10..)?,
        Kind::BeforeRestore => rest.get(8..)?,
    };
    let time_ok = time.is_empty()
        || (time.len() == 7
            && time.starts_with('-')
            && time[1..].bytes().all(|b| b.is_ascii_digit()));
    time_ok.then_some((day, kind))
}

fn day_of(name: &str) -> Option<NaiveDate> {
    parse_name(name).and_then(|(day, kind)| (kind == Kind::Daily).then_some(day))
}

/// A backup of `diary` for `today` in its backups folder (`diary-DAY.sqlite3`, or with the time
/// when the day already has one: an earlier backup is never replaced), then the old ones beyond
/// what is kept removed.
pub fn take(
    diary: &Path,
    key: Option<&Key>,
    today: NaiveDate,
    keep: Keep,
    progress: &Progress,
) -> Result<Written> {
    let dir = folder_of(diary);
    let mut dest = dir.join(format!("{PREFIX}{}{SUFFIX}", today.format("%Y-%m-%d")));
    if dest.exists() {
        let time = chrono::Local::now().format("%H%M%S");
        dest = dir.join(format!(
            "{PREFIX}{}-{time}{SUFFIX}",
            today.format("%Y-%m-%d")
        ));
    }
    let written = copy_verified(diary, &dest, key, progress)?;
    // A backup that was written and verified stays a success even if pruning cannot finish (the
    // command line pruning at the same moment, say): the next backup prunes again.
    if let Err(e) = prune(&dir, keep, today) {
        log::warn!("old backups not pruned: {}", e.kind());
    }
    Ok(written)
}

/// How many backups stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keep {
    pub daily: u32,
    pub weekly: u32,
}

impl Default for Keep {
    fn default() -> Keep {
        Keep {
            daily: 7,
            weekly: 8,
        }
    }
}

/// Removes the backups `keep` does not keep: whole days beyond it, and on other days than
/// `today` every copy but the newest; of the copies from before a restore, all but the newest few.
pub fn prune(dir: &Path, keep: Keep, today: NaiveDate) -> Result<()> {
    let all = scan(dir)?;
    let days: Vec<NaiveDate> = all.iter().filter_map(|b| day_of(&b.name)).collect();
    let gone_days = to_remove(&days, keep);
    let mut seen_days = std::collections::HashSet::new();
    for b in &all {
        let remove = match b.kind {
            Kind::BeforeRestore => false,
            Kind::Daily => {
                let day = day_of(&b.name).unwrap_or(today);
                // `all` is newest first, so the first copy of a day seen is the one kept.
                let newer_of_day = !seen_days.insert(day);
                gone_days.contains(&day) || (newer_of_day && day != today)
            }
        };
        if remove {
            std::fs::remove_file(dir.join(&b.name))?;
        }
    }
    prune_before_restore(dir)
}

/// Of the copies from before a restore, only the newest few stay.
fn prune_before_restore(dir: &Path) -> Result<()> {
    let copies = scan(dir)?
        .into_iter()
        .filter(|b| b.kind == Kind::BeforeRestore);
    for b in copies.skip(KEEP_BEFORE_RESTORE) {
        std::fs::remove_file(dir.join(&b.name))?;
    }
    Ok(())
}

/// The newest `daily` days are kept; of the older ones, the newest of each ISO week for the
/// `weekly` most recent weeks that are not already covered; the rest go.
pub fn to_remove(days: &[NaiveDate], keep: Keep) -> Vec<NaiveDate> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    let mut covered = std::collections::HashSet::new();
    let mut weekly = 0;
    let mut remove = Vec::new();
    for (n, day) in sorted.iter().enumerate() {
        let week = (day.iso_week().year(), day.iso_week().week());
        if n < keep.daily as usize {
            covered.insert(week);
        } else if covered.contains(&week) || weekly >= keep.weekly {
            remove.push(*day);
        } else {
            covered.insert(week);
            weekly += 1;
        }
    }
    remove
}

/// A summary of the diary's content that changes whenever an entry, a reading or a turn is
/// written or deleted: a backup is due only when it differs from the newest backup's.
pub fn fingerprint(c: &Connection) -> Result<String> {
    Ok(c.query_row(
        "SELECT (SELECT count(*) FROM entries) || '/' || (SELECT coalesce(max(updated_at), 0) FROM entries)
             || '/' || (SELECT count(*) FROM interpretations) || '/' || (SELECT coalesce(max(id), 0) FROM interpretations)
             || '/' || (SELECT count(*) FROM messages) || '/' || (SELECT coalesce(max(id), 0) FROM messages)",
        [],
        |r| r.get(0),
    )?)
}

/// Whether an automatic backup is due today: none yet today, and the diary changed since the
/// newest one (or there is none).
pub fn due(db: &Database, today: NaiveDate) -> Result<bool> {
    let Some(diary) = db.path() else {
        return Ok(false);
    };
    let dir = folder_of(diary);
    // The newest daily backup that can be read (usually the first one opened).
    let newest = scan(&dir)?.into_iter().find(|b| {
        b.kind == Kind::Daily && count_entries(&dir.join(&b.name), db.key().as_ref()).is_some()
    });
    let Some(newest) = newest else {
        let has_any = db.call_blocking(|c| {
            Ok(
                c.query_row("SELECT EXISTS (SELECT 1 FROM entries)", [], |r| {
                    r.get::<_, bool>(0)
                })?,
            )
        })?;
        return Ok(has_any);
    };
    if day_of(&newest.name) == Some(today) {
        return Ok(false);
    }
    let now = db.call_blocking(|c| fingerprint(c))?;
    let then = cipher::open(
        &dir.join(&newest.name),
        OpenFlags::SQLITE_OPEN_READ_ONLY,
        db.key().as_ref(),
    )
    .and_then(|c| fingerprint(&c))
    .unwrap_or_default();
    Ok(now != then)
}

/// Replaces the diary's content with the backup at `from`. The backup is checked and brought up
/// to this version's schema in a staged copy first (so a file that fails never touches the
/// diary); then, holding the diary's writer so that no save can fall between the two, the diary
/// as it is is copied aside (`backups/before-restore-…`) and the staged copy is copied in through
/// the app's own connection, which every window and reader then sees.
pub fn restore(db: &Database, from: &Path, progress: &Progress) -> Result<Restored> {
    verify(from, db.key().as_ref())?;
    let diary = db
        .path()
        .ok_or_else(|| Error::Internal("the diary has no file".into()))?
        .to_path_buf();
    let dir = folder_of(&diary);
    std::fs::create_dir_all(&dir)?;
    let staged = dir.join(format!(".restore-{}.sqlite3", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    let result =
        stage(from, &staged, db.key().as_ref(), progress).and_then(|()| swap_in(db, &dir, &staged));
    let _ = std::fs::remove_file(&staged);
    let restored = result?;
    if let Err(e) = prune_before_restore(&dir) {
        log::warn!("old copies not pruned: {}", e.kind());
    }
    Ok(restored)
}

/// The backup copied to `staged` (encrypted like the diary: a plain backup from before
/// encryption is exported into an encrypted file, the backup API copying only between files
/// encrypted alike) and migrated there.
fn stage(from: &Path, staged: &Path, key: Option<&Key>, progress: &Progress) -> Result<()> {
    let plain = cipher::state_of(from)? == FileState::Plain;
    if let (Some(key), true) = (key, plain) {
        // Straight into an encrypted file: no plain copy of it is ever written.
        cipher::export_encrypted(from, staged, key)?;
    } else {
        copy_to(from, staged, key, progress)?;
    }
    let mut c = Connection::open(staged)?;
    cipher::key_connection(&c, key)?;
    crate::db::migrate(&mut c)?;
    drop(c);
    verify(staged, key)?;
    progress.check()
}

fn swap_in(db: &Database, dir: &Path, staged: &Path) -> Result<Restored> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let mut previous = dir.join(format!("{BEFORE_RESTORE}{stamp}{SUFFIX}"));
    let mut n = 1;
    while previous.exists() {
        // Two restores within a second: the second copy waits its turn rather than replacing.
        std::thread::sleep(Duration::from_millis(1000));
        previous = dir.join(format!(
            "{BEFORE_RESTORE}{}{SUFFIX}",
            chrono::Local::now().format("%Y%m%d-%H%M%S")
        ));
        n += 1;
        if n > 3 {
            return Err(Error::Internal("no free name for the copy aside".into()));
        }
    }
    let (staged, aside) = (staged.to_path_buf(), previous.clone());
    let key = db.key();
    let entries = db.call_blocking(move |c| {
        let src = cipher::open(&staged, OpenFlags::SQLITE_OPEN_READ_ONLY, key.as_ref())?;
        // SQLCipher answers this pragma as text, SQLite as a number.
        let page = |c: &Connection| -> Result<String> {
            let v: rusqlite::types::Value = c.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            Ok(match v {
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
        };
        if page(&src)? != page(c)? {
            return Err(Error::NotADiary("its page size differs from this diary's"));
        }
        let tmp = aside.with_extension("partial");
        let kept = copy_from(c, &tmp, key.as_ref(), &Progress::none())
            .and_then(|()| verify(&tmp, key.as_ref()))
            .and_then(|_| Ok(std::fs::rename(&tmp, &aside)?));
        if let Err(e) = kept {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        {
            let backup = Backup::new(&src, c)?;
            backup.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?;
        }
        // The copy came without WAL; the diary keeps its journal mode, and its WAL (now the size
        // of the whole diary) is folded back into the file.
        c.pragma_update(None, "journal_mode", "WAL")?;
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(c.query_row("SELECT count(*) FROM entries", [], |r| r.get::<_, i64>(0))? as u64)
    })?;
    Ok(Restored { entries, previous })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entries;
    use crate::diary::EntryInput;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn add(db: &Database, text: &str) {
        db.call_blocking(|c| {
            entries::create(
                c,
                &EntryInput {
                    body: text.into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    }

    #[test]
    fn seven_days_and_eight_weeks_are_kept() {
        // A backup every day for 120 days up to Monday 2026-11-30.
        let last = d("2026-11-30");
        let days: Vec<NaiveDate> = (0..120).map(|n| last - chrono::Days::new(n)).collect();
        let removed = to_remove(&days, Keep::default());
        let mut kept: Vec<NaiveDate> = days
            .iter()
            .filter(|d| !removed.contains(d))
            .copied()
            .collect();
        kept.sort();
        assert_eq!(kept.len(), 15, "7 daily + 8 weekly: {kept:?}");
        assert!(
            kept.contains(&last) && kept.contains(&d("2026-11-24")),
            "the last seven days"
        );
        assert!(
            !kept.contains(&d("2026-11-23")),
            "an older day of a week the dailies cover goes"
        );
        let weekly: Vec<_> = kept.iter().filter(|d| **d < d_min(&last)).collect();
        assert_eq!(weekly.len(), 8, "eight older weeks, one each: {weekly:?}");
        assert!(
            weekly.iter().all(|d| d.weekday() == chrono::Weekday::Sun),
            "the newest of each week"
        );
        assert_eq!(
            to_remove(&kept, Keep::default()),
            Vec::<NaiveDate>::new(),
            "pruning twice removes nothing more"
        );
    }

    fn d_min(last: &NaiveDate) -> NaiveDate {
        *last - chrono::Days::new(6)
    }

    #[test]
    fn a_backup_is_a_verified_copy_and_is_taken_only_when_the_diary_changed() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.sqlite3");
        let db = Database::open_keyed(&diary, Some(Key::random().unwrap()))
            .unwrap()
            .db;
        let today = d("2026-11-30");
        assert!(!due(&db, today).unwrap(), "an empty diary needs no backup");
        add(&db, "돼지꿈 🐷");
        assert!(due(&db, today).unwrap(), "a first backup is due");
        let w = take(
            &diary,
            db.key().as_ref(),
            today,
            Keep::default(),
            &Progress::none(),
        )
        .unwrap();
        assert_eq!(w.entries, 1);
        assert_eq!(
            verify(&w.path, db.key().as_ref()).unwrap(),
            1,
            "the copy passes the integrity check"
        );
        assert!(!due(&db, today).unwrap(), "one a day");
        assert!(!due(&db, d("2026-12-01")).unwrap(), "nothing changed since");
        add(&db, "another");
        assert!(
            due(&db, d("2026-12-01")).unwrap(),
            "changed: due the next day"
        );
        let listed = list(&folder_of(&diary), db.key().as_ref()).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].day.as_str(), listed[0].entries),
            ("2026-11-30", Some(1))
        );
        let names: Vec<_> = std::fs::read_dir(folder_of(&diary))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names.len(),
            1,
            "no partial or journal file left beside it: {names:?}"
        );
    }

    #[test]
    fn a_backup_taken_while_entries_are_written_is_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.sqlite3");
        let db = Database::open_keyed(&diary, Some(Key::random().unwrap()))
            .unwrap()
            .db;
        db.call_blocking(|c| {
            let tx = c.transaction()?;
            for n in 0..2000 {
                let body = format!("dream {n} {}", "꿈 ".repeat(200));
                entries::create(
                    &tx,
                    &EntryInput {
                        body,
                        ..Default::default()
                    },
                )?;
            }
            Ok(tx.commit()?)
        })
        .unwrap();
        let writer = {
            let db = db.clone();
            std::thread::spawn(move || {
                for n in 0..300 {
                    add(&db, &format!("written during the backup {n}"));
                }
            })
        };
        // A pause after the first step, so the writes land in the middle of the copy.
        let slow = Progress::new(|_, _| std::thread::sleep(Duration::from_millis(200)));
        let w = copy_verified(
            &diary,
            &dir.path().join("copy.sqlite3"),
            db.key().as_ref(),
            &slow,
        )
        .unwrap();
        writer.join().unwrap();
        let c = cipher::open(&w.path, OpenFlags::SQLITE_OPEN_READ_ONLY, db.key().as_ref()).unwrap();
        let (entries, indexed): (i64, i64) = c
            .query_row(
                "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM entries_fts_docsize)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(
            (2000..=2300).contains(&entries),
            "a snapshot between the writes: {entries}"
        );
        assert_eq!(w.entries as i64, entries);
        assert_eq!(
            indexed, entries,
            "the search index agrees with the rows it copied"
        );
    }

    #[test]
    fn restore_brings_the_backup_back_and_keeps_the_diary_as_it_was_aside() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.sqlite3");
        let db = Database::open_keyed(&diary, Some(Key::random().unwrap()))
            .unwrap()
            .db;
        add(&db, "kept in the backup");
        let w = take(
            &diary,
            db.key().as_ref(),
            d("2026-11-29"),
            Keep::default(),
            &Progress::none(),
        )
        .unwrap();
        add(&db, "written after the backup");
        let r = restore(&db, &w.path, &Progress::none()).unwrap();
        assert_eq!(r.entries, 1, "the diary is the backup again");
        let bodies: Vec<String> = db
            .call_blocking(|c| {
                Ok(entries::list(c, 10, 0)?
                    .into_iter()
                    .map(|s| s.excerpt)
                    .collect())
            })
            .unwrap();
        assert_eq!(bodies, ["kept in the backup"]);
        assert_eq!(
            verify(&r.previous, db.key().as_ref()).unwrap(),
            2,
            "the diary before the restore is aside, whole"
        );
        add(&db, "written after the restore");
        let key = db.key();
        drop(db);
        let again = Database::open_keyed(&diary, key).unwrap().db;
        let n = again
            .call_blocking(|c| Ok(entries::list(c, 10, 0)?.len()))
            .unwrap();
        assert_eq!(
            n, 2,
            "the restored diary survives a restart and takes new dreams"
        );
    }

    /// A backup taken before the search index lost its positions (schema 9) comes back without
    /// the old index's space: the restored diary is compacted like an upgraded one.
    #[test]
    fn a_backup_from_before_the_smaller_index_is_restored_compacted() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old-backup.sqlite3");
        crate::db::migrations::write_version_9_diary(&old, 400);
        let diary = dir.path().join("diary.sqlite3");
        let db = Database::open(&diary).unwrap().db;
        let r = restore(&db, &old, &Progress::none()).unwrap();
        assert_eq!(r.entries, 400, "every entry of the old backup is back");
        let (before, after) = (
            std::fs::metadata(&old).unwrap().len(),
            std::fs::metadata(&diary).unwrap().len(),
        );
        let free: i64 = db
            .call_blocking(|c| Ok(c.query_row("PRAGMA freelist_count", [], |r| r.get(0))?))
            .unwrap();
        assert!(
            free == 0 && after < before,
            "the restored diary holds no old index's space: {before} → {after} bytes, {free} pages free"
        );
        let found = db
            .call_blocking(|c| {
                Ok(crate::diary::search::search(c, "낯선 도시의", &Default::default(), 500)?.len())
            })
            .unwrap();
        assert_eq!(found, 400, "and every entry is found by its words");
    }

    #[test]
    fn a_second_backup_the_same_day_is_added_and_older_days_keep_only_their_newest() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.sqlite3");
        let db = Database::open_keyed(&diary, Some(Key::random().unwrap()))
            .unwrap()
            .db;
        add(&db, "one");
        let first = take(
            &diary,
            db.key().as_ref(),
            d("2026-11-29"),
            Keep::default(),
            &Progress::none(),
        )
        .unwrap();
        add(&db, "two");
        let second = take(
            &diary,
            db.key().as_ref(),
            d("2026-11-29"),
            Keep::default(),
            &Progress::none(),
        )
        .unwrap();
        assert_ne!(
            first.path, second.path,
            "the morning's backup is not replaced"
        );
        assert_eq!(
            list(&folder_of(&diary), db.key().as_ref()).unwrap().len(),
            2,
            "both kept on their day"
        );
        take(
            &diary,
            db.key().as_ref(),
            d("2026-11-30"),
            Keep::default(),
            &Progress::none(),
        )
        .unwrap();
        let names: Vec<String> = list(&folder_of(&diary), db.key().as_ref())
            .unwrap()
            .into_iter()
            .map(|b| b.name)
            .collect();
        assert_eq!(
            names.len(),
            2,
            "the 29th keeps its newest copy only: {names:?}"
        );
        assert!(
            !names.contains(&"diary-2026-11-29.sqlite3".to_string()),
            "{names:?}"
        );
        assert_eq!(
            parse_name("diary-2026-11-29-093015.sqlite3"),
            Some((d("2026-11-29"), Kind::Daily))
        );
        assert_eq!(
            parse_name("before-restore-20261129-093015.sqlite3"),
            Some((d("2026-11-29"), Kind::BeforeRestore))
        );
        for odd in [
            "diary-2026-11-29-x.sqlite3",
            "diary-2026-11-29.sqlite3-wal",
            "notes.sqlite3",
            ".restore-1.sqlite3",
        ] {
            assert_eq!(parse_name(odd), None, "{odd} is not a backup");
        }
    }

    #[test]
    fn a_file_that_is_no_diary_is_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let diary = dir.path().join("diary.sqlite3");
        let db = Database::open_keyed(&diary, Some(Key::random().unwrap()))
            .unwrap()
            .db;
        add(&db, "mine");
        let junk = dir.path().join("junk.sqlite3");
        std::fs::write(&junk, b"not sqlite at all").unwrap();
        let other = dir.path().join("other.sqlite3");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        // Another app's database that happens to have an `entries` table.
        let lookalike = dir.path().join("lookalike.sqlite3");
        Connection::open(&lookalike)
            .unwrap()
            .execute_batch("CREATE TABLE entries (id INTEGER PRIMARY KEY, body TEXT)")
            .unwrap();
        let newer = dir.path().join("newer.sqlite3");
        db.call_blocking(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?))
            .unwrap();
        std::fs::copy(&diary, &newer).unwrap();
        cipher::open(&newer, OpenFlags::default(), db.key().as_ref())
            .unwrap()
            .pragma_update(None, "user_version", 999)
            .unwrap();
        for f in [&junk, &other, &lookalike, &newer] {
            assert!(
                matches!(restore(&db, f, &Progress::none()), Err(Error::NotADiary(_))),
                "{f:?}"
            );
        }
        let n = db
            .call_blocking(|c| Ok(entries::list(c, 10, 0)?.len()))
            .unwrap();
        assert_eq!(n, 1, "the diary is unchanged");
    }
    /// The workers waiting for the sized pieces are released whatever the sizing worker does:
    /// it queues them, ends without them (an error, a panic), or another worker ends first.
    #[test]
    fn no_checking_worker_waits_for_pieces_that_never_come() {
        let queued = Pieces::default();
        std::thread::scope(|s| {
            let w = s.spawn(|| std::iter::from_fn(|| queued.next()).collect::<Vec<_>>());
            std::thread::sleep(Duration::from_millis(20));
            queued.publish(vec!["a".into(), "b".into()]);
            assert_eq!(w.join().unwrap(), ["a", "b"], "the queued pieces, in order");
        });
        let failed = Pieces::default();
        std::thread::scope(|s| {
            let w = s.spawn(|| failed.next());
            std::thread::sleep(Duration::from_millis(20));
            drop(Ends(&failed));
            assert_eq!(
                w.join().unwrap(),
                None,
                "a sizer gone without pieces releases the others"
            );
        });
        let cleared = Pieces::default();
        drop(Ends(&cleared));
        cleared.publish(vec!["late".into()]);
        assert_eq!(
            cleared.next(),
            None,
            "pieces sized after a failed check are not run"
        );
    }

    /// The check split among the cores still finds what the whole `PRAGMA integrity_check` finds:
    /// an index that disagrees with its table's rows (only `integrity_check(TABLE)` looks there)
    /// and a damaged search index (only `quick_check` runs its own check).
    #[test]
    fn a_damaged_index_or_search_index_fails_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("diary.sqlite3");
        let db = Database::open_keyed(&good, None).unwrap().db;
        for text in [
            "돼지꿈을 꾸었다",
            "a snake in the water",
            "flying over the sea",
        ] {
            add(&db, text);
        }
        db.call_blocking(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?))
            .unwrap();
        assert_eq!(verify(&good, None).unwrap(), 3, "the diary itself passes");

        // A copy of the sound diary, changed by `sql`.
        let damaged = |name: &str, sql: &str| {
            let path = dir.path().join(name);
            std::fs::copy(&good, &path).unwrap();
            Connection::open(&path).unwrap().execute_batch(sql).unwrap();
            path
        };

        // The schema now says the symbols' index holds other columns than the ones written.
        let index = damaged(
            "index.sqlite3",
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = 'CREATE INDEX entry_symbols_by_symbol ON entry_symbols (code DESC)'
              WHERE name = 'entry_symbols_by_symbol';",
        );
        let quick: String = Connection::open(&index)
            .unwrap()
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(quick, "ok", "quick_check alone does not see it");
        assert!(
            matches!(verify(&index, None), Err(Error::NotADiary("it is damaged"))),
            "the index against its rows is checked"
        );

        // The same for an index of a rowid table (the entries' by night).
        let rowid = damaged(
            "rowid.sqlite3",
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = 'CREATE INDEX entries_by_night ON entries (title DESC, id DESC)'
              WHERE name = 'entries_by_night';",
        );
        assert!(
            matches!(verify(&rowid, None), Err(Error::NotADiary("it is damaged"))),
            "a rowid table's index against its rows is checked"
        );

        // A segment of the search index overwritten.
        let search = damaged(
            "search.sqlite3",
            "UPDATE entries_fts_data SET block = zeroblob(length(block))
              WHERE id = (SELECT max(id) FROM entries_fts_data);",
        );
        assert!(
            matches!(
                verify(&search, None),
                Err(Error::NotADiary("it is damaged"))
            ),
            "the search index's own check runs"
        );
    }
}

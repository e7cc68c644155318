//! The user's data out and back in: exports (Haemong JSON, a Markdown folder), imports (those two,
//! Day One, jrnl, a folder of notes) that all end in one merge, and verified backups. No tauri
//! here: the command line and the app call the same functions. Formats: docs/formats.md.

pub mod backup;
pub mod commands;
pub mod journals;
pub mod json;
pub mod markdown;
pub mod sealed;
pub mod service;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::db::interpretations::{self, NewInterpretation};
use crate::db::messages::{self, Message};
use crate::db::{entries, Bulk};
use crate::diary::EntryInput;
use crate::error::{Error, ImportProblem, Result};

pub use json::{export_json, import_json, JsonEntry, JsonInterpretation, JsonMessage};

/// A file larger than this is refused before it is read: no diary export comes near it (100,000
/// entries are ~150 MB), and reading a 2 GB file whole would take the memory with it.
pub const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// What an import did (or, dry, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub added: usize,
    /// Already in the diary (the same id, or the same night and text).
    pub skipped: usize,
    /// Not valid entries (a night that is not a date, an empty dream, …): left out.
    pub refused: usize,
    pub interpretations: usize,
    /// Photos, audio and other attachments another journal had: not brought over.
    pub media_skipped: usize,
    pub dry_run: bool,
}

/// What an importer read: entries in Haemong's own model, and what it could not bring.
#[derive(Debug, Default)]
pub struct Incoming {
    pub entries: Vec<JsonEntry>,
    /// Photos, audio and other attachments: left behind, counted.
    pub media_skipped: usize,
    /// Items that could not be read at all (a note that is not UTF-8): counted as refused.
    pub unreadable: usize,
}

impl From<Vec<JsonEntry>> for Incoming {
    fn from(entries: Vec<JsonEntry>) -> Incoming {
        Incoming {
            entries,
            ..Incoming::default()
        }
    }
}

/// Long work's progress and its cancel button. `step` says how far it is and stops the work (with
/// `Error::Cancelled`) once `cancel` was called; the work then rolls back.
pub struct Progress {
    cancelled: AtomicBool,
    tell: Option<Box<dyn Fn(u64, u64) + Send + Sync>>,
    last: Mutex<Option<Instant>>,
}

impl Progress {
    /// Progress nobody watches (tests, the command line when not on a terminal).
    pub fn none() -> Progress {
        Progress {
            cancelled: AtomicBool::new(false),
            tell: None,
            last: Mutex::new(None),
        }
    }

    /// `tell(done, total)` at most ten times a second, and always at the end.
    pub fn new(tell: impl Fn(u64, u64) + Send + Sync + 'static) -> Progress {
        Progress {
            tell: Some(Box::new(tell)),
            ..Progress::none()
        }
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// `Error::Cancelled` once `cancel` was called.
    pub fn check(&self) -> Result<()> {
        match self.is_cancelled() {
            true => Err(Error::Cancelled),
            false => Ok(()),
        }
    }

    pub fn step(&self, done: u64, total: u64) -> Result<()> {
        self.check()?;
        if let Some(tell) = &self.tell {
            let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
            let due = last.map_or(true, |t| t.elapsed() >= Duration::from_millis(100));
            if due || done >= total {
                *last = Some(Instant::now());
                tell(done, total);
            }
        }
        Ok(())
    }
}

pub fn time_string(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn time_ms(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// Reads what the user picked, tells which format it is (a folder of notes, a Day One zip, a
/// Haemong, Day One or jrnl JSON export, one Markdown or text file) and merges its entries.
pub fn import_path(
    c: &mut Connection,
    path: &Path,
    passphrase: Option<&str>,
    dry_run: bool,
    progress: &Progress,
) -> Result<Report> {
    merge(c, &read_any(path, passphrase)?, dry_run, progress)
}

/// The entries in `path`, whatever it is, and what could not come along. An export sealed with a
/// passphrase (age) needs `passphrase`: `PassphraseNeeded` without one.
pub fn read_any(path: &Path, passphrase: Option<&str>) -> Result<Incoming> {
    if path.is_dir() {
        return markdown::read_folder(path);
    }
    if sealed::is_sealed_file(path) {
        let bytes = sealed::open(path, passphrase.ok_or(Error::PassphraseNeeded)?)?;
        return journals::any_json(&bytes);
    }
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path)?;
    let n = std::io::Read::read(&mut file, &mut magic)?;
    if n == 4 && (&magic == b"PK\x03\x04" || &magic == b"PK\x05\x06") {
        // A Day One zip is read from the file: its photos may make it larger than any journal,
        // and only its journals are unpacked.
        return journals::day_one_zip(file);
    }
    let bytes = read_limited(path)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(ext.as_str(), "md" | "markdown" | "txt" | "text") {
        let text =
            String::from_utf8(bytes).map_err(|_| Error::ImportRefused(ImportProblem::NotUtf8))?;
        return Ok(vec![markdown::read_note(path, &text)?].into());
    }
    journals::any_json(&bytes)
}

/// A file's bytes, refused before reading when it is larger than any journal export.
pub fn read_limited(path: &Path) -> Result<Vec<u8>> {
    if std::fs::metadata(path)?.len() > MAX_IMPORT_BYTES {
        return Err(Error::ImportRefused(ImportProblem::TooLarge));
    }
    Ok(std::fs::read(path)?)
}

/// Merges entries into the diary in one transaction (rolled back when `dry_run` or cancelled):
/// an entry already there (the same id, or the same night and text, within the diary or earlier in
/// the same file) is skipped; an invalid one (a night that is not a date, an empty dream, a bad
/// time) is refused and counted; the rest come in with their readings and threads.
pub fn merge(
    c: &mut Connection,
    incoming: &Incoming,
    dry_run: bool,
    progress: &Progress,
) -> Result<Report> {
    // A large import touches the same index pages again and again: with SQLite's default 2 MB
    // cache they are written out and read back many times over. A bigger cache for the import
    // only (it is handed back however the import ends).
    let cache: i64 = c.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    c.pragma_update(None, "cache_size", -131_072)?;
    let result = merge_in(c, incoming, dry_run, progress);
    c.pragma_update(None, "cache_size", cache)?;
    result
}

fn merge_in(
    c: &mut Connection,
    incoming: &Incoming,
    dry_run: bool,
    progress: &Progress,
) -> Result<Report> {
    let tx = c.transaction()?;
    let mut report = Report {
        dry_run,
        refused: incoming.unreadable,
        media_skipped: incoming.media_skipped,
        ..Report::default()
    };
    let total = incoming.entries.len() as u64;
    let today = crate::diary::today_local();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| -> Result<()> {
        // The symbols are found on another core while the rows and the index go in (`Bulk`).
        let texts = incoming
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.text.as_str()));
        let finder = s.spawn(|| crate::db::bulk::symbols_of(texts, &stop));
        let written = write_rows(&tx, incoming, &today, &mut report, progress);
        let bulk = match written {
            Ok((bulk, added)) => bulk.index(&tx).map(|()| (bulk, added)),
            Err(e) => Err(e),
        };
        if bulk.is_err() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let found = finder
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        let (bulk, added) = bulk?;
        progress.check()?;
        bulk.finish(&tx, added.iter().map(|a| (a.id, found[a.at].as_slice())))
    })?;
    progress.step(total, total)?;
    if dry_run {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    Ok(report)
}

/// An entry an import added: its position in `Incoming` and its new id.
struct Added {
    at: usize,
    id: i64,
}

/// The new entries' rows, tags, readings and threads (the rest is `Bulk`'s), and what was added.
fn write_rows(
    tx: &Connection,
    incoming: &Incoming,
    today: &str,
    report: &mut Report,
    progress: &Progress,
) -> Result<(Bulk, Vec<Added>)> {
    let total = incoming.entries.len() as u64;
    let bulk = Bulk::begin(tx, incoming.entries.len())?;
    let mut added = Vec::new();
    for (n, e) in incoming.entries.iter().enumerate() {
        progress.step(n as u64, total)?;
        if entries::already_there(tx, &e.id, &e.night, &e.text)? {
            report.skipped += 1;
            continue;
        }
        let (Some(created), Some(updated)) = (time_ms(&e.created_at), time_ms(&e.updated_at))
        else {
            report.refused += 1;
            continue;
        };
        if uuid::Uuid::parse_str(&e.id).is_err() {
            report.refused += 1;
            continue;
        }
        let input = EntryInput {
            night: Some(e.night.clone()),
            title: e.title.clone(),
            body: e.text.clone(),
            tags: e.tags.clone(),
            flags: e.flags,
            mood: e.mood,
            sleep: e.sleep,
        };
        let Ok(valid) = input.validated(today) else {
            report.refused += 1;
            continue;
        };
        let id = bulk.insert(tx, &valid, &e.id, (created, updated))?;
        report.added += 1;
        report.interpretations += readings_into(tx, id, &e.interpretations)?;
        added.push(Added { at: n, id });
    }
    Ok((bulk, added))
}

/// An imported entry's readings with their threads; readings with unreadable times are left out.
fn readings_into(tx: &Connection, entry: i64, readings: &[JsonInterpretation]) -> Result<usize> {
    let mut n = 0;
    for i in readings {
        let (Some(started), Some(finished)) = (time_ms(&i.started_at), time_ms(&i.finished_at))
        else {
            continue;
        };
        let row = NewInterpretation {
            entry_id: Some(entry),
            dream: None,
            style: i.style.clone(),
            provider: i.provider.clone(),
            model: i.model.clone(),
            text: i.text.clone(),
            reasoning: i.reasoning.clone(),
            status: i.status,
            finish_reason: i.finish_reason.clone(),
            error_kind: i.error_kind.clone(),
            usage: i.usage,
            started_at: started,
            finished_at: finished,
        };
        let Some(reading) = interpretations::insert(tx, &row)? else {
            continue;
        };
        n += 1;
        for m in &i.thread {
            let (Some(s), Some(f)) = (time_ms(&m.started_at), time_ms(&m.finished_at)) else {
                continue;
            };
            let turn = Message {
                id: 0,
                interpretation_id: reading,
                role: m.role,
                text: m.text.clone(),
                reasoning: m.reasoning.clone(),
                status: m.status,
                model: m.model.clone(),
                finish_reason: m.finish_reason.clone(),
                error_kind: m.error_kind.clone(),
                started_at: s,
                finished_at: f,
            };
            messages::insert_turn(tx, reading, &turn)?;
        }
    }
    Ok(n)
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::fixture::{export, rich};
    use crate::db::Database;
    use crate::diary::search::{search_page, Filter};

    fn found(db: &Database, term: &str) -> Vec<String> {
        db.call_blocking(|c| {
            Ok(search_page(c, term, &Filter::default(), 10, 0)?
                .into_iter()
                .map(|s| s.night)
                .collect())
        })
        .unwrap()
    }

    #[test]
    fn imported_dreams_are_searchable_and_their_symbols_counted_like_written_ones() {
        let from = Database::open_in_memory().unwrap();
        rich(&from);
        let to = Database::open_in_memory().unwrap();
        let file = export(&from, 1);
        to.call_blocking(|c| import_json(c, file.as_bytes(), false))
            .unwrap();
        assert_eq!(
            found(&to, "돼지"),
            ["2026-11-28"],
            "a two-letter Korean term, through the index"
        );
        assert_eq!(found(&to, "garden"), ["2026-11-01"]);
        let symbols = |db: &Database| {
            db.call_blocking(|c| {
                let mut st = c.prepare(
                    "SELECT c.symbol, e.night FROM entry_symbols s
                     JOIN entries e ON e.id = s.entry_id JOIN symbol_codes c ON c.code = s.code
                     ORDER BY 2, 1",
                )?;
                let rows = st.query_map([], |r| {
                    Ok(format!(
                        "{}/{}",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?
                    ))
                })?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .unwrap()
        };
        assert!(
            !symbols(&from).is_empty(),
            "the fixture mentions dictionary symbols"
        );
        assert_eq!(
            symbols(&to),
            symbols(&from),
            "the same symbols as the diary that wrote them"
        );
        let months = |db: &Database, table: &str| {
            db.call_blocking(|c| {
                let sql = format!("SELECT * FROM {table} WHERE n > 0 ORDER BY 1, 2");
                let mut st = c.prepare(&sql)?;
                let rows = st.query_map([], |r| {
                    Ok(format!(
                        "{}/{}/{}",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?
                    ))
                })?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .unwrap()
        };
        for table in ["symbol_months", "tag_months"] {
            assert!(
                !months(&from, table).is_empty(),
                "{table} has counts to compare"
            );
            assert_eq!(
                months(&to, table),
                months(&from, table),
                "{table}: the insights count the same"
            );
        }
        let schema = |db: &Database| {
            db.call_blocking(|c| {
                Ok(c.query_row(
                    "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
                     WHERE type IN ('index', 'trigger') ORDER BY name)",
                    [],
                    |r| r.get::<_, String>(0),
                )?)
            })
            .unwrap()
        };
        assert_eq!(
            schema(&to),
            schema(&from),
            "every index and trigger is back"
        );
        // The per-entry index is back for what is written after the import.
        to.call_blocking(|c| {
            entries::create(
                c,
                &EntryInput {
                    body: "새로 쓴 고래 꿈".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
        assert_eq!(
            found(&to, "고래").len(),
            1,
            "a dream written after an import is found"
        );
    }

    #[test]
    fn a_cancelled_import_changes_nothing() {
        let from = Database::open_in_memory().unwrap();
        rich(&from);
        let file = export(&from, 1);
        let to = Database::open_in_memory().unwrap();
        let progress = Progress::new(|_, _| {});
        progress.cancel();
        let got = to.call_blocking(|c| import_json_with(c, file.as_bytes(), &progress));
        assert!(matches!(got, Err(Error::Cancelled)), "{got:?}");
        assert!(found(&to, "garden").is_empty(), "nothing came in");
        let r = to
            .call_blocking(|c| import_json(c, file.as_bytes(), false))
            .unwrap();
        assert_eq!(
            r.added, 2,
            "and the index trigger is intact for the next import"
        );
    }

    fn import_json_with(c: &mut Connection, bytes: &[u8], p: &Progress) -> Result<Report> {
        merge(c, &json::entries_of(bytes)?.into(), false, p)
    }
}

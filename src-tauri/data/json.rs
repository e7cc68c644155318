//! Haemong's own JSON: one file, lossless (every entry with its id, times, tags, flags, mood,
//! sleep, and every reading with its thread). Its entries are the model every importer converts
//! to before `super::merge`. Format: docs/formats.md.

use std::io::Write;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{time_string, Progress, Report, MAX_IMPORT_BYTES};
use crate::db::entries;
use crate::db::interpretations::{self, Status};
use crate::db::messages::Role;
use crate::diary::{Flags, Mood};
use crate::error::{Error, ImportProblem, Result};
use crate::events::Usage;

/// What `format` says in a Haemong export.
pub const FORMAT: &str = "haemong";
/// The version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// One entry as the export writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonEntry {
    /// The entry's stable id (a UUID).
    pub id: String,
    pub night: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// RFC 3339, UTC, milliseconds.
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub flags: Flags,
    #[serde(default)]
    pub mood: Option<Mood>,
    #[serde(default)]
    pub sleep: Option<u8>,
    #[serde(default)]
    pub interpretations: Vec<JsonInterpretation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonInterpretation {
    pub style: String,
    pub provider: String,
    pub model: String,
    pub status: Status,
    pub text: String,
    #[serde(default)]
    pub reasoning: String,
    #[serde(default)]
    pub finish_reason: Option<String>,
    #[serde(default)]
    pub error_kind: Option<String>,
    #[serde(default)]
    pub usage: Option<Usage>,
    pub started_at: String,
    pub finished_at: String,
    #[serde(default)]
    pub thread: Vec<JsonMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonMessage {
    pub role: Role,
    pub text: String,
    #[serde(default)]
    pub reasoning: String,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub finish_reason: Option<String>,
    #[serde(default)]
    pub error_kind: Option<String>,
    pub started_at: String,
    pub finished_at: String,
}

/// A whole export's entries, as read back (`Head` has checked its format and version).
#[derive(Debug, Deserialize)]
struct Document {
    entries: Vec<JsonEntry>,
}

/// Just the head, to tell "not ours" and "too new" apart from a broken file.
#[derive(Debug, Deserialize)]
struct Head {
    format: Option<String>,
    version: Option<u32>,
}

/// Writes every entry of the diary as Haemong JSON to `out`, one entry per line, oldest night
/// first; returns how many. Memory stays flat however large the diary: entries are read and
/// written one at a time.
pub fn export_json(c: &mut Connection, out: &mut dyn Write, exported_at: i64) -> Result<usize> {
    assign_missing_ids(c)?;
    write_json(c, out, exported_at, &Progress::none())
}

/// Gives an id to every entry written without one (by another tool, straight into the file), so
/// that an export from a read-only snapshot has one for each.
pub fn assign_missing_ids(c: &mut Connection) -> Result<()> {
    entries::assign_missing_uuids(c)
}

/// `export_json`'s writing, on any connection (a read-only snapshot included).
pub fn write_json(
    c: &mut Connection,
    out: &mut dyn Write,
    exported_at: i64,
    progress: &Progress,
) -> Result<usize> {
    let ids = entries::ids_in_order(c)?;
    let total = ids.len() as u64;
    write!(
        out,
        "{{\n  \"format\": \"{FORMAT}\",\n  \"version\": {VERSION},\n  \"exportedAt\": \"{}\",\n  \"entries\": [",
        time_string(exported_at)
    )?;
    for (n, id) in ids.iter().enumerate() {
        progress.step(n as u64, total)?;
        let entry = json_entry(c, *id)?;
        out.write_all(if n == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *out, &entry).map_err(|e| Error::Internal(e.to_string()))?;
    }
    out.write_all(if ids.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    })?;
    progress.step(total, total)?;
    Ok(ids.len())
}

pub(super) fn json_entry(c: &mut Connection, id: i64) -> Result<JsonEntry> {
    let e = entries::get(c, id)?;
    let uuid = entries::uuid_of(c, id)?;
    let mut readings = interpretations::for_entry(c, id)?;
    readings.reverse(); // oldest first, the order they were written
    Ok(JsonEntry {
        id: uuid,
        night: e.night,
        title: e.title,
        text: e.body,
        created_at: time_string(e.created_at),
        updated_at: time_string(e.updated_at),
        tags: e.tags,
        flags: e.flags,
        mood: e.mood,
        sleep: e.sleep,
        interpretations: readings
            .into_iter()
            .map(|i| JsonInterpretation {
                style: i.style,
                provider: i.provider,
                model: i.model,
                status: i.status,
                text: i.text,
                reasoning: i.reasoning,
                finish_reason: i.finish_reason,
                error_kind: i.error_kind,
                usage: i.usage,
                started_at: time_string(i.started_at),
                finished_at: time_string(i.finished_at),
                thread: i
                    .thread
                    .into_iter()
                    .map(|m| JsonMessage {
                        role: m.role,
                        text: m.text,
                        reasoning: m.reasoning,
                        status: m.status,
                        model: m.model,
                        finish_reason: m.finish_reason,
                        error_kind: m.error_kind,
                        started_at: time_string(m.started_at),
                        finished_at: time_string(m.finished_at),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// Reads a Haemong JSON export and merges it into the diary (see `super::merge`). A file that is
/// not a Haemong export, is broken, or is from a newer version is refused whole and the diary is
/// left as it was.
pub fn import_json(c: &mut Connection, bytes: &[u8], dry_run: bool) -> Result<Report> {
    let doc = parse(bytes)?;
    super::merge(c, &doc.entries.into(), dry_run, &Progress::none())
}

/// The entries of a Haemong export, checked (see `import_json`).
pub fn entries_of(bytes: &[u8]) -> Result<Vec<JsonEntry>> {
    Ok(parse(bytes)?.entries)
}

/// The entries when `bytes` says it is a Haemong export (checked as `import_json` does); `None`
/// when it carries no `format` at all (another journal's JSON, for the caller to try).
pub fn entries_if_ours(bytes: &[u8]) -> Result<Option<Vec<JsonEntry>>> {
    let head = head_of(bytes)?;
    if head.format.is_none() {
        return Ok(None);
    }
    Ok(Some(checked(bytes, head)?.entries))
}

fn head_of(bytes: &[u8]) -> Result<Head> {
    use ImportProblem::*;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(Error::ImportRefused(TooLarge));
    }
    if std::str::from_utf8(bytes).is_err() {
        return Err(Error::ImportRefused(NotUtf8));
    }
    serde_json::from_slice(bytes).map_err(|_| Error::ImportRefused(NotJson))
}

fn parse(bytes: &[u8]) -> Result<Document> {
    checked(bytes, head_of(bytes)?)
}

fn checked(bytes: &[u8], head: Head) -> Result<Document> {
    use ImportProblem::*;
    if head.format.as_deref() != Some(FORMAT) {
        return Err(Error::ImportRefused(NotHaemong));
    }
    if head.version.unwrap_or(0) > VERSION {
        return Err(Error::ImportRefused(Newer));
    }
    serde_json::from_slice(bytes).map_err(|_| Error::ImportRefused(Unreadable))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::fixture::{export, rich};
    use crate::db::Database;

    #[test]
    fn export_then_import_into_an_empty_diary_then_export_gives_the_same_file() {
        let first = Database::open_in_memory().unwrap();
        rich(&first);
        let a = export(&first, 1);
        let second = Database::open_in_memory().unwrap();
        let report = second
            .call_blocking(|c| import_json(c, a.as_bytes(), false))
            .unwrap();
        assert_eq!((report.added, report.skipped, report.refused), (2, 0, 0));
        assert_eq!(report.interpretations, 1);
        let b = export(&second, 1);
        assert_eq!(a, b, "nothing lost or changed on the way");
        assert!(a.contains("돼지꿈 🐷"), "Korean and emoji kept as text");
        assert!(a.contains("\"lucid\":true"), "flags travel");
        assert!(a.contains("태몽인가요?"), "the thread travels");
        let parsed: serde_json::Value = serde_json::from_str(&a).unwrap();
        assert_eq!(parsed["format"], "haemong");
        assert_eq!(
            parsed["entries"][0]["night"], "2026-11-01",
            "oldest night first"
        );
    }

    #[test]
    fn importing_the_same_file_twice_changes_nothing() {
        let db = Database::open_in_memory().unwrap();
        rich(&db);
        let file = export(&db, 1);
        let again = db
            .call_blocking(|c| import_json(c, file.as_bytes(), false))
            .unwrap();
        assert_eq!((again.added, again.skipped), (0, 2), "both already there");
        assert_eq!(export(&db, 1), file, "the diary is unchanged");
        // The same dreams under other ids (written again, or from another journal): skipped too.
        let mut doc: serde_json::Value = serde_json::from_str(&file).unwrap();
        for e in doc["entries"].as_array_mut().unwrap() {
            e["id"] = uuid::Uuid::new_v4().to_string().into();
        }
        let renamed = serde_json::to_vec(&doc).unwrap();
        let r = db
            .call_blocking(|c| import_json(c, &renamed, false))
            .unwrap();
        assert_eq!(
            (r.added, r.skipped, r.refused),
            (0, 2, 0),
            "same night and text means the same entry"
        );
    }

    #[test]
    fn a_dry_run_says_what_would_happen_and_changes_nothing() {
        let from = Database::open_in_memory().unwrap();
        rich(&from);
        let file = export(&from, 1);
        let to = Database::open_in_memory().unwrap();
        let r = to
            .call_blocking(|c| import_json(c, file.as_bytes(), true))
            .unwrap();
        assert_eq!((r.added, r.dry_run), (2, true));
        assert_eq!(
            export(&to, 1),
            export(&Database::open_in_memory().unwrap(), 1),
            "still empty"
        );
    }

    #[test]
    fn files_that_are_not_what_they_claim_are_refused_and_the_diary_is_unchanged() {
        let db = Database::open_in_memory().unwrap();
        rich(&db);
        let before = export(&db, 1);
        let truncated = &before[..before.len() / 2];
        let newer = before.replace("\"version\": 1", "\"version\": 99");
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("not JSON", b"hello".to_vec()),
            ("truncated", truncated.as_bytes().to_vec()),
            ("invalid UTF-8", vec![b'{', 0xff, 0xfe, b'}']),
            ("another app's JSON", br#"{"entries": []}"#.to_vec()),
            ("a newer version", newer.into_bytes()),
            (
                "entries of the wrong shape",
                br#"{"format":"haemong","version":1,"entries":[{"id":3}]}"#.to_vec(),
            ),
        ];
        for (what, bytes) in cases {
            let got = db.call_blocking(|c| import_json(c, &bytes, false));
            assert!(
                matches!(got, Err(Error::ImportRefused(_))),
                "{what}: refused, got {got:?}"
            );
        }
        assert_eq!(export(&db, 1), before, "the diary is unchanged");
    }

    #[test]
    fn invalid_entries_are_refused_one_by_one_and_the_rest_comes_in() {
        let file = format!(
            r#"{{"format":"haemong","version":1,"entries":[
                {{"id":"{}","night":"2026-02-30","text":"no such night","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}},
                {{"id":"{}","night":"2026-02-03","text":"   ","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}},
                {{"id":"not-a-uuid","night":"2026-02-03","text":"bad id","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}},
                {{"id":"{}","night":"2026-02-04","text":"good","createdAt":"yesterday","updatedAt":"2026-01-01T00:00:00.000Z"}},
                {{"id":"{}","night":"2026-02-05","text":"좋은 꿈","createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-02T00:00:00.000Z"}}
            ]}}"#,
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4()
        );
        let db = Database::open_in_memory().unwrap();
        let r = db
            .call_blocking(|c| import_json(c, file.as_bytes(), false))
            .unwrap();
        assert_eq!((r.added, r.refused), (1, 4), "{r:?}");
        let out = export(&db, 1);
        assert!(out.contains("좋은 꿈"));
        assert!(
            out.contains("\"updatedAt\":\"2026-01-02T00:00:00.000Z\""),
            "times kept"
        );
    }
}

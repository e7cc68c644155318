//! SQL for the `entries` table: the only place that writes it. An entry's tags and symbols are
//! written with it (`entry_tags`, `entry_symbols`), in the same savepoint.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::entry_symbols::write_symbols;
use super::entry_tags::{tags_of, write_tags};
use crate::diary::{
    now_ms, today_local, Entry, EntryInput, EntrySummary, Flags, Mood, EXCERPT_CHARS,
};
use crate::error::{Error, Result};

/// The longest page of summaries one call returns; the UI asks for more as the user scrolls.
pub const MAX_PAGE: u32 = 500;

/// The columns `entry_from_row` reads, in order (tags are read apart, `tags_of`).
const ENTRY_COLUMNS: &str =
    "id, night, title, body, created_at, updated_at, lucid, nightmare, recurring, vivid, mood, sleep";

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        night: r.get(1)?,
        title: r.get(2)?,
        body: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        flags: flags_at(r, 6)?,
        mood: mood_at(r, 10)?,
        sleep: r.get(11)?,
        tags: Vec::new(),
    })
}

fn flags_at(r: &Row<'_>, at: usize) -> rusqlite::Result<Flags> {
    Ok(Flags {
        lucid: r.get(at)?,
        nightmare: r.get(at + 1)?,
        recurring: r.get(at + 2)?,
        vivid: r.get(at + 3)?,
    })
}

fn mood_at(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<Mood>> {
    Ok(r.get::<_, Option<String>>(at)?
        .as_deref()
        .and_then(Mood::parse))
}

pub(crate) fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<EntrySummary> {
    let tags: Option<String> = r.get(10)?;
    Ok(EntrySummary {
        id: r.get(0)?,
        night: r.get(1)?,
        title: r.get(2)?,
        excerpt: r.get(3)?,
        updated_at: r.get(4)?,
        flags: flags_at(r, 5)?,
        mood: mood_at(r, 9)?,
        tags: tags
            .map(|t| t.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

/// The columns `summary_from_row` reads, in order: the page's tags come with it in one query
/// (a page is at most `MAX_PAGE` rows, each tag lookup an index probe).
pub(crate) fn summary_columns() -> String {
    format!(
        "id, night, title, substr(body, 1, {EXCERPT_CHARS}), updated_at,
         lucid, nightmare, recurring, vivid, mood,
         (SELECT group_concat(tag, char(31) ORDER BY position) FROM entry_tags WHERE entry_id = id)"
    )
}

/// Runs `f` in a savepoint: the entry and its tags are written together or not at all, whether
/// or not the caller already holds a transaction (filing from the quick window does).
fn atomically<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute_batch("SAVEPOINT entry_write")?;
    match f() {
        Ok(v) => {
            conn.execute_batch("RELEASE entry_write")?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO entry_write; RELEASE entry_write");
            Err(e)
        }
    }
}

pub fn create(conn: &Connection, input: &EntryInput) -> Result<Entry> {
    let v = input.validated(&today_local())?;
    let now = now_ms();
    insert_valid(conn, &v, &uuid::Uuid::new_v4().to_string(), (now, now))
}

/// An entry from an export (ours or another journal's): its own id and times are kept.
pub fn insert_imported(
    conn: &Connection,
    input: &EntryInput,
    uuid: &str,
    (created_at, updated_at): (i64, i64),
) -> Result<Entry> {
    let v = input.validated(&today_local())?;
    insert_valid(conn, &v, uuid, (created_at, updated_at))
}

/// Whether the diary already holds this entry: the same id, or the same night and text (an
/// entry exported, then written again by hand or imported from another journal).
pub fn already_there(conn: &Connection, uuid: &str, night: &str, body: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM entries WHERE uuid = ?1
             UNION ALL SELECT 1 FROM entries WHERE night = ?2 AND body = ?3 LIMIT 1",
        )?
        .query_row(params![uuid, night, body], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The stable id of an entry (the one exports carry). A row written without one (by another
/// tool, straight into the file) is given one now, so it is exported like any other.
pub fn uuid_of(conn: &Connection, id: i64) -> Result<String> {
    let found: Option<Option<String>> = conn
        .prepare_cached("SELECT uuid FROM entries WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match found {
        None => Err(Error::NotFound(id)),
        Some(Some(uuid)) => Ok(uuid),
        Some(None) => {
            let uuid = uuid::Uuid::new_v4().to_string();
            conn.prepare_cached("UPDATE entries SET uuid = ?2 WHERE id = ?1")?
                .execute(params![id, uuid])?;
            Ok(uuid)
        }
    }
}

/// Gives a new id to every entry that has none (rows written by another tool).
pub fn assign_missing_uuids(conn: &Connection) -> Result<()> {
    let missing: Vec<i64> = conn
        .prepare_cached("SELECT id FROM entries WHERE uuid IS NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in missing {
        uuid_of(conn, id)?;
    }
    Ok(())
}

/// Every entry's row id in a stable order (night, then when it was written): what an export walks.
pub fn ids_in_order(conn: &Connection) -> Result<Vec<i64>> {
    let mut st = conn.prepare_cached("SELECT id FROM entries ORDER BY night, created_at, uuid")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn insert_valid(
    conn: &Connection,
    v: &crate::diary::Valid,
    uuid: &str,
    (created_at, updated_at): (i64, i64),
) -> Result<Entry> {
    atomically(conn, || {
        let id = insert_row(conn, v, uuid, (created_at, updated_at))?;
        write_tags(conn, id, &v.night, &v.tags)?;
        write_symbols(conn, id, &v.title, &v.body)?;
        Ok(Entry {
            id,
            night: v.night.clone(),
            title: v.title.clone(),
            body: v.body.clone(),
            tags: v.tags.clone(),
            flags: v.flags,
            mood: v.mood,
            sleep: v.sleep,
            created_at,
            updated_at,
        })
    })
}

/// The entry's own row (the search index follows by trigger, or in bulk: `super::bulk`).
pub(crate) fn insert_row(
    conn: &Connection,
    v: &crate::diary::Valid,
    uuid: &str,
    (created_at, updated_at): (i64, i64),
) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO entries (night, title, body, created_at, updated_at,
                 lucid, nightmare, recurring, vivid, mood, sleep, uuid)
             VALUES (?1, ?2, ?3, ?4, ?11, ?5, ?6, ?7, ?8, ?9, ?10, ?12) RETURNING id",
        )?
        .query_row(
            params![
                v.night,
                v.title,
                v.body,
                created_at,
                v.flags.lucid,
                v.flags.nightmare,
                v.flags.recurring,
                v.flags.vivid,
                v.mood.map(Mood::id),
                v.sleep,
                updated_at,
                uuid
            ],
            |r| r.get(0),
        )?)
}

pub fn update(conn: &mut Connection, id: i64, input: &EntryInput) -> Result<Entry> {
    let v = input.validated(&today_local())?;
    let now = now_ms();
    atomically(conn, || {
        let mut entry = conn
            .prepare_cached(&format!(
                "UPDATE entries SET night = ?2, title = ?3, body = ?4, updated_at = ?5,
                     lucid = ?6, nightmare = ?7, recurring = ?8, vivid = ?9, mood = ?10, sleep = ?11
                 WHERE id = ?1 RETURNING {ENTRY_COLUMNS}"
            ))?
            .query_row(
                params![
                    id,
                    v.night,
                    v.title,
                    v.body,
                    now,
                    v.flags.lucid,
                    v.flags.nightmare,
                    v.flags.recurring,
                    v.flags.vivid,
                    v.mood.map(Mood::id),
                    v.sleep
                ],
                entry_from_row,
            )
            .optional()?
            .ok_or(Error::NotFound(id))?;
        write_tags(conn, id, &v.night, &v.tags)?;
        write_symbols(conn, id, &v.title, &v.body)?;
        entry.tags = v.tags.clone();
        Ok(entry)
    })
}

pub fn delete(conn: &mut Connection, id: i64) -> Result<()> {
    match conn
        .prepare_cached("DELETE FROM entries WHERE id = ?1")?
        .execute([id])?
    {
        0 => Err(Error::NotFound(id)),
        _ => Ok(()),
    }
}

pub fn get(conn: &mut Connection, id: i64) -> Result<Entry> {
    let mut entry = conn
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE id = ?1"
        ))?
        .query_row([id], entry_from_row)
        .optional()?
        .ok_or(Error::NotFound(id))?;
    entry.tags = tags_of(conn, id)?;
    Ok(entry)
}

/// Newest night first; within a night, the entry written last first.
pub fn list(conn: &mut Connection, limit: u32, offset: u32) -> Result<Vec<EntrySummary>> {
    let sql = format!(
        "SELECT {} FROM entries ORDER BY night DESC, id DESC LIMIT ?1 OFFSET ?2",
        summary_columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![limit.min(MAX_PAGE), offset], summary_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entry_tags::{all_tags, TagCount};
    use crate::db::Database;

    fn input(night: &str, title: &str, body: &str) -> EntryInput {
        EntryInput {
            night: Some(night.into()),
            title: title.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    fn diary() -> Database {
        Database::open_in_memory().unwrap()
    }

    #[test]
    fn create_get_update_delete_round_trip() {
        let d = diary();
        d.call_blocking(|c| {
            let e = create(c, &input("2026-03-01", " 바다 ", "파도가 높았다"))?;
            assert_eq!(e.title, "바다", "title is trimmed");
            assert_eq!(get(c, e.id)?, e, "get returns what create stored");

            let u = update(c, e.id, &input("2026-03-02", "바다 2", "고래를 봤다"))?;
            assert_eq!(
                (u.night.as_str(), u.body.as_str()),
                ("2026-03-02", "고래를 봤다")
            );
            assert_eq!(u.created_at, e.created_at, "update keeps created_at");
            assert!(
                u.updated_at >= e.updated_at,
                "update moves updated_at forward"
            );

            delete(c, e.id)?;
            assert!(
                matches!(get(c, e.id), Err(Error::NotFound(_))),
                "deleted entry is gone"
            );
            assert!(
                matches!(delete(c, e.id), Err(Error::NotFound(_))),
                "second delete says not found"
            );
            assert!(
                matches!(
                    update(c, e.id, &input("2026-03-02", "", "x")),
                    Err(Error::NotFound(_))
                ),
                "updating a deleted entry says not found"
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn list_is_newest_night_first_then_newest_written() {
        let d = diary();
        d.call_blocking(|c| {
            let a = create(c, &input("2026-01-05", "", "a"))?;
            let b = create(c, &input("2026-01-07", "", "b"))?;
            let c2 = create(c, &input("2026-01-05", "", "c"))?;
            let ids: Vec<i64> = list(c, 10, 0)?.iter().map(|s| s.id).collect();
            assert_eq!(ids, vec![b.id, c2.id, a.id]);
            let page2: Vec<i64> = list(c, 2, 2)?.iter().map(|s| s.id).collect();
            assert_eq!(page2, vec![a.id], "offset pages through the same order");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn huge_and_odd_text_is_kept_byte_for_byte() {
        let d = diary();
        let odd = [
            "가".repeat(100_000),
            "emoji 🐉🌕👁️‍🗨️ and ZWJ 👩‍👩‍👧".to_string(),
            "RTL: حلمت بالبحر \u{202E}reversed\u{202C} עברית".to_string(),
            "controls:\u{1}\u{7}\u{1b}[31m\u{0}nul\r\n\ttab".to_string(),
        ];
        d.call_blocking(|c| {
            for body in &odd {
                let e = create(c, &input("2026-02-02", "", body))?;
                assert_eq!(
                    &get(c, e.id)?.body,
                    body,
                    "stored text comes back unchanged"
                );
            }
            let huge = list(c, 10, 0)?
                .into_iter()
                .find(|s| s.excerpt.starts_with('가'))
                .expect("huge entry listed");
            assert_eq!(
                huge.excerpt.chars().count(),
                EXCERPT_CHARS,
                "list carries an excerpt, not the body"
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn tags_flags_mood_and_sleep_round_trip_and_tags_are_replaced_on_update() {
        let d = diary();
        d.call_blocking(|c| {
            let full = EntryInput {
                tags: vec!["#Lucid".into(), "돼지꿈".into(), "lucid".into()],
                flags: Flags {
                    lucid: true,
                    vivid: true,
                    ..Default::default()
                },
                mood: Some(Mood::Joy),
                sleep: Some(4),
                ..input("2026-05-01", "", "하늘을 날았다")
            };
            let e = create(c, &full)?;
            assert_eq!(
                e.tags,
                vec!["lucid", "돼지꿈"],
                "normalised, once each, in order"
            );
            assert_eq!(get(c, e.id)?, e, "everything comes back as stored");
            let summary = &list(c, 10, 0)?[0];
            assert_eq!(summary.tags, e.tags, "the list shows the tags");
            assert_eq!((summary.flags, summary.mood), (e.flags, e.mood));
            let u = update(
                c,
                e.id,
                &EntryInput {
                    tags: vec!["물".into()],
                    ..input("2026-05-01", "", "하늘을 날았다")
                },
            )?;
            assert_eq!(u.tags, vec!["물"], "the tags are replaced, not added to");
            assert_eq!((u.flags, u.mood, u.sleep), (Flags::default(), None, None));
            assert_eq!(get(c, e.id)?.tags, vec!["물"]);
            assert_eq!(
                all_tags(c)?,
                vec![TagCount {
                    tag: "물".into(),
                    count: 1
                }],
                "no tag is left behind"
            );
            let bad = EntryInput {
                sleep: Some(9),
                ..input("2026-05-01", "", "x")
            };
            assert!(update(c, e.id, &bad).is_err(), "sleep 9 is refused");
            assert_eq!(get(c, e.id)?, u, "and the entry is as it was");
            delete(c, e.id)?;
            assert!(
                all_tags(c)?.is_empty(),
                "deleting the entry deletes its tags"
            );
            Ok(())
        })
        .unwrap();
    }
}

//! SQL for the `entries` table: the only place that writes or reads it.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{now_ms, today_local, Entry, EntryInput, EntrySummary, EXCERPT_CHARS};
use crate::error::{Error, Result};

/// The longest page of summaries one call returns; the UI asks for more as the user scrolls.
pub const MAX_PAGE: u32 = 500;

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        night: r.get(1)?,
        title: r.get(2)?,
        body: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

pub(crate) fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<EntrySummary> {
    Ok(EntrySummary {
        id: r.get(0)?,
        night: r.get(1)?,
        title: r.get(2)?,
        excerpt: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

/// The columns `summary_from_row` reads, in order.
pub(crate) fn summary_columns() -> String {
    format!("id, night, title, substr(body, 1, {EXCERPT_CHARS}), updated_at")
}

pub fn create(conn: &Connection, input: &EntryInput) -> Result<Entry> {
    let (night, title, body) = input.validated(&today_local())?;
    let now = now_ms();
    let id = conn
        .prepare_cached(
            "INSERT INTO entries (night, title, body, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
        )?
        .query_row(params![night, title, body, now], |r| r.get(0))?;
    Ok(Entry {
        id,
        night,
        title,
        body,
        created_at: now,
        updated_at: now,
    })
}

pub fn update(conn: &mut Connection, id: i64, input: &EntryInput) -> Result<Entry> {
    let (night, title, body) = input.validated(&today_local())?;
    let now = now_ms();
    conn.prepare_cached(
        "UPDATE entries SET night = ?2, title = ?3, body = ?4, updated_at = ?5 WHERE id = ?1
         RETURNING id, night, title, body, created_at, updated_at",
    )?
    .query_row(params![id, night, title, body, now], entry_from_row)
    .optional()?
    .ok_or(Error::NotFound(id))
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
    conn.prepare_cached(
        "SELECT id, night, title, body, created_at, updated_at FROM entries WHERE id = ?1",
    )?
    .query_row([id], entry_from_row)
    .optional()?
    .ok_or(Error::NotFound(id))
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
    use crate::diary::Diary;

    fn input(night: &str, title: &str, body: &str) -> EntryInput {
        EntryInput {
            night: Some(night.into()),
            title: title.into(),
            body: body.into(),
        }
    }

    fn diary() -> Diary {
        Diary::open_in_memory().unwrap()
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
}

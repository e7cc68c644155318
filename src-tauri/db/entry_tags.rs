//! SQL for the `entry_tags` table: an entry's tags in their order, with the night so the insights
//! and the tag filter need not join `entries`.

use rusqlite::{params, Connection};

use crate::error::Result;

/// The entry's tags, in their order.
pub fn tags_of(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut st =
        conn.prepare_cached("SELECT tag FROM entry_tags WHERE entry_id = ?1 ORDER BY position")?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn write_tags(conn: &Connection, id: i64, night: &str, tags: &[String]) -> Result<()> {
    conn.prepare_cached("DELETE FROM entry_tags WHERE entry_id = ?1")?
        .execute([id])?;
    let mut ins = conn.prepare_cached(
        "INSERT INTO entry_tags (tag, entry_id, position, night) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, t) in tags.iter().enumerate() {
        ins.execute(params![t, id, i as i64, night])?;
    }
    Ok(())
}

/// Every tag in use with how many entries carry it, most used first: the editor's suggestions and
/// the list's tag filter.
pub fn all_tags(conn: &Connection) -> Result<Vec<TagCount>> {
    let mut st = conn.prepare_cached(
        "SELECT tag, count(*) FROM entry_tags GROUP BY tag ORDER BY count(*) DESC, tag LIMIT 2000",
    )?;
    let rows = st.query_map([], |r| {
        Ok(TagCount {
            tag: r.get(0)?,
            count: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

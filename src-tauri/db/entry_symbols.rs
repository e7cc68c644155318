//! SQL for the `entry_symbols` table: which dictionary symbols an entry mentions, kept in step with
//! its text so insights and the symbol filter are index look-ups.

use rusqlite::{params, Connection};

use crate::symbols::Found;

/// The dictionary's symbols in the entry's title and text, replacing what was there.
pub(crate) fn write_symbols(
    conn: &Connection,
    id: i64,
    night: &str,
    title: &str,
    body: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM entry_symbols WHERE entry_id = ?1")?
        .execute([id])?;
    insert_found(conn, id, night, &found_in(title, body))
}

/// The symbols an entry's title and text mention (what `write_symbols` stores).
pub(crate) fn found_in(title: &str, body: &str) -> Vec<Found> {
    crate::symbols::find(&format!("{title}\n{body}"))
}

/// Symbols found beforehand (in bulk, off the writer's thread) for an entry that has none yet.
pub(crate) fn insert_found(
    conn: &Connection,
    id: i64,
    night: &str,
    found: &[Found],
) -> rusqlite::Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO entry_symbols (symbol, entry_id, night, mentions) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for f in found {
        ins.execute(params![f.id, id, night, f.count])?;
    }
    Ok(())
}

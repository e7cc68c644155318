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
    let found: Vec<(&str, u32)> = found_in(title, body)
        .iter()
        .map(|f| (f.id, f.count))
        .collect();
    insert_found(conn, id, night, &found)
}

/// The symbols an entry's title and text mention (what `write_symbols` stores).
pub(crate) fn found_in(title: &str, body: &str) -> Vec<Found> {
    crate::symbols::find(&format!("{title}\n{body}"))
}

/// Symbols found beforehand (in bulk, off the writer's thread) for an entry that has none yet:
/// each symbol's id with how many times it is mentioned.
pub(crate) fn insert_found(
    conn: &Connection,
    id: i64,
    night: &str,
    found: &[(&str, u32)],
) -> rusqlite::Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO entry_symbols (symbol, entry_id, night, mentions) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (symbol, count) in found {
        ins.execute(params![symbol, id, night, count])?;
    }
    Ok(())
}

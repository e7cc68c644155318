//! SQL for the `entry_symbols` table: which dictionary symbols an entry mentions, kept in step with
//! its text so insights and the symbol filter are index look-ups.

use rusqlite::{params, Connection};

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
    let mut ins = conn.prepare_cached(
        "INSERT INTO entry_symbols (symbol, entry_id, night, mentions) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let text = format!("{title}\n{body}");
    for f in crate::symbols::find(&text) {
        ins.execute(params![f.id, id, night, f.count])?;
    }
    Ok(())
}

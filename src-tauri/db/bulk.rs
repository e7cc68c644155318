//! Many entries written at once (an import): the rows go in first, then the search index and the
//! symbols are built for all of them together. Row by row, the trigram index alone costs three
//! times what one `INSERT … SELECT` over the new rows does, and the symbols can be found on every
//! core, off the writer's path. Used inside the import's transaction, so a rollback (a dry run, a
//! cancel, an error) also brings back the trigger it sets aside.

use rusqlite::Connection;

use super::entries::insert_row;
use super::entry_symbols::{found_in, insert_found};
use super::entry_tags::write_tags;
use crate::diary::Valid;
use crate::error::Result;

/// Entries found per round of the symbol scan: bounds the memory the scan holds.
const CHUNK: usize = 4096;

pub struct Bulk {
    /// The search index's insert trigger, as the migrations made it, put back by `finish`.
    trigger_sql: String,
    /// The first row id this bulk write gives out.
    first_new: i64,
}

impl Bulk {
    /// Sets the per-row search-index trigger aside for the rest of the transaction.
    pub fn begin(tx: &Connection) -> Result<Bulk> {
        let trigger_sql: String = tx.query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'entries_ai'",
            [],
            |r| r.get(0),
        )?;
        let first_new: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM entries", [], |r| {
                r.get(0)
            })?;
        tx.execute_batch("DROP TRIGGER entries_ai")?;
        Ok(Bulk {
            trigger_sql,
            first_new,
        })
    }

    /// An entry's row and tags; its index entry and symbols come in `finish`.
    pub fn insert(&self, tx: &Connection, v: &Valid, uuid: &str, times: (i64, i64)) -> Result<i64> {
        let id = insert_row(tx, v, uuid, times)?;
        write_tags(tx, id, &v.night, &v.tags)?;
        Ok(id)
    }

    /// Indexes the new rows (the same text the trigger indexes: each column followed by two
    /// spaces, migration 6), finds their symbols, and puts the trigger back.
    pub fn finish(self, tx: &Connection, progress: &crate::data::Progress) -> Result<()> {
        tx.execute(
            "INSERT INTO entries_fts (rowid, title, body)
             SELECT id, title || '  ', body || '  ' FROM entries WHERE id >= ?1",
            [self.first_new],
        )?;
        let mut from = self.first_new;
        loop {
            progress.check()?;
            let rows: Vec<(i64, String, String, String)> = tx
                .prepare_cached(
                    "SELECT id, night, title, body FROM entries WHERE id >= ?1 ORDER BY id LIMIT ?2",
                )?
                .query_map(rusqlite::params![from, CHUNK as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let Some(last) = rows.last() else { break };
            from = last.0 + 1;
            for ((id, night, ..), found) in rows.iter().zip(find_all(&rows)) {
                insert_found(tx, *id, night, &found)?;
            }
        }
        tx.execute_batch(&self.trigger_sql)?;
        Ok(())
    }
}

/// Each row's symbols, the rows shared among the machine's cores.
fn find_all(rows: &[(i64, String, String, String)]) -> Vec<Vec<crate::symbols::Found>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = rows.len().div_ceil(cores).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = rows
            .chunks(per)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|(_, _, title, body)| found_in(title, body))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

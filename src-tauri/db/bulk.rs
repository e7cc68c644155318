//! Many entries written at once (an import): the rows go in first, then the search index, the
//! symbols and the monthly counts are built for all of them together. Row by row, the trigram
//! index costs three times what one `INSERT … SELECT` over the new rows does, and each symbol or
//! tag row's trigger updates its month's count once per row; here each month's count is added
//! once, and the symbols are found on another core while the writer inserts (`symbols_of`). Used inside the import's
//! transaction, so a rollback (a dry run, a cancel, an error) also brings back the triggers it
//! sets aside.

use rusqlite::Connection;

use super::entries::insert_row;
use super::entry_symbols::{found_in, Coder};
use super::entry_tags::write_tags;
use crate::diary::Valid;
use crate::error::Result;

/// The per-row triggers an import replaces with bulk work (their SQL is kept to put them back).
const TRIGGERS: [&str; 3] = ["entries_ai", "entry_tags_ai", "entry_symbols_ai"];
/// Indexes rebuilt at the end, rather than kept up row by row, when an import brings at least as
/// many entries as the diary has (one sort instead of millions of scattered inserts); never the
/// ones the import itself looks things up by.
const REBUILT: [&str; 2] = ["entry_symbols_by_symbol", "entry_tags_by_night"];
/// FTS5's buffer of new index entries before it writes a segment (its default is 1 MiB): larger
/// for the bulk insert means fewer segments to merge.
const FTS_HASH_BULK: i64 = 64 << 20;
const FTS_HASH_DEFAULT: i64 = 1 << 20;

pub struct Bulk {
    /// The triggers and indexes as the migrations made them, put back by `finish`.
    schema: Vec<String>,
    /// The first row id this bulk write gives out.
    first_new: i64,
}

impl Bulk {
    /// Sets the per-row triggers aside for the rest of the transaction (and the indexes in
    /// `REBUILT`, when `incoming` entries are at least as many as the diary holds).
    pub fn begin(tx: &Connection, incoming: usize) -> Result<Bulk> {
        let existing: i64 = tx.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
        let mut names: Vec<(&str, &str)> = TRIGGERS.iter().map(|t| ("trigger", *t)).collect();
        if incoming as i64 >= existing {
            names.extend(REBUILT.iter().map(|i| ("index", *i)));
        }
        let mut schema = Vec::new();
        for (kind, name) in names {
            let sql: String = tx.query_row(
                "SELECT sql FROM sqlite_master WHERE type = ?1 AND name = ?2",
                [kind, name],
                |r| r.get(0),
            )?;
            tx.execute_batch(&format!("DROP {kind} {name}"))?;
            schema.push(sql);
        }
        let first_new: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM entries", [], |r| {
                r.get(0)
            })?;
        Ok(Bulk { schema, first_new })
    }

    /// An entry's row and tags; its index entry, symbols and counts come in `finish`.
    pub fn insert(&self, tx: &Connection, v: &Valid, uuid: &str, times: (i64, i64)) -> Result<i64> {
        let id = insert_row(tx, v, uuid, times)?;
        write_tags(tx, id, &v.night, &v.tags)?;
        Ok(id)
    }

    /// The search index for every new row (the same text the trigger indexes: each column
    /// followed by two spaces, migration 6).
    pub fn index(&self, tx: &Connection) -> Result<()> {
        let hash = "INSERT INTO entries_fts (entries_fts, rank) VALUES ('hashsize', ?1)";
        tx.execute(hash, [FTS_HASH_BULK])?;
        tx.execute(
            "INSERT INTO entries_fts (rowid, title, body)
             SELECT id, title || '  ', body || '  ' FROM entries WHERE id >= ?1",
            [self.first_new],
        )?;
        tx.execute(hash, [FTS_HASH_DEFAULT])?;
        Ok(())
    }

    /// The new entries' symbols (`(entry id, symbols)`, found by `symbols_of`), the months'
    /// counts of symbols and tags (a month is the night's first seven characters, as in the
    /// triggers of migrations 4 and 12), and the triggers and indexes put back.
    pub fn finish<'a>(
        self,
        tx: &Connection,
        symbols: impl Iterator<Item = (i64, &'a [&'static str])>,
    ) -> Result<()> {
        let mut coder = Coder::default();
        for (id, found) in symbols {
            coder.insert(tx, id, found)?;
        }
        tx.execute(
            "INSERT INTO symbol_months (month, symbol, n)
             SELECT substr(e.night, 1, 7), c.symbol, count(*)
             FROM entry_symbols s JOIN entries e ON e.id = s.entry_id
             JOIN symbol_codes c ON c.code = s.code
             WHERE s.entry_id >= ?1 GROUP BY 1, 2
             ON CONFLICT (month, symbol) DO UPDATE SET n = n + excluded.n",
            [self.first_new],
        )?;
        tx.execute(
            "INSERT INTO tag_months (month, tag, n)
             SELECT substr(night, 1, 7), tag, count(*) FROM entry_tags
             WHERE entry_id >= ?1 GROUP BY 1, 2
             ON CONFLICT (month, tag) DO UPDATE SET n = n + excluded.n",
            [self.first_new],
        )?;
        for sql in &self.schema {
            tx.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// The dictionary symbols of each `(title, text)`, in order: run on a thread of its own while the
/// writer inserts the rows and the index. Stops early (returning what it has) once `stop` is set.
pub fn symbols_of<'a>(
    texts: impl Iterator<Item = (&'a str, &'a str)>,
    stop: &std::sync::atomic::AtomicBool,
) -> Vec<Vec<&'static str>> {
    let mut all = Vec::new();
    for (title, text) in texts {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        all.push(found_in(title.trim(), text).iter().map(|f| f.id).collect());
    }
    all
}

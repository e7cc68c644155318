//! SQL for the `entry_symbols` table: which dictionary symbols an entry mentions, kept in step with
//! its text so insights and the symbol filter are index look-ups.

use rusqlite::{params, Connection};

use crate::symbols::Found;

/// The dictionary's symbols in the entry's title and text, replacing what was there.
pub(crate) fn write_symbols(
    conn: &Connection,
    id: i64,
    title: &str,
    body: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM entry_symbols WHERE entry_id = ?1")?
        .execute([id])?;
    let found: Vec<&'static str> = found_in(title, body).iter().map(|f| f.id).collect();
    Coder::default().insert(conn, id, &found)
}

/// The symbols an entry's title and text mention (what `write_symbols` stores).
pub(crate) fn found_in(title: &str, body: &str) -> Vec<Found> {
    crate::symbols::find(&format!("{title}\n{body}"))
}

/// Writes symbol rows by code (migration 12: a row holds the code, not the symbol's id), giving
/// an id its code the first time any entry mentions it. Each id's code is looked up once per
/// `Coder`: a bulk import keeps one for a million rows over a hundred-odd symbols.
#[derive(Default)]
pub(crate) struct Coder(std::collections::HashMap<&'static str, i64>);

impl Coder {
    /// The entry `id`'s symbols, found beforehand, by their dictionary ids; it has none yet.
    pub(crate) fn insert(
        &mut self,
        conn: &Connection,
        id: i64,
        found: &[&'static str],
    ) -> rusqlite::Result<()> {
        let mut ins =
            conn.prepare_cached("INSERT INTO entry_symbols (code, entry_id) VALUES (?1, ?2)")?;
        for &symbol in found {
            let code = match self.0.get(symbol) {
                Some(&code) => code,
                None => {
                    let code = code_of(conn, symbol)?;
                    self.0.insert(symbol, code);
                    code
                }
            };
            ins.execute(params![code, id])?;
        }
        Ok(())
    }
}

fn code_of(conn: &Connection, symbol: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("INSERT OR IGNORE INTO symbol_codes (symbol) VALUES (?1)")?
        .execute([symbol])?;
    conn.prepare_cached("SELECT code FROM symbol_codes WHERE symbol = ?1")?
        .query_row([symbol], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use crate::db::entries::{create, delete, update};
    use crate::db::{column, Database};
    use crate::diary::EntryInput;

    fn input(night: &str, body: &str) -> EntryInput {
        EntryInput {
            night: Some(night.into()),
            body: body.into(),
            ..Default::default()
        }
    }

    /// The months' counts as the triggers keep them (rows at zero are months emptied).
    fn kept(c: &rusqlite::Connection) -> Vec<String> {
        column(
            c,
            "SELECT month || '/' || symbol || '/' || n FROM symbol_months WHERE n > 0 ORDER BY 1",
            0,
        )
    }

    /// The same counts worked out from the rows themselves.
    fn counted(c: &rusqlite::Connection) -> Vec<String> {
        column(
            c,
            "SELECT month || '/' || symbol || '/' || n FROM (
                 SELECT substr(e.night, 1, 7) AS month, c.symbol, count(*) AS n
                 FROM entry_symbols s JOIN entries e ON e.id = s.entry_id
                 JOIN symbol_codes c ON c.code = s.code GROUP BY 1, 2)
             ORDER BY 1",
            0,
        )
    }

    /// The symbols' rows hold a code and the entry's id, no night (migration 12): the months'
    /// counts follow each entry's own night through writing, moving to another month, rewriting
    /// and deleting.
    #[test]
    fn the_months_counts_follow_each_entry_through_every_change() {
        let d = Database::open_in_memory().unwrap();
        d.call_blocking(|c| {
            let pig = create(c, &input("2026-03-30", "돼지꿈을 꾸었다"))?;
            let snake = create(c, &input("2026-03-02", "뱀이 물을 건넜다"))?;
            assert_eq!(
                kept(c),
                ["2026-03/pig/1", "2026-03/snake/1", "2026-03/water/1"],
                "written: each symbol counted in its entry's month"
            );
            assert_eq!(kept(c), counted(c));

            update(c, pig.id, &input("2026-04-01", "돼지꿈을 꾸었다"))?;
            assert_eq!(
                kept(c),
                ["2026-03/snake/1", "2026-03/water/1", "2026-04/pig/1"],
                "a night moved to April moves its symbol's count"
            );
            assert_eq!(kept(c), counted(c));

            update(c, pig.id, &input("2026-04-02", "뱀을 보았다"))?;
            assert_eq!(
                kept(c),
                ["2026-03/snake/1", "2026-03/water/1", "2026-04/snake/1"],
                "a rewritten dream counts its new symbols, within the month"
            );
            assert_eq!(kept(c), counted(c));

            update(c, snake.id, &input("2026-04-20", "뱀이 물을 건넜다"))?;
            assert_eq!(
                kept(c),
                ["2026-04/snake/2", "2026-04/water/1"],
                "two dreams with the same symbol in a month"
            );
            delete(c, pig.id)?;
            assert_eq!(
                kept(c),
                ["2026-04/snake/1", "2026-04/water/1"],
                "a deleted dream's symbols leave its month"
            );
            assert_eq!(kept(c), counted(c));
            delete(c, snake.id)?;
            assert!(kept(c).is_empty(), "no dream, no count: {:?}", kept(c));
            let rows: i64 = c.query_row("SELECT count(*) FROM entry_symbols", [], |r| r.get(0))?;
            assert_eq!(rows, 0, "no symbol row outlives its entry");
            Ok(())
        })
        .unwrap();
    }
}

//! The diary's schema, as embedded, ordered migrations: append new steps, never edit old ones.

use rusqlite_migration::{Migrations, M};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(steps())
}

/// The schema version this build writes (SQLite's `user_version` after the last step): a file
/// with a higher one is from a newer Haemong.
pub fn count() -> usize {
    steps().len()
}

fn steps() -> Vec<M<'static>> {
    vec![
        M::up(
            r#"
        CREATE TABLE entries (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            night      TEXT    NOT NULL CHECK (night GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            title      TEXT    NOT NULL DEFAULT '',
            body       TEXT    NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX entries_by_night ON entries (night DESC, id DESC);

        -- Trigram FTS finds any part of a word in Korean and English alike (3+ characters);
        -- shorter queries fall back to a substring scan (see search.rs).
        CREATE VIRTUAL TABLE entries_fts USING fts5 (
            title, body, content = 'entries', content_rowid = 'id', tokenize = 'trigram'
        );
        CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
            INSERT INTO entries_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
        END;
        CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title, old.body);
        END;
        CREATE TRIGGER entries_au AFTER UPDATE OF title, body ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title, old.body);
            INSERT INTO entries_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
        END;
        "#,
        ),
        // Interpretations: kept apart from the entry, so a failing stream never touches the dream.
        // `dream` holds the text of an ad-hoc interpretation (no entry yet); NULL for an entry's.
        M::up(
            r#"
        CREATE TABLE interpretations (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id          INTEGER REFERENCES entries (id) ON DELETE CASCADE,
            dream             TEXT,
            style             TEXT    NOT NULL,
            provider          TEXT    NOT NULL,
            model             TEXT    NOT NULL,
            text              TEXT    NOT NULL,
            status            TEXT    NOT NULL
                              CHECK (status IN ('complete', 'truncated', 'stopped', 'error')),
            finish_reason     TEXT,
            error_kind        TEXT,
            prompt_tokens     INTEGER,
            completion_tokens INTEGER,
            total_tokens      INTEGER,
            started_at        INTEGER NOT NULL,
            finished_at       INTEGER NOT NULL,
            CHECK ((entry_id IS NULL) <> (dream IS NULL))
        );
        CREATE INDEX interpretations_by_entry ON interpretations (entry_id, id DESC);
        "#,
        ),
        // A reasoning model's thinking, kept apart from the answer (`text`).
        M::up(
            r#"
        ALTER TABLE interpretations ADD COLUMN reasoning TEXT NOT NULL DEFAULT '';
        CREATE INDEX interpretations_adhoc ON interpretations (id DESC) WHERE entry_id IS NULL;
        "#,
        ),
        // Dream-journal depth: the four flags, the mood, sleep quality, tags. Each flag and the
        // mood have an index in the list's order, so a filter walks only its own entries.
        M::up(
            r#"
        ALTER TABLE entries ADD COLUMN lucid     INTEGER NOT NULL DEFAULT 0 CHECK (lucid IN (0, 1));
        ALTER TABLE entries ADD COLUMN nightmare INTEGER NOT NULL DEFAULT 0 CHECK (nightmare IN (0, 1));
        ALTER TABLE entries ADD COLUMN recurring INTEGER NOT NULL DEFAULT 0 CHECK (recurring IN (0, 1));
        ALTER TABLE entries ADD COLUMN vivid     INTEGER NOT NULL DEFAULT 0 CHECK (vivid IN (0, 1));
        ALTER TABLE entries ADD COLUMN mood      TEXT CHECK (mood IS NULL OR mood IN
            ('joy', 'calm', 'excitement', 'anxiety', 'fear', 'sadness', 'anger', 'confusion'));
        ALTER TABLE entries ADD COLUMN sleep     INTEGER CHECK (sleep IS NULL OR sleep BETWEEN 1 AND 5);
        CREATE INDEX entries_lucid     ON entries (night DESC, id DESC) WHERE lucid = 1;
        CREATE INDEX entries_nightmare ON entries (night DESC, id DESC) WHERE nightmare = 1;
        CREATE INDEX entries_recurring ON entries (night DESC, id DESC) WHERE recurring = 1;
        CREATE INDEX entries_vivid     ON entries (night DESC, id DESC) WHERE vivid = 1;
        CREATE INDEX entries_by_mood   ON entries (mood, night DESC, id DESC) WHERE mood IS NOT NULL;
        -- Everything the insights count per night, so a range is read from the index alone.
        CREATE INDEX entries_facets    ON entries (night, lucid, nightmare, recurring, vivid, mood);

        CREATE TABLE entry_tags (
            tag      TEXT    NOT NULL CHECK (length(tag) BETWEEN 1 AND 40),
            entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            -- The entry's night, repeated so the insights count tags over a range from one index.
            night    TEXT    NOT NULL,
            PRIMARY KEY (tag, entry_id)
        ) WITHOUT ROWID;
        CREATE INDEX entry_tags_by_entry ON entry_tags (entry_id, position);
        CREATE INDEX entry_tags_by_night ON entry_tags (night, tag);
        "#,
        ),
        // The dictionary's symbols found in each entry (`symbols::find`), kept with it for the
        // insights view; the night is repeated so counts over a range walk one index. Entries
        // written before are read once here.
        M::up_with_hook(
            r#"
        CREATE TABLE entry_symbols (
            symbol   TEXT    NOT NULL,
            entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
            night    TEXT    NOT NULL,
            mentions INTEGER NOT NULL,
            PRIMARY KEY (entry_id, symbol)
        ) WITHOUT ROWID;
        CREATE INDEX entry_symbols_by_night ON entry_symbols (night, symbol);
        CREATE INDEX entry_symbols_by_symbol ON entry_symbols (symbol, night);

        -- Dreams per symbol and per tag for each month, kept by triggers, so the insights over
        -- years add up a few thousand rows instead of reading every entry's symbols.
        CREATE TABLE symbol_months (
            month  TEXT    NOT NULL,
            symbol TEXT    NOT NULL,
            n      INTEGER NOT NULL,
            PRIMARY KEY (month, symbol)
        ) WITHOUT ROWID;
        CREATE TRIGGER entry_symbols_ai AFTER INSERT ON entry_symbols BEGIN
            INSERT INTO symbol_months (month, symbol, n) VALUES (substr(new.night, 1, 7), new.symbol, 1)
                ON CONFLICT (month, symbol) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER entry_symbols_ad AFTER DELETE ON entry_symbols BEGIN
            UPDATE symbol_months SET n = n - 1 WHERE month = substr(old.night, 1, 7) AND symbol = old.symbol;
        END;
        CREATE TABLE tag_months (
            month TEXT    NOT NULL,
            tag   TEXT    NOT NULL,
            n     INTEGER NOT NULL,
            PRIMARY KEY (month, tag)
        ) WITHOUT ROWID;
        INSERT INTO tag_months (month, tag, n)
            SELECT substr(night, 1, 7), tag, count(*) FROM entry_tags GROUP BY 1, 2;
        CREATE TRIGGER entry_tags_ai AFTER INSERT ON entry_tags BEGIN
            INSERT INTO tag_months (month, tag, n) VALUES (substr(new.night, 1, 7), new.tag, 1)
                ON CONFLICT (month, tag) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER entry_tags_ad AFTER DELETE ON entry_tags BEGIN
            UPDATE tag_months SET n = n - 1 WHERE month = substr(old.night, 1, 7) AND tag = old.tag;
        END;
        "#,
            |tx: &rusqlite::Transaction| {
                let mut read = tx.prepare("SELECT id, night, title, body FROM entries")?;
                let mut rows = read.query([])?;
                // The table as this step made it, with the night (migration 12 drops it).
                let mut ins = tx.prepare(
                    "INSERT INTO entry_symbols (symbol, entry_id, night, mentions)
                     VALUES (?1, ?2, ?3, ?4)",
                )?;
                while let Some(r) = rows.next()? {
                    let (id, night, title, body): (i64, String, String, String) =
                        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                    for f in crate::db::entry_symbols::found_in(&title, &body) {
                        ins.execute(rusqlite::params![f.id, id, night, f.count])?;
                    }
                }
                Ok(())
            },
        ),
        // One- and two-character terms (돼지, 꿈) through the trigram index instead of a scan: every
        // character of a column now starts a trigram (two spaces are indexed after each column), so
        // a short term is in an entry exactly when some indexed trigram begins with it, and the
        // vocabulary table lists those trigrams (search.rs).
        M::up(
            r#"
        DROP TRIGGER entries_ai;
        DROP TRIGGER entries_ad;
        DROP TRIGGER entries_au;
        DROP TABLE entries_fts;
        CREATE VIRTUAL TABLE entries_fts USING fts5 (
            title, body, content = 'entries', content_rowid = 'id', tokenize = 'trigram'
        );
        CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
            INSERT INTO entries_fts (rowid, title, body) VALUES (new.id, new.title || '  ', new.body || '  ');
        END;
        CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title || '  ', old.body || '  ');
        END;
        CREATE TRIGGER entries_au AFTER UPDATE OF title, body ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title || '  ', old.body || '  ');
            INSERT INTO entries_fts (rowid, title, body) VALUES (new.id, new.title || '  ', new.body || '  ');
        END;
        INSERT INTO entries_fts (rowid, title, body) SELECT id, title || '  ', body || '  ' FROM entries;
        CREATE VIRTUAL TABLE entries_fts_vocab USING fts5vocab (entries_fts, row);
        "#,
        ),
        // Follow-up conversations: each turn belongs to an interpretation and goes with it (and so
        // with its entry); `status` and the rest describe an assistant turn only.
        M::up(
            r#"
        CREATE TABLE messages (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            interpretation_id INTEGER NOT NULL REFERENCES interpretations (id) ON DELETE CASCADE,
            role              TEXT    NOT NULL CHECK (role IN ('user', 'assistant')),
            text              TEXT    NOT NULL,
            reasoning         TEXT    NOT NULL DEFAULT '',
            status            TEXT    CHECK (status IN ('complete', 'truncated', 'stopped', 'error')),
            model             TEXT,
            finish_reason     TEXT,
            error_kind        TEXT,
            started_at        INTEGER NOT NULL,
            finished_at       INTEGER NOT NULL,
            CHECK ((role = 'user') = (status IS NULL))
        );
        CREATE INDEX messages_by_interpretation ON messages (interpretation_id, id);
        "#,
        ),
        // A stable id per entry, so an export imported again (here or on another computer) is
        // recognised and never duplicated. Existing entries get a random (version 4) UUID.
        M::up(
            r#"
        ALTER TABLE entries ADD COLUMN uuid TEXT;
        UPDATE entries SET uuid =
            lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
            substr(lower(hex(randomblob(2))), 2) || '-' ||
            substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) ||
            '-' || lower(hex(randomblob(6)));
        CREATE UNIQUE INDEX entries_by_uuid ON entries (uuid);
        "#,
        ),
        // The symbols of a range of nights are found through the entries' own index on the night
        // (`insights`), so this index (a third of the symbols' size, ~40 MB at 100,000 entries)
        // only cost every save, every import and every backup's check.
        M::up("DROP INDEX IF EXISTS entry_symbols_by_night;"),
        // The search index keeps which entries hold each trigram, not where (`detail = 'none'`):
        // a sixth of its size (28 instead of 174 MB at 100,000 entries), so saves, imports,
        // backups and their checks do a fraction of the work. A term of four or more characters
        // is then found through all of its trigrams and confirmed on the text (search.rs), not as
        // a phrase. The space the old index held is given back once, after this step (`mod.rs`).
        M::up(
            r#"
        DROP TRIGGER entries_ai;
        DROP TRIGGER entries_ad;
        DROP TRIGGER entries_au;
        DROP TABLE entries_fts_vocab;
        DROP TABLE entries_fts;
        CREATE VIRTUAL TABLE entries_fts USING fts5 (
            title, body, content = 'entries', content_rowid = 'id', tokenize = 'trigram',
            detail = 'none'
        );
        CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
            INSERT INTO entries_fts (rowid, title, body) VALUES (new.id, new.title || '  ', new.body || '  ');
        END;
        CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title || '  ', old.body || '  ');
        END;
        CREATE TRIGGER entries_au AFTER UPDATE OF title, body ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title || '  ', old.body || '  ');
            INSERT INTO entries_fts (rowid, title, body) VALUES (new.id, new.title || '  ', new.body || '  ');
        END;
        INSERT INTO entries_fts (rowid, title, body) SELECT id, title || '  ', body || '  ' FROM entries;
        CREATE VIRTUAL TABLE entries_fts_vocab USING fts5vocab (entries_fts, row);
        "#,
        ),
        // Entries are looked up by symbol alone (the symbol filter; the insights go through the
        // entries' night): the night in this index was half of it (37 → 18 MB at 100,000
        // entries), paid by every save, import, backup and its check.
        M::up(
            "DROP INDEX IF EXISTS entry_symbols_by_symbol;
             CREATE INDEX entry_symbols_by_symbol ON entry_symbols (symbol);",
        ),
        // The symbols' rows shrink to two small integers (~42 → ~20 MB at 100,000 entries, copied
        // and checked by every backup): each symbol's name is kept once in `symbol_codes`, the
        // night they repeated is read from the entry, and `mentions`, which nothing read, goes.
        // So the months' counts look the night up: an entry's symbols now go before the entry
        // does (the foreign key's cascade would run once its night is gone), and a night moved
        // to another month moves its symbols' counts.
        M::up(
            r#"
        CREATE TABLE symbol_codes (
            code   INTEGER PRIMARY KEY,
            symbol TEXT    NOT NULL UNIQUE
        );
        INSERT INTO symbol_codes (symbol) SELECT DISTINCT symbol FROM entry_symbols ORDER BY 1;
        CREATE TABLE entry_symbols_12 (
            code     INTEGER NOT NULL REFERENCES symbol_codes (code),
            entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
            PRIMARY KEY (entry_id, code)
        ) WITHOUT ROWID;
        -- Rows whose entry is gone (deleted by a tool that left foreign keys off) stay behind:
        -- they would fail the new table's key, and the months' counts are made again from the
        -- rows kept, so counts that had drifted come out right too.
        INSERT INTO entry_symbols_12 (code, entry_id)
            SELECT c.code, s.entry_id FROM entry_symbols s
              JOIN symbol_codes c ON c.symbol = s.symbol
              JOIN entries e ON e.id = s.entry_id
            ORDER BY 2, 1;
        DROP TABLE entry_symbols;
        ALTER TABLE entry_symbols_12 RENAME TO entry_symbols;
        CREATE INDEX entry_symbols_by_symbol ON entry_symbols (code);
        DELETE FROM symbol_months;
        INSERT INTO symbol_months (month, symbol, n)
            SELECT substr(e.night, 1, 7), c.symbol, count(*)
              FROM entry_symbols s JOIN entries e ON e.id = s.entry_id
              JOIN symbol_codes c ON c.code = s.code
             GROUP BY 1, 2;
        CREATE TRIGGER entry_symbols_ai AFTER INSERT ON entry_symbols BEGIN
            INSERT INTO symbol_months (month, symbol, n)
                SELECT substr(e.night, 1, 7), c.symbol, 1 FROM entries e, symbol_codes c
                 WHERE e.id = new.entry_id AND c.code = new.code
                ON CONFLICT (month, symbol) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER entry_symbols_ad AFTER DELETE ON entry_symbols BEGIN
            UPDATE symbol_months SET n = n - 1
             WHERE symbol = (SELECT symbol FROM symbol_codes WHERE code = old.code)
               AND month = (SELECT substr(night, 1, 7) FROM entries WHERE id = old.entry_id);
        END;
        CREATE TRIGGER entries_bd_symbols BEFORE DELETE ON entries BEGIN
            DELETE FROM entry_symbols WHERE entry_id = old.id;
        END;
        CREATE TRIGGER entries_au_night AFTER UPDATE OF night ON entries
        WHEN substr(old.night, 1, 7) IS NOT substr(new.night, 1, 7) BEGIN
            UPDATE symbol_months SET n = n - 1
             WHERE month = substr(old.night, 1, 7)
               AND symbol IN (SELECT c.symbol FROM entry_symbols s JOIN symbol_codes c ON c.code = s.code
                               WHERE s.entry_id = new.id);
            INSERT INTO symbol_months (month, symbol, n)
                SELECT substr(new.night, 1, 7), c.symbol, 1
                  FROM entry_symbols s JOIN symbol_codes c ON c.code = s.code WHERE s.entry_id = new.id
                ON CONFLICT (month, symbol) DO UPDATE SET n = n + 1;
        END;
        "#,
        ),
    ]
}

/// The last schema version that left pages free in the file (migration 10's smaller search index,
/// 11's smaller symbols index, 12's symbols as codes): a diary upgraded from before it
/// gives them back with one `VACUUM` (`mod.rs`).
pub const COMPACTED: i64 = 12;

/// A diary file at schema 9 (the search index with positions, before migration 10) holding `n`
/// entries, for the tests of an upgrade and of a restore from before.
#[cfg(test)]
pub(crate) fn write_version_9_diary(path: &std::path::Path, n: usize) {
    let mut c = rusqlite::Connection::open(path).unwrap();
    migrations().to_version(&mut c, 9).unwrap();
    let tx = c.transaction().unwrap();
    for i in 0..n {
        let body = format!(
            "{i}번째 꿈: 황금빛 돼지가 마당으로 들어왔다. {}",
            "바다 위를 날아 낯선 도시의 시장을 지났다. ".repeat(20)
        );
        tx.execute(
            "INSERT INTO entries (night, title, body, created_at, updated_at, uuid)
             VALUES ('2025-01-01', '', ?1, 0, 0, ?2)",
            rusqlite::params![body, format!("u{i}")],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations()
            .validate()
            .expect("every migration applies to an empty database");
    }

    /// A diary written by the version before tags, flags, symbols and the short-term index (the
    /// first two migrations) opens with every entry and interpretation, searchable in full.
    #[test]
    fn a_diary_from_before_keeps_every_entry_and_is_searchable() {
        use crate::db::{entries as repo, Database};
        use crate::diary::search;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        {
            let mut c = rusqlite::Connection::open(&path).unwrap();
            super::migrations().to_version(&mut c, 2).unwrap();
            for (i, body) in [
                "돼지가 집으로 들어왔다",
                "I was chased by a snake",
                "낙타를 타고 사막을 건넜다",
            ]
            .iter()
            .enumerate()
            {
                c.execute(
                    "INSERT INTO entries (night, title, body, created_at, updated_at)
                     VALUES (?1, '', ?2, 0, 0)",
                    rusqlite::params![format!("2025-01-0{}", i + 1), body],
                )
                .unwrap();
            }
            c.execute(
                "INSERT INTO interpretations (entry_id, style, provider, model, text, status,
                     started_at, finished_at) VALUES (1, 'traditional', 'openai', 'm', '길몽', 'complete', 0, 0)",
                [],
            )
            .unwrap();
        }
        let diary = Database::open(&path).unwrap().db;
        diary
            .call_blocking(|c| {
                assert_eq!(repo::list(c, 10, 0)?.len(), 3, "every entry is still there");
                let find =
                    |c: &mut rusqlite::Connection, q: &str| -> crate::error::Result<Vec<i64>> {
                        Ok(search::search(c, q, &Default::default(), 10)?
                            .into_iter()
                            .map(|s| s.id)
                            .collect())
                    };
                assert_eq!(
                    find(c, "낙타")?,
                    vec![3],
                    "a short term through the rebuilt index"
                );
                assert_eq!(find(c, "사막을")?, vec![3], "a long term");
                assert_eq!(find(c, "다")?.len(), 2, "one character");
                let symbols: Vec<(i64, String)> = c
                    .prepare(
                        "SELECT s.entry_id, c.symbol FROM entry_symbols s
                         JOIN symbol_codes c ON c.code = s.code ORDER BY 1, 2",
                    )?
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                assert!(
                    symbols.contains(&(1, "pig".into())),
                    "symbols found for old entries: {symbols:?}"
                );
                assert!(symbols.contains(&(2, "snake".into())));
                let text: String = c.query_row(
                    "SELECT text FROM interpretations WHERE entry_id = 1",
                    [],
                    |r| r.get(0),
                )?;
                assert_eq!(text, "길몽", "and its interpretation");
                Ok(())
            })
            .unwrap();
    }

    /// Migrations 11 and 12: the symbols' index is by symbol alone (its code since 12), keeps
    /// every row, and the diary's symbol filter still reads it without the table (as it read the
    /// old one: this guards the filter against losing its index; the index's SQL tells them
    /// apart).
    #[test]
    fn the_symbols_index_by_symbol_alone_answers_the_symbol_filter() {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations().to_version(&mut c, 10).unwrap();
        for (i, symbols) in [vec!["pig", "water"], vec!["pig"], vec!["snake"]]
            .iter()
            .enumerate()
        {
            c.execute(
                "INSERT INTO entries (night, title, body, created_at, updated_at, uuid)
                 VALUES ('2025-01-01', '', 'x', 0, 0, ?1)",
                [format!("u{i}")],
            )
            .unwrap();
            let id = c.last_insert_rowid();
            for s in symbols {
                c.execute(
                    "INSERT INTO entry_symbols (symbol, entry_id, night, mentions)
                     VALUES (?1, ?2, '2025-01-01', 1)",
                    rusqlite::params![s, id],
                )
                .unwrap();
            }
        }
        super::migrations().to_latest(&mut c).unwrap();
        let sql: String = c
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'entry_symbols_by_symbol'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            sql.ends_with("(code)"),
            "the index by the symbol's code alone: {sql}"
        );
        // The filter as search.rs writes it.
        let filter = "SELECT id FROM entries WHERE id IN (SELECT entry_id FROM entry_symbols
             WHERE code = (SELECT code FROM symbol_codes WHERE symbol = 'pig'))";
        // The plan's fourth column is its step, in words.
        let plan: Vec<String> = crate::db::column(&c, &format!("EXPLAIN QUERY PLAN {filter}"), 3);
        assert!(
            plan.iter()
                .any(|d| d.contains("COVERING INDEX entry_symbols_by_symbol")),
            "the symbol filter reads the index alone: {plan:?}"
        );
        let pigs: Vec<i64> = crate::db::column(&c, filter, 0);
        assert_eq!(
            pigs,
            vec![1, 2],
            "every entry with the symbol, through the new index"
        );
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "the index agrees with the table");
    }

    /// Migration 12: the symbols' rows become a code and the entry's id, keep every symbol of
    /// every entry, and the months' counts written before stay right and keep following the
    /// entries.
    #[test]
    fn the_symbols_as_codes_keep_every_row_and_count() {
        let mut c = rusqlite::Connection::open_in_memory().unwrap();
        c.pragma_update(None, "foreign_keys", "ON").unwrap();
        super::migrations().to_version(&mut c, 11).unwrap();
        for (i, (night, symbols)) in [
            ("2025-01-05", vec!["pig", "water"]),
            ("2025-01-20", vec!["pig"]),
            ("2025-02-01", vec!["snake"]),
        ]
        .iter()
        .enumerate()
        {
            c.execute(
                "INSERT INTO entries (night, title, body, created_at, updated_at, uuid)
                 VALUES (?1, '', 'x', 0, 0, ?2)",
                rusqlite::params![night, format!("u{i}")],
            )
            .unwrap();
            let id = c.last_insert_rowid();
            for s in symbols {
                c.execute(
                    "INSERT INTO entry_symbols (symbol, entry_id, night, mentions)
                     VALUES (?1, ?2, ?3, 2)",
                    rusqlite::params![s, id, night],
                )
                .unwrap();
            }
        }
        let months = |c: &rusqlite::Connection| -> Vec<String> {
            crate::db::column(
                c,
                "SELECT month || '/' || symbol || '/' || n FROM symbol_months WHERE n > 0 ORDER BY 1",
                0,
            )
        };
        let before = months(&c);
        // An entry deleted by another tool with foreign keys off (the sqlite3 shell's default)
        // leaves its symbols' rows, and their months' counts, behind.
        c.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO entries (night, title, body, created_at, updated_at, uuid)
                 VALUES ('2025-03-03', '', 'x', 0, 0, 'gone');
             INSERT INTO entry_symbols (symbol, entry_id, night, mentions)
                 VALUES ('dragon', last_insert_rowid(), '2025-03-03', 1);
             DELETE FROM entries WHERE uuid = 'gone';
             PRAGMA foreign_keys = ON;",
        )
        .unwrap();
        assert!(
            months(&c).contains(&"2025-03/dragon/1".to_string()),
            "the left-behind row is counted before the upgrade"
        );
        // As the app opens a diary: foreign keys on (`configure`), then the migrations.
        super::migrations().to_latest(&mut c).unwrap();
        let columns: Vec<String> =
            crate::db::column(&c, "SELECT name FROM pragma_table_info('entry_symbols')", 0);
        assert_eq!(columns, ["code", "entry_id"], "a row is two integers");
        let rows: Vec<String> = crate::db::column(
            &c,
            "SELECT s.entry_id || '/' || c.symbol FROM entry_symbols s
             JOIN symbol_codes c ON c.code = s.code ORDER BY 1",
            0,
        );
        assert_eq!(
            rows,
            ["1/pig", "1/water", "2/pig", "3/snake"],
            "every symbol of every entry kept"
        );
        assert_eq!(
            months(&c),
            before,
            "the months' counts are those of the rows kept; the left-behind row is not one"
        );
        c.execute("DELETE FROM entries WHERE id = 1", []).unwrap();
        assert_eq!(
            months(&c),
            ["2025-01/pig/1", "2025-02/snake/1"],
            "an entry deleted after the upgrade takes its symbols' counts with it"
        );
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }

    /// A diary at version 10 gives back on its first open what its old symbols' index held
    /// (migration 11), as one from before 10 gives back the old search index's space.
    #[test]
    fn a_version_10_diary_gives_the_old_symbols_index_space_back() {
        use crate::db::Database;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        {
            let mut c = rusqlite::Connection::open(&path).unwrap();
            super::migrations().to_version(&mut c, 10).unwrap();
            let tx = c.transaction().unwrap();
            for i in 0..3000 {
                tx.execute(
                    "INSERT INTO entries (night, title, body, created_at, updated_at, uuid)
                     VALUES ('2025-01-01', '', '꿈', 0, 0, ?1)",
                    [format!("u{i}")],
                )
                .unwrap();
                let id = tx.last_insert_rowid();
                for s in ["pig", "water", "snake", "dragon", "fire", "teeth", "exam"] {
                    tx.execute(
                        "INSERT INTO entry_symbols (symbol, entry_id, night, mentions)
                         VALUES (?1, ?2, '2025-01-01', 1)",
                        rusqlite::params![s, id],
                    )
                    .unwrap();
                }
            }
            tx.commit().unwrap();
        }
        let before = std::fs::metadata(&path).unwrap().len();
        let diary = Database::open(&path).unwrap().db;
        let after = std::fs::metadata(&path).unwrap().len();
        diary
            .call_blocking(|c| {
                let free: i64 = c.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
                assert_eq!(free, 0, "no page of the old index is left free in the file");
                let rows: i64 =
                    c.query_row("SELECT count(*) FROM entry_symbols", [], |r| r.get(0))?;
                assert_eq!(rows, 21_000, "every symbol of every entry is kept");
                Ok(())
            })
            .unwrap();
        assert!(
            after < before,
            "the file shrank by the old index's space: {before} → {after} bytes"
        );
    }

    /// The index with positions (version 9) becomes the positionless one: the file shrinks by
    /// what the old index held, every entry is still found, and a long term only where it is.
    #[test]
    fn an_upgraded_diary_gives_the_old_index_space_back_and_finds_as_before() {
        use crate::db::Database;
        use crate::diary::search;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diary.sqlite3");
        super::write_version_9_diary(&path, 400);
        let before = std::fs::metadata(&path).unwrap().len();
        let diary = Database::open(&path).unwrap().db;
        let after = std::fs::metadata(&path).unwrap().len();
        // The old index is ~30 % of this file (80 of 258 pages; 8 after), less two pages of
        // tables added since (migration 12).
        assert!(
            after * 4 < before * 3,
            "the file shrank by the old index's space: {before} → {after} bytes"
        );
        diary
            .call_blocking(|c| {
                let sql: String = c.query_row(
                    "SELECT sql FROM sqlite_master WHERE name = 'entries_fts'",
                    [],
                    |r| r.get(0),
                )?;
                assert!(sql.contains("detail = 'none'"), "the new index: {sql}");
                let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
                assert_eq!(ok, "ok", "the upgraded file is sound");
                let hits = |c: &mut rusqlite::Connection, q: &str| {
                    search::search(c, q, &Default::default(), 500).map(|v| v.len())
                };
                assert_eq!(hits(c, "황금빛 돼지가")?, 400, "every entry, by long terms");
                assert_eq!(hits(c, "123번째")?, 1, "one entry by its own words");
                assert_eq!(hits(c, "돼지가 바다")?, 400, "two terms anywhere");
                assert_eq!(hits(c, "돼지가바다")?, 0, "not a term made of two apart");
                Ok(())
            })
            .unwrap();
    }
}

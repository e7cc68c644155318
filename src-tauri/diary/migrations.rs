//! The diary's schema, as embedded, ordered migrations: append new steps, never edit old ones.

use rusqlite_migration::{Migrations, M};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
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
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations()
            .validate()
            .expect("every migration applies to an empty database");
    }
}

//! Search as you type, in Korean and English, on any part of a word.
//!
//! Terms of three or more characters use the FTS5 trigram index (so `돼지꿈` finds `황금돼지꿈`);
//! one- and two-character terms, which trigrams cannot index, fall back to a substring scan that
//! walks entries newest night first and stops at the page size. Every term must match.

use rusqlite::types::Value;
use rusqlite::Connection;

use super::repo::{summary_columns, summary_from_row, MAX_PAGE};
use super::EntrySummary;
use crate::error::Result;

/// More terms than this are ignored: nobody types them, and each costs a scan.
const MAX_TERMS: usize = 8;

pub fn search(conn: &mut Connection, query: &str, limit: u32) -> Result<Vec<EntrySummary>> {
    let terms: Vec<&str> = query.split_whitespace().take(MAX_TERMS).collect();
    if terms.is_empty() {
        return super::repo::list(conn, limit, 0);
    }
    let (long, short): (Vec<&str>, Vec<&str>) =
        terms.into_iter().partition(|t| t.chars().count() >= 3);

    let mut clauses = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if !long.is_empty() {
        // Each term becomes a quoted phrase, so FTS syntax characters in it are literal.
        let expr = long
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        args.push(Value::Text(expr));
        clauses.push(format!(
            "id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?{})",
            args.len()
        ));
    }
    for t in short {
        args.push(Value::Text(format!("%{}%", escape_like(t))));
        let n = args.len();
        clauses.push(format!(
            "(title LIKE ?{n} ESCAPE '\\' OR body LIKE ?{n} ESCAPE '\\')"
        ));
    }
    args.push(Value::Integer(limit.min(MAX_PAGE).into()));
    let sql = format!(
        "SELECT {} FROM entries WHERE {} ORDER BY night DESC, id DESC LIMIT ?{}",
        summary_columns(),
        clauses.join(" AND "),
        args.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), summary_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for ch in term.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{repo, Diary, EntryInput};

    fn seeded() -> (Diary, Vec<i64>) {
        let d = Diary::open_in_memory().unwrap();
        let ids = d
            .call_blocking(|c| {
                let mut ids = vec![];
                for (night, title, body) in [
                    (
                        "2026-01-01",
                        "황금돼지꿈",
                        "집 마당에 황금빛 돼지가 들어왔다.",
                    ),
                    (
                        "2026-01-02",
                        "Flying",
                        "I was flying over Seoul at night, then falling.",
                    ),
                    (
                        "2026-01-03",
                        "",
                        "이가 빠지는 꿈을 꿨다. 100% real, snake_case",
                    ),
                    ("2026-01-04", "바다", "Swimming with whales; 고래 두 마리."),
                ] {
                    let e = repo::create(
                        c,
                        &EntryInput {
                            night: Some(night.into()),
                            title: title.into(),
                            body: body.into(),
                        },
                    )?;
                    ids.push(e.id);
                }
                Ok(ids)
            })
            .unwrap();
        (d, ids)
    }

    fn find(d: &Diary, q: &str) -> Vec<i64> {
        d.call_blocking(|c| search(c, q, 50))
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect()
    }

    #[test]
    fn korean_substrings_of_any_length_are_found() {
        let (d, ids) = seeded();
        assert_eq!(find(&d, "돼지"), vec![ids[0]], "2 characters inside a word");
        assert_eq!(
            find(&d, "돼지꿈"),
            vec![ids[0]],
            "3 characters inside a title"
        );
        assert_eq!(
            find(&d, "황금빛 돼지"),
            vec![ids[0]],
            "two terms, both must match"
        );
        assert_eq!(
            find(&d, "꿈"),
            vec![ids[2], ids[0]],
            "1 character, newest first"
        );
        assert_eq!(find(&d, "고래 두"), vec![ids[3]]);
        assert!(find(&d, "호랑이").is_empty(), "absent word finds nothing");
    }

    #[test]
    fn english_is_case_insensitive_and_matches_inside_words() {
        let (d, ids) = seeded();
        assert_eq!(find(&d, "FLY"), vec![ids[1]]);
        assert_eq!(find(&d, "eou"), vec![ids[1]], "inside 'Seoul'");
        assert_eq!(find(&d, "whale"), vec![ids[3]]);
        assert_eq!(
            find(&d, "fall whales"),
            Vec::<i64>::new(),
            "terms are ANDed"
        );
    }

    #[test]
    fn syntax_characters_are_literal() {
        let (d, ids) = seeded();
        assert_eq!(find(&d, "0%"), vec![ids[2]], "% is not a wildcard");
        assert_eq!(find(&d, "_c"), vec![ids[2]], "_ is not a wildcard");
        assert_eq!(
            find(&d, "e_c"),
            vec![ids[2]],
            "_ in a trigram phrase is literal"
        );
        for q in ["\"", "a\"b", "NEAR(", "*", "OR", "-", "^x", "((("] {
            find(&d, q); // must not error
        }
        assert!(
            find(&d, "\"whales\"").is_empty(),
            "quotes are part of the term"
        );
    }

    #[test]
    fn blank_query_lists_everything_newest_first() {
        let (d, ids) = seeded();
        let mut expected = ids.clone();
        expected.reverse();
        assert_eq!(find(&d, "   "), expected);
    }

    #[test]
    fn search_follows_edits_and_deletes() {
        let (d, ids) = seeded();
        d.call_blocking(|c| {
            repo::update(
                c,
                ids[1],
                &EntryInput {
                    night: Some("2026-01-02".into()),
                    title: "Falling".into(),
                    body: "무지개를 건넜다".into(),
                },
            )
        })
        .unwrap();
        assert!(find(&d, "flying").is_empty(), "old text no longer matches");
        assert_eq!(find(&d, "무지개"), vec![ids[1]], "new text matches");
        d.call_blocking(|c| repo::delete(c, ids[1])).unwrap();
        assert!(find(&d, "무지개").is_empty(), "deleted entry is not found");
    }
}

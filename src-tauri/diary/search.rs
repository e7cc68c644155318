//! Search as you type, in Korean and English, on any part of a word.
//!
//! Terms of three or more characters use the FTS5 trigram index (so `돼지꿈` finds `황금돼지꿈`);
//! the index knows which entries hold a trigram but not where, so a longer term is found through
//! all of its trigrams and then confirmed on the text.
//! One- and two-character terms use it too, through its vocabulary: every character of a column
//! starts an indexed trigram (the index holds two spaces after each column), so a short term is in
//! an entry exactly when one of the trigrams beginning with it is. A term with many such trigrams
//! is a common one, found fastest by a substring scan that walks the newest entries and stops at
//! the page size. Every term must match.

use rusqlite::types::Value;
use rusqlite::Connection;

use serde::Deserialize;

use super::details::normalize_tag;
use super::{EntrySummary, Flag, Mood};
use crate::db::entries::{summary_columns, summary_from_row, MAX_PAGE};
use crate::db::Database;
use crate::error::Result;

/// More terms than this are ignored: nobody types them, and each costs a scan.
const MAX_TERMS: usize = 8;

/// How many of the newest entries the probe reads before the index is asked (see `search`).
const PROBE_ROWS: u32 = 2_000;

/// A short term with more trigrams than this is common: the scan answers it (see `short_terms`).
const MAX_PREFIX_TRIGRAMS: usize = 64;

/// What the list is narrowed to besides the text: a tag, a flag, a mood, a range of nights.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Filter {
    pub tag: Option<String>,
    /// A symbol of the dictionary (`symbols::Symbol::id`).
    pub symbol: Option<String>,
    pub flag: Option<Flag>,
    pub mood: Option<Mood>,
    /// First and last night, `YYYY-MM-DD`, both included.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.tag.is_none()
            && self.symbol.is_none()
            && self.flag.is_none()
            && self.mood.is_none()
            && self.from.is_none()
            && self.to.is_none()
    }

    /// SQL conditions on `entries` and their arguments, appended to `args`.
    fn clauses(&self, args: &mut Vec<Value>) -> Result<Vec<String>> {
        let mut out = Vec::new();
        if let Some(tag) = self.tag.as_deref().and_then(normalize_tag) {
            args.push(Value::Text(tag));
            out.push(format!(
                "id IN (SELECT entry_id FROM entry_tags WHERE tag = ?{})",
                args.len()
            ));
        }
        if let Some(symbol) = self.symbol.as_deref().filter(|s| !s.is_empty()) {
            args.push(Value::Text(symbol.into()));
            out.push(format!(
                "id IN (SELECT entry_id FROM entry_symbols
                  WHERE code = (SELECT code FROM symbol_codes WHERE symbol = ?{}))",
                args.len()
            ));
        }
        if let Some(flag) = self.flag {
            out.push(format!("{} = 1", flag.column()));
        }
        if let Some(mood) = self.mood {
            args.push(Value::Text(mood.id().into()));
            out.push(format!("mood = ?{}", args.len()));
        }
        for (night, op) in [(&self.from, ">="), (&self.to, "<=")] {
            if let Some(n) = night.as_deref().filter(|n| !n.is_empty()) {
                chrono::NaiveDate::parse_from_str(n, "%Y-%m-%d").map_err(|_| {
                    crate::error::Error::InvalidInput("a date range needs YYYY-MM-DD dates".into())
                })?;
                args.push(Value::Text(n.into()));
                out.push(format!("night {op} ?{}", args.len()));
            }
        }
        Ok(out)
    }
}

pub fn search(
    conn: &mut Connection,
    query: &str,
    filter: &Filter,
    limit: u32,
) -> Result<Vec<EntrySummary>> {
    search_page(conn, query, filter, limit, 0)
}

/// `search`, from the `offset`-th match on (the list's "show older").
/// The page of entries matching `query` and `filter`, on the read connection: the newest search
/// wins and the one it replaces answers `Error::Superseded` (see `Database::read_latest`).
pub async fn latest(
    db: &Database,
    query: String,
    filter: Filter,
    (limit, offset): (u32, u32),
) -> Result<Vec<EntrySummary>> {
    db.read_latest(move |c| search_page(c, &query, &filter, limit, offset))
        .await
}

pub fn search_page(
    conn: &mut Connection,
    query: &str,
    filter: &Filter,
    limit: u32,
    offset: u32,
) -> Result<Vec<EntrySummary>> {
    let terms: Vec<&str> = query.split_whitespace().take(MAX_TERMS).collect();
    if terms.is_empty() && filter.is_empty() {
        return crate::db::entries::list(conn, limit, offset);
    }
    let limit = limit.min(MAX_PAGE);
    // A common term is found fastest by walking the newest entries and stopping at a full page;
    // the trigram index is faster only for rare ones. If the newest PROBE_ROWS entries already
    // hold a full page of matches, that page is exactly the answer, since both walk the same order.
    // LIKE folds only ASCII case while the index folds all of Unicode, so the probe is used only
    // when the terms have no other cased letters (Hangul has no case).
    // Short terms too: one that is in most dreams (`꿈`, `했다`) fills a page from the newest.
    if offset == 0 && !terms.is_empty() && terms.iter().all(|t| like_folds_like_fts(t)) {
        let page = run(conn, &terms, &[], &[], filter, (limit, 0), Some(PROBE_ROWS))?;
        if page.len() as u32 == limit {
            return Ok(page);
        }
    }
    let (long, short): (Vec<&str>, Vec<&str>) =
        terms.into_iter().partition(|t| t.chars().count() >= 3);
    let mut like = Vec::new();
    let mut grams = Vec::new();
    for t in short {
        match trigrams_starting(conn, t)? {
            Some(list) => grams.push((t, list)),
            None => like.push(t),
        }
    }
    run(conn, &like, &long, &grams, filter, (limit, offset), None)
}

/// The indexed trigrams that begin with the short term `term`, or `None` when there are more than
/// `MAX_PREFIX_TRIGRAMS` (a common term). An empty list: the term is in no entry.
fn trigrams_starting(conn: &Connection, term: &str) -> Result<Option<Vec<String>>> {
    // The trigram tokenizer folds case; its vocabulary is lower case.
    let lo = term.to_lowercase();
    let hi = format!("{lo}\u{10FFFF}");
    let mut st = conn.prepare_cached(
        "SELECT term FROM entries_fts_vocab WHERE term >= ?1 AND term < ?2 LIMIT ?3",
    )?;
    let rows = st.query_map(
        rusqlite::params![lo, hi, MAX_PREFIX_TRIGRAMS as i64 + 1],
        |r| r.get::<_, String>(0),
    )?;
    let list = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((list.len() <= MAX_PREFIX_TRIGRAMS).then_some(list))
}

/// Entries matching every `like` term (substring scan) and every `fts` term (trigram index), or
/// carrying a tag that starts with the term, and the filter; newest night first; with `probe`,
/// only among that many newest entries.
fn run(
    conn: &mut Connection,
    like: &[&str],
    fts: &[&str],
    grams: &[(&str, Vec<String>)],
    filter: &Filter,
    (limit, offset): (u32, u32),
    probe: Option<u32>,
) -> Result<Vec<EntrySummary>> {
    let mut args: Vec<Value> = Vec::new();
    let mut clauses = filter.clauses(&mut args)?;
    // A term also finds the entries with a tag that begins with it (`tags` is the PK's first
    // column, so a range is an index walk).
    let tag_clause = |t: &str, args: &mut Vec<Value>| -> Option<String> {
        let t = normalize_tag(t)?;
        args.push(Value::Text(t.clone()));
        let lo = args.len();
        args.push(Value::Text(format!("{t}\u{10FFFF}")));
        Some(format!(
            "id IN (SELECT entry_id FROM entry_tags WHERE tag >= ?{lo} AND tag < ?{})",
            lo + 1
        ))
    };
    for t in fts {
        // The index knows which entries hold a trigram, not where (migration 10): every trigram
        // of the term narrows the entries down, and a term longer than one trigram is then
        // confirmed on the text itself (its trigrams may be in the entry apart).
        args.push(Value::Text(all_trigrams(t)));
        let mut text = format!(
            "id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?{})",
            args.len()
        );
        if t.chars().count() > 3 {
            let confirm = if like_folds_like_fts(t) {
                args.push(Value::Text(format!("%{}%", escape_like(t))));
                let n = args.len();
                format!("title LIKE ?{n} ESCAPE '\\' OR body LIKE ?{n} ESCAPE '\\'")
            } else {
                args.push(Value::Text(crate::db::fold(t)));
                let n = args.len();
                format!("haemong_contains(title, ?{n}) OR haemong_contains(body, ?{n})")
            };
            text = format!("{text} AND ({confirm})");
        }
        clauses.push(match tag_clause(t, &mut args) {
            Some(tag) => format!("({text} OR {tag})"),
            None => text,
        });
    }
    for (t, list) in grams {
        // The term is in an entry when one of the trigrams that begin with it is.
        let text = if list.is_empty() {
            None
        } else {
            let expr = list
                .iter()
                .map(|g| format!("\"{}\"", g.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" OR ");
            args.push(Value::Text(expr));
            Some(format!(
                "id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?{})",
                args.len()
            ))
        };
        clauses.push(match (text, tag_clause(t, &mut args)) {
            (Some(text), Some(tag)) => format!("({text} OR {tag})"),
            (Some(text), None) => text,
            (None, Some(tag)) => tag,
            (None, None) => "0".to_string(),
        });
    }
    for t in like {
        args.push(Value::Text(format!("%{}%", escape_like(t))));
        let n = args.len();
        let text = format!("title LIKE ?{n} ESCAPE '\\' OR body LIKE ?{n} ESCAPE '\\'");
        clauses.push(match tag_clause(t, &mut args) {
            Some(tag) => format!("({text} OR {tag})"),
            None => format!("({text})"),
        });
    }
    args.push(Value::Integer(limit.into()));
    args.push(Value::Integer(offset.into()));
    let source = match probe {
        Some(n) => format!("(SELECT * FROM entries ORDER BY night DESC, id DESC LIMIT {n})"),
        None => "entries".to_string(),
    };
    // The page's ids first, then its columns: the excerpt and the tags are read for 50 rows, not
    // for every match the sort goes through.
    let sql = format!(
        "SELECT {} FROM entries WHERE id IN (
             SELECT id FROM {source} WHERE {} ORDER BY night DESC, id DESC LIMIT ?{} OFFSET ?{}
         ) ORDER BY night DESC, id DESC",
        summary_columns(),
        if clauses.is_empty() {
            "1".to_string()
        } else {
            clauses.join(" AND ")
        },
        args.len() - 1,
        args.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), summary_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The FTS5 query for an entry holding every trigram of `term` (three or more characters), each
/// quoted so FTS syntax characters in it are literal.
fn all_trigrams(term: &str) -> String {
    let chars: Vec<char> = term.chars().collect();
    let mut grams: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    grams
        .iter()
        .map(|g| format!("\"{}\"", g.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// True when SQLite's LIKE (ASCII case folding) matches `term` exactly as the trigram index does.
fn like_folds_like_fts(term: &str) -> bool {
    term.chars().all(|c| {
        c.is_ascii()
            || (c.to_lowercase().eq(std::iter::once(c)) && c.to_uppercase().eq(std::iter::once(c)))
    })
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
    use crate::db::{entries as repo, Database};
    use crate::diary::EntryInput;

    fn seeded() -> (Database, Vec<i64>) {
        let d = Database::open_in_memory().unwrap();
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
                            ..Default::default()
                        },
                    )?;
                    ids.push(e.id);
                }
                Ok(ids)
            })
            .unwrap();
        (d, ids)
    }

    fn find(d: &Database, q: &str) -> Vec<i64> {
        d.call_blocking(|c| search(c, q, &Filter::default(), 50))
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
    fn the_newest_page_is_the_same_whether_probed_or_indexed() {
        let d = Database::open_in_memory().unwrap();
        let mut expected = d
            .call_blocking(|c| {
                let mut matching = vec![];
                for i in 0..60 {
                    let body = if i % 3 == 0 {
                        "엘리베이터가 멈췄다"
                    } else {
                        "계단을 올랐다"
                    };
                    let night = format!("2026-01-{:02}", 1 + (i * 7) % 28);
                    let e = repo::create(
                        c,
                        &EntryInput {
                            night: Some(night),
                            title: String::new(),
                            body: body.into(),
                            ..Default::default()
                        },
                    )?;
                    if i % 3 == 0 {
                        matching.push((e.night, e.id));
                    }
                }
                Ok(matching)
            })
            .unwrap();
        expected.sort_by(|a, b| b.cmp(a));
        let ids: Vec<i64> = expected.iter().map(|e| e.1).collect();
        let page = |limit| -> Vec<i64> {
            d.call_blocking(|c| search(c, "엘리베이터가", &Filter::default(), limit))
                .unwrap()
                .into_iter()
                .map(|s| s.id)
                .collect()
        };
        assert_eq!(
            page(5),
            ids[..5],
            "a full page from the probe is the first page"
        );
        assert_eq!(
            page(50),
            ids,
            "a page the probe cannot fill comes from the index, all 20"
        );
    }

    #[test]
    fn non_ascii_case_is_folded_like_the_index_does() {
        let d = Database::open_in_memory().unwrap();
        let id = d
            .call_blocking(|c| {
                repo::create(
                    c,
                    &EntryInput {
                        night: None,
                        title: String::new(),
                        body: "ένα όνειρο αβγδ".into(),
                        ..Default::default()
                    },
                )
            })
            .unwrap()
            .id;
        assert_eq!(
            find(&d, "ΑΒΓ"),
            vec![id],
            "Greek capitals find lowercase text"
        );
    }

    #[test]
    fn a_long_term_is_confirmed_on_the_text_not_only_by_its_trigrams() {
        let d = Database::open_in_memory().unwrap();
        let ids = d
            .call_blocking(|c| {
                let mut ids = vec![];
                // The first three hold every trigram of a term below, but not the term itself.
                for body in [
                    "돼지꿈 … 지꿈을 꾸었다",
                    "the abcd and bcde",
                    "ΑΒΓΔ and ΒΓΔΕ",
                    "τις πόλεις ΠΡΟΣΩΠΟ",
                    "돼지꿈을 꾸었다",
                    "ABCDE at last",
                    "αβγδε όνειρο",
                ] {
                    let input = EntryInput {
                        body: body.into(),
                        ..Default::default()
                    };
                    ids.push(repo::create(c, &input)?.id);
                }
                Ok(ids)
            })
            .unwrap();
        for (term, entry, why) in [
            (
                "돼지꿈을",
                4,
                "only the entry with the whole Korean term, not its trigrams apart",
            ),
            (
                "abcde",
                5,
                "only the entry with the whole English term, any case",
            ),
            (
                "ΑΒΓΔΕ",
                6,
                "only the entry with the whole Greek term, its case folded",
            ),
            (
                "πόλεισ",
                3,
                "final and medial sigma are one letter, as in the index",
            ),
            ("ΠΡΟΣ", 3, "a term ending in Σ finds σ inside a word"),
        ] {
            assert_eq!(find(&d, term), vec![ids[entry]], "{term}: {why}");
        }
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
                    ..Default::default()
                },
            )
        })
        .unwrap();
        assert!(find(&d, "flying").is_empty(), "old text no longer matches");
        assert_eq!(find(&d, "무지개"), vec![ids[1]], "new text matches");
        d.call_blocking(|c| repo::delete(c, ids[1])).unwrap();
        assert!(find(&d, "무지개").is_empty(), "deleted entry is not found");
    }

    #[test]
    fn filters_combine_with_each_other_and_with_the_text() {
        use crate::diary::{Flags, Mood};
        let d = Database::open_in_memory().unwrap();
        let ids = d
            .call_blocking(|c| {
                let mut ids = vec![];
                for (night, body, tags, lucid, mood) in [
                    (
                        "2026-02-01",
                        "돼지가 들어왔다",
                        vec!["재물"],
                        true,
                        Some(Mood::Joy),
                    ),
                    (
                        "2026-02-10",
                        "뱀에게 쫓겼다",
                        vec!["악몽", "뱀"],
                        false,
                        Some(Mood::Fear),
                    ),
                    (
                        "2026-03-05",
                        "하늘을 날았다 flying",
                        vec!["자각몽"],
                        true,
                        Some(Mood::Joy),
                    ),
                    ("2026-03-20", "시험을 망쳤다", vec!["시험"], false, None),
                ] {
                    ids.push(
                        repo::create(
                            c,
                            &EntryInput {
                                night: Some(night.into()),
                                body: body.into(),
                                tags: tags.into_iter().map(String::from).collect(),
                                flags: Flags {
                                    lucid,
                                    ..Default::default()
                                },
                                mood,
                                ..Default::default()
                            },
                        )?
                        .id,
                    );
                }
                Ok(ids)
            })
            .unwrap();
        let f = |q: &str, filter: Filter| -> Vec<i64> {
            d.call_blocking(|c| search(c, q, &filter, 50))
                .unwrap()
                .into_iter()
                .map(|s| s.id)
                .collect()
        };
        let lucid = Filter {
            flag: Some(Flag::Lucid),
            ..Default::default()
        };
        assert_eq!(
            f("", lucid.clone()),
            vec![ids[2], ids[0]],
            "by flag, newest first"
        );
        let second_page: Vec<i64> = d
            .call_blocking(|c| search_page(c, "", &lucid, 1, 1))
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(second_page, vec![ids[0]], "a filtered list pages on");
        assert_eq!(f("날았", lucid.clone()), vec![ids[2]], "flag and text");
        let joy_in_feb = Filter {
            mood: Some(Mood::Joy),
            from: Some("2026-02-01".into()),
            to: Some("2026-02-28".into()),
            ..Default::default()
        };
        assert_eq!(
            f("", joy_in_feb),
            vec![ids[0]],
            "mood and a range of nights"
        );
        let tag = Filter {
            tag: Some(" #악몽 ".into()),
            ..Default::default()
        };
        assert_eq!(
            f("", tag),
            vec![ids[1]],
            "a tag, normalised like stored ones"
        );
        let snake = Filter {
            symbol: Some("snake".into()),
            ..Default::default()
        };
        assert_eq!(f("", snake), vec![ids[1]], "a symbol of the dictionary");
        assert_eq!(
            f("자각", Filter::default()),
            vec![ids[2]],
            "a term finds a tag's start"
        );
        assert_eq!(
            f("악몽", Filter::default()),
            vec![ids[1]],
            "and a whole tag"
        );
        assert!(
            f("시험", lucid).is_empty(),
            "every condition must hold at once"
        );
        let bad = Filter {
            from: Some("last week".into()),
            ..Default::default()
        };
        assert!(
            d.call_blocking(|c| search(c, "", &bad, 50)).is_err(),
            "a bad date is refused, not ignored"
        );
    }

    #[test]
    fn short_terms_are_found_through_the_index_anywhere_in_a_column() {
        let (d, ids) = seeded();
        // At the very start and the very end of a column, and inside a word.
        assert_eq!(find(&d, "황금"), vec![ids[0]], "the start of a title");
        assert_eq!(find(&d, "리."), vec![ids[3]], "the end of a body");
        assert_eq!(find(&d, "빛"), vec![ids[0]], "one character inside a word");
        assert_eq!(find(&d, "Sw"), vec![ids[3]], "Latin, case folded");
        assert!(find(&d, "낙타").is_empty(), "absent");
        assert!(find(&d, "낙").is_empty(), "absent, one character");
        d.call_blocking(|c| {
            let short: Vec<String> = trigrams_starting(c, "돼지")?.expect("a rare term has a list");
            assert!(short.iter().all(|g| g.starts_with("돼지")), "{short:?}");
            assert_eq!(
                trigrams_starting(c, "낙타")?,
                Some(vec![]),
                "an absent term: no trigram"
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_common_short_term_is_left_to_the_scan() {
        let d = Database::open_in_memory().unwrap();
        d.call_blocking(|c| {
            for i in 0..100 {
                repo::create(
                    c,
                    &EntryInput {
                        // 100 different syllables after 꿈: 100 trigrams begin with it.
                        body: format!("꿈{} 이야기", char::from_u32(0xAC00 + i * 7).unwrap()),
                        ..Default::default()
                    },
                )?;
            }
            assert_eq!(
                trigrams_starting(c, "꿈")?,
                None,
                "more than {MAX_PREFIX_TRIGRAMS} trigrams begin with 꿈"
            );
            assert_eq!(search(c, "꿈", &Filter::default(), 500)?.len(), 100);
            Ok(())
        })
        .unwrap();
    }
}

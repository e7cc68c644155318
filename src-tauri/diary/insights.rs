//! Looking back over the diary: nights with dreams (the calendar heatmap), streaks, dreams per month
//! by flag and by mood, the most frequent symbols and tags of a range, and the symbols that recur.
//! Aggregates in SQL over indexed columns, so the view stays fast at 100,000 entries.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::Mood;
use crate::error::{Error, Result};

/// A symbol seen in this many dreams of the range is "recurring".
pub const RECURRING_AT: i64 = 3;
const TOP: i64 = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Range {
    /// First and last night, `YYYY-MM-DD`; the last 12 months when absent.
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Insights {
    pub from: String,
    pub to: String,
    /// Dreams in the range.
    pub total: i64,
    /// Every night of the 12 months ending at `to` that has dreams: (night, count).
    pub days: Vec<DayCount>,
    pub streak: Streak,
    pub months: Vec<Month>,
    pub symbols: Vec<SymbolCount>,
    pub tags: Vec<TagCount>,
    /// Symbols in at least `RECURRING_AT` dreams of the range.
    pub recurring: Vec<SymbolCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCount {
    pub night: String,
    pub count: i64,
}

/// Nights in a row with at least one dream: the run that reaches today (or last night), and the
/// longest ever.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Streak {
    pub current: i64,
    pub longest: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub total: i64,
    pub lucid: i64,
    pub nightmare: i64,
    pub recurring: i64,
    pub vivid: i64,
    pub moods: BTreeMap<Mood, i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SymbolCount {
    pub id: String,
    pub ko: String,
    pub en: String,
    /// Dreams it appears in.
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::InvalidInput("a date range needs YYYY-MM-DD dates".into()))
}

pub fn insights(conn: &Connection, range: &Range, today: &str) -> Result<Insights> {
    let today_d = date(today)?;
    let to_d = match range.to.as_deref().filter(|s| !s.is_empty()) {
        Some(t) => date(t)?,
        None => today_d,
    };
    let from_d = match range.from.as_deref().filter(|s| !s.is_empty()) {
        Some(f) => date(f)?,
        None => to_d - Duration::days(364),
    };
    if from_d > to_d {
        return Err(Error::InvalidInput(
            "the range ends before it starts".into(),
        ));
    }
    let (from, to) = (from_d.to_string(), to_d.to_string());
    let heat_from = (to_d - Duration::days(364)).to_string();

    let days = {
        let mut st = conn.prepare_cached(
            "SELECT night, count(*) FROM entries WHERE night BETWEEN ?1 AND ?2 GROUP BY night ORDER BY night",
        )?;
        let rows = st.query_map(params![heat_from, to], |r| {
            Ok(DayCount {
                night: r.get(0)?,
                count: r.get(1)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };

    let nights: Vec<NaiveDate> = {
        // A night after today (a mistyped date) is left out: it would end every streak.
        let mut st = conn.prepare_cached(
            "SELECT DISTINCT night FROM entries WHERE night <= ?1 ORDER BY night",
        )?;
        let rows = st.query_map([today], |r| r.get::<_, String>(0))?;
        rows.filter_map(|n| n.ok().and_then(|n| date(&n).ok()))
            .collect()
    };
    let streak = streaks(&nights, today_d);

    let mut months: BTreeMap<String, Month> = BTreeMap::new();
    {
        let mut st = conn.prepare_cached(
            "SELECT substr(night, 1, 7), count(*), sum(lucid), sum(nightmare), sum(recurring), sum(vivid)
             FROM entries WHERE night BETWEEN ?1 AND ?2 GROUP BY 1",
        )?;
        let mut rows = st.query(params![from, to])?;
        while let Some(r) = rows.next()? {
            let month: String = r.get(0)?;
            months.insert(
                month.clone(),
                Month {
                    month,
                    total: r.get(1)?,
                    lucid: r.get(2)?,
                    nightmare: r.get(3)?,
                    recurring: r.get(4)?,
                    vivid: r.get(5)?,
                    moods: BTreeMap::new(),
                },
            );
        }
        let mut st = conn.prepare_cached(
            "SELECT substr(night, 1, 7), mood, count(*) FROM entries
             WHERE night BETWEEN ?1 AND ?2 AND mood IS NOT NULL GROUP BY 1, 2",
        )?;
        let mut rows = st.query(params![from, to])?;
        while let Some(r) = rows.next()? {
            let (month, mood, n): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if let (Some(m), Some(mood)) = (months.get_mut(&month), Mood::parse(&mood)) {
                m.moods.insert(mood, n);
            }
        }
    }
    let total = months.values().map(|m| m.total).sum();

    // Whole months from the monthly counts, the partial months at either end from the entries.
    let split = MonthSplit::of(from_d, to_d);
    let counts = |monthly: &str, detail: &str, night: &str| -> Result<Vec<(String, i64)>> {
        let sql = format!(
            "SELECT k, sum(n) FROM (
                 SELECT {monthly} WHERE month BETWEEN ?1 AND ?2 AND n > 0
                 UNION ALL
                 SELECT {detail} WHERE {night} BETWEEN ?3 AND ?4 OR {night} BETWEEN ?5 AND ?6
             ) GROUP BY k ORDER BY 2 DESC, 1"
        );
        let mut st = conn.prepare_cached(&sql)?;
        let rows = st.query_map(
            params![
                split.months.0,
                split.months.1,
                split.head.0,
                split.head.1,
                split.tail.0,
                split.tail.1
            ],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    // The partial months' symbols through the entries' index on the night, then each entry's
    // symbols by its key (entry_symbols has no index on the night of its own).
    let symbol_rows = counts(
        "symbol AS k, n FROM symbol_months",
        "c.symbol AS k, 1 AS n FROM entries e JOIN entry_symbols s ON s.entry_id = e.id
         JOIN symbol_codes c ON c.code = s.code",
        "e.night",
    )?;
    let named: Vec<SymbolCount> = symbol_rows
        .into_iter()
        .filter_map(|(id, count)| {
            crate::symbols::get(&id).map(|s| SymbolCount {
                id,
                ko: s.ko.to_string(),
                en: s.en.to_string(),
                count,
            })
        })
        .collect();
    let symbols: Vec<SymbolCount> = named.iter().take(TOP as usize).cloned().collect();
    let recurring: Vec<SymbolCount> = named
        .into_iter()
        .filter(|s| s.count >= RECURRING_AT)
        .collect();
    let tags: Vec<TagCount> = counts(
        "tag AS k, n FROM tag_months",
        "tag AS k, 1 AS n FROM entry_tags",
        "night",
    )?
    .into_iter()
    .take(TOP as usize)
    .map(|(tag, count)| TagCount { tag, count })
    .collect();

    Ok(Insights {
        from,
        to,
        total,
        days,
        streak,
        months: months.into_values().collect(),
        symbols,
        tags,
        recurring,
    })
}

/// A range of nights as whole months (`YYYY-MM`, from the monthly counts) and the nights before
/// and after them (from the entries). An empty part is a range that selects nothing.
#[derive(Debug, PartialEq, Eq)]
struct MonthSplit {
    months: (String, String),
    head: (String, String),
    tail: (String, String),
}

impl MonthSplit {
    fn of(from: NaiveDate, to: NaiveDate) -> MonthSplit {
        use chrono::Datelike;
        let none = || ("9999-12".to_string(), "0000-01".to_string());
        let none_n = || ("9999-12-31".to_string(), "0000-01-01".to_string());
        let month_start = |d: NaiveDate| d.with_day(1).unwrap();
        let next_month = |d: NaiveDate| {
            let s = month_start(d);
            if s.month() == 12 {
                NaiveDate::from_ymd_opt(s.year() + 1, 1, 1).unwrap()
            } else {
                NaiveDate::from_ymd_opt(s.year(), s.month() + 1, 1).unwrap()
            }
        };
        // The first whole month starts on or after `from`; the last whole one ends on or before `to`.
        let first = if from.day() == 1 {
            from
        } else {
            next_month(from)
        };
        let after_last = if next_month(to) - Duration::days(1) == to {
            next_month(to)
        } else {
            month_start(to)
        };
        if first >= after_last {
            return MonthSplit {
                months: none(),
                head: (from.to_string(), to.to_string()),
                tail: none_n(),
            };
        }
        let last_month_day = after_last - Duration::days(1);
        MonthSplit {
            months: (
                first.format("%Y-%m").to_string(),
                last_month_day.format("%Y-%m").to_string(),
            ),
            head: if first > from {
                (from.to_string(), (first - Duration::days(1)).to_string())
            } else {
                none_n()
            },
            tail: if after_last <= to {
                (after_last.to_string(), to.to_string())
            } else {
                none_n()
            },
        }
    }
}

/// Streaks over sorted, distinct nights.
pub fn streaks(nights: &[NaiveDate], today: NaiveDate) -> Streak {
    let mut longest = 0;
    let mut run = 0;
    let mut prev: Option<NaiveDate> = None;
    for &n in nights {
        run = match prev {
            Some(p) if n - p == Duration::days(1) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        prev = Some(n);
    }
    // The current run counts if it reaches last night or tonight (today's entry may not be written yet).
    let current = match prev {
        Some(last) if today - last <= Duration::days(1) && last <= today => run,
        _ => 0,
    };
    Streak { current, longest }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{entries as repo, Database};
    use crate::diary::{EntryInput, Flags};

    fn d(s: &str) -> NaiveDate {
        date(s).unwrap()
    }

    #[test]
    fn streaks_count_nights_in_a_row() {
        let nights: Vec<NaiveDate> = [
            "2026-01-01",
            "2026-01-02",
            "2026-01-03",
            "2026-01-10",
            "2026-01-11",
        ]
        .iter()
        .map(|s| d(s))
        .collect();
        assert_eq!(
            streaks(&nights, d("2026-01-12")),
            Streak {
                current: 2,
                longest: 3
            }
        );
        assert_eq!(
            streaks(&nights, d("2026-01-11")),
            Streak {
                current: 2,
                longest: 3
            }
        );
        assert_eq!(
            streaks(&nights, d("2026-01-13")),
            Streak {
                current: 0,
                longest: 3
            },
            "a gap ends it"
        );
        assert_eq!(streaks(&[], d("2026-01-13")), Streak::default());
    }

    #[test]
    fn a_range_splits_into_whole_months_and_the_nights_around_them() {
        let s = MonthSplit::of(d("2025-04-17"), d("2026-04-16"));
        assert_eq!(s.months, ("2025-05".into(), "2026-03".into()));
        assert_eq!(s.head, ("2025-04-17".into(), "2025-04-30".into()));
        assert_eq!(s.tail, ("2026-04-01".into(), "2026-04-16".into()));
        let whole = MonthSplit::of(d("2016-01-01"), d("2025-12-31"));
        assert_eq!(whole.months, ("2016-01".into(), "2025-12".into()));
        assert!(
            whole.head.0 > whole.head.1 && whole.tail.0 > whole.tail.1,
            "no partial months"
        );
        let inside = MonthSplit::of(d("2026-03-05"), d("2026-03-20"));
        assert!(inside.months.0 > inside.months.1, "no whole month");
        assert_eq!(inside.head, ("2026-03-05".into(), "2026-03-20".into()));
        let dec = MonthSplit::of(d("2025-12-01"), d("2026-01-15"));
        assert_eq!(dec.months, ("2025-12".into(), "2025-12".into()));
        assert_eq!(dec.tail, ("2026-01-01".into(), "2026-01-15".into()));
    }

    #[test]
    fn a_known_set_of_dreams_is_counted_right() {
        let diary = Database::open_in_memory().unwrap();
        diary
            .call_blocking(|c| {
                let add =
                    |night: &str, body: &str, tags: &[&str], flags: Flags, mood: Option<Mood>| {
                        repo::create(
                            c,
                            &EntryInput {
                                night: Some(night.into()),
                                body: body.into(),
                                tags: tags.iter().map(|t| t.to_string()).collect(),
                                flags,
                                mood,
                                ..Default::default()
                            },
                        )
                        .map(|_| ())
                    };
                let lucid = Flags {
                    lucid: true,
                    ..Default::default()
                };
                let nightmare = Flags {
                    nightmare: true,
                    ..Default::default()
                };
                add(
                    "2026-03-01",
                    "뱀이 나왔다",
                    &["뱀"],
                    nightmare,
                    Some(Mood::Fear),
                )?;
                add(
                    "2026-03-02",
                    "뱀과 돼지",
                    &["뱀", "재물"],
                    Flags::default(),
                    Some(Mood::Joy),
                )?;
                add("2026-03-02", "하늘을 날았다", &[], lucid, Some(Mood::Joy))?;
                add("2026-03-03", "a snake again", &["뱀"], nightmare, None)?;
                add(
                    "2026-04-15",
                    "돼지꿈",
                    &["재물"],
                    Flags::default(),
                    Some(Mood::Calm),
                )?;
                add("2025-01-01", "뱀 long ago", &[], Flags::default(), None)?;
                add(
                    "2027-01-01",
                    "a mistyped future night",
                    &[],
                    Flags::default(),
                    None,
                )?;
                let i = insights(c, &Range::default(), "2026-04-16")?;
                assert_eq!(
                    (i.from.as_str(), i.to.as_str()),
                    ("2025-04-17", "2026-04-16"),
                    "the last 12 months"
                );
                assert_eq!(i.total, 5, "the 2025-01 dream is outside the range");
                assert_eq!(
                    i.days
                        .iter()
                        .map(|d| (d.night.as_str(), d.count))
                        .collect::<Vec<_>>(),
                    vec![
                        ("2026-03-01", 1),
                        ("2026-03-02", 2),
                        ("2026-03-03", 1),
                        ("2026-04-15", 1)
                    ]
                );
                assert_eq!(
                    i.streak,
                    Streak {
                        current: 1,
                        longest: 3
                    }
                );
                let march = &i.months[0];
                assert_eq!(
                    (
                        march.month.as_str(),
                        march.total,
                        march.lucid,
                        march.nightmare
                    ),
                    ("2026-03", 4, 1, 2)
                );
                assert_eq!(march.moods.get(&Mood::Joy), Some(&2));
                assert_eq!(march.moods.get(&Mood::Fear), Some(&1));
                assert_eq!(i.months[1].moods.get(&Mood::Calm), Some(&1));
                assert_eq!(
                    i.symbols
                        .iter()
                        .map(|s| (s.id.as_str(), s.count))
                        .collect::<Vec<_>>(),
                    vec![("snake", 3), ("pig", 2), ("flying", 1), ("sky", 1)],
                    "dreams per symbol, most first"
                );
                assert_eq!(
                    i.recurring
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>(),
                    vec!["snake"],
                    "in three or more dreams"
                );
                assert_eq!(
                    i.tags
                        .iter()
                        .map(|t| (t.tag.as_str(), t.count))
                        .collect::<Vec<_>>(),
                    vec![("뱀", 3), ("재물", 2)]
                );
                let all = insights(
                    c,
                    &Range {
                        from: Some("2025-01-01".into()),
                        to: Some("2026-12-31".into()),
                    },
                    "2026-04-16",
                )?;
                assert_eq!(all.total, 6, "a chosen range");
                assert_eq!(all.symbols[0].count, 4);
                // The monthly counts follow edits and deletions.
                let first = repo::list(c, 100, 0)?
                    .into_iter()
                    .find(|e| e.excerpt == "돼지꿈")
                    .unwrap();
                repo::delete(c, first.id)?;
                let snake = repo::list(c, 100, 0)?
                    .into_iter()
                    .find(|e| e.excerpt == "a snake again")
                    .unwrap();
                repo::update(
                    c,
                    snake.id,
                    &EntryInput {
                        night: Some("2026-03-03".into()),
                        body: "a quiet lake".into(),
                        ..Default::default()
                    },
                )?;
                let after = insights(
                    c,
                    &Range {
                        from: Some("2025-01-01".into()),
                        to: Some("2026-12-31".into()),
                    },
                    "2026-04-16",
                )?;
                let count = |id: &str| after.symbols.iter().find(|s| s.id == id).map(|s| s.count);
                assert_eq!(
                    count("pig"),
                    Some(1),
                    "a deleted dream's symbols are no longer counted"
                );
                assert_eq!(
                    count("snake"),
                    Some(3),
                    "an edited dream's old symbols neither"
                );
                assert_eq!(after.tags[0].tag, "뱀");
                assert_eq!(after.tags[0].count, 2, "nor its tags");
                assert!(insights(
                    c,
                    &Range {
                        from: Some("2026-05-01".into()),
                        to: Some("2026-04-01".into())
                    },
                    "2026-04-16"
                )
                .is_err());
                Ok(())
            })
            .unwrap();
    }
}

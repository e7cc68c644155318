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

    let symbol_counts = |having: i64, limit: i64| -> Result<Vec<SymbolCount>> {
        let mut st = conn.prepare_cached(
            "SELECT symbol, count(*) FROM entry_symbols WHERE night BETWEEN ?1 AND ?2
             GROUP BY symbol HAVING count(*) >= ?3 ORDER BY 2 DESC, 1 LIMIT ?4",
        )?;
        let rows = st.query_map(params![from, to, having, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        Ok(rows
            .filter_map(|r| r.ok())
            .filter_map(|(id, count)| {
                crate::symbols::get(&id).map(|s| SymbolCount {
                    id,
                    ko: s.ko.to_string(),
                    en: s.en.to_string(),
                    count,
                })
            })
            .collect())
    };
    let symbols = symbol_counts(1, TOP)?;
    let recurring = symbol_counts(RECURRING_AT, 200)?;

    let tags = {
        let mut st = conn.prepare_cached(
            "SELECT tag, count(*) FROM entry_tags WHERE night BETWEEN ?1 AND ?2
             GROUP BY tag ORDER BY 2 DESC, 1 LIMIT ?3",
        )?;
        let rows = st.query_map(params![from, to, TOP], |r| {
            Ok(TagCount {
                tag: r.get(0)?,
                count: r.get(1)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };

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
    use crate::diary::{repo, Diary, EntryInput, Flags};

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
    fn a_known_set_of_dreams_is_counted_right() {
        let diary = Diary::open_in_memory().unwrap();
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

//! The dream diary's core: entry types, their rules, search and insights; its tables are written
//! through `crate::db`. No tauri here, so every rule is tested without a window.

pub mod commands;
pub mod details;
pub mod insights;
pub mod search;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use details::{Flag, Flags, Mood};

/// A dream text longer than this is refused with a clear message rather than silently truncated.
/// It is ten times the longest entry we promise to keep (100,000 characters).
pub const MAX_BODY_CHARS: usize = 1_000_000;
pub const MAX_TITLE_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: i64,
    /// The night of the dream, `YYYY-MM-DD`.
    pub night: String,
    pub title: String,
    pub body: String,
    /// Normalised (`details::normalize_tag`), in the order they were given.
    pub tags: Vec<String>,
    pub flags: Flags,
    pub mood: Option<Mood>,
    /// Sleep quality, 1–5.
    pub sleep: Option<u8>,
    /// Milliseconds since the Unix epoch, UTC.
    pub created_at: i64,
    pub updated_at: i64,
}

/// What the webview sends to create or replace an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryInput {
    /// Defaults to today's date (local time) when absent or empty.
    #[serde(default)]
    pub night: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub flags: Flags,
    #[serde(default)]
    pub mood: Option<Mood>,
    #[serde(default)]
    pub sleep: Option<u8>,
}

/// An entry as it will be stored, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    pub night: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub flags: Flags,
    pub mood: Option<Mood>,
    pub sleep: Option<u8>,
}

/// One row of the list or of search results: enough to show, never the whole (maybe huge) body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntrySummary {
    pub id: i64,
    pub night: String,
    pub title: String,
    pub excerpt: String,
    pub updated_at: i64,
    pub tags: Vec<String>,
    pub flags: Flags,
    pub mood: Option<Mood>,
}

/// Characters of the body shown in the list.
pub const EXCERPT_CHARS: usize = 160;

impl EntryInput {
    /// Checks the input and fills the default night; the returned values are what gets stored.
    pub fn validated(&self, today: &str) -> Result<Valid> {
        let night = match self.night.as_deref().map(str::trim) {
            None | Some("") => today.to_string(),
            Some(n) => {
                chrono::NaiveDate::parse_from_str(n, "%Y-%m-%d").map_err(|_| {
                    Error::InvalidInput("the night must be a date (YYYY-MM-DD)".into())
                })?;
                if n.len() != 10 {
                    return Err(Error::InvalidInput(
                        "the night must be a date (YYYY-MM-DD)".into(),
                    ));
                }
                n.to_string()
            }
        };
        if self.title.trim().is_empty() && self.body.trim().is_empty() {
            return Err(Error::EmptyEntry);
        }
        let body_chars = self.body.chars().count();
        if body_chars > MAX_BODY_CHARS {
            return Err(Error::TooLong {
                chars: body_chars,
                limit: MAX_BODY_CHARS,
            });
        }
        let title_chars = self.title.chars().count();
        if title_chars > MAX_TITLE_CHARS {
            return Err(Error::TooLong {
                chars: title_chars,
                limit: MAX_TITLE_CHARS,
            });
        }
        // The text is kept byte for byte (emoji, RTL marks, control characters); only the title's
        // surrounding whitespace goes, since it is a single line.
        Ok(Valid {
            night,
            title: self.title.trim().to_string(),
            body: self.body.clone(),
            tags: details::normalize_tags(&self.tags)?,
            flags: self.flags,
            mood: self.mood,
            sleep: details::check_sleep(self.sleep)?,
        })
    }
}

pub fn today_local() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{entries as repo, Database};
    use std::path::Path;

    #[test]
    fn empty_input_is_refused() {
        let input = EntryInput {
            night: None,
            title: "  ".into(),
            body: "\n\t ".into(),
            ..Default::default()
        };
        assert!(
            matches!(input.validated("2026-01-01"), Err(Error::EmptyEntry)),
            "whitespace only is an empty entry"
        );
    }

    #[test]
    fn night_defaults_to_today_and_must_be_a_date() {
        let input = EntryInput {
            body: "꿈".into(),
            ..Default::default()
        };
        assert_eq!(input.validated("2026-01-02").unwrap().night, "2026-01-02");
        for bad in ["2026-13-01", "yesterday", "2026-1-1", "2026-02-30"] {
            let input = EntryInput {
                night: Some(bad.into()),
                body: "x".into(),
                ..Default::default()
            };
            assert!(
                matches!(input.validated("2026-01-02"), Err(Error::InvalidInput(_))),
                "{bad} is not accepted as a night"
            );
        }
    }

    fn big_diary(dir: &Path, entries: usize) -> Database {
        let diary = Database::open(&dir.join("diary.sqlite3")).unwrap().db;
        diary
            .call_blocking(|c| {
                let tx = c.transaction()?;
                for i in 0..entries {
                    tx.execute(
                        "INSERT INTO entries (night, title, body, created_at, updated_at)
                         VALUES ('2026-01-01', '', ?1, 0, 0)",
                        [format!("{i} 긴 복도를 걸었다. ").repeat(40)],
                    )?;
                }
                tx.commit()?;
                Ok(())
            })
            .unwrap();
        diary
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_newer_search_interrupts_the_one_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let diary = big_diary(dir.path(), 20_000);
        // Five common one-character terms that are rarely all in one entry: the newest entries do
        // not fill a page, so every entry is scanned, long enough to be overtaken.
        let slow = {
            let d = diary.clone();
            tokio::spawn(async move {
                search::latest(&d, "1 3 5 7 9".into(), Default::default(), (50, 0)).await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
        let newest = search::latest(&diary, "복도".into(), Default::default(), (5, 0))
            .await
            .unwrap();
        assert_eq!(newest.len(), 5, "the newest search answers");
        assert!(
            matches!(slow.await.unwrap(), Err(Error::Superseded)),
            "the replaced scan stops with Superseded instead of finishing"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn search_sees_what_was_just_written() {
        let dir = tempfile::tempdir().unwrap();
        let diary = big_diary(dir.path(), 10);
        let id = diary
            .call(|c| {
                repo::create(
                    c,
                    &EntryInput {
                        night: None,
                        title: "방금 쓴 꿈".into(),
                        body: "무지개 다리".into(),
                        ..Default::default()
                    },
                )
            })
            .await
            .unwrap()
            .id;
        let found = search::latest(&diary, "무지개".into(), Default::default(), (10, 0))
            .await
            .unwrap();
        assert_eq!(
            found.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![id],
            "the read connection sees the commit"
        );
    }

    #[test]
    fn over_long_body_is_refused_with_its_size() {
        let input = EntryInput {
            body: "가".repeat(MAX_BODY_CHARS + 1),
            ..Default::default()
        };
        match input.validated("2026-01-01") {
            Err(Error::TooLong { chars, limit }) => {
                assert_eq!((chars, limit), (MAX_BODY_CHARS + 1, MAX_BODY_CHARS))
            }
            other => panic!("expected TooLong, got {other:?}"),
        }
    }
}

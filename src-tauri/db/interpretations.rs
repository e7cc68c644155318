//! The `interpretations` table: one row per finished, stopped or failed interpretation, written
//! once when the stream reaches its terminal state.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::messages::{self, Message};
use crate::error::Result;
use crate::events::Usage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Complete,
    Truncated,
    Stopped,
    Error,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Truncated => "truncated",
            Status::Stopped => "stopped",
            Status::Error => "error",
        }
    }

    pub(crate) fn parse(s: &str) -> Status {
        match s {
            "complete" => Status::Complete,
            "truncated" => Status::Truncated,
            "stopped" => Status::Stopped,
            _ => Status::Error,
        }
    }
}

/// A saved interpretation, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Interpretation {
    pub id: i64,
    pub entry_id: Option<i64>,
    /// The dream of an ad-hoc interpretation (the quick window's); `None` for an entry's.
    pub dream: Option<String>,
    pub style: String,
    pub provider: String,
    pub model: String,
    pub text: String,
    /// A reasoning model's thinking; empty for other models.
    pub reasoning: String,
    pub status: Status,
    pub finish_reason: Option<String>,
    pub error_kind: Option<String>,
    pub usage: Option<Usage>,
    pub started_at: i64,
    pub finished_at: i64,
    /// The follow-up conversation under it, oldest turn first.
    pub thread: Vec<Message>,
}

/// What is written at the end of a stream.
#[derive(Debug, Clone)]
pub struct NewInterpretation {
    pub entry_id: Option<i64>,
    /// The dream's text when there is no entry (ad hoc).
    pub dream: Option<String>,
    pub style: String,
    pub provider: String,
    pub model: String,
    pub text: String,
    pub reasoning: String,
    pub status: Status,
    pub finish_reason: Option<String>,
    pub error_kind: Option<String>,
    pub usage: Option<Usage>,
    pub started_at: i64,
    pub finished_at: i64,
}

/// Inserts the row. `Ok(None)` when its entry was deleted while the answer streamed: the
/// interpretation of a deleted dream is not kept.
pub fn insert(c: &Connection, n: &NewInterpretation) -> Result<Option<i64>> {
    if let Some(entry) = n.entry_id {
        let exists = c
            .query_row("SELECT 1 FROM entries WHERE id = ?1", [entry], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            return Ok(None);
        }
    }
    let usage = n.usage.unwrap_or_default();
    c.execute(
        "INSERT INTO interpretations (entry_id, dream, style, provider, model, text, status,
             finish_reason, error_kind, prompt_tokens, completion_tokens, total_tokens,
             started_at, finished_at, reasoning)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            n.entry_id,
            n.dream,
            n.style,
            n.provider,
            n.model,
            n.text,
            n.status.as_str(),
            n.finish_reason,
            n.error_kind,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens,
            n.started_at,
            n.finished_at,
            n.reasoning,
        ],
    )?;
    Ok(Some(c.last_insert_rowid()))
}

const COLUMNS: &str = "id, entry_id, style, provider, model, text, status, finish_reason,
    error_kind, prompt_tokens, completion_tokens, total_tokens, started_at, finished_at,
    reasoning, dream";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Interpretation> {
    let usage = Usage {
        prompt_tokens: r.get(9)?,
        completion_tokens: r.get(10)?,
        total_tokens: r.get(11)?,
    };
    Ok(Interpretation {
        id: r.get(0)?,
        entry_id: r.get(1)?,
        dream: r.get(15)?,
        style: r.get(2)?,
        provider: r.get(3)?,
        model: r.get(4)?,
        text: r.get(5)?,
        reasoning: r.get(14)?,
        status: Status::parse(&r.get::<_, String>(6)?),
        finish_reason: r.get(7)?,
        error_kind: r.get(8)?,
        usage: (usage != Usage::default()).then_some(usage),
        started_at: r.get(12)?,
        finished_at: r.get(13)?,
        thread: Vec::new(),
    })
}

/// Gives an ad-hoc interpretation (and so its thread) to the entry it was filed as; `false` when
/// there is no such ad-hoc row (unknown id, or filed already).
pub(crate) fn attach_to_entry(c: &Connection, id: i64, entry_id: i64) -> Result<bool> {
    let moved = c.execute(
        "UPDATE interpretations SET entry_id = ?2, dream = NULL
         WHERE id = ?1 AND entry_id IS NULL",
        params![id, entry_id],
    )?;
    Ok(moved > 0)
}

/// An entry's interpretations, newest first.
pub fn for_entry(c: &Connection, entry_id: i64) -> Result<Vec<Interpretation>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM interpretations WHERE entry_id = ?1 ORDER BY id DESC"
    ))?;
    let rows = st.query_map([entry_id], from_row)?;
    let mut list: Vec<Interpretation> = rows.collect::<rusqlite::Result<_>>()?;
    // One query for every thread of the entry, dealt out to their interpretations.
    let mut by_id: std::collections::HashMap<i64, &mut Interpretation> =
        list.iter_mut().map(|i| (i.id, i)).collect();
    for m in messages::for_entry(c, entry_id)? {
        if let Some(i) = by_id.get_mut(&m.interpretation_id) {
            i.thread.push(m);
        }
    }
    Ok(list)
}

/// The quick window's interpretations not filed into the diary, newest first: they hold dream
/// text, so the user can find and delete them.
pub fn adhoc(c: &Connection, limit: u32) -> Result<Vec<Interpretation>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM interpretations WHERE entry_id IS NULL ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = st.query_map([limit], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deletes one interpretation; `false` if there was none with that id.
pub fn delete(c: &Connection, id: i64) -> Result<bool> {
    Ok(c.execute("DELETE FROM interpretations WHERE id = ?1", [id])? > 0)
}

/// One interpretation with its thread.
pub fn get(c: &Connection, id: i64) -> Result<Option<Interpretation>> {
    let found = c
        .query_row(
            &format!("SELECT {COLUMNS} FROM interpretations WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?;
    match found {
        Some(mut i) => {
            i.thread = messages::for_interpretation(c, id)?;
            Ok(Some(i))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{entries as repo, file_into_diary, Database};
    use crate::diary::EntryInput;

    fn row(entry_id: Option<i64>, text: &str, status: Status) -> NewInterpretation {
        NewInterpretation {
            entry_id,
            dream: entry_id.is_none().then(|| "꿈".to_string()),
            style: "traditional".into(),
            provider: "openai".into(),
            model: "m".into(),
            text: text.into(),
            reasoning: String::new(),
            status,
            finish_reason: Some("stop".into()),
            error_kind: None,
            usage: None,
            started_at: 1,
            finished_at: 2,
        }
    }

    #[test]
    fn rows_round_trip_newest_first_and_go_with_their_entry() {
        let diary = Database::open_in_memory().unwrap();
        diary
            .call_blocking(|c| {
                let e = repo::create(
                    c,
                    &EntryInput {
                        body: "돼지꿈".into(),
                        ..Default::default()
                    },
                )?;
                let a = insert(c, &row(Some(e.id), "첫 해몽", Status::Complete))?.unwrap();
                let b = insert(c, &row(Some(e.id), "부분", Status::Stopped))?.unwrap();
                let adhoc = insert(c, &row(None, "ad hoc", Status::Complete))?.unwrap();
                let list = for_entry(c, e.id)?;
                assert_eq!(list.iter().map(|i| i.id).collect::<Vec<_>>(), vec![b, a]);
                assert_eq!(list[0].status, Status::Stopped);
                assert_eq!(list[1].text, "첫 해몽");
                assert_eq!(get(c, adhoc)?.unwrap().entry_id, None);
                assert_eq!(
                    self::adhoc(c, 10)?.iter().map(|i| i.id).collect::<Vec<_>>(),
                    vec![adhoc],
                    "the ad-hoc list holds only the quick window's"
                );
                let thought = insert(
                    c,
                    &NewInterpretation {
                        reasoning: "생각".into(),
                        ..row(None, "", Status::Truncated)
                    },
                )?
                .unwrap();
                assert_eq!(
                    get(c, thought)?.unwrap().reasoning,
                    "생각",
                    "reasoning kept apart"
                );
                assert!(delete(c, thought)?, "deleted");
                assert!(!delete(c, thought)?, "only once");
                assert!(get(c, thought)?.is_none());
                repo::delete(c, e.id)?;
                assert!(
                    for_entry(c, e.id)?.is_empty(),
                    "deleting the entry deletes them"
                );
                assert!(get(c, adhoc)?.is_some(), "ad-hoc rows stay");
                assert_eq!(
                    insert(c, &row(Some(e.id), "late", Status::Complete))?,
                    None,
                    "an answer for a deleted entry is not kept"
                );
                let input = EntryInput {
                    body: "빠른 창에서 쓴 꿈".into(),
                    ..Default::default()
                };
                let filed = file_into_diary(c, &input, Some(adhoc))?;
                let moved = get(c, adhoc)?.unwrap();
                assert_eq!(
                    moved.entry_id,
                    Some(filed.id),
                    "the interpretation goes with it"
                );
                assert_eq!(for_entry(c, filed.id)?.len(), 1);
                let count = |c: &Connection| -> rusqlite::Result<i64> {
                    c.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
                };
                let before = count(c)?;
                assert!(
                    file_into_diary(c, &input, Some(adhoc)).is_err(),
                    "filing twice is refused"
                );
                assert_eq!(count(c)?, before, "and creates no second entry");
                Ok(())
            })
            .unwrap();
    }
}

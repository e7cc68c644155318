//! SQL for the `messages` table: the follow-up conversation under an interpretation, one row per
//! turn. A question is written together with its answer, once the answer's stream has ended, so a
//! thread never holds a question without the reply it got.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::interpretations::{NewInterpretation, Status};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

/// One turn of a thread, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: i64,
    pub interpretation_id: i64,
    pub role: Role,
    pub text: String,
    /// A reasoning model's thinking (assistant turns only).
    pub reasoning: String,
    /// How the answer ended; `None` for a question.
    pub status: Option<Status>,
    pub model: Option<String>,
    pub finish_reason: Option<String>,
    pub error_kind: Option<String>,
    pub started_at: i64,
    pub finished_at: i64,
}

const COLUMNS: &str = "id, interpretation_id, role, text, reasoning, status, model, finish_reason,
    error_kind, started_at, finished_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: r.get(0)?,
        interpretation_id: r.get(1)?,
        role: match r.get::<_, String>(2)?.as_str() {
            "user" => Role::User,
            _ => Role::Assistant,
        },
        text: r.get(3)?,
        reasoning: r.get(4)?,
        status: r.get::<_, Option<String>>(5)?.as_deref().map(Status::parse),
        model: r.get(6)?,
        finish_reason: r.get(7)?,
        error_kind: r.get(8)?,
        started_at: r.get(9)?,
        finished_at: r.get(10)?,
    })
}

/// Writes a question and the answer it got (`reply`'s text, status, …) as two turns, in one
/// transaction. `Ok(None)` when the interpretation is gone (deleted, with its entry or alone, while
/// the answer streamed): the turns of a deleted thread are not kept.
pub fn insert_exchange(
    c: &mut Connection,
    interpretation_id: i64,
    question: &str,
    reply: &NewInterpretation,
) -> Result<Option<(i64, i64)>> {
    let tx = c.transaction()?;
    let exists = tx
        .query_row(
            "SELECT 1 FROM interpretations WHERE id = ?1",
            [interpretation_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !exists {
        return Ok(None);
    }
    let turn = |role, text: &str, status| Message {
        id: 0,
        interpretation_id,
        role,
        text: text.to_string(),
        reasoning: String::new(),
        status,
        model: None,
        finish_reason: None,
        error_kind: None,
        started_at: reply.started_at,
        finished_at: reply.started_at,
    };
    let asked = insert_turn(&tx, interpretation_id, &turn(Role::User, question, None))?;
    let answer = Message {
        reasoning: reply.reasoning.clone(),
        model: Some(reply.model.clone()),
        finish_reason: reply.finish_reason.clone(),
        error_kind: reply.error_kind.clone(),
        finished_at: reply.finished_at,
        ..turn(Role::Assistant, &reply.text, Some(reply.status))
    };
    let answered = insert_turn(&tx, interpretation_id, &answer)?;
    tx.commit()?;
    Ok(Some((asked, answered)))
}

/// One turn, written as given: a follow-up's question or answer, or an imported turn.
pub fn insert_turn(c: &Connection, interpretation_id: i64, m: &Message) -> Result<i64> {
    let role = match m.role {
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    // A question has no status; an answer always has one (the table checks both).
    let status = match m.role {
        Role::User => None,
        Role::Assistant => Some(m.status.unwrap_or(Status::Complete).as_str()),
    };
    c.prepare_cached(
        "INSERT INTO messages (interpretation_id, role, text, reasoning, status, model,
             finish_reason, error_kind, started_at, finished_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        interpretation_id,
        role,
        m.text,
        m.reasoning,
        status,
        m.model,
        m.finish_reason,
        m.error_kind,
        m.started_at,
        m.finished_at,
    ])?;
    Ok(c.last_insert_rowid())
}

/// The thread of one interpretation, oldest turn first.
pub fn for_interpretation(c: &Connection, interpretation_id: i64) -> Result<Vec<Message>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE interpretation_id = ?1 ORDER BY id"
    ))?;
    let rows = st.query_map([interpretation_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The threads of every interpretation of an entry, oldest turn first (the history shows them all).
pub fn for_entry(c: &Connection, entry_id: i64) -> Result<Vec<Message>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE interpretation_id IN
             (SELECT id FROM interpretations WHERE entry_id = ?1)
         ORDER BY interpretation_id, id"
    ))?;
    let rows = st.query_map([entry_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

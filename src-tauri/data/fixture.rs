//! A diary with every kind of field, for the round-trip tests of every format.

use crate::data::export_json;
use crate::db::interpretations::{self, NewInterpretation, Status};
use crate::db::{entries, messages, Database};
use crate::diary::{EntryInput, Flags, Mood};
use crate::events::Usage;

/// A diary with every kind of field: Korean and emoji, tags, flags, mood, sleep, a reading with
/// its thinking and a thread, a stopped reading.
pub fn rich(db: &Database) {
    db.call_blocking(|c| {
        let e = entries::create(
            c,
            &EntryInput {
                night: Some("2026-11-28".into()),
                title: "돼지꿈 🐷".into(),
                body: "돼지가 집으로 들어왔다.\n\t줄바꿈과 탭, \"따옴표\" \\ 그리고 emoji 🌙"
                    .into(),
                tags: vec!["재물".into(), "family".into()],
                flags: Flags {
                    lucid: true,
                    vivid: true,
                    ..Flags::default()
                },
                mood: Some(Mood::Joy),
                sleep: Some(4),
            },
        )?;
        let reading = interpretations::insert(
            c,
            &NewInterpretation {
                entry_id: Some(e.id),
                dream: None,
                style: "traditional".into(),
                provider: "ollama".into(),
                model: "qwen3".into(),
                text: "길몽입니다.".into(),
                reasoning: "생각".into(),
                status: Status::Complete,
                finish_reason: Some("stop".into()),
                error_kind: None,
                usage: Some(Usage {
                    prompt_tokens: Some(10),
                    completion_tokens: Some(5),
                    total_tokens: Some(15),
                }),
                started_at: 1_764_400_000_123,
                finished_at: 1_764_400_004_567,
            },
        )?
        .unwrap();
        messages::insert_exchange(
            c,
            reading,
            "태몽인가요?",
            &NewInterpretation {
                text: "아닐 수도 있어요.".into(),
                reasoning: "태몽의 상징을 떠올려 본다".into(),
                status: Status::Stopped,
                started_at: 1_764_400_010_000,
                finished_at: 1_764_400_011_000,
                ..NewInterpretation {
                    entry_id: Some(e.id),
                    dream: None,
                    style: "traditional".into(),
                    provider: "ollama".into(),
                    model: "qwen3".into(),
                    text: String::new(),
                    reasoning: String::new(),
                    status: Status::Complete,
                    finish_reason: None,
                    error_kind: None,
                    usage: None,
                    started_at: 0,
                    finished_at: 0,
                }
            },
        )?;
        entries::create(
            c,
            &EntryInput {
                night: Some("2026-11-01".into()),
                body: "A snake in the garden".into(),
                ..EntryInput::default()
            },
        )?;
        Ok(())
    })
    .unwrap();
}

pub fn export(db: &Database, at: i64) -> String {
    db.call_blocking(|c| {
        let mut out = Vec::new();
        export_json(c, &mut out, at)?;
        Ok(String::from_utf8(out).unwrap())
    })
    .unwrap()
}

//! Follow-up questions through the real commands against the scripted local server: what the
//! request carries, how a long thread is kept within its budget, how the answer streams and is
//! kept, and that a thread goes with its interpretation and its entry.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::interpret::{check_sequence, rig, Rig, WAIT};
use crate::sse_server::{by_event, sse, Reply, Step};

fn answer(pieces: &[&str]) -> Reply {
    Reply::stream(by_event(&sse(pieces, Some("stop"), true)))
}

impl Rig {
    fn ask(&self, interpretation_id: &Value, question: &str) -> Value {
        self.app.ok(
            "interpret_follow_up",
            json!({ "request": { "interpretationId": interpretation_id, "question": question } }),
        )
    }

    /// Asks and waits for the end; returns the streamed text and the terminal event.
    fn ask_through(&self, interpretation_id: &Value, question: &str) -> (String, String, Value) {
        let started = self.ask(interpretation_id, question);
        let id = started["requestId"].as_u64().unwrap();
        check_sequence(&self.events.wait_terminal(id, WAIT))
    }

    fn messages_in_file(&self) -> i64 {
        let state = self.app.state();
        let path = state.paths.diary_file.clone();
        // A connection of its own, keyed like the app's: what is on disk, not what the app holds.
        let c = haemong_lib::db::cipher::open(&path, Default::default(), state.db.key().as_ref())
            .unwrap();
        c.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
            .unwrap()
    }
}

fn contents(body: &Value) -> Vec<(String, String)> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_string(),
                m["content"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_follow_up_carries_the_dream_as_saved_now_the_answer_and_every_turn_in_order() {
    let r = rig(
        vec![
            answer(&["뱀은 ", "재물을 뜻합니다."]),
            answer(&["두렵지 않았다면 ", "길몽입니다."]),
            answer(&["네, ", "그렇습니다."]),
        ],
        0,
    );
    let entry = r.entry("뱀이 나를 쫓아왔다.");
    let (_, end, done) = r.run(json!({ "entryId": entry }));
    assert_eq!(end, "interpret:done");
    let interpretation = done["interpretationId"].clone();
    // The dream edited after its reading: the follow-up reads it as saved now.
    r.app.ok(
        "diary_update",
        json!({ "id": entry, "input": { "title": "뱀", "body": "뱀이 나를 쫓아왔지만 무섭지 않았다." } }),
    );

    let (text, end, first) = r.ask_through(&interpretation, "  무섭지 않았다면요?  ");
    assert_eq!(end, "interpret:done", "{first}");
    assert_eq!(
        text, "두렵지 않았다면 길몽입니다.",
        "the answer streams byte-exact"
    );
    assert_eq!(
        first["interpretationId"], interpretation,
        "it joins that thread"
    );
    assert!(
        first["messageId"].as_i64().is_some(),
        "the saved answer is named"
    );

    let (text, _, _) = r.ask_through(&interpretation, "정말요?");
    assert_eq!(text, "네, 그렇습니다.");

    let requests = r.server.requests();
    assert_eq!(requests.len(), 3, "one request per question");
    let sent = contents(&requests[2].body);
    let roles: Vec<&str> = sent.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        roles,
        ["system", "user", "assistant", "user", "assistant", "user"],
        "system, dream, reading, the earlier turn, the new question"
    );
    assert_eq!(
        sent[1].1, "뱀\n\n뱀이 나를 쫓아왔지만 무섭지 않았다.",
        "the dream as saved now"
    );
    assert_eq!(sent[2].1, "뱀은 재물을 뜻합니다.", "the interpretation");
    assert_eq!(
        sent[3].1, "무섭지 않았다면요?",
        "the earlier question, trimmed"
    );
    assert_eq!(sent[4].1, "두렵지 않았다면 길몽입니다.", "and its answer");
    assert_eq!(sent[5].1, "정말요?", "the new question last");
    assert!(
        sent[0].1.contains("follow-up"),
        "the system prompt says these are follow-up questions"
    );
    assert_eq!(requests[2].body["stream"], true, "the answer streams");

    // The thread is kept under its interpretation and survives a restart.
    let app = r.app.restart();
    let history = app.ok("interpret_history", json!({ "entryId": entry }));
    let thread = history[0]["thread"].as_array().unwrap();
    let turns: Vec<(&str, &str)> = thread
        .iter()
        .map(|m| (m["role"].as_str().unwrap(), m["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        turns,
        [
            ("user", "무섭지 않았다면요?"),
            ("assistant", "두렵지 않았다면 길몽입니다."),
            ("user", "정말요?"),
            ("assistant", "네, 그렇습니다."),
        ],
        "every turn, in order, after a restart"
    );
    assert_eq!(thread[1]["status"], "complete");
    assert_eq!(thread[0]["status"], Value::Null, "a question has no status");
}

#[test]
fn a_long_thread_leaves_out_its_oldest_turns_but_never_the_dream() {
    let long = "가".repeat(700);
    let replies = (0..5).map(|_| answer(&[&long])).collect();
    let r = rig(replies, 0);
    r.app.ok(
        "settings_set",
        json!({ "settings": {
            "provider": "custom", "baseUrl": r.server.base_url, "model": "dream-test",
            "threadBudgetChars": 4_000,
        }}),
    );
    let dream = format!("용이 하늘로 올라갔다. {}", "구름 ".repeat(100));
    let entry = r.entry(&dream);
    let (_, _, done) = r.run(json!({ "entryId": entry }));
    let interpretation = done["interpretationId"].clone();
    let mut omitted = Vec::new();
    for q in ["첫째", "둘째", "셋째", "넷째"] {
        let started = r.ask(&interpretation, q);
        omitted.push(started["omittedTurns"].as_u64().unwrap());
        let id = started["requestId"].as_u64().unwrap();
        r.events.wait_terminal(id, WAIT);
    }
    assert_eq!(omitted[0], 0, "the first question fits");
    assert!(
        omitted[3] > 0,
        "the fourth question leaves out older turns: {omitted:?}"
    );
    let last = contents(&r.server.requests()[4].body);
    assert_eq!(last[1].1, dream.trim(), "the dream is always sent, whole");
    assert_eq!(last[2].0, "assistant", "the first answer follows it");
    assert_eq!(last.last().unwrap().1, "넷째", "the question is last");
    assert!(
        !last.iter().any(|(_, c)| c == "첫째"),
        "the oldest question is left out"
    );
    let size: usize = last.iter().map(|(_, c)| c.chars().count()).sum();
    assert!(
        size <= 4_000 + 1_000,
        "the request stays near the budget: {size}"
    );
}

#[test]
fn deleting_an_entry_deletes_its_threads() {
    let r = rig(vec![answer(&["해몽"]), answer(&["답"])], 0);
    let entry = r.entry("이빨이 빠지는 꿈");
    let (_, _, done) = r.run(json!({ "entryId": entry }));
    r.ask_through(&done["interpretationId"], "왜요?");
    assert_eq!(
        r.messages_in_file(),
        2,
        "the question and its answer are in the file"
    );
    r.app.ok("diary_delete", json!({ "id": entry }));
    assert_eq!(
        r.messages_in_file(),
        0,
        "deleting the entry deleted its thread"
    );
}

#[test]
fn a_stopped_follow_up_keeps_its_partial_answer_and_one_stopped_before_a_word_keeps_nothing() {
    let partial = Reply::stream(by_event(&sse(&["반쯤 ", "썼다"], None, false))).then(Step::Stall);
    let silent = Reply::stream(vec![]).then(Step::Stall);
    let r = rig(vec![answer(&["해몽"]), partial, silent], 0);
    let entry = r.entry("물에 빠지는 꿈");
    let (_, _, done) = r.run(json!({ "entryId": entry }));
    let interpretation = done["interpretationId"].clone();

    let id = r.ask(&interpretation, "물은요?")["requestId"]
        .as_u64()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    while r.events.of(id).len() < 2 {
        assert!(Instant::now() < deadline, "the first words arrive");
        std::thread::sleep(Duration::from_millis(5));
    }
    let busy = r.app.invoke(
        "interpret_follow_up",
        json!({ "request": { "interpretationId": interpretation, "question": "또" } }),
    );
    assert_eq!(
        busy.unwrap_err()["kind"],
        "already_running",
        "one run per entry, follow-ups included"
    );
    let again = r.app.invoke(
        "interpret_start",
        json!({ "request": { "entryId": entry } }),
    );
    assert_eq!(again.unwrap_err()["kind"], "already_running");
    r.app.ok("interpret_stop", json!({ "requestId": id }));
    let (text, end, _) = check_sequence(&r.events.wait_terminal(id, WAIT));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("반쯤 썼다", "interpret:stopped")
    );

    let id = r.ask(&interpretation, "아무 말도?")["requestId"]
        .as_u64()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    r.app.ok("interpret_stop", json!({ "requestId": id }));
    r.events.wait_terminal(id, WAIT);

    let history = r.history(entry);
    let thread = history[0]["thread"].as_array().unwrap();
    assert_eq!(
        thread.len(),
        2,
        "the stop before any word left no turn: {thread:?}"
    );
    assert_eq!(thread[1]["text"], "반쯤 썼다", "the partial answer is kept");
    assert_eq!(thread[1]["status"], "stopped", "marked as stopped");
}

#[test]
fn bad_questions_are_refused_before_any_request() {
    let r = rig(vec![answer(&["해몽"])], 0);
    let entry = r.entry("시험을 망치는 꿈");
    let (_, _, done) = r.run(json!({ "entryId": entry }));
    let ask = |id: Value, q: &str| {
        r.app
            .invoke(
                "interpret_follow_up",
                json!({ "request": { "interpretationId": id, "question": q } }),
            )
            .unwrap_err()["kind"]
            .clone()
    };
    assert_eq!(
        ask(done["interpretationId"].clone(), " \n "),
        "empty_question"
    );
    assert_eq!(
        ask(done["interpretationId"].clone(), &"가".repeat(20_001)),
        "too_long"
    );
    assert_eq!(
        ask(json!(999_999), "왜?"),
        "reading_not_found",
        "a deleted reading is said to be deleted, not filed"
    );
    assert_eq!(
        r.server.requests().len(),
        1,
        "no request was sent for any of them"
    );
}

#[test]
fn a_quick_window_thread_is_filed_into_the_diary_with_its_dream() {
    let r = rig(vec![answer(&["길몽"]), answer(&["네"])], 0);
    let (_, _, done) = r.run(json!({ "content": "돼지가 집에 들어왔다" }));
    let interpretation = done["interpretationId"].clone();
    let (text, _, _) = r.ask_through(&interpretation, "태몽인가요?");
    assert_eq!(text, "네");
    let sent = contents(&r.server.requests()[1].body);
    assert_eq!(
        sent[1].1, "돼지가 집에 들어왔다",
        "the ad-hoc dream is sent"
    );
    let entry = r.app.ok(
        "diary_file_quick",
        json!({ "input": { "body": "돼지가 집에 들어왔다" }, "interpretationId": interpretation }),
    );
    let history = r.history(entry["id"].as_i64().unwrap());
    let thread = history[0]["thread"].as_array().unwrap();
    assert_eq!(thread.len(), 2, "the thread came along");
    assert_eq!(thread[0]["text"], "태몽인가요?");
}

#[test]
fn a_quick_reading_is_not_filed_while_a_question_about_it_is_answered() {
    let stalled = Reply::stream(by_event(&sse(&["생각 중"], None, false))).then(Step::Stall);
    let r = rig(vec![answer(&["길몽"]), stalled], 0);
    let (_, _, done) = r.run(json!({ "content": "용꿈" }));
    let interpretation = done["interpretationId"].clone();
    let id = r.ask(&interpretation, "언제요?")["requestId"]
        .as_u64()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    while r.events.of(id).is_empty() {
        assert!(Instant::now() < deadline, "the answer starts");
        std::thread::sleep(Duration::from_millis(5));
    }
    let filed = r.app.invoke(
        "diary_file_quick",
        json!({ "input": { "body": "용꿈" }, "interpretationId": interpretation }),
    );
    assert_eq!(
        filed.unwrap_err()["kind"],
        "already_running",
        "filing waits for the answer"
    );
    r.app.ok("interpret_stop", json!({ "requestId": id }));
    r.events.wait_terminal(id, WAIT);
    let entry = r.app.ok(
        "diary_file_quick",
        json!({ "input": { "body": "용꿈" }, "interpretationId": interpretation }),
    );
    let thread = r.history(entry["id"].as_i64().unwrap())[0]["thread"].clone();
    assert_eq!(
        thread[1]["status"], "stopped",
        "then it is filed, thread and all"
    );
}

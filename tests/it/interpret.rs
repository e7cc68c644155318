//! Streamed interpretation through the real commands on the mock runtime, against the scripted
//! local server: events in order without gaps, one terminal event, the saved row, stop, retries,
//! time-outs and every failure class a user can meet.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::sse_server::{by_byte, by_event, sse, transcript, Reply, Server, Step};
use crate::support::{Events, TestApp};

pub(crate) const WAIT: Duration = Duration::from_secs(20);

pub(crate) struct Rig {
    pub(crate) app: TestApp,
    pub(crate) events: Events,
    pub(crate) server: Server,
    _rt: tokio::runtime::Runtime,
}

/// The app pointed at a local server that answers with `replies` (a server on this computer, so
/// no key is needed), with a `timeout` in seconds (0 = default).
pub(crate) fn rig(replies: Vec<Reply>, timeout: u32) -> Rig {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(Server::start(replies));
    let app = TestApp::new();
    app.ok(
        "settings_set",
        json!({ "settings": {
            "provider": "custom", "baseUrl": server.base_url, "model": "dream-test",
            "timeoutSecs": timeout,
        }}),
    );
    let events = app.record_interpret_events();
    Rig {
        app,
        events,
        server,
        _rt: rt,
    }
}

impl Rig {
    pub(crate) fn entry(&self, body: &str) -> i64 {
        self.app
            .ok("diary_create", json!({ "input": { "body": body } }))["id"]
            .as_i64()
            .unwrap()
    }

    pub(crate) fn start(&self, request: Value) -> u64 {
        self.app
            .ok("interpret_start", json!({ "request": request }))["requestId"]
            .as_u64()
            .expect("a request id")
    }

    /// Runs to the end; returns the streamed text and the terminal event.
    pub(crate) fn run(&self, request: Value) -> (String, String, Value) {
        let id = self.start(request);
        let events = self.events.wait_terminal(id, WAIT);
        check_sequence(&events)
    }

    pub(crate) fn history(&self, entry: i64) -> Vec<Value> {
        self.app
            .ok("interpret_history", json!({ "entryId": entry }))
            .as_array()
            .unwrap()
            .clone()
    }
}

/// Asserts seq 0,1,2,… without gaps and exactly one terminal event, last; returns the answer
/// text, the terminal event's name and payload. Reasoning events are checked by `split_sequence`.
pub(crate) fn check_sequence(events: &[(String, Value)]) -> (String, String, Value) {
    let (text, _, name, payload) = split_sequence(events);
    (text, name, payload)
}

/// Like `check_sequence`, also returning the reasoning as the window ends up showing it (answer
/// text moved into it by a `movedFromAnswer` event, then appended).
fn split_sequence(events: &[(String, Value)]) -> (String, String, String, Value) {
    let (mut text, mut reasoning) = (String::new(), String::new());
    let (mut answer_seq, mut reasoning_seq) = (0u64, 0u64);
    for (name, p) in &events[..events.len() - 1] {
        match name.as_str() {
            "interpret:delta" => {
                assert_eq!(p["seq"], answer_seq, "seq counts from 0 without gaps");
                answer_seq += 1;
                let t = p["text"].as_str().unwrap();
                assert!(!t.is_empty(), "no empty deltas are emitted");
                assert!(
                    !t.contains("<think>") && !t.contains("</think>"),
                    "no think tag in an answer delta: {t:?}"
                );
                text.push_str(t);
            }
            "interpret:reasoning" => {
                assert_eq!(p["seq"], reasoning_seq, "reasoning has its own seq");
                reasoning_seq += 1;
                if p["movedFromAnswer"] == true {
                    reasoning.push_str(&std::mem::take(&mut text));
                }
                reasoning.push_str(p["text"].as_str().unwrap());
            }
            other => panic!("only deltas and reasoning before the terminal event, not {other}"),
        }
    }
    let (name, payload) = events.last().unwrap().clone();
    assert!(
        crate::support::is_terminal(&name),
        "the last event is terminal, not {name}"
    );
    (text, reasoning, name, payload)
}

#[test]
fn korean_transcript_streams_byte_exact_in_order_and_is_saved_with_its_entry() {
    let (body, expected) = transcript("openai-ko");
    let r = rig(vec![Reply::stream(by_event(&body))], 0);
    let entry = r.entry("돼지가 집으로 들어오는 꿈을 꾸었다.");
    let (text, end, done) = r.run(json!({ "entryId": entry }));
    assert_eq!(
        text, expected,
        "the deltas concatenate to the transcript's text"
    );
    assert_eq!(end, "interpret:done");
    assert_eq!(done["finishReason"], "stop");
    assert_eq!(done["truncated"], false);

    let history = r.history(entry);
    assert_eq!(history.len(), 1, "one saved interpretation");
    assert_eq!(
        history[0]["text"], expected,
        "the saved row matches the streamed text"
    );
    assert_eq!(history[0]["status"], "complete");
    assert_eq!(history[0]["id"], done["interpretationId"]);
    assert_eq!(history[0]["model"], "dream-test");

    let req = &r.server.requests()[0];
    assert!(
        req.head.starts_with("POST /v1/chat/completions "),
        "{}",
        req.head
    );
    assert_eq!(req.body["stream"], true, "a streamed request");
    assert_eq!(req.body["model"], "dream-test");
    assert!(
        req.body["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("돼지가 집으로"),
        "the dream is the user's message"
    );
    assert_eq!(
        req.header("authorization"),
        None,
        "no key, no Authorization header"
    );
    assert!(
        req.body.get("stream_options").is_none(),
        "stream_options only for providers known to accept it"
    );
}

#[test]
fn english_transcript_split_at_every_byte_arrives_byte_exact() {
    let (body, expected) = transcript("openai-en");
    let r = rig(vec![Reply::stream(by_byte(&body))], 0);
    let (text, end, _) = r.run(json!({ "content": "I was flying over a city at night." }));
    assert_eq!(end, "interpret:done");
    assert_eq!(
        text, expected,
        "one byte per network chunk still gives the exact text"
    );
}

#[test]
fn crlf_and_cr_line_endings_and_comments_parse_alike() {
    let (body, expected) = transcript("openai-ko");
    for eol in ["\r\n", "\r"] {
        let body = String::from_utf8(body.clone()).unwrap().replace('\n', eol);
        let with_comments = format!(": keep-alive{eol}{eol}{body}");
        let r = rig(vec![Reply::stream(by_byte(with_comments.as_bytes()))], 0);
        let (text, end, _) = r.run(json!({ "content": "꿈" }));
        assert_eq!(end, "interpret:done", "line ending {eol:?}");
        assert_eq!(text, expected, "line ending {eol:?}");
    }
}

#[test]
fn stop_keeps_the_partial_text_as_stopped_and_closes_the_connection() {
    let reply = Reply::stream(by_event(&sse(&["첫 ", "문장"], None, false))).then(Step::Stall);
    let r = rig(vec![reply], 0);
    let entry = r.entry("바다에 빠지는 꿈");
    let id = r.start(json!({ "entryId": entry }));
    // Wait until both deltas are shown, then stop.
    let deadline = Instant::now() + WAIT;
    while r.events.of(id).len() < 2 {
        assert!(Instant::now() < deadline, "the first deltas arrive");
        std::thread::sleep(Duration::from_millis(5));
    }
    let stopped_at = Instant::now();
    assert_eq!(r.app.ok("interpret_stop", json!({ "requestId": id })), true);
    let (text, end, payload) = check_sequence(&r.events.wait_terminal(id, WAIT));
    assert_eq!(end, "interpret:stopped");
    assert_eq!(text, "첫 문장");
    let history = r.history(entry);
    assert_eq!(history[0]["status"], "stopped");
    assert_eq!(history[0]["text"], "첫 문장", "the partial text is kept");
    assert_eq!(history[0]["id"], payload["interpretationId"]);
    // The server notices the hang-up promptly.
    let deadline = Instant::now() + Duration::from_secs(2);
    let hung_up = loop {
        if let Some(t) = r.server.requests()[0].hung_up {
            break t;
        }
        assert!(Instant::now() < deadline, "the server saw the disconnect");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        hung_up.duration_since(stopped_at) < Duration::from_millis(500),
        "the socket closed {:?} after stop",
        hung_up.duration_since(stopped_at)
    );
    assert_eq!(
        r.app.ok("interpret_stop", json!({ "requestId": id })),
        false,
        "stopping a finished request says so"
    );
}

#[test]
fn a_stream_without_done_or_finish_reason_is_cut_off_and_keeps_its_text() {
    let r = rig(
        vec![Reply::stream(by_event(&sse(
            &["반쯤 ", "쓴 답"],
            None,
            false,
        )))],
        0,
    );
    let entry = r.entry("잘린 꿈");
    let before = r.app.ok("diary_get", json!({ "id": entry }));
    let (text, end, err) = r.run(json!({ "entryId": entry }));
    assert_eq!(end, "interpret:error");
    assert_eq!(err["kind"], "cut_off", "a silent end is not a success");
    assert_eq!(text, "반쯤 쓴 답");
    let history = r.history(entry);
    assert_eq!(history[0]["status"], "error");
    assert_eq!(
        history[0]["text"], "반쯤 쓴 답",
        "the partial text is kept, marked"
    );
    assert_eq!(
        r.app.ok("diary_get", json!({ "id": entry })),
        before,
        "the dream entry itself is untouched"
    );
}

#[test]
fn a_dropped_connection_mid_stream_is_cut_off() {
    let reply = Reply::stream(by_event(&sse(&["하나", "둘"], None, false))).then(Step::Drop);
    let r = rig(vec![reply], 0);
    let (text, end, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("cut_off"))
    );
    assert_eq!(text, "하나둘");
}

#[test]
fn finish_reason_without_done_is_complete_and_length_is_truncated() {
    let r = rig(
        vec![Reply::stream(by_event(&sse(
            &["길게 ", "이어지는"],
            Some("length"),
            false,
        )))],
        0,
    );
    let entry = r.entry("긴 꿈");
    let (text, end, done) = r.run(json!({ "entryId": entry }));
    assert_eq!(end, "interpret:done");
    assert_eq!(done["finishReason"], "length");
    assert_eq!(
        done["truncated"], true,
        "done, but says it was cut by the length limit"
    );
    assert_eq!(text, "길게 이어지는");
    assert_eq!(r.history(entry)[0]["status"], "truncated");
}

#[test]
fn an_error_inside_the_stream_ends_it_with_that_class() {
    let mut body = sse(&["시작"], None, false);
    body.extend_from_slice(
        b"data: {\"error\":{\"message\":\"Rate limit for sk-canary\",\"code\":\"rate_limit_exceeded\"}}\n\n",
    );
    let r = rig(vec![Reply::stream(by_event(&body))], 0);
    let (text, end, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(end, "interpret:error");
    assert_eq!(err["kind"], "rate_limited");
    assert!(!err["message"].as_str().unwrap().contains("sk-canary"));
    assert_eq!(text, "시작");
}

#[test]
fn garbage_instead_of_events_is_a_bad_response() {
    let reply = Reply::stream(vec![
        b"<html><body>502 Bad Gateway</body></html>\n\n".to_vec()
    ]);
    let r = rig(vec![reply], 0);
    let (text, end, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("bad_response"))
    );
    assert_eq!(text, "");
}

#[test]
fn a_server_that_ignores_stream_and_sends_json_still_works() {
    let reply = Reply {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        steps: vec![Step::Send(
            r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"통째로 온 답"},"finish_reason":"stop"}]}"#.as_bytes().to_vec(),
        )],
    };
    let r = rig(vec![reply], 0);
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("통째로 온 답", "interpret:done")
    );
}

#[test]
fn rejected_key_and_unknown_model_fail_at_once_without_retry() {
    for (status, body, kind) in [
        (
            401,
            r#"{"error":{"message":"Incorrect API key sk-xx","code":"invalid_api_key"}}"#,
            "key_rejected",
        ),
        (
            404,
            r#"{"error":{"code":"model_not_found"}}"#,
            "model_not_found",
        ),
        (
            400,
            r#"{"error":{"code":"invalid_request"}}"#,
            "bad_response",
        ),
        (
            429,
            r#"{"error":{"code":"insufficient_quota","type":"insufficient_quota"}}"#,
            "quota",
        ),
    ] {
        let r = rig(vec![Reply::json(status, body)], 0);
        let entry = r.entry("꿈");
        let (text, end, err) = r.run(json!({ "entryId": entry }));
        assert_eq!(
            (end.as_str(), err["kind"].as_str()),
            ("interpret:error", Some(kind)),
            "{status}"
        );
        assert_eq!(text, "");
        assert_eq!(r.server.requests().len(), 1, "{status} is not retried");
        assert!(
            r.history(entry).is_empty(),
            "a failure with no text leaves no row"
        );
    }
}

#[test]
fn server_errors_are_retried_twice_then_reported() {
    let (body, expected) = transcript("openai-en");
    let r = rig(
        vec![
            Reply::json(500, "{}"),
            Reply::json(503, "<html>"),
            Reply::stream(by_event(&body)),
        ],
        0,
    );
    let (text, end, _) = r.run(json!({ "content": "dream" }));
    assert_eq!(end, "interpret:done", "the third attempt succeeds");
    assert_eq!(text, expected);
    let seen = r.server.requests();
    assert_eq!(seen.len(), 3);
    assert!(
        seen[1].at.duration_since(seen[0].at) >= Duration::from_millis(100),
        "a back-off between attempts"
    );

    let r = rig(vec![Reply::json(502, "{}")], 0);
    let (_, end, err) = r.run(json!({ "content": "dream" }));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("server"))
    );
    assert_eq!(r.server.requests().len(), 3, "at most two retries");
}

/// A first answer of `status` with the header `name: value`, then a good stream: asserts the retry
/// brought the answer and returns how long the client waited between the two requests.
fn wait_before_retry(status: u16, name: &str, value: &str) -> Duration {
    let r = rig(
        vec![
            Reply::json(status, r#"{"error":{"code":"rate_limit_exceeded"}}"#).header(name, value),
            Reply::stream(by_event(&sse(&["기다린 답"], Some("stop"), true))),
        ],
        0,
    );
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("기다린 답", "interpret:done"),
        "the retry brought the answer"
    );
    let seen = r.server.requests();
    seen[1].at.duration_since(seen[0].at)
}

#[test]
fn rate_limits_honour_retry_after() {
    let gap = wait_before_retry(429, "retry-after", "1");
    assert!(
        gap >= Duration::from_millis(950),
        "waited {gap:?}, Retry-After said 1 s"
    );

    // Without Retry-After, the back-off decides.
    let r = rig(
        vec![
            Reply::json(429, r#"{"error":{"code":"rate_limit_exceeded"}}"#),
            Reply::stream(by_event(&sse(&["곧 온 답"], Some("stop"), true))),
        ],
        0,
    );
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("곧 온 답", "interpret:done")
    );
    assert_eq!(r.server.requests().len(), 2, "one retry after a plain 429");

    // Too long a wait is not sat through: the user is told.
    let r = rig(
        vec![
            Reply::json(429, r#"{"error":{"code":"rate_limit_exceeded"}}"#)
                .header("retry-after", "3600"),
        ],
        0,
    );
    let (_, _, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(err["kind"], "rate_limited");
    assert_eq!(r.server.requests().len(), 1);
}

#[test]
fn a_stalled_server_times_out_and_keeps_the_text() {
    let reply = Reply::stream(by_event(&sse(&["멈춘 "], None, false))).then(Step::Stall);
    let r = rig(vec![reply], 1);
    let started = Instant::now();
    let (text, end, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("timeout"))
    );
    assert_eq!(text, "멈춘 ");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the 1 s time-out applies"
    );
    assert!(
        err["interpretationId"].is_i64(),
        "the partial text was saved (ad hoc)"
    );
}

#[test]
fn no_server_is_reported_as_offline_within_two_seconds() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The listener is dropped: nothing listens there now.
    let app = TestApp::new();
    app.ok(
        "settings_set",
        json!({ "settings": { "provider": "custom", "baseUrl": format!("http://127.0.0.1:{port}/v1"), "model": "m" }}),
    );
    let events = app.record_interpret_events();
    let started = Instant::now();
    let id = app.ok("interpret_start", json!({ "request": { "content": "꿈" } }))["requestId"]
        .as_u64()
        .unwrap();
    let (_, end, err) = check_sequence(&events.wait_terminal(id, WAIT));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("offline"))
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "told within 2 s (took {:?})",
        started.elapsed()
    );
}

#[test]
fn a_provider_that_needs_a_key_without_one_is_refused_before_any_request() {
    let r = rig(vec![Reply::json(500, "{}")], 0);
    r.app.ok(
        "settings_set",
        json!({ "settings": { "provider": "openai", "baseUrl": r.server.base_url, "model": "m" }}),
    );
    let err = r
        .app
        .invoke("interpret_start", json!({ "request": { "content": "꿈" } }))
        .unwrap_err();
    assert_eq!(err["kind"], "missing_key");
    assert!(r.server.requests().is_empty(), "nothing was sent");
}

#[test]
fn the_stored_key_goes_as_a_bearer_token_and_usage_is_asked_for() {
    let (body, _) = transcript("openai-en");
    let r = rig(vec![Reply::stream(by_event(&body))], 0);
    r.app.ok(
        "settings_set",
        json!({ "settings": { "provider": "openai", "baseUrl": r.server.base_url, "model": "gpt-4o-mini" }}),
    );
    r.app.ok(
        "secrets_set_api_key",
        json!({ "provider": "openai", "key": "sk-stream-test-1", "sessionOnly": true }),
    );
    let (_, end, done) = r.run(json!({ "content": "dream" }));
    assert_eq!(end, "interpret:done");
    assert_eq!(
        done["usage"]["totalTokens"], 79,
        "usage from the final chunk"
    );
    let req = &r.server.requests()[0];
    assert_eq!(
        req.header("authorization").as_deref(),
        Some("Bearer sk-stream-test-1")
    );
    assert_eq!(req.body["stream_options"]["include_usage"], true);
}

#[test]
fn bad_requests_are_refused_with_a_clear_kind() {
    let r = rig(vec![Reply::json(500, "{}")], 0);
    let entry = r.entry("꿈");
    for (request, kind) in [
        (json!({}), "invalid_target"),
        (
            json!({ "entryId": entry, "content": "꿈" }),
            "invalid_target",
        ),
        (json!({ "content": " \n " }), "empty_entry"),
        (json!({ "content": "꿈".repeat(50_001) }), "too_long"),
        (json!({ "entryId": 999_999 }), "not_found"),
    ] {
        let err = r
            .app
            .invoke("interpret_start", json!({ "request": request }))
            .unwrap_err();
        assert_eq!(err["kind"], kind, "{request}");
    }
    assert!(r.server.requests().is_empty());
}

#[test]
fn two_interpretations_run_at_once_independently() {
    let slow = Reply::stream(by_event(&sse(&["느린 ", "답"], Some("stop"), true)));
    let mut slow_steps = Vec::new();
    for s in slow.steps {
        slow_steps.push(s);
        slow_steps.push(Step::Sleep(Duration::from_millis(30)));
    }
    let slow = Reply {
        steps: slow_steps,
        ..Reply::stream(vec![])
    };
    let r = rig(vec![slow], 0);
    let a = r.start(json!({ "content": "첫째 꿈" }));
    let b = r.start(json!({ "content": "둘째 꿈" }));
    assert_ne!(a, b);
    let (ta, ea, _) = check_sequence(&r.events.wait_terminal(a, WAIT));
    let (tb, eb, _) = check_sequence(&r.events.wait_terminal(b, WAIT));
    assert_eq!((ta.as_str(), ea.as_str()), ("느린 답", "interpret:done"));
    assert_eq!((tb.as_str(), eb.as_str()), ("느린 답", "interpret:done"));
}

#[test]
fn the_answer_size_limit_is_a_setting() {
    let piece = "a".repeat(1000);
    let pieces: Vec<&str> = std::iter::repeat(piece.as_str()).take(20).collect();
    let r = rig(
        vec![Reply::stream(by_event(&sse(&pieces, None, false))).then(Step::Stall)],
        0,
    );
    let mut settings = r.app.ok("settings_get", json!({}));
    settings["maxAnswerKb"] = json!(8);
    r.app.ok("settings_set", json!({ "settings": settings }));
    let (text, _, done) = r.run(json!({ "content": "꿈" }));
    assert_eq!(done["finishReason"], "answer_too_long");
    assert_eq!(text.len(), 8 * 1024, "cut at the 8 KB the user chose");
    settings["maxAnswerKb"] = json!(5000);
    let err = r
        .app
        .invoke("settings_set", json!({ "settings": settings }))
        .unwrap_err();
    assert_eq!(err["kind"], "invalid_input", "an absurd limit is refused");
}

#[test]
fn an_endless_answer_is_cut_at_the_size_limit() {
    let piece = "끝없는 꿈 ".repeat(100);
    let pieces: Vec<&str> = std::iter::repeat(piece.as_str()).take(100).collect();
    let r = rig(
        vec![Reply::stream(by_event(&sse(&pieces, None, false))).then(Step::Stall)],
        0,
    );
    let (text, end, done) = r.run(json!({ "content": "꿈" }));
    assert_eq!(end, "interpret:done");
    assert_eq!(done["finishReason"], "answer_too_long");
    assert_eq!(done["truncated"], true);
    assert!(
        text.len() <= 64 * 1024 && text.len() > 60 * 1024,
        "cut at 64 KB, got {}",
        text.len()
    );
}

#[test]
fn a_huge_error_body_is_not_read_whole() {
    // 100 MB of error page; the client reads at most 64 KB of it and hangs up.
    let mut reply = Reply::json(400, "{\"error\":");
    let mb = vec![b'x'; 1 << 20];
    reply.steps.extend((0..100).map(|_| Step::Send(mb.clone())));
    let r = rig(vec![reply], 0);
    let started = Instant::now();
    let (_, end, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("bad_response"))
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while r.server.requests()[0].hung_up.is_none() {
        assert!(
            Instant::now() < deadline,
            "the client hung up instead of reading 100 MB"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered in {:?}",
        started.elapsed()
    );
}

#[test]
fn twenty_interpretations_at_once_all_arrive_whole() {
    let (body, expected) = transcript("openai-ko");
    let mut steps = Vec::new();
    for c in by_event(&body) {
        steps.push(Step::Send(c));
        steps.push(Step::Sleep(Duration::from_millis(5)));
    }
    let reply = Reply {
        steps,
        ..Reply::stream(vec![])
    };
    let r = rig(vec![reply], 0);
    let entries: Vec<i64> = (0..20)
        .map(|i| r.entry(&format!("스무 개의 꿈 {i}")))
        .collect();
    let ids: Vec<u64> = entries
        .iter()
        .map(|e| r.start(json!({ "entryId": e })))
        .collect();
    for id in ids {
        let (text, end, _) = check_sequence(&r.events.wait_terminal(id, WAIT));
        assert_eq!(end, "interpret:done", "request {id}");
        assert_eq!(text, expected, "request {id} is whole and in order");
    }
    for e in entries {
        assert_eq!(r.history(e).len(), 1, "each saved its own row");
    }
}

// ---- Reasoning models, the stream's clock and edges, one run at a time (issue 11) ----

/// An SSE body whose chunks carry `field` (`reasoning_content` or `reasoning`) pieces first, then
/// the answer as `content`.
fn reasoning_sse(field: &str, thoughts: &[&str], answer: &[&str], finish: &str) -> Vec<u8> {
    let mut s = String::from(": keep-alive\n\n");
    for t in thoughts {
        let chunk = json!({"choices":[{"index":0,"delta":{"role":"assistant","content":"",field:t},"finish_reason":null}]});
        s.push_str(&format!("data: {chunk}\n\n"));
    }
    for a in answer {
        let chunk =
            json!({"choices":[{"index":0,"delta":{"content":a,field:null},"finish_reason":null}]});
        s.push_str(&format!("data: {chunk}\n\n"));
    }
    s.push_str(&format!(
        "data: {{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"{finish}\"}}]}}\n\ndata: [DONE]\n\n"
    ));
    s.into_bytes()
}

#[test]
fn reasoning_in_every_form_streams_apart_from_the_answer_and_is_saved_apart() {
    let thought = "돼지는 재물을 뜻한다. The user seems anxious…";
    let answer = "돼지꿈은 길몽입니다.\n재물이 들어올 징조예요.";
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        (
            "reasoning_content (DeepSeek, LM Studio)",
            reasoning_sse(
                "reasoning_content",
                &["돼지는 재물을 ", "뜻한다. The user seems anxious…"],
                &["돼지꿈은 길몽입니다.\n", "재물이 들어올 징조예요."],
                "stop",
            ),
        ),
        (
            "reasoning (OpenRouter, Ollama)",
            reasoning_sse(
                "reasoning",
                &["돼지는 재물을 뜻한다. ", "The user seems anxious…"],
                &["돼지꿈은 길몽입니다.\n재물이 들어올 징조예요."],
                "stop",
            ),
        ),
        (
            "inline <think> block",
            sse(
                &[
                    "<thi",
                    "nk>돼지는 재물을 뜻한다.",
                    " The user seems anxious…</th",
                    "ink>\n\n돼지꿈은 길몽입니다.\n",
                    "재물이 들어올 징조예요.",
                ],
                Some("stop"),
                true,
            ),
        ),
        (
            "closing </think> only",
            sse(
                &[
                    "돼지는 재물을 뜻한다. The user ",
                    "seems anxious…</think>\n\n돼지꿈은",
                    " 길몽입니다.\n재물이 들어올 징조예요.",
                ],
                Some("stop"),
                true,
            ),
        ),
    ];
    for (form, body) in bodies {
        for (split, chunks) in [("by event", by_event(&body)), ("by byte", by_byte(&body))] {
            let r = rig(vec![Reply::stream(chunks)], 0);
            let entry = r.entry("돼지가 집에 들어온 꿈");
            let id = r.start(json!({ "entryId": entry }));
            let (text, reasoning, end, done) = split_sequence(&r.events.wait_terminal(id, WAIT));
            assert_eq!(end, "interpret:done", "{form}, {split}");
            assert_eq!(
                text, answer,
                "{form}, {split}: the answer alone, byte-exact"
            );
            assert_eq!(reasoning, thought, "{form}, {split}: the reasoning apart");
            assert_eq!(done["thinkingOnly"], false);
            let row = &r.history(entry)[0];
            assert_eq!(
                row["text"], answer,
                "{form}: the saved answer has no reasoning"
            );
            assert_eq!(
                row["reasoning"], thought,
                "{form}: the reasoning is saved apart"
            );
        }
    }
}

#[test]
fn a_model_that_spends_its_whole_length_on_thinking_says_so_and_keeps_the_thinking() {
    let body = reasoning_sse(
        "reasoning_content",
        &["생각이 ", "길어져서…"],
        &[],
        "length",
    );
    let r = rig(vec![Reply::stream(by_event(&body))], 0);
    let entry = r.entry("끝없이 생각하는 꿈");
    let id = r.start(json!({ "entryId": entry }));
    let (text, reasoning, end, done) = split_sequence(&r.events.wait_terminal(id, WAIT));
    assert_eq!(
        (text.as_str(), reasoning.as_str()),
        ("", "생각이 길어져서…")
    );
    assert_eq!(end, "interpret:done");
    assert_eq!(
        done["thinkingOnly"], true,
        "the window can say it in plain words"
    );
    assert_eq!(done["truncated"], true);
    let row = &r.history(entry)[0];
    assert_eq!(row["status"], "truncated");
    assert_eq!(row["reasoning"], "생각이 길어져서…", "the thinking is kept");
}

#[test]
fn keep_alives_beyond_the_idle_limit_keep_a_queued_stream_alive() {
    // A 1 s idle limit, and 2.5 s of nothing but keep-alive comments before the first token.
    let mut reply = Reply::stream(vec![b": OPENROUTER PROCESSING\n\n".to_vec()]);
    for _ in 0..8 {
        reply = reply
            .then(Step::Sleep(Duration::from_millis(300)))
            .then(Step::Send(b": keep-alive\n\n".to_vec()));
    }
    for c in by_event(&sse(&["기다려 준 ", "답"], Some("stop"), true)) {
        reply = reply.then(Step::Send(c));
    }
    let r = rig(vec![reply], 1);
    let started = Instant::now();
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(end, "interpret:done", "keep-alives are activity");
    assert_eq!(text, "기다려 준 답");
    assert!(
        started.elapsed() > Duration::from_secs(2),
        "it did wait past the idle limit"
    );
}

#[test]
fn a_keep_alive_cut_in_half_and_then_silence_still_times_out() {
    let reply = Reply::stream(vec![b": keep-al".to_vec()]).then(Step::Stall);
    let r = rig(vec![reply], 1);
    let started = Instant::now();
    let (_, end, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("timeout"))
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "within a few seconds of the 1 s limit"
    );
}

#[test]
fn invalid_utf8_in_the_stream_becomes_a_replacement_character_and_the_stream_goes_on() {
    let mut body = sse(&["앞 ", "부분", " 그리고 뒤"], Some("stop"), true);
    let at = body
        .windows(6)
        .position(|w| w == "부분".as_bytes())
        .unwrap();
    body[at] = 0xff; // the first byte of 부
    let r = rig(vec![Reply::stream(by_byte(&body))], 0);
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(end, "interpret:done", "the stream is not silenced");
    assert_eq!(text, "앞 \u{FFFD}\u{FFFD}\u{FFFD}분 그리고 뒤");
}

#[test]
fn a_json_answer_to_a_streamed_request_obeys_the_answer_size_limit() {
    let long = "긴 답 ".repeat(2000);
    let body = json!({"choices":[{"index":0,"message":{"role":"assistant","content":long,"reasoning_content":"생각"},"finish_reason":"stop"}]});
    let r = rig(vec![Reply::json(200, &body.to_string())], 0);
    let mut settings = r.app.ok("settings_get", json!({}));
    settings["maxAnswerKb"] = json!(1);
    r.app.ok("settings_set", json!({ "settings": settings }));
    let id = r.start(json!({ "content": "꿈" }));
    let (text, reasoning, _, done) = split_sequence(&r.events.wait_terminal(id, WAIT));
    assert_eq!(done["finishReason"], "answer_too_long");
    assert!(
        text.len() <= 1024 && text.len() > 1000,
        "cut at 1 KB, got {}",
        text.len()
    );
    assert!(
        long.starts_with(&text),
        "the part kept is the start of the answer"
    );
    assert_eq!(reasoning, "생각", "its reasoning is apart here too");
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let gap = wait_before_retry(429, "retry-after", &at);
    assert!(
        gap >= Duration::from_millis(900),
        "waited until the date ({gap:?})"
    );
    assert!(
        gap < Duration::from_secs(4),
        "and not much longer ({gap:?})"
    );
}

#[test]
fn retry_after_ms_is_honoured() {
    let gap = wait_before_retry(503, "retry-after-ms", "700");
    assert!(
        gap >= Duration::from_millis(650) && gap < Duration::from_secs(3),
        "{gap:?}"
    );
}

#[test]
fn azure_keeps_the_api_version_and_sends_the_key_as_api_key() {
    let r = rig(
        vec![Reply::stream(by_event(&sse(
            &["Azure ", "답"],
            Some("stop"),
            true,
        )))],
        0,
    );
    let host = r.server.base_url.trim_end_matches("/v1").to_string();
    r.app.ok(
        "settings_set",
        json!({ "settings": {
            "provider": "azure",
            "baseUrl": format!("{host}/openai/deployments/dreams?api-version=2024-10-21"),
            "model": "dreams",
        }}),
    );
    let err = r
        .app
        .invoke("interpret_start", json!({ "request": { "content": "꿈" } }))
        .unwrap_err();
    assert_eq!(err["kind"], "missing_key", "Azure needs a key");
    r.app.ok(
        "secrets_set_api_key",
        json!({ "provider": "azure", "key": "azure-key-123", "sessionOnly": true }),
    );
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("Azure 답", "interpret:done")
    );
    let req = &r.server.requests()[0];
    assert!(
        req.head.starts_with(
            "POST /openai/deployments/dreams/chat/completions?api-version=2024-10-21 "
        ),
        "the path goes before the query: {}",
        req.head.lines().next().unwrap()
    );
    assert_eq!(req.header("api-key").as_deref(), Some("azure-key-123"));
    assert_eq!(req.header("authorization"), None, "no bearer token besides");
}

#[test]
fn plain_http_to_a_remote_server_is_refused_unless_allowed() {
    let app = TestApp::new();
    let err = app
        .invoke(
            "settings_set",
            json!({ "settings": { "provider": "custom", "baseUrl": "http://dreams.example.com/v1", "model": "m" } }),
        )
        .unwrap_err();
    assert_eq!(
        err["kind"], "insecure_url",
        "the key would travel in clear text"
    );
    app.ok(
        "settings_set",
        json!({ "settings": { "provider": "custom", "baseUrl": "http://192.168.1.20:11434/v1", "model": "m" } }),
    );
    app.ok(
        "settings_set",
        json!({ "settings": { "provider": "custom", "baseUrl": "http://dreams.example.com/v1", "model": "m",
            "allowInsecureHttp": true } }),
    );
}

#[test]
fn a_redirect_is_reported_and_never_followed_with_the_key() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let elsewhere = rt.block_on(Server::start(vec![Reply::stream(by_event(&sse(
        &["x"],
        Some("stop"),
        true,
    )))]));
    let target = format!("{}/chat/completions", elsewhere.base_url);
    let r = rig(vec![Reply::json(307, "{}").header("location", &target)], 0);
    r.app.ok(
        "secrets_set_api_key",
        json!({ "provider": "custom", "key": "sk-redirect-secret", "sessionOnly": true }),
    );
    let (_, end, err) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (end.as_str(), err["kind"].as_str()),
        ("interpret:error", Some("redirected"))
    );
    assert!(
        elsewhere.requests().is_empty(),
        "nothing went to the redirect's target"
    );
    assert_eq!(
        r.server.requests().len(),
        1,
        "and a redirect is not retried"
    );
}

#[test]
fn one_entry_has_at_most_one_running_interpretation() {
    let reply = Reply::stream(by_event(&sse(&["하나 "], None, false)))
        .then(Step::Sleep(Duration::from_millis(400)))
        .then(Step::Send(
            by_event(&sse(&["뿐"], Some("stop"), true)).concat(),
        ));
    let r = rig(vec![reply], 0);
    let entry = r.entry("한 번만 해몽하는 꿈");
    let first = r.start(json!({ "entryId": entry }));
    let err = r
        .app
        .invoke(
            "interpret_start",
            json!({ "request": { "entryId": entry } }),
        )
        .unwrap_err();
    assert_eq!(
        err["kind"], "already_running",
        "a second run of the same entry is refused"
    );
    let other = r.entry("다른 꿈");
    let second = r.start(json!({ "entryId": other }));
    for id in [first, second] {
        let (_, end, _) = check_sequence(&r.events.wait_terminal(id, WAIT));
        assert_eq!(end, "interpret:done", "other entries run alongside");
    }
    assert_eq!(r.history(entry).len(), 1, "one row, not two interleaved");
    let again = r.start(json!({ "entryId": entry }));
    check_sequence(&r.events.wait_terminal(again, WAIT));
    assert_eq!(
        r.history(entry).len(),
        2,
        "once it has ended, it can run again"
    );
}

#[test]
fn stopping_before_the_first_word_leaves_no_row() {
    let reply = Reply::stream(vec![b": keep-alive\n\n".to_vec()]).then(Step::Stall);
    let r = rig(vec![reply], 0);
    let entry = r.entry("금방 멈춘 꿈");
    let id = r.start(json!({ "entryId": entry }));
    let deadline = Instant::now() + WAIT;
    while r.server.requests().is_empty() {
        assert!(Instant::now() < deadline, "the request reaches the server");
        std::thread::sleep(Duration::from_millis(5));
    }
    r.app.ok("interpret_stop", json!({ "requestId": id }));
    let (text, end, stopped) = check_sequence(&r.events.wait_terminal(id, WAIT));
    assert_eq!((text.as_str(), end.as_str()), ("", "interpret:stopped"));
    assert_eq!(stopped["interpretationId"], Value::Null);
    assert!(
        r.history(entry).is_empty(),
        "no empty stopped row in the history"
    );
}

#[test]
fn quitting_mid_stream_saves_what_arrived_as_stopped() {
    let reply = Reply::stream(by_event(&sse(&["끝나기 ", "전에"], None, false))).then(Step::Stall);
    let r = rig(vec![reply], 0);
    let entry = r.entry("앱을 닫은 꿈");
    let id = r.start(json!({ "entryId": entry }));
    let deadline = Instant::now() + WAIT;
    while r.events.of(id).len() < 2 {
        assert!(Instant::now() < deadline, "the first deltas arrive");
        std::thread::sleep(Duration::from_millis(5));
    }
    // What the app runs on RunEvent::Exit (tray Quit, Ctrl+Q, closing, SIGTERM).
    haemong_lib::on_exit(&r.app.handle());
    assert!(
        r.app.state().interpreter.running().is_empty(),
        "nothing runs after exit"
    );
    let history = r.history(entry);
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["status"], "stopped");
    assert_eq!(
        history[0]["text"], "끝나기 전에",
        "the partial answer is kept"
    );
    let app = r.app.restart();
    let after = app.ok("interpret_history", json!({ "entryId": entry }));
    assert_eq!(after[0]["text"], "끝나기 전에", "and survives a restart");
}

#[test]
fn a_window_that_goes_away_stops_its_streams_only() {
    let reply = Reply::stream(by_event(&sse(&["창의 답"], None, false))).then(Step::Stall);
    let r = rig(vec![reply], 0);
    let id = r.start(json!({ "content": "창을 닫은 꿈" }));
    let deadline = Instant::now() + WAIT;
    while r.events.of(id).is_empty() {
        assert!(Instant::now() < deadline, "the first delta arrives");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        r.app.state().interpreter.stop_owned_by("quick"),
        0,
        "another window's run is left alone"
    );
    assert_eq!(r.app.state().interpreter.stop_owned_by("main"), 1);
    let (text, end, _) = check_sequence(&r.events.wait_terminal(id, WAIT));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("창의 답", "interpret:stopped")
    );
}

#[test]
fn the_quick_windows_interpretations_can_be_listed_and_deleted() {
    let r = rig(
        vec![Reply::stream(by_event(&sse(
            &["빠른 답"],
            Some("stop"),
            true,
        )))],
        0,
    );
    let (_, _, done) = r.run(json!({ "content": "빠른 창의 꿈" }));
    let id = done["interpretationId"].as_i64().unwrap();
    let list = r.app.ok("interpret_adhoc_list", json!({}));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        list[0]["dream"], "빠른 창의 꿈",
        "the dream is shown with it"
    );
    assert_eq!(list[0]["text"], "빠른 답");
    assert_eq!(r.app.ok("interpret_get", json!({ "id": id }))["id"], id);
    r.app.ok("interpret_delete", json!({ "id": id }));
    assert!(r
        .app
        .ok("interpret_adhoc_list", json!({}))
        .as_array()
        .unwrap()
        .is_empty());
    let again = r
        .app
        .invoke("interpret_delete", json!({ "id": id }))
        .unwrap_err();
    assert_eq!(again["kind"], "interpretation_not_found");
}

#[test]
fn deltas_ring_with_one_payload_per_run_and_the_pieces_are_taken_in_order() {
    // WebKit keeps memory for every distinct script the host evaluates (issue 15): the window is
    // rung with the same small payload for a whole run, and takes the pieces with interpret_take.
    let pieces: Vec<String> = (0..300).map(|i| format!("조각{i} ")).collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let r = rig(
        vec![Reply::stream(by_event(&sse(&refs, Some("stop"), true)))],
        0,
    );
    let bells = r.app.record_doorbells();
    let id = r.start(json!({ "content": "꿈" }));
    let (text, end, done) = check_sequence(&r.events.wait_terminal(id, WAIT));
    assert_eq!(
        text,
        pieces.concat(),
        "every piece, in order, through the queue"
    );
    assert_eq!(end, "interpret:done");
    let bells = bells.lock().unwrap().clone();
    let delta_payloads: std::collections::BTreeSet<String> = bells
        .iter()
        .filter(|(n, _)| n == "interpret:delta")
        .map(|(_, p)| p.to_string())
        .collect();
    assert_eq!(
        delta_payloads.into_iter().collect::<Vec<_>>(),
        vec![json!({ "requestId": id }).to_string()],
        "one distinct delta payload for the whole run: no text, no seq"
    );
    let terminal: Vec<&Value> = bells
        .iter()
        .filter(|(n, _)| n == "interpret:done")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(terminal, vec![&done], "the end is told with its payload");
    assert!(
        r.app
            .ok("interpret_take", json!({}))
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing is left in the queue"
    );
}

#[test]
fn local_only_refuses_a_public_server_before_anything_is_sent_and_still_talks_to_a_local_one() {
    let r = rig(
        vec![Reply::stream(by_event(&sse(
            &["로컬에서 ", "풀었어요."],
            Some("stop"),
            true,
        )))],
        0,
    );
    let settings = |base_url: &str| json!({ "settings": { "provider": "custom", "baseUrl": base_url, "model": "m", "localOnly": true }});
    r.app.ok("settings_set", settings(&r.server.base_url));
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("로컬에서 풀었어요.", "interpret:done"),
        "a server on this computer answers"
    );

    // Public addresses and names, TEST-NET ones among them (they would time out, not fail fast,
    // if anything tried to reach them).
    for public in [
        "https://api.openai.com/v1",
        "https://203.0.113.7:11434/v1",
        "https://[2001:db8::1]:8080/v1",
        "https://ollama.example.com/v1",
    ] {
        r.app.ok("settings_set", settings(public));
        let started = Instant::now();
        for call in ["interpret_start", "settings_test"] {
            let args = match call {
                "interpret_start" => json!({ "request": { "content": "꿈" } }),
                _ => json!({}),
            };
            let err = r.app.invoke(call, args).unwrap_err();
            assert_eq!(err["kind"], "not_local", "{call} to {public}: {err}");
        }
        let err = r
            .app
            .invoke(
                "settings_models",
                json!({ "provider": "custom", "baseUrl": public }),
            )
            .unwrap_err();
        assert_eq!(err["kind"], "not_local", "the model list of {public}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "refused at once, nothing was tried"
        );
    }
    assert_eq!(
        r.server.requests().len(),
        1,
        "only the local interpretation reached a server"
    );

    // Off again, a public server may be asked (the key check comes first, with no request).
    r.app.ok(
        "settings_set",
        json!({ "settings": { "provider": "openai", "baseUrl": "https://api.openai.com/v1", "model": "m", "localOnly": false }}),
    );
    let err = r
        .app
        .invoke("interpret_start", json!({ "request": { "content": "꿈" } }))
        .unwrap_err();
    assert_eq!(
        err["kind"], "missing_key",
        "without local only the address itself is not refused"
    );
}

//! Streamed interpretation through the real commands on the mock runtime, against the scripted
//! local server: events in order without gaps, one terminal event, the saved row, stop, retries,
//! time-outs and every failure class a user can meet.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::sse_server::{by_byte, by_event, sse, transcript, Reply, Server, Step};
use crate::support::{Events, TestApp};

const WAIT: Duration = Duration::from_secs(20);

struct Rig {
    app: TestApp,
    events: Events,
    server: Server,
    _rt: tokio::runtime::Runtime,
}

/// The app pointed at a local server that answers with `replies` (a server on this computer, so
/// no key is needed), with a `timeout` in seconds (0 = default).
fn rig(replies: Vec<Reply>, timeout: u32) -> Rig {
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
    fn entry(&self, body: &str) -> i64 {
        self.app
            .ok("diary_create", json!({ "input": { "body": body } }))["id"]
            .as_i64()
            .unwrap()
    }

    fn start(&self, request: Value) -> u64 {
        self.app
            .ok("interpret_start", json!({ "request": request }))["requestId"]
            .as_u64()
            .expect("a request id")
    }

    /// Runs to the end; returns the streamed text and the terminal event.
    fn run(&self, request: Value) -> (String, String, Value) {
        let id = self.start(request);
        let events = self.events.wait_terminal(id, WAIT);
        check_sequence(&events)
    }

    fn history(&self, entry: i64) -> Vec<Value> {
        self.app
            .ok("interpret_history", json!({ "entryId": entry }))
            .as_array()
            .unwrap()
            .clone()
    }
}

/// Asserts seq 0,1,2,… without gaps and exactly one terminal event, last; returns the text,
/// the terminal event's name and payload.
fn check_sequence(events: &[(String, Value)]) -> (String, String, Value) {
    let mut text = String::new();
    for (i, (name, p)) in events[..events.len() - 1].iter().enumerate() {
        assert_eq!(
            name, "interpret:delta",
            "only deltas before the terminal event"
        );
        assert_eq!(p["seq"], i as u64, "seq counts from 0 without gaps");
        let t = p["text"].as_str().unwrap();
        assert!(!t.is_empty(), "no empty deltas are emitted");
        text.push_str(t);
    }
    let (name, payload) = events.last().unwrap().clone();
    assert_ne!(name, "interpret:delta", "the last event is terminal");
    (text, name, payload)
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

#[test]
fn rate_limits_honour_retry_after() {
    let r = rig(
        vec![
            Reply::json(429, r#"{"error":{"code":"rate_limit_exceeded"}}"#)
                .header("retry-after", "1"),
            Reply::stream(by_event(&sse(&["기다린 답"], Some("stop"), true))),
        ],
        0,
    );
    let (text, end, _) = r.run(json!({ "content": "꿈" }));
    assert_eq!(
        (text.as_str(), end.as_str()),
        ("기다린 답", "interpret:done")
    );
    let seen = r.server.requests();
    let gap = seen[1].at.duration_since(seen[0].at);
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
    let entry = r.entry("스무 번 묻는 꿈");
    let ids: Vec<u64> = (0..20)
        .map(|_| r.start(json!({ "entryId": entry })))
        .collect();
    for id in ids {
        let (text, end, _) = check_sequence(&r.events.wait_terminal(id, WAIT));
        assert_eq!(end, "interpret:done", "request {id}");
        assert_eq!(text, expected, "request {id} is whole and in order");
    }
    assert_eq!(r.history(entry).len(), 20, "each saved its own row");
}

//! One streamed completion, from the request to a terminal state: retries before the first byte,
//! time-outs while waiting, cancellation at any moment, and every piece of text handed on the moment
//! its event is complete. No tauri here: the caller passes a closure that receives the text.

use std::time::Duration;

use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{stream, Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use super::client::{classify_status, classify_transport, Endpoint};
use super::{delta, think};
use crate::error::{Error, ErrorKind, Upstream};
use crate::events::Usage;

/// How long to wait and how hard to try.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Until the response headers, and then between any two chunks of the body.
    pub idle: Duration,
    /// Extra attempts before the first byte; never once text has been shown.
    pub retries: u32,
    /// First retry after about this long, doubling, with ±50 % jitter.
    pub backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the user is told instead.
    pub max_retry_after: Duration,
    /// The answer is cut here (`finish_reason: answer_too_long`): a server that never stops
    /// cannot fill the memory or the diary.
    pub max_answer_bytes: usize,
    /// Reasoning kept and shown, apart from the answer's limit (models think at length).
    pub max_reasoning_bytes: usize,
    /// Raw bytes read (events, keep-alives, JSON overhead) before the stream is refused.
    pub max_stream_bytes: usize,
    /// At most this much of an error body is read.
    pub max_error_body: usize,
}

impl Limits {
    /// Local models can think for a long time before the first token. `0` means the default for
    /// either setting.
    pub fn for_provider(local: bool, idle_override_secs: u32, max_answer_kb: u32) -> Limits {
        let idle = match idle_override_secs {
            0 if local => 120,
            0 => 60,
            s => s as u64,
        };
        let defaults = Limits::default();
        Limits {
            idle: Duration::from_secs(idle),
            max_answer_bytes: match max_answer_kb {
                0 => defaults.max_answer_bytes,
                kb => kb as usize * 1024,
            },
            ..defaults
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            idle: Duration::from_secs(60),
            retries: 2,
            backoff: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(20),
            max_answer_bytes: 64 * 1024,
            max_reasoning_bytes: 256 * 1024,
            max_stream_bytes: 16 * 1024 * 1024,
            max_error_body: 64 * 1024,
        }
    }
}

/// How the stream ended.
#[derive(Debug)]
pub enum Outcome {
    Done {
        finish_reason: String,
        usage: Option<Usage>,
    },
    Stopped,
    Failed(Error),
}

pub const ANSWER_TOO_LONG: &str = "answer_too_long";

/// What the stream adds, in the order a reader should see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Answer(&'a str),
    Reasoning(&'a str),
    /// The answer shown so far was reasoning after all (a `</think>` with no `<think>`).
    AnswerWasReasoning,
}

/// Streams `body` to the endpoint's chat completions, calling `on_piece` with each non-empty piece
/// of answer or reasoning. Returns when the answer ended, failed or `cancel` fired; dropping the
/// response closes the socket.
pub async fn stream_completion(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    body: &serde_json::Value,
    limits: &Limits,
    cancel: &CancellationToken,
    on_piece: impl FnMut(Piece<'_>),
) -> Outcome {
    let resp = match connect(client, endpoint, body, limits, cancel).await {
        Ok(Some(resp)) => resp,
        Ok(None) => return Outcome::Stopped,
        Err(e) => return Outcome::Failed(e),
    };
    let is_event_stream = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    let mut collector = Collector::new(limits, on_piece);

    if !is_event_stream {
        // A server that ignored `stream: true` and sent the whole completion as JSON: the same
        // reasoning split and size limit as a stream.
        let body = match read_limited(resp, limits.max_stream_bytes, limits.idle, cancel).await {
            Ok(Some(b)) => b,
            Ok(None) => return Outcome::Stopped,
            Err(e) => return Outcome::Failed(e),
        };
        return match delta::parse_whole(&body) {
            Ok(p) => collector
                .take(p)
                .unwrap_or_else(|| collector.end().unwrap_or_else(|| done("stop", None))),
            Err(e) => Outcome::Failed(e),
        };
    }

    let mut events = Box::pin(byte_events(
        resp.bytes_stream(),
        limits.max_stream_bytes,
        Some(limits.idle),
    ));
    let mut saw_event = false;
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Outcome::Stopped,
            next = events.next() => next,
        };
        let event = match next {
            None => {
                return collector.end().unwrap_or_else(|| {
                    Outcome::Failed(if saw_event {
                        Error::Upstream(
                            Upstream::CutOff,
                            "the stream ended before the answer was finished".into(),
                        )
                    } else {
                        // A body that ended without a single event was never an event stream
                        // (a proxy's error page served as text/event-stream, say).
                        Error::Upstream(
                            Upstream::BadResponse,
                            "the answer held no server-sent events".into(),
                        )
                    })
                });
            }
            Some(Err(e)) => {
                let fallback = match e {
                    EventStreamError::Transport(StreamFail::TooBig) => Error::Upstream(
                        Upstream::BadResponse,
                        "the stream is larger than any answer".into(),
                    ),
                    // Quiet too long (not a byte, not even a keep-alive).
                    EventStreamError::Transport(StreamFail::Idle) => {
                        Error::Upstream(Upstream::Timeout, "the server stopped sending".into())
                    }
                    EventStreamError::Transport(StreamFail::Http(_)) => Error::Upstream(
                        Upstream::CutOff,
                        "the connection dropped before the answer was finished".into(),
                    ),
                    EventStreamError::Utf8(_) | EventStreamError::Parser(_) => Error::Upstream(
                        Upstream::BadResponse,
                        "the stream is not valid server-sent events".into(),
                    ),
                };
                // After a finish reason only the usage chunk was missing.
                return collector.end().unwrap_or(Outcome::Failed(fallback));
            }
            Some(Ok(event)) => event,
        };
        saw_event = true;
        match delta::parse(&event.event, &event.data) {
            Ok(p) => {
                if let Some(outcome) = collector.take(p) {
                    return outcome;
                }
            }
            Err(e) => return Outcome::Failed(e),
        }
    }
}

fn done(finish_reason: &str, usage: Option<Usage>) -> Outcome {
    Outcome::Done {
        finish_reason: finish_reason.into(),
        usage,
    }
}

/// Turns parsed events into pieces: the `<think>` split, the answer's size limit, the reasoning's
/// own limit, the finish reason and usage seen so far.
struct Collector<F> {
    on_piece: F,
    splitter: think::Splitter,
    answer_bytes: usize,
    reasoning_bytes: usize,
    max_answer: usize,
    max_reasoning: usize,
    finish_reason: Option<String>,
    usage: Option<Usage>,
}

impl<F: FnMut(Piece<'_>)> Collector<F> {
    fn new(limits: &Limits, on_piece: F) -> Self {
        Collector {
            on_piece,
            splitter: think::Splitter::default(),
            answer_bytes: 0,
            reasoning_bytes: 0,
            max_answer: limits.max_answer_bytes,
            max_reasoning: limits.max_reasoning_bytes,
            finish_reason: None,
            usage: None,
        }
    }

    /// `Some` when this event ended the answer.
    fn take(&mut self, p: delta::Parsed) -> Option<Outcome> {
        if let Some(r) = &p.reasoning {
            self.reasoning(r);
        }
        if let Some(text) = &p.text {
            let parts = self.splitter.feed(text);
            if let Some(outcome) = self.parts(parts) {
                return Some(outcome);
            }
        }
        if p.usage.is_some() {
            self.usage = p.usage;
        }
        if p.finish_reason.is_some() {
            self.finish_reason = p.finish_reason;
        }
        if p.done {
            let parts = self.splitter.finish();
            return Some(self.parts(parts).unwrap_or_else(|| {
                done(self.finish_reason.as_deref().unwrap_or("stop"), self.usage)
            }));
        }
        None
    }

    /// The stream is over without `[DONE]`: done if a finish reason came, else `None`.
    fn end(&mut self) -> Option<Outcome> {
        let parts = self.splitter.finish();
        if let Some(outcome) = self.parts(parts) {
            return Some(outcome);
        }
        let reason = self.finish_reason.clone()?;
        Some(done(&reason, self.usage))
    }

    fn parts(&mut self, parts: Vec<think::Part>) -> Option<Outcome> {
        for part in parts {
            match part {
                think::Part::Reasoning(r) => self.reasoning(&r),
                think::Part::AnswerWasReasoning => {
                    self.reasoning_bytes += self.answer_bytes;
                    self.answer_bytes = 0;
                    (self.on_piece)(Piece::AnswerWasReasoning);
                }
                think::Part::Answer(text) => {
                    // The limit holds even while the answer might still turn out to be reasoning
                    // (a `</think>` with no `<think>` yet): a plain model's endless answer must be
                    // cut promptly, so reasoning of that form longer than the answer limit is cut
                    // as an answer (docs/streaming.md).
                    let max = self.max_answer;
                    if self.answer_bytes + text.len() > max {
                        // Keep what fits, cut on a character boundary.
                        let room = max.saturating_sub(self.answer_bytes);
                        let cut = floor_char_boundary(&text, room);
                        if cut > 0 {
                            (self.on_piece)(Piece::Answer(&text[..cut]));
                        }
                        return Some(done(ANSWER_TOO_LONG, self.usage));
                    }
                    self.answer_bytes += text.len();
                    (self.on_piece)(Piece::Answer(&text));
                }
            }
        }
        None
    }

    /// Reasoning past its limit is dropped (the answer still comes): a model that thinks forever
    /// cannot fill the memory or the diary.
    fn reasoning(&mut self, r: &str) {
        let room = self.max_reasoning.saturating_sub(self.reasoning_bytes);
        let cut = floor_char_boundary(r, room.min(r.len()));
        if cut > 0 {
            self.reasoning_bytes += cut;
            (self.on_piece)(Piece::Reasoning(&r[..cut]));
        }
    }
}

fn floor_char_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

#[derive(Debug)]
enum StreamFail {
    Http(#[allow(dead_code)] reqwest::Error),
    TooBig,
    /// No byte arrived within the idle limit.
    Idle,
}

impl std::fmt::Display for StreamFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamFail::Http(e) => write!(f, "{e}"),
            StreamFail::TooBig => f.write_str("stream too large"),
            StreamFail::Idle => f.write_str("no data within the idle limit"),
        }
    }
}

/// The body as SSE events.
///
/// - The idle limit counts from the last byte received, whatever it was: a keep-alive comment
///   keeps a queued or long-thinking model's stream alive, though it makes no event.
/// - Invalid UTF-8 becomes U+FFFD and the stream goes on (eventsource-stream would end it).
/// - A final newline is added at the end of the body: with `\r`-only line endings the blank line
///   after the last event is otherwise ambiguous (it could be half of a `\r\n`), and the parser
///   would wait for a byte that never comes.
fn byte_events<S>(
    body: S,
    max_bytes: usize,
    idle: Option<Duration>,
) -> impl Stream<Item = Result<eventsource_stream::Event, EventStreamError<StreamFail>>>
where
    S: Stream<Item = reqwest::Result<bytes::Bytes>> + Send + 'static,
{
    struct St<S> {
        body: std::pin::Pin<Box<S>>,
        total: usize,
        utf8: Utf8Lossy,
        ended: bool,
    }
    let st = St {
        body: Box::pin(body),
        total: 0,
        utf8: Utf8Lossy::default(),
        ended: false,
    };
    stream::unfold(st, move |mut st| async move {
        if st.ended {
            return None;
        }
        let next = match idle {
            Some(d) => match tokio::time::timeout(d, st.body.next()).await {
                Ok(n) => n,
                Err(_) => {
                    st.ended = true;
                    return Some((Err(StreamFail::Idle), st));
                }
            },
            None => st.body.next().await,
        };
        let item = match next {
            None => {
                st.ended = true;
                let mut tail = st.utf8.finish();
                tail.push(b'\n');
                Ok(bytes::Bytes::from(tail))
            }
            Some(Err(e)) => {
                st.ended = true;
                Err(StreamFail::Http(e))
            }
            Some(Ok(chunk)) => {
                st.total += chunk.len();
                if st.total > max_bytes {
                    st.ended = true;
                    Err(StreamFail::TooBig)
                } else {
                    Ok(bytes::Bytes::from(st.utf8.push(&chunk)))
                }
            }
        };
        Some((item, st))
    })
    .eventsource()
}

/// Incremental lossy UTF-8: complete characters pass, an invalid sequence becomes U+FFFD, and a
/// character split across reads waits for its last bytes.
#[derive(Default)]
pub struct Utf8Lossy {
    carry: Vec<u8>,
}

impl Utf8Lossy {
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        let mut input = std::mem::take(&mut self.carry);
        input.extend_from_slice(chunk);
        let mut out = Vec::with_capacity(input.len());
        let mut rest: &[u8] = &input;
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.extend_from_slice(s.as_bytes());
                    return out;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.extend_from_slice(good);
                    match e.error_len() {
                        Some(n) => {
                            out.extend_from_slice("\u{FFFD}".as_bytes());
                            rest = &bad[n..];
                        }
                        None => {
                            // The start of a character whose end is still on its way.
                            self.carry = bad.to_vec();
                            return out;
                        }
                    }
                }
            }
        }
    }

    /// The end of the body: an unfinished character is replaced.
    pub fn finish(&mut self) -> Vec<u8> {
        if std::mem::take(&mut self.carry).is_empty() {
            Vec::new()
        } else {
            "\u{FFFD}".as_bytes().to_vec()
        }
    }
}

/// A whole body (as it came off the network, in `chunks`) framed and parsed exactly as the runner
/// does, up to the first error. For the fuzz targets (`fuzz/`) and the tests; the runner streams.
pub async fn parse_body(chunks: Vec<Vec<u8>>) -> Result<Vec<delta::Parsed>, Error> {
    let body = stream::iter(chunks.into_iter().map(|c| Ok(bytes::Bytes::from(c))));
    let mut events = Box::pin(byte_events(body, usize::MAX, None));
    let mut parsed = Vec::new();
    while let Some(ev) = events.next().await {
        let ev = ev.map_err(|_| {
            Error::Upstream(Upstream::BadResponse, "not valid server-sent events".into())
        })?;
        parsed.push(delta::parse(&ev.event, &ev.data)?);
    }
    Ok(parsed)
}

/// Sends the request, retrying transient failures while nothing has been shown yet.
/// `Ok(None)` means cancelled.
async fn connect(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    body: &serde_json::Value,
    limits: &Limits,
    cancel: &CancellationToken,
) -> Result<Option<reqwest::Response>, Error> {
    let mut attempt = 0u32;
    loop {
        let req = endpoint.authorize(
            client
                .post(endpoint.url("chat/completions"))
                .header(reqwest::header::ACCEPT, "text/event-stream")
                .json(body),
        );
        let sent = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Ok(None),
            r = tokio::time::timeout(limits.idle, req.send()) => r,
        };
        let (error, wait) = match sent {
            Err(_) => {
                return Err(Error::Upstream(
                    Upstream::Timeout,
                    "the server did not answer in time".into(),
                ))
            }
            Ok(Err(e)) => {
                let retry = e.is_connect();
                let err = classify_transport(e);
                if !retry {
                    return Err(err);
                }
                (err, None)
            }
            Ok(Ok(resp)) if resp.status().is_success() => return Ok(Some(resp)),
            Ok(Ok(resp)) => {
                let status = resp.status().as_u16();
                let retry_after = retry_after(resp.headers());
                let body =
                    match read_limited(resp, limits.max_error_body, limits.idle, cancel).await {
                        Ok(Some(b)) => b,
                        Ok(None) => return Ok(None),
                        Err(_) => Vec::new(),
                    };
                let err = classify_status(status, &body);
                let retryable = matches!(status, 408 | 409 | 429 | 500..=599)
                    && err.kind() != ErrorKind::Quota
                    && retry_after.map_or(true, |w| w <= limits.max_retry_after);
                if !retryable {
                    return Err(err);
                }
                (err, retry_after)
            }
        };
        if attempt >= limits.retries {
            return Err(error);
        }
        let wait = wait.unwrap_or_else(|| backoff(limits.backoff, attempt));
        attempt += 1;
        log::info!(
            "interpretation request failed ({}); retry {attempt} in {wait:?}",
            error.kind()
        );
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return Ok(None),
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// `base · 2^attempt`, ±50 %: clients that failed together do not come back together.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = 0.5 + f64::from(nanos % 1000) / 1000.0;
    base.mul_f64(f64::from(1u32 << attempt.min(8)) * jitter)
}

/// How long the server asks us to wait: `retry-after-ms` (OpenAI, Azure) when present, else
/// `Retry-After` in seconds or as an HTTP date (a date in the past means now).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let number = |name: &str| -> Option<f64> {
        let v: f64 = headers.get(name)?.to_str().ok()?.trim().parse().ok()?;
        (v.is_finite() && v >= 0.0).then_some(v)
    };
    // `try_from`: an absurd value (1e20 s) is a wait too long to honour, not a panic.
    let far = Duration::from_secs(u32::MAX as u64);
    if let Some(ms) = number("retry-after-ms") {
        return Some(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(far));
    }
    if let Some(secs) = number("retry-after") {
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(far));
    }
    // chrono's RFC 2822 parser reads the IMF-fixdate of RFC 9110 (`Wed, 21 Oct 2015 07:28:00 GMT`).
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let at = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// At most `max` bytes of a body: a 100 MB error page is never read whole. `Ok(None)`: cancelled.
async fn read_limited(
    resp: reqwest::Response,
    max: usize,
    idle: Duration,
    cancel: &CancellationToken,
) -> Result<Option<Vec<u8>>, Error> {
    let mut body = Vec::new();
    let mut chunks = resp.bytes_stream();
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Ok(None),
            n = tokio::time::timeout(idle, chunks.next()) => n,
        };
        match next {
            Err(_) => {
                return Err(Error::Upstream(
                    Upstream::Timeout,
                    "the server stopped sending".into(),
                ))
            }
            Ok(None) => return Ok(Some(body)),
            Ok(Some(Err(e))) => return Err(classify_transport(e)),
            Ok(Some(Ok(chunk))) => {
                let room = max.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= max {
                    return Ok(Some(body));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter() {
        let base = Duration::from_millis(100);
        for attempt in 0..3 {
            let d = backoff(base, attempt);
            let nominal = base * (1 << attempt);
            assert!(
                d >= nominal / 2 && d <= nominal * 3 / 2,
                "attempt {attempt}: {d:?} within ±50 % of {nominal:?}"
            );
        }
    }

    #[test]
    fn retry_after_in_seconds() {
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(reqwest::header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(reqwest::header::RETRY_AFTER, "0.5".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(500)));
        h.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a past date: now");
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(5))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        h.insert(reqwest::header::RETRY_AFTER, soon.parse().unwrap());
        let wait = retry_after(&h).expect("an HTTP date is read");
        assert!(
            wait > Duration::from_secs(3) && wait <= Duration::from_secs(5),
            "{wait:?} is about 5 s"
        );
        h.insert(
            reqwest::header::RETRY_AFTER,
            "99999999999999999999999".parse().unwrap(),
        );
        assert!(
            retry_after(&h).unwrap() > Duration::from_secs(3600),
            "an absurd wait is long, not a panic"
        );
        h.insert(reqwest::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None, "garbage is ignored");
        h.insert("retry-after-ms", "1500".parse().unwrap());
        assert_eq!(
            retry_after(&h),
            Some(Duration::from_millis(1500)),
            "retry-after-ms wins"
        );
    }

    #[test]
    fn invalid_utf8_becomes_a_replacement_character_and_split_characters_wait() {
        let mut d = Utf8Lossy::default();
        let pig = "돼".as_bytes();
        assert_eq!(d.push(&pig[..1]), b"");
        assert_eq!(
            d.push(&pig[1..]),
            pig,
            "a character split in two arrives whole"
        );
        assert_eq!(
            String::from_utf8(d.push(b"a\xffb\xc3(")).unwrap(),
            "a\u{FFFD}b\u{FFFD}(",
            "each invalid sequence is one U+FFFD"
        );
        assert_eq!(d.push(&pig[..2]), b"");
        assert_eq!(
            d.finish(),
            "\u{FFFD}".as_bytes(),
            "an unfinished character at the end"
        );
        assert_eq!(d.finish(), b"", "once");
    }

    #[tokio::test]
    async fn a_stream_with_invalid_utf8_goes_on() {
        let mut body = sse(&["돼지", "꿈"], "\n");
        let at = body
            .windows(6)
            .position(|w| w == "돼지".as_bytes())
            .unwrap();
        body[at + 1] = 0xff; // breaks the first syllable
        let (text, finish, done) = frame(vec![body]).await;
        assert_eq!(
            text, "\u{FFFD}\u{FFFD}\u{FFFD}지꿈",
            "each bad byte is one U+FFFD and the rest of the stream still arrives"
        );
        assert_eq!(finish.as_deref(), Some("stop"));
        assert!(done);
    }

    #[test]
    fn idle_time_out_depends_on_the_provider_unless_set() {
        assert_eq!(
            Limits::for_provider(true, 0, 0).idle,
            Duration::from_secs(120)
        );
        assert_eq!(
            Limits::for_provider(false, 0, 0).idle,
            Duration::from_secs(60)
        );
        assert_eq!(
            Limits::for_provider(true, 5, 0).idle,
            Duration::from_secs(5)
        );
        assert_eq!(Limits::for_provider(true, 0, 0).max_answer_bytes, 64 * 1024);
        assert_eq!(Limits::for_provider(true, 0, 8).max_answer_bytes, 8 * 1024);
    }

    /// Feeds `chunks` through the same framing the runner uses.
    async fn frame(chunks: Vec<Vec<u8>>) -> (String, Option<String>, bool) {
        let (mut text, mut finish, mut done) = (String::new(), None, false);
        for p in parse_body(chunks).await.expect("a valid body") {
            text.extend(p.text);
            finish = p.finish_reason.or(finish);
            done |= p.done;
        }
        (text, finish, done)
    }

    fn sse(answer: &[&str], eol: &str) -> Vec<u8> {
        let mut s = String::new();
        s.push_str(&format!(": keep-alive{eol}{eol}"));
        for piece in answer {
            let chunk = serde_json::json!({"choices":[{"index":0,"delta":{"content":piece},"finish_reason":null}]});
            s.push_str(&format!("data: {chunk}{eol}{eol}"));
        }
        s.push_str(&format!(
            "data: {{\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}]}}{eol}{eol}data: [DONE]{eol}{eol}"
        ));
        s.into_bytes()
    }

    #[tokio::test]
    async fn every_line_ending_and_every_split_point_gives_the_same_text() {
        let answer = ["돼지", "꿈은 ", "길몽\n", "입니다 🐷"];
        for eol in ["\n", "\r\n", "\r"] {
            let bytes = sse(&answer, eol);
            for split in 0..bytes.len() {
                let (a, b) = bytes.split_at(split);
                let (text, finish, done) = frame(vec![a.to_vec(), b.to_vec()]).await;
                assert_eq!(text, answer.concat(), "eol {eol:?}, split at {split}");
                assert_eq!(finish.as_deref(), Some("stop"));
                assert!(done, "[DONE] is seen with eol {eol:?}, split at {split}");
            }
            let bytewise = bytes.iter().map(|b| vec![*b]).collect();
            assert_eq!(
                frame(bytewise).await.0,
                answer.concat(),
                "one byte at a time"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Any UTF-8 answer, cut into any deltas and any network chunks, arrives byte-exact.
        #[test]
        fn any_answer_chunked_any_way_arrives_byte_exact(
            answer in "\\PC{0,80}[\\n\\r\\t가-힣🐷 ]{0,40}",
            cuts in proptest::collection::vec(0usize..400, 0..12),
            eol in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
            net in proptest::collection::vec(1usize..64, 1..40),
        ) {
            let chars: Vec<char> = answer.chars().collect();
            let mut pieces = Vec::new();
            let mut cut_points: Vec<usize> = cuts.iter().map(|c| c % (chars.len() + 1)).collect();
            cut_points.sort_unstable();
            let mut last = 0;
            for c in cut_points.into_iter().chain([chars.len()]) {
                pieces.push(chars[last..c].iter().collect::<String>());
                last = c;
            }
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let bytes = sse(&refs, eol);
            let mut chunks = Vec::new();
            let mut at = 0;
            for n in net.iter().cycle() {
                if at >= bytes.len() { break; }
                let end = (at + n).min(bytes.len());
                chunks.push(bytes[at..end].to_vec());
                at = end;
            }
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let (text, _, done) = rt.block_on(frame(chunks));
            proptest::prop_assert_eq!(text, answer);
            proptest::prop_assert!(done);
        }
    }
}

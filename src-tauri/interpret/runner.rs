//! One streamed completion, from the request to a terminal state: retries before the first byte,
//! time-outs while waiting, cancellation at any moment, and every piece of text handed on the moment
//! its event is complete. No tauri here: the caller passes a closure that receives the text.

use std::time::Duration;

use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{stream, Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use super::client::{classify_status, classify_transport, Endpoint};
use super::delta;
use crate::error::{Error, Upstream};
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

/// Streams `body` to `{base_url}/chat/completions`, calling `on_text` with each non-empty delta.
/// Returns when the answer ended, failed or `cancel` fired; dropping the response closes the socket.
pub async fn stream_completion(
    client: &reqwest::Client,
    endpoint: &Endpoint,
    body: &serde_json::Value,
    limits: &Limits,
    cancel: &CancellationToken,
    mut on_text: impl FnMut(&str),
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
    let mut answer_bytes = 0usize;
    let mut finish_reason: Option<String> = None;
    let mut usage = None;

    if !is_event_stream {
        // A server that ignored `stream: true` and sent the whole completion as JSON.
        let body = match read_limited(resp, limits.max_stream_bytes, limits.idle, cancel).await {
            Ok(Some(b)) => b,
            Ok(None) => return Outcome::Stopped,
            Err(e) => return Outcome::Failed(e),
        };
        return match delta::parse_whole(&body) {
            Ok(p) => {
                if let Some(t) = &p.text {
                    on_text(t);
                }
                Outcome::Done {
                    finish_reason: p.finish_reason.unwrap_or_else(|| "stop".into()),
                    usage: p.usage,
                }
            }
            Err(e) => Outcome::Failed(e),
        };
    }

    let mut events = Box::pin(byte_events(resp.bytes_stream(), limits.max_stream_bytes));
    let mut saw_event = false;
    loop {
        let next = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Outcome::Stopped,
            next = tokio::time::timeout(limits.idle, events.next()) => next,
        };
        let event = match next {
            // Quiet too long. After a finish reason only the usage chunk was missing.
            Err(_) => {
                return finished(finish_reason, usage).unwrap_or_else(|| {
                    Outcome::Failed(Error::Upstream(
                        Upstream::Timeout,
                        "the server stopped sending".into(),
                    ))
                })
            }
            Ok(None) => {
                return finished(finish_reason, usage).unwrap_or_else(|| {
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
            Ok(Some(Err(e))) => {
                let fallback = match e {
                    EventStreamError::Transport(StreamFail::TooBig) => Error::Upstream(
                        Upstream::BadResponse,
                        "the stream is larger than any answer".into(),
                    ),
                    EventStreamError::Transport(StreamFail::Http(_)) => Error::Upstream(
                        Upstream::CutOff,
                        "the connection dropped before the answer was finished".into(),
                    ),
                    EventStreamError::Utf8(_) | EventStreamError::Parser(_) => Error::Upstream(
                        Upstream::BadResponse,
                        "the stream is not valid server-sent events".into(),
                    ),
                };
                return finished(finish_reason, usage).unwrap_or(Outcome::Failed(fallback));
            }
            Ok(Some(Ok(event))) => event,
        };
        saw_event = true;
        let parsed = match delta::parse(&event.event, &event.data) {
            Ok(p) => p,
            Err(e) => return Outcome::Failed(e),
        };
        if let Some(text) = parsed.text {
            if answer_bytes + text.len() > limits.max_answer_bytes {
                // Keep what fits, cut on a character boundary.
                let room = limits.max_answer_bytes - answer_bytes;
                let cut = (0..=room)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                if cut > 0 {
                    on_text(&text[..cut]);
                }
                return Outcome::Done {
                    finish_reason: ANSWER_TOO_LONG.into(),
                    usage,
                };
            }
            answer_bytes += text.len();
            on_text(&text);
        }
        if parsed.usage.is_some() {
            usage = parsed.usage;
        }
        if parsed.finish_reason.is_some() {
            finish_reason = parsed.finish_reason;
        }
        if parsed.done {
            return Outcome::Done {
                finish_reason: finish_reason.unwrap_or_else(|| "stop".into()),
                usage,
            };
        }
    }
}

fn finished(finish_reason: Option<String>, usage: Option<Usage>) -> Option<Outcome> {
    finish_reason.map(|finish_reason| Outcome::Done {
        finish_reason,
        usage,
    })
}

#[derive(Debug)]
enum StreamFail {
    Http(#[allow(dead_code)] reqwest::Error),
    TooBig,
}

impl std::fmt::Display for StreamFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamFail::Http(e) => write!(f, "{e}"),
            StreamFail::TooBig => f.write_str("stream too large"),
        }
    }
}

/// The body as SSE events. A final newline is added at the end of the body: with `\r`-only line
/// endings the blank line after the last event is otherwise ambiguous (it could be half of a
/// `\r\n`), and the parser would wait for a byte that never comes.
fn byte_events(
    body: impl Stream<Item = reqwest::Result<bytes::Bytes>>,
    max_bytes: usize,
) -> impl Stream<Item = Result<eventsource_stream::Event, EventStreamError<StreamFail>>> {
    let mut total = 0usize;
    body.map(move |chunk| {
        let chunk = chunk.map_err(StreamFail::Http)?;
        total += chunk.len();
        if total > max_bytes {
            return Err(StreamFail::TooBig);
        }
        Ok(chunk)
    })
    .chain(stream::once(async { Ok(bytes::Bytes::from_static(b"\n")) }))
    .eventsource()
}

/// A whole body (as it came off the network, in `chunks`) framed and parsed exactly as the runner
/// does, up to the first error. For the fuzz targets (`fuzz/`) and the tests; the runner streams.
pub async fn parse_body(chunks: Vec<Vec<u8>>) -> Result<Vec<delta::Parsed>, Error> {
    let body = stream::iter(chunks.into_iter().map(|c| Ok(bytes::Bytes::from(c))));
    let mut events = Box::pin(byte_events(body, usize::MAX));
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
        let mut req = client
            .post(format!("{}/chat/completions", endpoint.base_url))
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .json(body);
        if let Some(key) = &endpoint.key {
            req = req.bearer_auth(key);
        }
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
                    && err.kind() != "quota"
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

/// `Retry-After` in seconds (the HTTP-date form is rare from APIs and treated as absent).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
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
        assert_eq!(retry_after(&h), None);
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

//! One server-sent event of an OpenAI-style chat-completion stream → the text it adds and whether it
//! ends the answer. Framing (lines, comments, split UTF-8) is eventsource-stream's job; this is the
//! JSON inside, with every quirk providers are known to send.

use serde_json::Value;

use super::client::classify_status;
use crate::error::{Error, Upstream};
use crate::events::Usage;

/// What one event says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// `choices[0].delta.content`, when non-empty (a string, or the text of an array of parts).
    /// It may hold a `<think>` block: `think::Splitter` takes it apart.
    pub text: Option<String>,
    /// `delta.reasoning_content` (DeepSeek, LM Studio) or `delta.reasoning` (OpenRouter, Ollama).
    pub reasoning: Option<String>,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    /// `data: [DONE]`.
    pub done: bool,
}

/// Parses one event. `event` is the SSE `event:` field (empty for the default `message`).
/// An `error` object inside the stream is an `Err`, classified like an HTTP error.
pub fn parse(event: &str, data: &str) -> Result<Parsed, Error> {
    let data = data.trim();
    if data == "[DONE]" {
        return Ok(Parsed {
            done: true,
            ..Default::default()
        });
    }
    if data.is_empty() {
        // A `data:` line with nothing (some proxies' keep-alives).
        return Ok(Parsed::default());
    }
    let json: Value = serde_json::from_str(data).map_err(|_| {
        Error::Upstream(
            Upstream::BadResponse,
            "the stream contained something that is not JSON".into(),
        )
    })?;
    if event == "error" || json.get("error").is_some_and(|e| !e.is_null()) {
        return Err(stream_error(&json));
    }
    let mut parsed = Parsed {
        usage: json.get("usage").and_then(usage),
        ..Default::default()
    };
    // `choices` may be absent, null or empty: Azure's content-filter results, the usage chunk.
    if let Some(choice) = json
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
    {
        // Some servers ignore `stream` and wrap a whole message in a chunk.
        let part = if choice["delta"].is_object() {
            &choice["delta"]
        } else {
            &choice["message"]
        };
        parsed.text = text_of(&part["content"]);
        parsed.reasoning =
            text_of(&part["reasoning_content"]).or_else(|| text_of(&part["reasoning"]));
        parsed.finish_reason = choice["finish_reason"]
            .as_str()
            .filter(|r| !r.is_empty())
            .map(str::to_string);
    }
    Ok(parsed)
}

/// A string, or the concatenated `text` of an array of parts (`[{"type":"text","text":…}]`);
/// `None` when empty.
fn text_of(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| match p {
                Value::String(s) => Some(s.as_str()),
                p if matches!(p["type"].as_str(), None | Some("text" | "output_text")) => {
                    p["text"].as_str()
                }
                _ => None,
            })
            .collect(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

fn usage(v: &Value) -> Option<Usage> {
    if !v.is_object() {
        return None;
    }
    Some(Usage {
        prompt_tokens: v["prompt_tokens"].as_u64(),
        completion_tokens: v["completion_tokens"].as_u64(),
        total_tokens: v["total_tokens"].as_u64(),
    })
}

/// An `{"error": {...}}` sent as an event after the 200: OpenAI uses string codes, OpenRouter a
/// numeric HTTP-like `code`. The server's message is not repeated (it may quote the key).
fn stream_error(json: &Value) -> Error {
    let err = json.get("error").unwrap_or(json);
    let status = err["code"]
        .as_u64()
        .or_else(|| err["status"].as_u64())
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (400..600).contains(c));
    match status {
        Some(status) => classify_status(status, json.to_string().as_bytes()),
        None => {
            let code = [&err["code"], &err["type"]]
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let class = if code.contains("insufficient_quota") {
                Upstream::Quota
            } else if code.contains("rate_limit") {
                Upstream::RateLimited
            } else {
                Upstream::Server
            };
            Error::Upstream(class, format!("error in the stream: {}", class.describe()))
        }
    }
}

/// The answer when a server ignored `stream: true` and sent one JSON completion instead.
pub fn parse_whole(body: &[u8]) -> Result<Parsed, Error> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::Upstream(Upstream::BadResponse, "the answer was not UTF-8".into()))?;
    let parsed = parse("", text)?;
    if parsed.text.is_none() && parsed.reasoning.is_none() && parsed.finish_reason.is_none() {
        return Err(Error::Upstream(
            Upstream::BadResponse,
            "the answer is not a chat completion".into(),
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn chunk(delta: &str, finish: &str) -> String {
        format!(
            r#"{{"id":"c","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{delta},"finish_reason":{finish}}}]}}"#
        )
    }

    #[test]
    fn content_is_the_text() {
        let p = parse("", &chunk(r#"{"content":"돼지꿈"}"#, "null")).unwrap();
        assert_eq!(p.text.as_deref(), Some("돼지꿈"));
        assert_eq!(p.finish_reason, None);
    }

    #[test]
    fn role_only_and_empty_content_add_nothing() {
        for delta in [
            r#"{"role":"assistant"}"#,
            r#"{"role":"assistant","content":""}"#,
            r#"{"content":null}"#,
            r#"{}"#,
        ] {
            let p = parse("", &chunk(delta, "null")).unwrap();
            assert_eq!(p, Parsed::default(), "{delta} adds no text");
        }
    }

    #[test]
    fn empty_or_null_choices_are_skipped_and_usage_is_read() {
        let p = parse(
            "",
            r#"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}"#,
        )
        .unwrap();
        assert_eq!(p.text, None);
        assert_eq!(
            p.usage,
            Some(Usage {
                prompt_tokens: Some(9),
                completion_tokens: Some(12),
                total_tokens: Some(21)
            })
        );
        assert_eq!(
            parse("", r#"{"choices":null,"prompt_filter_results":[]}"#).unwrap(),
            Parsed::default(),
            "Azure's filter chunk"
        );
    }

    #[test]
    fn finish_reason_may_come_with_the_last_text() {
        let p = parse("", &chunk(r#"{"content":"끝."}"#, r#""length""#)).unwrap();
        assert_eq!(p.text.as_deref(), Some("끝."));
        assert_eq!(p.finish_reason.as_deref(), Some("length"));
    }

    #[test]
    fn reasoning_fields_are_apart_from_the_text() {
        let p = parse("", &chunk(r#"{"reasoning_content":"돼지는…"}"#, "null")).unwrap();
        assert_eq!(
            p.reasoning.as_deref(),
            Some("돼지는…"),
            "DeepSeek, LM Studio"
        );
        assert_eq!(p.text, None, "reasoning is never answer text");
        let p = parse(
            "",
            &chunk(r#"{"content":"","reasoning":"Let me think"}"#, "null"),
        )
        .unwrap();
        assert_eq!(
            p.reasoning.as_deref(),
            Some("Let me think"),
            "OpenRouter, Ollama"
        );
        assert_eq!(p.text, None);
        let p = parse(
            "",
            &chunk(r#"{"content":null,"reasoning_content":null}"#, "null"),
        )
        .unwrap();
        assert_eq!(p, Parsed::default(), "nulls add nothing");
    }

    #[test]
    fn content_as_an_array_of_parts_is_read() {
        let p = parse(
            "",
            &chunk(
                r#"{"content":[{"type":"text","text":"돼지"},{"type":"image_url","image_url":{}},{"type":"text","text":"꿈"}]}"#,
                "null",
            ),
        )
        .unwrap();
        assert_eq!(
            p.text.as_deref(),
            Some("돼지꿈"),
            "only the text parts, in order"
        );
        let p = parse("", &chunk(r#"{"content":[]}"#, "null")).unwrap();
        assert_eq!(p.text, None);
    }

    #[test]
    fn done_marker() {
        assert!(parse("", "[DONE]").unwrap().done);
        assert!(parse("", " [DONE] ").unwrap().done);
    }

    #[test]
    fn errors_inside_the_stream_are_classified() {
        let e = parse(
            "",
            r#"{"error":{"message":"Rate limit reached for sk-abc","type":"requests","code":"rate_limit_exceeded"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(
            !e.to_string().contains("sk-abc"),
            "the server's words are not repeated"
        );
        let e = parse(
            "",
            r#"{"error":{"code":502,"message":"Provider returned error"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server, "OpenRouter's numeric code");
        let e = parse("error", r#"{"message":"overloaded"}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server, "an `event: error`");
    }

    #[test]
    fn garbage_is_a_bad_response() {
        assert_eq!(
            parse("", "<html>").unwrap_err().kind(),
            ErrorKind::BadResponse
        );
        assert_eq!(
            parse("", "{\"choi").unwrap_err().kind(),
            ErrorKind::BadResponse
        );
    }

    #[test]
    fn a_whole_completion_is_accepted() {
        let p = parse_whole(
            br#"{"choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}]}"#,
        )
        .unwrap();
        assert_eq!(p.text.as_deref(), Some("Hello"));
        assert_eq!(p.finish_reason.as_deref(), Some("stop"));
        let p = parse_whole(
            br#"{"choices":[{"message":{"content":"A","reasoning_content":"R"},"finish_reason":"stop"}]}"#,
        )
        .unwrap();
        assert_eq!(
            (p.text.as_deref(), p.reasoning.as_deref()),
            (Some("A"), Some("R"))
        );
        assert_eq!(
            parse_whole(b"{}").unwrap_err().kind(),
            ErrorKind::BadResponse
        );
    }
}

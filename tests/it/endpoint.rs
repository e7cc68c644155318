//! The connection check against a real local HTTP server on 127.0.0.1 that answers like an
//! OpenAI-compatible endpoint, and records what it was sent.

use std::sync::{Arc, Mutex};

use haemong_lib::interpret::{check_endpoint, list_models, Endpoint};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves one scripted answer to every request; returns the base URL and the requests seen.
async fn server(status: u16, body: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf).to_string());
                let reason = if status == 200 { "OK" } else { "Error" };
                let resp = format!(
                    "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (format!("http://{addr}/v1"), seen)
}

fn endpoint(base_url: &str, key: Option<&str>) -> Endpoint {
    Endpoint {
        base_url: base_url.into(),
        model: "gpt-test".into(),
        key: key.map(str::to_string),
        local: false,
    }
}

#[tokio::test]
async fn a_working_endpoint_answers_with_its_model_and_gets_the_key_as_a_bearer_token() {
    let (url, seen) = server(
        200,
        r#"{"id":"x","object":"chat.completion","model":"gpt-test-2026","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"length"}]}"#,
    )
    .await;
    let ok = check_endpoint(&endpoint(&url, Some("sk-check-1234")))
        .await
        .unwrap();
    assert_eq!(ok.model, "gpt-test-2026", "the model the server names");
    let req = seen.lock().unwrap()[0].clone();
    assert!(req.starts_with("POST /v1/chat/completions "), "{req}");
    assert!(
        req.to_ascii_lowercase()
            .contains("authorization: bearer sk-check-1234"),
        "the key is sent as a bearer token"
    );
    assert!(
        req.contains(r#""model":"gpt-test""#),
        "the configured model is asked for"
    );
    assert!(
        req.contains(r#""max_tokens":1"#),
        "the check costs one token"
    );
}

#[tokio::test]
async fn a_local_server_without_a_key_gets_no_authorization_header() {
    let (url, seen) = server(200, r#"{"model":"llama","choices":[]}"#).await;
    check_endpoint(&endpoint(&url, None)).await.unwrap();
    assert!(!seen.lock().unwrap()[0]
        .to_ascii_lowercase()
        .contains("authorization:"));
}

#[tokio::test]
async fn each_failure_gets_the_kind_the_ui_translates_and_no_key_in_the_message() {
    for (status, body, want) in [
        (
            401,
            r#"{"error":{"message":"Incorrect API key provided: sk-CANA***","code":"invalid_api_key"}}"#,
            "key_rejected",
        ),
        (
            404,
            r#"{"error":{"message":"The model does not exist","code":"model_not_found"}}"#,
            "model_not_found",
        ),
        (
            429,
            r#"{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
            "quota",
        ),
        (
            429,
            r#"{"error":{"message":"slow down","code":"rate_limit_exceeded"}}"#,
            "rate_limited",
        ),
        (500, "oops", "server"),
        (200, "not json at all", "bad_response"),
    ] {
        let (url, _) = server(status, body).await;
        let err = check_endpoint(&endpoint(&url, Some("sk-CANARY-99")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), want, "HTTP {status} {body}");
        let json = serde_json::to_string(&err).unwrap();
        assert!(
            !json.contains("CANA"),
            "no key, not even the server's echo of it: {json}"
        );
    }
}

#[tokio::test]
async fn no_server_is_offline_and_tls_to_a_plain_server_is_a_tls_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener); // nothing listens there now
    let err = check_endpoint(&endpoint(&format!("http://127.0.0.1:{port}/v1"), None))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "offline", "{err}");

    // A plain HTTP server answers a TLS hello with a plain-text 400, as nginx and others do.
    let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = plain.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = plain.accept().await {
            let _ = sock
                .write_all(
                    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
            let _ = sock.shutdown().await;
        }
    });
    let err = check_endpoint(&endpoint(&format!("https://{addr}/v1"), None))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "tls", "{err}");
}

#[tokio::test]
async fn the_model_list_is_read_sorted_with_the_key() {
    let (url, seen) = server(
        200,
        r#"{"object":"list","data":[{"id":"qwen2.5:7b","object":"model"},{"id":"llama3.1","object":"model"},{"id":""}]}"#,
    )
    .await;
    let models = list_models(&endpoint(&url, Some("sk-models-1")))
        .await
        .unwrap();
    assert_eq!(
        models,
        vec!["llama3.1", "qwen2.5:7b"],
        "sorted, empty ids dropped"
    );
    let req = seen.lock().unwrap()[0].clone();
    assert!(req.starts_with("GET /v1/models "), "{req}");
    assert!(req.contains("authorization: Bearer sk-models-1"), "{req}");

    let (url, _) = server(401, r#"{"error":{"code":"invalid_api_key"}}"#).await;
    let err = list_models(&endpoint(&url, None)).await.unwrap_err();
    assert_eq!(err.kind(), "key_rejected");
    let (url, _) = server(200, "<html>").await;
    assert_eq!(
        list_models(&endpoint(&url, None)).await.unwrap_err().kind(),
        "bad_response"
    );
}

//! The connection check against a real local HTTP server on 127.0.0.1 that answers like an
//! OpenAI-compatible endpoint, and records what it was sent.

use haemong_lib::error::ErrorKind;
use haemong_lib::interpret::{check_endpoint, list_models, Endpoint};

use crate::sse_server::{Reply, Server};

/// Serves one scripted JSON answer to every request (the scripted server of `sse_server.rs`);
/// returns the base URL and the server, which records what it was sent.
async fn server(status: u16, body: &'static str) -> (String, Server) {
    let server = Server::start(vec![Reply::json(status, body)]).await;
    (server.base_url.clone(), server)
}

/// The first request the server saw, as text: head, blank line, body.
fn first_request(server: &Server) -> String {
    let r = &server.requests()[0];
    format!("{}\r\n\r\n{}", r.head, r.body)
}

fn endpoint(base_url: &str, key: Option<&str>) -> Endpoint {
    Endpoint {
        base_url: base_url.into(),
        model: "gpt-test".into(),
        key: key.map(str::to_string),
        local: false,
        local_only: false,
        auth: Default::default(),
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
    let req = first_request(&seen);
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
    assert!(!first_request(&seen)
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
        assert_eq!(err.kind().as_str(), want, "HTTP {status} {body}");
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
    assert_eq!(err.kind(), ErrorKind::Offline, "{err}");

    // A plain HTTP server answers a TLS hello with a plain-text 400, as nginx and others do.
    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = plain.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
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
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
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
    let req = first_request(&seen);
    assert!(req.starts_with("GET /v1/models "), "{req}");
    assert!(req.contains("authorization: Bearer sk-models-1"), "{req}");

    let (url, _) = server(401, r#"{"error":{"code":"invalid_api_key"}}"#).await;
    let err = list_models(&endpoint(&url, None)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::KeyRejected);
    let (url, _) = server(200, "<html>").await;
    assert_eq!(
        list_models(&endpoint(&url, None)).await.unwrap_err().kind(),
        ErrorKind::BadResponse
    );
}

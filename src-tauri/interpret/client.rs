//! The HTTP client for OpenAI-compatible endpoints and the classes of failure a user can act on.
//! Error messages name the HTTP status and our own words, never the key and never the server's
//! text (OpenAI's 401 message quotes part of the key back).

use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result, Upstream};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Endpoint {
    /// Normalised, without a trailing slash (`settings::normalize_base_url`); may carry a query
    /// (Azure's `api-version`), which `url` keeps after the path it adds.
    pub base_url: String,
    pub model: String,
    pub key: Option<String>,
    pub local: bool,
    /// Local-only mode: connections go only to addresses on this computer or its network,
    /// whatever a name resolves to, and never through a proxy.
    pub local_only: bool,
    /// How the key is sent: `Authorization: Bearer` (everyone) or `api-key` (Azure OpenAI).
    pub auth: AuthHeader,
}

pub use crate::settings::AuthHeader;

impl Endpoint {
    /// `{base}/{path}`, with the base URL's query (if any) kept at the end.
    pub fn url(&self, path: &str) -> String {
        match self.base_url.split_once('?') {
            Some((base, query)) => format!("{base}/{path}?{query}"),
            None => format!("{}/{path}", self.base_url),
        }
    }

    /// Adds the key, in the header this endpoint expects.
    pub fn authorize(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match (&self.key, self.auth) {
            (None, _) => req,
            (Some(key), AuthHeader::Bearer) => req.bearer_auth(key),
            (Some(key), AuthHeader::ApiKey) => {
                let mut value = reqwest::header::HeaderValue::from_str(key)
                    .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
                value.set_sensitive(true);
                req.header("api-key", value)
            }
        }
    }
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("key", &self.key.as_ref().map(|_| "<set>"))
            .finish()
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckOk {
    /// The model the server says answered (it may resolve an alias).
    pub model: String,
}

pub fn http_client(timeout: Option<Duration>, local_only: bool) -> Result<reqwest::Client> {
    // Never follow a redirect: reqwest would carry a custom `api-key` header to wherever it
    // points. A redirect is reported instead, so the user can enter the final address.
    let mut b = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none());
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    if local_only {
        // A proxy from the environment could be anywhere; a name could resolve anywhere.
        b = b.no_proxy().dns_resolver(std::sync::Arc::new(LocalOnly));
    }
    b.build()
        .map_err(|e| Error::Internal(format!("http client: {e}")))
}

/// Resolves names as the system does, keeping only addresses on this computer or its network:
/// in local-only mode a name that points elsewhere (or is made to, between two look-ups) is never
/// connected to.
struct LocalOnly;

impl reqwest::dns::Resolve for LocalOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let local: Vec<std::net::SocketAddr> = found
                .filter(|a| crate::settings::is_local_ip(a.ip()))
                .collect();
            if local.is_empty() {
                return Err("local-only mode: the name resolves to no local address".into());
            }
            Ok(Box::new(local.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A one-token, non-streamed completion: proves the address, the key and the model in one request.
pub async fn check_endpoint(ep: &Endpoint) -> Result<CheckOk> {
    if ep.model.trim().is_empty() {
        return Err(Error::Upstream(
            Upstream::ModelNotFound,
            "no model is set".into(),
        ));
    }
    let req = http_client(Some(CHECK_TIMEOUT), ep.local_only)?
        .post(ep.url("chat/completions"))
        .json(&serde_json::json!({
            "model": ep.model,
            "messages": [{ "role": "user", "content": "Reply with OK." }],
            "max_tokens": 1,
            "stream": false,
        }));
    let json = send_for_json(ep, req).await?;
    if json.get("choices").is_none() {
        return Err(Error::Upstream(
            Upstream::BadResponse,
            "the answer is not a chat completion".into(),
        ));
    }
    Ok(CheckOk {
        model: json["model"]
            .as_str()
            .filter(|m| !m.is_empty())
            .unwrap_or(&ep.model)
            .to_string(),
    })
}

/// The model names the endpoint offers (`GET {base}/models`), sorted, at most `MAX_MODELS`; for the
/// settings view's suggestions. A free-text model still works when this fails.
pub async fn list_models(ep: &Endpoint) -> Result<Vec<String>> {
    let req = http_client(Some(MODELS_TIMEOUT), ep.local_only)?.get(ep.url("models"));
    let json = send_for_json(ep, req).await?;
    // OpenAI, OpenRouter, LM Studio and Ollama's /v1 all answer `{ "data": [{ "id": … }] }`.
    let mut models: Vec<String> = json["data"]
        .as_array()
        .ok_or_else(|| Error::Upstream(Upstream::BadResponse, "no model list".into()))?
        .iter()
        .filter_map(|m| m["id"].as_str())
        .filter(|id| !id.is_empty() && id.len() <= 200)
        .map(str::to_string)
        .collect();
    models.sort();
    models.dedup();
    models.truncate(MAX_MODELS);
    Ok(models)
}

pub const MAX_MODELS: usize = 1000;

/// Sends a short request with the key and reads the JSON answer, or the failure class.
async fn send_for_json(ep: &Endpoint, req: reqwest::RequestBuilder) -> Result<serde_json::Value> {
    let resp = ep.authorize(req).send().await.map_err(classify_transport)?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(classify_transport)?;
    if !status.is_success() {
        return Err(classify_status(status.as_u16(), &body));
    }
    serde_json::from_slice(&body)
        .map_err(|_| Error::Upstream(Upstream::BadResponse, "the answer was not JSON".into()))
}
const MODELS_TIMEOUT: Duration = Duration::from_secs(8);

/// Failures before an HTTP status: no server, TLS, time-outs.
pub fn classify_transport(e: reqwest::Error) -> Error {
    let chain = error_chain(&e).to_ascii_lowercase();
    let class = if e.is_timeout() {
        Upstream::Timeout
    } else if chain.contains("certificate")
        || chain.contains("tls")
        || chain.contains("handshake")
        || chain.contains("invalidcontenttype")
        || chain.contains("corrupt message")
    {
        Upstream::Tls
    } else if e.is_connect() || e.is_request() {
        Upstream::Offline
    } else {
        Upstream::BadResponse
    };
    Error::Upstream(class, class.describe().into())
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s.push_str(": ");
        s.push_str(&format!("{inner} {inner:?}"));
        cur = inner.source();
    }
    s
}

/// A non-2xx answer, by status and by the OpenAI error `code`/`type` when the body has one.
pub fn classify_status(status: u16, body: &[u8]) -> Error {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let err = &json["error"];
    let code = [&err["code"], &err["type"]]
        .iter()
        .filter_map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let class = match status {
        401 | 403 => Upstream::KeyRejected,
        404 => Upstream::ModelNotFound,
        402 => Upstream::Quota,
        429 if code.contains("insufficient_quota") => Upstream::Quota,
        429 => Upstream::RateLimited,
        400 if code.contains("model_not_found") => Upstream::ModelNotFound,
        500..=599 => Upstream::Server,
        300..=399 => Upstream::Redirected,
        _ => Upstream::BadResponse,
    };
    Error::Upstream(class, format!("HTTP {status}: {}", class.describe()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn kind(e: Error) -> ErrorKind {
        e.kind()
    }

    #[test]
    fn statuses_map_to_what_the_user_can_do() {
        assert_eq!(kind(classify_status(401, b"{}")), ErrorKind::KeyRejected);
        assert_eq!(kind(classify_status(403, b"")), ErrorKind::KeyRejected);
        assert_eq!(kind(classify_status(404, b"")), ErrorKind::ModelNotFound);
        assert_eq!(
            kind(classify_status(
                429,
                br#"{"error":{"code":"insufficient_quota","type":"insufficient_quota"}}"#
            )),
            ErrorKind::Quota
        );
        assert_eq!(
            kind(classify_status(
                429,
                br#"{"error":{"code":"rate_limit_exceeded"}}"#
            )),
            ErrorKind::RateLimited
        );
        assert_eq!(
            kind(classify_status(
                400,
                br#"{"error":{"code":"model_not_found"}}"#
            )),
            ErrorKind::ModelNotFound
        );
        assert_eq!(kind(classify_status(503, b"<html>")), ErrorKind::Server);
        assert_eq!(kind(classify_status(418, b"")), ErrorKind::BadResponse);
    }

    #[test]
    fn the_servers_words_are_not_repeated() {
        let body = br#"{"error":{"message":"Incorrect API key provided: sk-abc***wxyz","code":"invalid_api_key"}}"#;
        let msg = classify_status(401, body).to_string();
        assert!(!msg.contains("sk-abc"), "{msg}");
    }

    #[test]
    fn debug_output_hides_the_key() {
        let ep = Endpoint {
            base_url: "http://x/v1".into(),
            model: "m".into(),
            key: Some("sk-secret".into()),
            local: false,
            local_only: false,
            auth: AuthHeader::ApiKey,
        };
        assert!(!format!("{ep:?}").contains("sk-secret"));
    }

    #[test]
    fn paths_go_before_the_query() {
        let mut ep = Endpoint {
            base_url: "https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21"
                .into(),
            model: "d".into(),
            key: None,
            local: false,
            local_only: false,
            auth: AuthHeader::ApiKey,
        };
        assert_eq!(
            ep.url("chat/completions"),
            "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
        );
        ep.base_url = "http://localhost:1234/v1".into();
        assert_eq!(ep.url("models"), "http://localhost:1234/v1/models");
        assert_eq!(
            kind(classify_status(307, b"")),
            ErrorKind::Redirected,
            "a redirect is named, not followed"
        );
    }
}

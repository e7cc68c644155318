//! Where interpretations come from: provider presets, interpretation styles, and the base URL
//! normalisation every OpenAI-compatible endpoint gets. Defaults live here, in one place.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    #[default]
    OpenAI,
    OpenRouter,
    Ollama,
    LmStudio,
    /// Azure OpenAI: the deployment's URL (with its `api-version` query, if it needs one) and the
    /// key in an `api-key` header.
    Azure,
    Custom,
}

/// The header the key travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AuthHeader {
    /// `Authorization: Bearer KEY`: OpenAI, OpenRouter, Ollama, LM Studio, most others.
    #[default]
    Bearer,
    /// `api-key: KEY`: Azure OpenAI.
    ApiKey,
}

/// What the settings view shows for a provider.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    pub provider: Provider,
    pub base_url: &'static str,
    pub default_model: &'static str,
    /// Local servers (Ollama, LM Studio) need no key, and nothing leaves the machine.
    pub needs_key: bool,
    pub local: bool,
    pub auth: AuthHeader,
}

pub const PRESETS: [Preset; 6] = [
    Preset {
        provider: Provider::OpenAI,
        base_url: "https://api.openai.com/v1",
        default_model: "gpt-4o-mini",
        needs_key: true,
        local: false,
        auth: AuthHeader::Bearer,
    },
    Preset {
        provider: Provider::OpenRouter,
        base_url: "https://openrouter.ai/api/v1",
        default_model: "openai/gpt-4o-mini",
        needs_key: true,
        local: false,
        auth: AuthHeader::Bearer,
    },
    Preset {
        provider: Provider::Ollama,
        base_url: "http://localhost:11434/v1",
        default_model: "llama3.1",
        needs_key: false,
        local: true,
        auth: AuthHeader::Bearer,
    },
    Preset {
        provider: Provider::LmStudio,
        base_url: "http://localhost:1234/v1",
        default_model: "",
        needs_key: false,
        local: true,
        auth: AuthHeader::Bearer,
    },
    Preset {
        provider: Provider::Azure,
        base_url: "",
        default_model: "",
        needs_key: true,
        local: false,
        auth: AuthHeader::ApiKey,
    },
    Preset {
        provider: Provider::Custom,
        base_url: "",
        default_model: "",
        needs_key: false,
        local: false,
        auth: AuthHeader::Bearer,
    },
];

impl Provider {
    pub fn preset(self) -> &'static Preset {
        PRESETS
            .iter()
            .find(|p| p.provider == self)
            .expect("every provider has a preset")
    }

    /// The keychain account the provider's key is stored under.
    pub fn id(self) -> &'static str {
        match self {
            Provider::OpenAI => "openai",
            Provider::OpenRouter => "openrouter",
            Provider::Ollama => "ollama",
            Provider::LmStudio => "lmstudio",
            Provider::Azure => "azure",
            Provider::Custom => "custom",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// Korean traditional 해몽: 길몽/흉몽, 태몽 and the classic symbol readings.
    #[default]
    Traditional,
    /// Jungian and cognitive readings.
    Psychological,
    /// The user's own system prompt.
    Custom,
}

impl Style {
    /// The name stored with an interpretation (the same as serialized).
    pub fn id(self) -> &'static str {
        match self {
            Style::Traditional => "traditional",
            Style::Psychological => "psychological",
            Style::Custom => "custom",
        }
    }

    /// The style a saved interpretation names; `None` for a name this version does not know.
    pub fn from_id(id: &str) -> Option<Style> {
        [Style::Traditional, Style::Psychological, Style::Custom]
            .into_iter()
            .find(|s| s.id() == id)
    }
}

/// The language of the answer: the dream's own unless the user picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AnswerLanguage {
    #[default]
    Auto,
    Ko,
    En,
}

/// `https://host:port/path` with no trailing slash, and `/v1` added when no path was typed
/// (`http://localhost:11434` → `http://localhost:11434/v1`). Anything but http(s) is refused. A
/// query is kept (Azure's `?api-version=…`); requests put their path before it.
pub fn normalize_base_url(input: &str) -> Result<String> {
    let bad = || Error::InvalidUrl("it must be an http:// or https:// URL".into());
    let trimmed = input.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else if trimmed.is_empty() {
        return Err(bad());
    } else {
        // A bare "localhost:11434" is what people type for a local server.
        format!("http://{trimmed}")
    };
    let mut url = url::Url::parse(&with_scheme).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || !url.host_str().is_some_and(|h| !h.is_empty()) {
        return Err(bad());
    }
    if !url.username().is_empty() || url.password().is_some() {
        // A key belongs in the keychain, not in a URL saved to a settings file.
        return Err(Error::InvalidUrl(
            "put the API key in the key field, not in the address".into(),
        ));
    }
    url.set_fragment(None);
    if url.query().is_some_and(str::is_empty) {
        url.set_query(None);
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(if path.is_empty() { "/v1" } else { &path });
    let s = url.as_str().to_string();
    Ok(match s.split_once('?') {
        Some((base, q)) => format!("{}?{q}", base.trim_end_matches('/')),
        None => s.trim_end_matches('/').to_string(),
    })
}

/// Whether `base_url` points at this computer or the local network: loopback, private and
/// link-local addresses, `localhost`, single-label names and the local-only suffixes.
pub fn is_local_address(base_url: &str) -> bool {
    use std::net::IpAddr;
    let Ok(url) = url::Url::parse(base_url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_local_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_local_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            !name.contains('.')
                || [".localhost", ".local", ".lan", ".home.arpa", ".internal"]
                    .iter()
                    .any(|suffix| name.ends_with(suffix))
        }
        None => false,
    }
}

/// Loopback, private (RFC 1918, IPv6 unique-local), link-local or unspecified.
pub fn is_local_ip(ip: std::net::IpAddr) -> bool {
    match ip {
        // 0.0.0.0 is what Ollama and LM Studio listen on, and what people copy from their logs.
        std::net::IpAddr::V4(v4) => {
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified()
        }
        std::net::IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_local_ip(std::net::IpAddr::V4(v4));
            }
            let seg = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
        }
    }
}

/// Local-only mode's first gate, before anything is looked up: an address that is a local IP, or
/// a name that is local by its form (`localhost`, one label, `.local`, `.lan`, `.home.arpa`,
/// `.internal`). A public-looking name is refused without asking any DNS server about it; a
/// local-looking one must then resolve to local addresses (`interpret::client::LocalOnly`).
pub fn require_local(base_url: &str) -> Result<()> {
    match is_local_address(base_url) {
        true => Ok(()),
        false => Err(Error::NotLocal),
    }
}

/// Refuses plain `http://` to a server outside this computer and network unless the user
/// allowed it explicitly: the key and the dream would cross the internet in clear text.
pub fn require_secure(base_url: &str, allow_insecure: bool) -> Result<()> {
    if allow_insecure || !base_url.starts_with("http://") || is_local_address(base_url) {
        Ok(())
    } else {
        Err(Error::InsecureUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_only_takes_local_addresses_and_names_and_nothing_else() {
        for local in [
            "http://localhost:11434/v1",
            "http://127.0.0.1:1234/v1",
            "http://192.168.0.20:11434/v1",
            "http://10.1.2.3/v1",
            "http://172.16.5.4/v1",
            "http://[::1]:8080/v1",
            "http://[fd00::5]/v1",
            "http://nas.local:11434/v1",
            "http://homeserver/v1",
            "http://box.home.arpa/v1",
        ] {
            assert!(require_local(local).is_ok(), "{local} is local");
        }
        for public in [
            "https://api.openai.com/v1",
            "http://8.8.8.8/v1",
            "http://[2001:db8::1]/v1",
            "https://localhost.example.com/v1",
            "http://172.32.0.1/v1",
            "not a url",
        ] {
            assert!(
                matches!(require_local(public), Err(Error::NotLocal)),
                "{public} is refused"
            );
        }
    }

    #[test]
    fn base_urls_are_normalised() {
        for (typed, want) in [
            ("https://api.openai.com/v1", "https://api.openai.com/v1"),
            ("https://api.openai.com/v1/", "https://api.openai.com/v1"),
            ("https://api.openai.com/v1///", "https://api.openai.com/v1"),
            ("http://localhost:11434", "http://localhost:11434/v1"),
            ("http://localhost:11434/", "http://localhost:11434/v1"),
            ("localhost:1234", "http://localhost:1234/v1"),
            (
                "  https://openrouter.ai/api/v1  ",
                "https://openrouter.ai/api/v1",
            ),
            (
                "https://example.com/openai/deployments/x",
                "https://example.com/openai/deployments/x",
            ),
            ("HTTPS://API.OPENAI.COM/v1", "https://api.openai.com/v1"),
            ("http://[::1]:8080", "http://[::1]:8080/v1"),
            (
                "https://r.openai.azure.com/openai/deployments/d/?api-version=2024-10-21#x",
                "https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21",
            ),
            ("https://h/v1?", "https://h/v1"),
        ] {
            assert_eq!(normalize_base_url(typed).unwrap(), want, "{typed:?}");
        }
    }

    #[test]
    fn non_http_and_credential_urls_are_refused() {
        for bad in [
            "",
            "   ",
            "ftp://x/v1",
            "file:///etc/passwd",
            "http://",
            "javascript:alert(1)",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad:?} is refused");
        }
        let err = normalize_base_url("https://user:sk-secret@api.openai.com/v1").unwrap_err();
        assert!(
            !err.to_string().contains("sk-secret"),
            "the message does not echo it"
        );
    }

    #[test]
    fn plain_http_is_for_this_computer_and_network_only() {
        for local in [
            "http://localhost:11434/v1",
            "http://127.0.0.1:1234/v1",
            "http://[::1]:8080/v1",
            "http://192.168.0.10:11434/v1",
            "http://10.1.2.3/v1",
            "http://172.20.0.1/v1",
            "http://169.254.1.1/v1",
            "http://[fd00::1]/v1",
            "http://nas/v1",
            "http://nas.local:8080/v1",
            "http://box.home.arpa/v1",
            "http://0.0.0.0:11434/v1",
            "http://[::ffff:192.168.1.2]/v1",
        ] {
            assert!(is_local_address(local), "{local} is local");
            assert!(require_secure(local, false).is_ok(), "{local} may use http");
        }
        for remote in [
            "http://api.example.com/v1",
            "http://8.8.8.8/v1",
            "http://172.32.0.1/v1",
            "http://[2001:db8::1]/v1",
            "http://localhost.example.com/v1",
        ] {
            assert!(!is_local_address(remote), "{remote} is not local");
            assert_eq!(
                require_secure(remote, false).unwrap_err().kind(),
                crate::error::ErrorKind::InsecureUrl,
                "{remote} over http is refused"
            );
            assert!(
                require_secure(remote, true).is_ok(),
                "unless explicitly allowed"
            );
            let https = remote.replace("http://", "https://");
            assert!(require_secure(&https, false).is_ok(), "{https} is fine");
        }
    }

    #[test]
    fn every_provider_has_a_preset_and_local_ones_need_no_key() {
        for p in [
            Provider::OpenAI,
            Provider::OpenRouter,
            Provider::Ollama,
            Provider::LmStudio,
            Provider::Azure,
            Provider::Custom,
        ] {
            assert_eq!(p.preset().provider, p);
            if !p.preset().base_url.is_empty() {
                assert_eq!(
                    normalize_base_url(p.preset().base_url).unwrap(),
                    p.preset().base_url,
                    "presets are already normal"
                );
            }
        }
        assert!(!Provider::Ollama.preset().needs_key && Provider::Ollama.preset().local);
        assert!(!Provider::LmStudio.preset().needs_key);
        assert!(Provider::OpenAI.preset().needs_key);
        assert_eq!(
            serde_json::to_string(&Provider::LmStudio).unwrap(),
            "\"lmstudio\""
        );
    }
}

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
    Custom,
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
}

pub const PRESETS: [Preset; 5] = [
    Preset {
        provider: Provider::OpenAI,
        base_url: "https://api.openai.com/v1",
        default_model: "gpt-4o-mini",
        needs_key: true,
        local: false,
    },
    Preset {
        provider: Provider::OpenRouter,
        base_url: "https://openrouter.ai/api/v1",
        default_model: "openai/gpt-4o-mini",
        needs_key: true,
        local: false,
    },
    Preset {
        provider: Provider::Ollama,
        base_url: "http://localhost:11434/v1",
        default_model: "llama3.1",
        needs_key: false,
        local: true,
    },
    Preset {
        provider: Provider::LmStudio,
        base_url: "http://localhost:1234/v1",
        default_model: "",
        needs_key: false,
        local: true,
    },
    Preset {
        provider: Provider::Custom,
        base_url: "",
        default_model: "",
        needs_key: false,
        local: false,
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
/// (`http://localhost:11434` → `http://localhost:11434/v1`). Anything but http(s) is refused.
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
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(if path.is_empty() { "/v1" } else { &path });
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_provider_has_a_preset_and_local_ones_need_no_key() {
        for p in [
            Provider::OpenAI,
            Provider::OpenRouter,
            Provider::Ollama,
            Provider::LmStudio,
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

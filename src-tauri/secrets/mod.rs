//! API keys: kept in the operating system's keychain (Secret Service, Keychain, Credential
//! Manager) or, when the user chooses it because no keychain is available, in memory for this
//! session only. Never in a file, and no function here returns a key to the webview.

pub mod commands;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::error::{Error, Result};

/// The keychain's service name; one account per provider.
pub const SERVICE: &str = "app.haemong.diary";
/// Longer than any real API key by far; refused before it reaches the OS.
pub const MAX_KEY_BYTES: usize = 4096;

/// Where secrets can be kept. The real one is the OS keychain; tests may substitute others.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<String>>;
    fn set(&self, account: &str, secret: &str) -> Result<()>;
    /// Deleting what is not there is not an error.
    fn delete(&self, account: &str) -> Result<()>;
}

/// The OS keychain through the keyring crate, with the platform stores compiled in (see Cargo.toml:
/// without them keyring silently keeps secrets in memory).
pub struct Keychain {
    service: String,
}

impl Keychain {
    pub fn new(service: &str) -> Keychain {
        Keychain {
            service: service.to_string(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, account).map_err(map_keyring)
    }
}

impl SecretStore for Keychain {
    fn get(&self, account: &str) -> Result<Option<String>> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.entry(account)?
            .set_password(secret)
            .map_err(map_keyring)
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

/// keyring's errors, reduced to what the user can act on. `BadEncoding` carries the stored bytes,
/// so no keyring error is ever formatted as a whole.
fn map_keyring(e: keyring::Error) -> Error {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            Error::KeychainUnavailable(inner.to_string())
        }
        keyring::Error::BadEncoding(_) => {
            Error::KeychainUnavailable("the stored key is not valid text".into())
        }
        keyring::Error::TooLong(what, _) => Error::InvalidKey(format!("{what} is too long")),
        keyring::Error::Invalid(what, _) => Error::InvalidKey(format!("{what} is not valid")),
        keyring::Error::Ambiguous(_) => {
            Error::KeychainUnavailable("the keychain holds several keys for this provider".into())
        }
        _ => Error::KeychainUnavailable("the keychain refused the request".into()),
    }
}

/// Keys kept only in this process's memory, for users without a usable keychain who chose it.
#[derive(Default)]
pub struct SessionStore {
    keys: Mutex<HashMap<String, String>>,
}

impl SecretStore for SessionStore {
    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self.lock()?.get(account).cloned())
    }
    fn set(&self, account: &str, secret: &str) -> Result<()> {
        self.lock()?.insert(account.to_string(), secret.to_string());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.lock()?.remove(account);
        Ok(())
    }
}

impl SessionStore {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, String>>> {
        self.keys
            .lock()
            .map_err(|_| Error::Internal("session key store lock poisoned".into()))
    }
}

/// What the webview may know about a provider's key: whether one is stored, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyStatus {
    pub provider: String,
    /// `stored` or `missing`.
    pub state: &'static str,
    /// `keychain`, `session`, or absent when missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<&'static str>,
}

/// The key service: the keychain first, the session store when the user chose it.
#[derive(Clone)]
pub struct Secrets {
    keychain: Arc<dyn SecretStore>,
    session: Arc<SessionStore>,
    /// What the keychain answered per provider. A Secret Service lookup opens a D-Bus session
    /// with a key exchange (tens of milliseconds); the click on "interpret" should not wait for it
    /// every time. Changed only through `set`/`delete`, and dropped by `forget` when a server
    /// rejects the key (it may have been changed in another program).
    cache: Arc<Mutex<HashMap<String, Option<String>>>>,
}

impl Secrets {
    pub fn new(keychain: Arc<dyn SecretStore>) -> Secrets {
        Secrets {
            keychain,
            session: Arc::new(SessionStore::default()),
            cache: Arc::default(),
        }
    }

    pub fn os_keychain() -> Secrets {
        Self::new(Arc::new(Keychain::new(SERVICE)))
    }

    /// Checks and stores `key` for `provider`. With `session_only`, memory only, by the user's choice.
    pub fn set(&self, provider: &str, key: &str, session_only: bool) -> Result<KeyStatus> {
        let provider = check_provider(provider)?;
        let key = check_key(key)?;
        self.forget(provider);
        if session_only {
            self.session.set(provider, key)?;
        } else {
            self.keychain.set(provider, key)?;
            // A keychain key replaces a session one, so there is one truth.
            self.session.delete(provider)?;
        }
        self.status(provider)
    }

    pub fn delete(&self, provider: &str) -> Result<KeyStatus> {
        let provider = check_provider(provider)?;
        self.forget(provider);
        self.session.delete(provider)?;
        self.keychain.delete(provider)?;
        self.status(provider)
    }

    pub fn status(&self, provider: &str) -> Result<KeyStatus> {
        let provider = check_provider(provider)?;
        let location = if self.session.get(provider)?.is_some() {
            Some("session")
        } else if self.keychain.get(provider)?.is_some() {
            Some("keychain")
        } else {
            None
        };
        Ok(KeyStatus {
            provider: provider.to_string(),
            state: if location.is_some() {
                "stored"
            } else {
                "missing"
            },
            location,
        })
    }

    /// The diary database's key (hex) under `account`, from the OS keychain only: never from the
    /// session store, where a key would die with the session and the diary with it.
    pub fn diary_key(&self, account: &str) -> Result<Option<String>> {
        self.keychain.get(account)
    }

    pub fn set_diary_key(&self, account: &str, hex: &str) -> Result<()> {
        self.keychain.set(account, hex)
    }

    /// The key itself, for the backend's own requests only; no command returns it.
    pub fn key(&self, provider: &str) -> Result<Option<String>> {
        let provider = check_provider(provider)?;
        if let Some(k) = self.session.get(provider)? {
            return Ok(Some(k));
        }
        if let Some(known) = self.cached().get(provider) {
            return Ok(known.clone());
        }
        let key = self.keychain.get(provider)?;
        self.cached().insert(provider.to_string(), key.clone());
        Ok(key)
    }

    /// Drops what is remembered of `provider`'s key; the next `key` asks the keychain again.
    pub fn forget(&self, provider: &str) {
        self.cached().remove(provider);
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<String>>> {
        // Only a cache: after a panic elsewhere it is still a map of answers the keychain gave.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn check_provider(provider: &str) -> Result<&str> {
    let ok = !provider.is_empty()
        && provider.len() <= 64
        && provider
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(provider)
    } else {
        Err(Error::InvalidInput("unknown provider".into()))
    }
}

/// Trims the key and refuses what cannot be a key, before it reaches the OS. Messages say why,
/// never what the key was.
pub fn check_key(key: &str) -> Result<&str> {
    let key = key.trim();
    if key.is_empty() {
        return Err(Error::InvalidKey("the key is empty".into()));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(Error::InvalidKey(format!(
            "the key is longer than {MAX_KEY_BYTES} bytes"
        )));
    }
    if key.chars().any(char::is_control) {
        return Err(Error::InvalidKey(
            "the key contains control characters".into(),
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn secrets() -> Secrets {
        Secrets::new(Arc::new(SessionStore::default()))
    }

    #[test]
    fn keys_are_trimmed_and_odd_ones_refused_without_echoing_them() {
        assert_eq!(check_key("  sk-abc \n").unwrap(), "sk-abc");
        for bad in ["", "   ", "sk-a\u{7}b", "sk-\nnew\nline"] {
            let err = check_key(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidKey, "{bad:?} is refused");
        }
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        let err = check_key(&long).unwrap_err();
        assert!(
            !err.to_string().contains("kkkk"),
            "the message does not echo the key"
        );
    }

    #[test]
    fn status_tracks_set_replace_and_delete() {
        let s = secrets();
        assert_eq!(s.status("openai").unwrap().state, "missing");
        assert_eq!(s.set("openai", " sk-one ", false).unwrap().state, "stored");
        assert_eq!(s.key("openai").unwrap().as_deref(), Some("sk-one"));
        s.set("openai", "sk-two", false).unwrap();
        assert_eq!(
            s.key("openai").unwrap().as_deref(),
            Some("sk-two"),
            "replaced"
        );
        assert_eq!(
            s.status("openrouter").unwrap().state,
            "missing",
            "one key per provider"
        );
        assert_eq!(s.delete("openai").unwrap().state, "missing");
        assert_eq!(
            s.delete("openai").unwrap().state,
            "missing",
            "deleting twice is fine"
        );
    }

    #[test]
    fn a_session_only_key_lives_in_memory_and_says_so() {
        let s = secrets();
        let st = s.set("openai", "sk-mem", true).unwrap();
        assert_eq!((st.state, st.location), ("stored", Some("session")));
        assert!(
            s.keychain.get("openai").unwrap().is_none(),
            "a session key never reaches the keychain"
        );
    }

    #[test]
    fn status_never_serializes_the_key() {
        let s = secrets();
        let st = s.set("openai", "sk-CANARY-123", false).unwrap();
        let json = serde_json::to_string(&st).unwrap();
        assert!(!json.contains("CANARY"), "{json}");
    }

    /// A store that counts reads, to see what the cache spares.
    #[derive(Default)]
    struct Counting {
        inner: SessionStore,
        reads: std::sync::atomic::AtomicUsize,
    }

    impl SecretStore for Counting {
        fn get(&self, provider: &str) -> Result<Option<String>> {
            self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.inner.get(provider)
        }
        fn set(&self, provider: &str, key: &str) -> Result<()> {
            self.inner.set(provider, key)
        }
        fn delete(&self, provider: &str) -> Result<()> {
            self.inner.delete(provider)
        }
    }

    #[test]
    fn the_key_is_read_from_the_keychain_once_until_it_changes() {
        let store = Arc::new(Counting::default());
        let s = Secrets::new(store.clone());
        let reads = || store.reads.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(s.key("ollama").unwrap(), None);
        assert_eq!(s.key("ollama").unwrap(), None);
        assert_eq!(reads(), 1, "an absent key is remembered too");
        s.set("ollama", "sk-1", false).unwrap();
        let after_set = reads();
        assert_eq!(
            s.key("ollama").unwrap().as_deref(),
            Some("sk-1"),
            "set replaces it"
        );
        assert_eq!(s.key("ollama").unwrap().as_deref(), Some("sk-1"));
        assert_eq!(reads(), after_set + 1, "read once after the change");
        s.delete("ollama").unwrap();
        assert_eq!(s.key("ollama").unwrap(), None, "delete forgets it");
        store.inner.set("ollama", "sk-elsewhere").unwrap();
        s.forget("ollama");
        assert_eq!(
            s.key("ollama").unwrap().as_deref(),
            Some("sk-elsewhere"),
            "forget asks the keychain again"
        );
    }

    #[test]
    fn provider_names_are_plain_identifiers() {
        assert!(secrets().status("../etc").is_err());
        assert!(secrets().status("").is_err());
    }
}

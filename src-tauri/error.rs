//! One error type for every command, serialized to the webview as `{ kind, message }`.
//!
//! `kind` is a stable machine name the UI translates; `message` is an English fallback for logs and
//! developers. Neither ever carries a dream's text or a secret: only sizes, paths and SQLite's words.

use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the entry is empty")]
    EmptyEntry,
    #[error("the entry is too long ({chars} characters; the limit is {limit})")]
    TooLong { chars: usize, limit: usize },
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("entry {0} does not exist")]
    NotFound(i64),
    #[error("interpretation {0} does not exist or is already in the diary")]
    InterpretationNotFound(i64),
    #[error("a newer search replaced this one")]
    Superseded,
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the keychain is not available: {0}")]
    KeychainUnavailable(String),
    #[error("the API key was refused: {0}")]
    InvalidKey(String),
    #[error("invalid server address: {0}")]
    InvalidUrl(String),
    #[error("no API key is stored for this provider")]
    MissingKey,
    #[error("give either an entry or a text to interpret, not {0}")]
    InvalidTarget(&'static str),
    #[error("the interpretation server: {1}")]
    Upstream(Upstream, String),
    #[error("settings error: {0}")]
    Settings(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable name the UI keys its translated message on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::EmptyEntry => "empty_entry",
            Error::TooLong { .. } => "too_long",
            Error::InvalidInput(_) => "invalid_input",
            Error::NotFound(_) => "not_found",
            Error::InterpretationNotFound(_) => "interpretation_not_found",
            Error::Superseded => "superseded",
            Error::Database(e) if is_busy(e) => "database_busy",
            Error::Database(_) | Error::Migration(_) => "database",
            Error::Io(_) => "io",
            Error::KeychainUnavailable(_) => "keychain_unavailable",
            Error::InvalidKey(_) => "invalid_key",
            Error::InvalidUrl(_) => "invalid_url",
            Error::MissingKey => "missing_key",
            Error::InvalidTarget(_) => "invalid_target",
            Error::Upstream(u, _) => u.kind(),
            Error::Settings(_) => "settings",
            Error::Internal(_) => "internal",
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// What went wrong with the interpretation server, in the terms a user can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upstream {
    KeyRejected,
    ModelNotFound,
    Offline,
    Quota,
    RateLimited,
    Tls,
    Timeout,
    Server,
    BadResponse,
    /// The stream ended (or the connection dropped) before the answer said it was finished.
    CutOff,
}

impl Upstream {
    pub fn kind(self) -> &'static str {
        match self {
            Upstream::KeyRejected => "key_rejected",
            Upstream::ModelNotFound => "model_not_found",
            Upstream::Offline => "offline",
            Upstream::Quota => "quota",
            Upstream::RateLimited => "rate_limited",
            Upstream::Tls => "tls",
            Upstream::Timeout => "timeout",
            Upstream::Server => "server",
            Upstream::BadResponse => "bad_response",
            Upstream::CutOff => "cut_off",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Upstream::KeyRejected => "the API key was rejected",
            Upstream::ModelNotFound => "the model was not found",
            Upstream::Offline => "the server could not be reached",
            Upstream::Quota => "the account's quota is used up",
            Upstream::RateLimited => "too many requests; try again shortly",
            Upstream::Tls => "the secure connection failed",
            Upstream::Timeout => "the server did not answer in time",
            Upstream::Server => "the server had an error",
            Upstream::BadResponse => "the server's answer was not understood",
            Upstream::CutOff => "the answer was cut off",
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Error", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let v = serde_json::to_value(Error::TooLong { chars: 5, limit: 4 }).unwrap();
        assert_eq!(v["kind"], "too_long", "kind is the stable name");
        assert_eq!(
            v["message"], "the entry is too long (5 characters; the limit is 4)",
            "message is the English fallback"
        );
    }
}

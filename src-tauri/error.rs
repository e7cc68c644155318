//! One error type for every command, serialized to the webview as `{ kind, message }`.
//!
//! `kind` is a stable machine name the UI translates; `message` is an English fallback for logs and
//! developers. Neither ever carries a dream's text or a secret: only sizes, paths and SQLite's words.

use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the entry is empty")]
    EmptyEntry,
    #[error("the question is empty")]
    EmptyQuestion,
    #[error("the entry is too long ({chars} characters; the limit is {limit})")]
    TooLong { chars: usize, limit: usize },
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("entry {0} does not exist")]
    NotFound(i64),
    #[error("interpretation {0} does not exist or is already in the diary")]
    InterpretationNotFound(i64),
    #[error("reading {0} was deleted")]
    ReadingNotFound(i64),
    /// The file offered for import is not what it claims (never its content in the message).
    #[error("import refused: {}", .0.message())]
    ImportRefused(ImportProblem),
    #[error("a newer search replaced this one")]
    Superseded,
    #[error("cancelled; nothing was changed")]
    Cancelled,
    /// A file offered as a backup to restore is not a readable Haemong diary.
    #[error("not a usable Haemong diary: {0}")]
    NotADiary(&'static str),
    #[error("another export, import, backup or restore is running")]
    DataBusy,
    #[error("a dream is being interpreted; a restore waits until it has finished")]
    BusyInterpreting,
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("the diary is encrypted and no key in this computer's keychain opens it")]
    DiaryKeyMissing,
    #[error("the diary is locked")]
    Locked,
    #[error("the passphrase does not open the diary")]
    WrongPassphrase,
    #[error("no passphrase is set")]
    NoPassphrase,
    #[error("the file is encrypted with a passphrase; it is needed to import it")]
    PassphraseNeeded,
    #[error("the passphrase does not open this file")]
    WrongFilePassphrase,
    #[error("a passphrase needs {min} to {max} characters")]
    WeakPassphrase { min: usize, max: usize },
    #[error("the keychain is not available: {0}")]
    KeychainUnavailable(String),
    #[error("the API key was refused: {0}")]
    InvalidKey(String),
    #[error("invalid server address: {0}")]
    InvalidUrl(String),
    #[error("no API key is stored for this provider")]
    MissingKey,
    #[error("plain http:// to a server outside this computer or network would expose the key and the dream")]
    InsecureUrl,
    #[error("local-only mode is on: this server is not on this computer or its network")]
    NotLocal,
    #[error("this dream is already being interpreted")]
    AlreadyRunning,
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
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::EmptyEntry => ErrorKind::EmptyEntry,
            Error::EmptyQuestion => ErrorKind::EmptyQuestion,
            Error::TooLong { .. } => ErrorKind::TooLong,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::InterpretationNotFound(_) => ErrorKind::InterpretationNotFound,
            Error::ReadingNotFound(_) => ErrorKind::ReadingNotFound,
            Error::ImportRefused(_) => ErrorKind::ImportRefused,
            Error::Superseded => ErrorKind::Superseded,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::NotADiary(_) => ErrorKind::NotADiary,
            Error::DataBusy => ErrorKind::DataBusy,
            Error::BusyInterpreting => ErrorKind::BusyInterpreting,
            Error::Database(e) if is_busy(e) => ErrorKind::DatabaseBusy,
            Error::Database(_) | Error::Migration(_) => ErrorKind::Database,
            Error::Io(_) => ErrorKind::Io,
            Error::KeychainUnavailable(_) => ErrorKind::KeychainUnavailable,
            Error::DiaryKeyMissing => ErrorKind::DiaryKeyMissing,
            Error::Locked => ErrorKind::Locked,
            Error::WrongPassphrase => ErrorKind::WrongPassphrase,
            Error::NoPassphrase => ErrorKind::NoPassphrase,
            Error::PassphraseNeeded => ErrorKind::PassphraseNeeded,
            Error::WrongFilePassphrase => ErrorKind::WrongFilePassphrase,
            Error::WeakPassphrase { .. } => ErrorKind::WeakPassphrase,
            Error::InvalidKey(_) => ErrorKind::InvalidKey,
            Error::InvalidUrl(_) => ErrorKind::InvalidUrl,
            Error::InsecureUrl => ErrorKind::InsecureUrl,
            Error::NotLocal => ErrorKind::NotLocal,
            Error::MissingKey => ErrorKind::MissingKey,
            Error::InvalidTarget(_) => ErrorKind::InvalidTarget,
            Error::AlreadyRunning => ErrorKind::AlreadyRunning,
            Error::Upstream(u, _) => u.kind(),
            Error::Settings(_) => ErrorKind::Settings,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The figures a translated message needs, as fields (never parsed back out of `message`).
    pub fn details(&self) -> Option<serde_json::Value> {
        match self {
            Error::ImportRefused(p) => Some(serde_json::json!({ "reason": p.as_str() })),
            Error::TooLong { chars, limit } => {
                Some(serde_json::json!({ "chars": chars, "limit": limit }))
            }
            Error::WeakPassphrase { min, max } => {
                Some(serde_json::json!({ "min": min, "max": max }))
            }
            _ => None,
        }
    }
}

/// Why a file offered for import was refused whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProblem {
    TooLarge,
    NotUtf8,
    NotJson,
    NotHaemong,
    Newer,
    Unreadable,
    /// A zip that is broken or cut short.
    BadArchive,
    /// A zip whose paths would leave the folder it is unpacked into (`../`), or a zip bomb.
    UnsafeArchive,
    /// JSON, but no journal format Haemong knows.
    UnknownJournal,
    /// A folder with no Markdown or text notes in it.
    NoNotes,
    /// An age file encrypted to someone's key rather than a passphrase.
    SealedForKey,
    /// An age file that is cut short or was altered.
    Damaged,
    /// An age file whose passphrase would take far longer to check than this computer allows
    /// (age's limit: about 16 times its own one-second target).
    TooCostly,
}

impl ImportProblem {
    /// The name the UI translates (`import.reason.<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportProblem::TooLarge => "too_large",
            ImportProblem::NotUtf8 => "not_utf8",
            ImportProblem::NotJson => "not_json",
            ImportProblem::NotHaemong => "not_haemong",
            ImportProblem::Newer => "newer",
            ImportProblem::Unreadable => "unreadable",
            ImportProblem::BadArchive => "bad_archive",
            ImportProblem::UnsafeArchive => "unsafe_archive",
            ImportProblem::UnknownJournal => "unknown_journal",
            ImportProblem::NoNotes => "no_notes",
            ImportProblem::SealedForKey => "sealed_for_key",
            ImportProblem::Damaged => "damaged",
            ImportProblem::TooCostly => "too_costly",
        }
    }

    /// English, for the command line and logs.
    pub fn message(self) -> &'static str {
        match self {
            ImportProblem::TooLarge => "the file is too large to be a diary export",
            ImportProblem::NotUtf8 => "the file is not UTF-8 text",
            ImportProblem::NotJson => "the file is not valid JSON (broken or cut short)",
            ImportProblem::NotHaemong => "the file is not a Haemong export",
            ImportProblem::Newer => "the file was made by a newer version of Haemong",
            ImportProblem::Unreadable => "the export's entries are not in the expected shape",
            ImportProblem::BadArchive => "the zip file is broken or cut short",
            ImportProblem::UnsafeArchive => {
                "the zip file holds paths outside its folder or is far larger unpacked"
            }
            ImportProblem::UnknownJournal => {
                "the file is JSON but not a Haemong, Day One or jrnl export"
            }
            ImportProblem::NoNotes => "the folder holds no Markdown or text notes",
            ImportProblem::SealedForKey => {
                "the file is encrypted to a key, not with a passphrase Haemong can ask for"
            }
            ImportProblem::Damaged => "the encrypted file is cut short or was altered",
            ImportProblem::TooCostly => {
                "the file's passphrase would take far too long to check on this computer"
            }
        }
    }
}

/// A task on the blocking pool that panicked or was cancelled (the runtime shutting down): one
/// conversion for every `spawn_blocking(…).await?`, which then reads as the work's own result.
impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::Internal(format!("a background task failed: {e}"))
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Every kind of failure the UI tells apart, serialized as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    EmptyEntry,
    EmptyQuestion,
    TooLong,
    InvalidInput,
    NotFound,
    InterpretationNotFound,
    ReadingNotFound,
    ImportRefused,
    Superseded,
    Cancelled,
    NotADiary,
    DataBusy,
    BusyInterpreting,
    DatabaseBusy,
    Database,
    Io,
    KeychainUnavailable,
    DiaryKeyMissing,
    Locked,
    WrongPassphrase,
    NoPassphrase,
    PassphraseNeeded,
    WrongFilePassphrase,
    WeakPassphrase,
    InvalidKey,
    InvalidUrl,
    InsecureUrl,
    NotLocal,
    MissingKey,
    InvalidTarget,
    AlreadyRunning,
    KeyRejected,
    ModelNotFound,
    Offline,
    Quota,
    RateLimited,
    Tls,
    Timeout,
    Server,
    BadResponse,
    CutOff,
    Redirected,
    Settings,
    Internal,
}

impl ErrorKind {
    /// The name the UI keys on, also in logs and the `error_kind` column (serialized as this).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::EmptyEntry => "empty_entry",
            ErrorKind::EmptyQuestion => "empty_question",
            ErrorKind::TooLong => "too_long",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::NotFound => "not_found",
            ErrorKind::InterpretationNotFound => "interpretation_not_found",
            ErrorKind::ReadingNotFound => "reading_not_found",
            ErrorKind::ImportRefused => "import_refused",
            ErrorKind::Superseded => "superseded",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::NotADiary => "not_a_diary",
            ErrorKind::DataBusy => "data_busy",
            ErrorKind::BusyInterpreting => "busy_interpreting",
            ErrorKind::DatabaseBusy => "database_busy",
            ErrorKind::Database => "database",
            ErrorKind::Io => "io",
            ErrorKind::KeychainUnavailable => "keychain_unavailable",
            ErrorKind::DiaryKeyMissing => "diary_key_missing",
            ErrorKind::Locked => "locked",
            ErrorKind::WrongPassphrase => "wrong_passphrase",
            ErrorKind::NoPassphrase => "no_passphrase",
            ErrorKind::PassphraseNeeded => "passphrase_needed",
            ErrorKind::WrongFilePassphrase => "wrong_file_passphrase",
            ErrorKind::WeakPassphrase => "weak_passphrase",
            ErrorKind::InvalidKey => "invalid_key",
            ErrorKind::InvalidUrl => "invalid_url",
            ErrorKind::InsecureUrl => "insecure_url",
            ErrorKind::NotLocal => "not_local",
            ErrorKind::MissingKey => "missing_key",
            ErrorKind::InvalidTarget => "invalid_target",
            ErrorKind::AlreadyRunning => "already_running",
            ErrorKind::KeyRejected => "key_rejected",
            ErrorKind::ModelNotFound => "model_not_found",
            ErrorKind::Offline => "offline",
            ErrorKind::Quota => "quota",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Tls => "tls",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Server => "server",
            ErrorKind::BadResponse => "bad_response",
            ErrorKind::CutOff => "cut_off",
            ErrorKind::Redirected => "redirected",
            ErrorKind::Settings => "settings",
            ErrorKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// The server answered with a redirect: never followed, since the key would go along.
    Redirected,
}

impl Upstream {
    pub fn kind(self) -> ErrorKind {
        match self {
            Upstream::KeyRejected => ErrorKind::KeyRejected,
            Upstream::ModelNotFound => ErrorKind::ModelNotFound,
            Upstream::Offline => ErrorKind::Offline,
            Upstream::Quota => ErrorKind::Quota,
            Upstream::RateLimited => ErrorKind::RateLimited,
            Upstream::Tls => ErrorKind::Tls,
            Upstream::Timeout => ErrorKind::Timeout,
            Upstream::Server => ErrorKind::Server,
            Upstream::BadResponse => ErrorKind::BadResponse,
            Upstream::CutOff => ErrorKind::CutOff,
            Upstream::Redirected => ErrorKind::Redirected,
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
            Upstream::Redirected => "the server redirected the request elsewhere",
        }
    }
}

impl serde::Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let details = self.details();
        let mut st = s.serialize_struct("Error", if details.is_some() { 3 } else { 2 })?;
        st.serialize_field("kind", &self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        if let Some(d) = details {
            st.serialize_field("details", &d)?;
        }
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
        assert_eq!(
            v["details"],
            serde_json::json!({ "chars": 5, "limit": 4 }),
            "the figures travel as fields"
        );
        assert!(
            serde_json::to_value(Error::EmptyEntry)
                .unwrap()
                .get("details")
                .is_none(),
            "no details when there are no figures"
        );
    }

    #[test]
    fn kinds_go_to_the_ui_under_the_names_its_dictionaries_use() {
        // The names in ui/js/i18n/*.js (`error.<kind>`): renaming one here would leave the UI
        // showing a raw key.
        for (k, name) in [
            (ErrorKind::EmptyEntry, "empty_entry"),
            (ErrorKind::EmptyQuestion, "empty_question"),
            (ErrorKind::DatabaseBusy, "database_busy"),
            (
                ErrorKind::InterpretationNotFound,
                "interpretation_not_found",
            ),
            (ErrorKind::ReadingNotFound, "reading_not_found"),
            (ErrorKind::AlreadyRunning, "already_running"),
            (ErrorKind::KeyRejected, "key_rejected"),
            (ErrorKind::Redirected, "redirected"),
            (ErrorKind::InsecureUrl, "insecure_url"),
            (ErrorKind::NotLocal, "not_local"),
            (ErrorKind::Cancelled, "cancelled"),
            (ErrorKind::NotADiary, "not_a_diary"),
            (ErrorKind::DataBusy, "data_busy"),
            (ErrorKind::BusyInterpreting, "busy_interpreting"),
            (ErrorKind::ImportRefused, "import_refused"),
            (ErrorKind::DiaryKeyMissing, "diary_key_missing"),
            (ErrorKind::Locked, "locked"),
            (ErrorKind::WrongPassphrase, "wrong_passphrase"),
            (ErrorKind::NoPassphrase, "no_passphrase"),
            (ErrorKind::PassphraseNeeded, "passphrase_needed"),
            (ErrorKind::WrongFilePassphrase, "wrong_file_passphrase"),
            (ErrorKind::WeakPassphrase, "weak_passphrase"),
        ] {
            assert_eq!(serde_json::to_value(k).unwrap(), name, "{k:?}");
            let dict = include_str!("../ui/js/i18n/en.js");
            assert!(
                dict.contains(&format!("error.{name}")),
                "the English dictionary has error.{name}"
            );
        }
        let dict = include_str!("../ui/js/i18n/en.js");
        for p in [
            ImportProblem::TooLarge,
            ImportProblem::NotUtf8,
            ImportProblem::NotJson,
            ImportProblem::NotHaemong,
            ImportProblem::Newer,
            ImportProblem::Unreadable,
            ImportProblem::BadArchive,
            ImportProblem::UnsafeArchive,
            ImportProblem::UnknownJournal,
            ImportProblem::NoNotes,
            ImportProblem::SealedForKey,
            ImportProblem::Damaged,
            ImportProblem::TooCostly,
        ] {
            let key = format!("import.reason.{}", p.as_str());
            assert!(dict.contains(&key), "the English dictionary has {key}");
        }
    }
}

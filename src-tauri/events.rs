//! Every event the backend sends to a window, with its name and payload, in one place. `ui/js/api.js`
//! is the one place on the other side that knows the same names.
//!
//! `interpret:*` go only to the window that started the stream: `done`, `error` and `stopped` with
//! their payload, `delta` and `reasoning` as a `Doorbell` (the pieces are taken with
//! `interpret_take`, see `interpret::mailbox`); `diary:changed` to every window
//! (the quick window filed an entry); `app:*` to the main window (tray menu and shortcut actions).

use serde::Serialize;

use crate::error::{Error, ErrorKind};

pub const DELTA: &str = "interpret:delta";
/// A reasoning model's thinking, apart from the answer: never sent as `interpret:delta`.
pub const REASONING: &str = "interpret:reasoning";
pub const DONE: &str = "interpret:done";
pub const ERROR: &str = "interpret:error";
pub const STOPPED: &str = "interpret:stopped";
/// An entry was created or changed by another window: `{ entryId }`.
pub const DIARY_CHANGED: &str = "diary:changed";
/// Settings → Data's long work moving on (to the main window).
pub const DATA_PROGRESS: &str = "data:progress";
/// The tray asks the main window to open an entry (`{ entryId }`), start a new one, show a view
/// (`{ view }`), or save and quit.
pub const APP_OPEN_ENTRY: &str = "app:open-entry";
pub const APP_NEW_ENTRY: &str = "app:new-entry";
pub const APP_SHOW_VIEW: &str = "app:show-view";
pub const APP_QUIT_REQUESTED: &str = "app:quit-requested";
/// The tray asks the main window to save what is being typed and lock the diary.
pub const APP_LOCK_REQUESTED: &str = "app:lock-requested";
/// How registering the quick window's global shortcut went (`ShortcutStatus`), to every window,
/// whenever it changes.
pub const SHORTCUT_STATUS: &str = "tray:shortcut";
/// The diary was locked or unlocked, or its passphrase set or removed (`VaultStatus`), to every
/// window.
pub const VAULT_CHANGED: &str = "vault:changed";

/// What a window may know about the diary's protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// The file is encrypted (always, unless there was no keychain to keep a key in).
    pub encrypted: bool,
    /// A passphrase is set: the diary starts locked and can be locked.
    pub passphrase: bool,
    pub locked: bool,
    /// The diary is a file (not the in-memory session a start falls back to when the file cannot
    /// be opened): only then can a passphrase be set.
    pub file: bool,
}

/// Where the global shortcut stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShortcutState {
    /// Being registered (start-up registers it after the first paint).
    Pending,
    Active,
    /// Another program holds it.
    Taken,
    /// Not a key combination.
    Invalid,
    /// This desktop has no global shortcuts for apps (Wayland).
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortcutStatus {
    pub state: ShortcutState,
    pub shortcut: String,
}

impl ShortcutStatus {
    pub fn new(state: ShortcutState, shortcut: &str) -> ShortcutStatus {
        ShortcutStatus {
            state,
            shortcut: shortcut.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryChanged {
    pub entry_id: i64,
}

/// How far an export, import, backup or restore is (`done` of `total` steps: entries or pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataProgress {
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShowView {
    pub view: String,
}

/// Token counts, when the provider reports them (`stream_options.include_usage`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub total_tokens: Option<u64>,
}

/// One piece of the answer. `seq` counts from 0 without gaps within a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delta {
    pub request_id: u64,
    pub seq: u64,
    pub text: String,
}

/// One piece of reasoning. `seq` counts from 0 without gaps within a request, apart from the
/// answer's. `movedFromAnswer`: the answer shown so far was reasoning after all (a `</think>` with
/// no `<think>`); the window moves it here, then appends `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reasoning {
    pub request_id: u64,
    pub seq: u64,
    pub text: String,
    pub moved_from_answer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Done {
    pub request_id: u64,
    /// The provider's `finish_reason` (`stop`, `length`, `content_filter`, …), or `answer_too_long`
    /// when Haemong cut an answer that exceeded its size limit.
    pub finish_reason: String,
    /// The answer did not end on its own: `length`, `answer_too_long`.
    pub truncated: bool,
    /// The model thought but wrote no answer (often: its whole length budget went on thinking).
    pub thinking_only: bool,
    pub usage: Option<Usage>,
    /// The saved row; `None` if it could not be saved (for example, the entry was deleted). For a
    /// follow-up: the interpretation whose thread the answer joined.
    pub interpretation_id: Option<i64>,
    /// A follow-up's saved answer (`messages` row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failed {
    pub request_id: u64,
    /// The stable name the UI translates (`key_rejected`, `cut_off`, `timeout`, …).
    pub kind: ErrorKind,
    /// English fallback; never the key, the dream or the server's own words.
    pub message: String,
    /// The figures the translated message needs, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    pub interpretation_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stopped {
    pub request_id: u64,
    pub interpretation_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<i64>,
}

/// What a run saved: its interpretation, and for a follow-up the answer's row in the thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Saved {
    pub interpretation_id: Option<i64>,
    pub message_id: Option<i64>,
}

/// What a streamed piece rings the window with (`interpret:delta`, `interpret:reasoning`): the
/// same for the whole run, so WebKit sees one script per run, not one per delta
/// (`interpret::mailbox`). The piece itself is taken with `interpret_take`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Doorbell {
    pub request_id: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum InterpretEvent {
    Delta(Delta),
    Reasoning(Reasoning),
    Done(Done),
    Error(Failed),
    Stopped(Stopped),
}

impl InterpretEvent {
    pub fn name(&self) -> &'static str {
        match self {
            InterpretEvent::Delta(_) => DELTA,
            InterpretEvent::Reasoning(_) => REASONING,
            InterpretEvent::Done(_) => DONE,
            InterpretEvent::Error(_) => ERROR,
            InterpretEvent::Stopped(_) => STOPPED,
        }
    }

    /// The run's last event: `done`, `error` or `stopped`.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            InterpretEvent::Done(_) | InterpretEvent::Error(_) | InterpretEvent::Stopped(_)
        )
    }

    pub fn request_id(&self) -> u64 {
        match self {
            InterpretEvent::Delta(d) => d.request_id,
            InterpretEvent::Reasoning(r) => r.request_id,
            InterpretEvent::Done(d) => d.request_id,
            InterpretEvent::Error(e) => e.request_id,
            InterpretEvent::Stopped(s) => s.request_id,
        }
    }

    pub fn failed(request_id: u64, error: &Error, saved: Saved) -> InterpretEvent {
        InterpretEvent::Error(Failed {
            request_id,
            kind: error.kind(),
            message: error.to_string(),
            details: error.details(),
            interpretation_id: saved.interpretation_id,
            message_id: saved.message_id,
        })
    }
}

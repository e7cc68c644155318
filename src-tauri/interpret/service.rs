//! The interpretations in flight: starts each stream in its own task, numbers its deltas, saves the
//! row at the end, and stops one on request. Several run at once (main and quick window), each on
//! its own cancellation token; the events go to whatever sink the caller gave (a window, a Vec).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::prompt;
use super::runner::{self, Limits, Outcome, ANSWER_TOO_LONG};
use super::store::{self, NewInterpretation, Status};
use crate::diary::{now_ms, repo, Diary};
use crate::error::{Error, Result};
use crate::events::{Delta, Done, InterpretEvent, Stopped};
use crate::secrets::Secrets;
use crate::settings::{Settings, Style};

/// The longest dream sent for interpretation. Far above any real dream, far below what would make a
/// request fail obscurely at the provider.
pub const MAX_DREAM_CHARS: usize = 50_000;

/// What the webview asks for: exactly one of `entry_id` and `content`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    #[serde(default)]
    pub entry_id: Option<i64>,
    #[serde(default)]
    pub content: Option<String>,
    /// Overrides the style in the settings for this one interpretation.
    #[serde(default)]
    pub style: Option<Style>,
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    pub request_id: u64,
}

pub type Sink = Arc<dyn Fn(InterpretEvent) + Send + Sync>;

pub struct Interpreter {
    diary: Diary,
    client: reqwest::Client,
    running: Arc<Mutex<HashMap<u64, CancellationToken>>>,
    next_id: AtomicU64,
}

impl Interpreter {
    pub fn new(diary: Diary) -> Result<Interpreter> {
        // No total time-out: a healthy stream may take minutes. The runner times each wait instead.
        Ok(Interpreter {
            diary,
            client: super::client::http_client(None)?,
            running: Arc::default(),
            next_id: AtomicU64::new(1),
        })
    }

    /// Checks the request, then runs the stream in a task and returns its id at once. Errors that
    /// need no server (no key, empty dream, unknown entry) are returned here, immediately.
    pub async fn start(
        &self,
        settings: Settings,
        secrets: &Secrets,
        request: StartRequest,
        sink: Sink,
    ) -> Result<Started> {
        let (entry_id, dream_text, adhoc) = match (request.entry_id, request.content) {
            (Some(_), Some(_)) => return Err(Error::InvalidTarget("both")),
            (None, None) => return Err(Error::InvalidTarget("neither")),
            (Some(id), None) => {
                let entry = self.diary.call(move |c| repo::get(c, id)).await?;
                (
                    Some(id),
                    prompt::dream_message(&entry.title, &entry.body),
                    None,
                )
            }
            (None, Some(content)) => {
                let text = prompt::dream_message("", &content);
                (None, text, Some(content))
            }
        };
        if dream_text.trim().is_empty() {
            return Err(Error::EmptyEntry);
        }
        let chars = dream_text.chars().count();
        if chars > MAX_DREAM_CHARS {
            return Err(Error::TooLong {
                chars,
                limit: MAX_DREAM_CHARS,
            });
        }
        let endpoint = super::endpoint_from(&settings, secrets).await?;
        let preset = settings.provider.preset();
        if preset.needs_key && endpoint.key.is_none() {
            return Err(Error::MissingKey);
        }
        if endpoint.model.is_empty() {
            return Err(Error::Upstream(
                crate::error::Upstream::ModelNotFound,
                "no model is set".into(),
            ));
        }
        let style = request.style.unwrap_or(settings.style);
        let system =
            prompt::system_prompt(style, &settings.custom_prompt, settings.answer_language);
        // Only the big hosted APIs are known to accept `stream_options`.
        let include_usage = matches!(
            settings.provider,
            crate::settings::Provider::OpenAI | crate::settings::Provider::OpenRouter
        );
        let body = prompt::request_body(&endpoint.model, &system, &dream_text, include_usage);
        let limits =
            Limits::for_provider(preset.local, settings.timeout_secs, settings.max_answer_kb);

        let request_id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let cancel = CancellationToken::new();
        lock(&self.running).insert(request_id, cancel.clone());
        let row = NewInterpretation {
            entry_id,
            dream: adhoc,
            style: serde_json::to_value(style)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            provider: settings.provider.id().to_string(),
            model: endpoint.model.clone(),
            text: String::new(),
            status: Status::Error,
            finish_reason: None,
            error_kind: None,
            usage: None,
            started_at: now_ms(),
            finished_at: 0,
        };
        let (client, diary, running) = (
            self.client.clone(),
            self.diary.clone(),
            self.running.clone(),
        );
        let secrets = secrets.clone();
        tokio::spawn(async move {
            let mut row = row;
            let mut seq = 0u64;
            let outcome =
                runner::stream_completion(&client, &endpoint, &body, &limits, &cancel, |text| {
                    row.text.push_str(text);
                    sink(InterpretEvent::Delta(Delta {
                        request_id,
                        seq,
                        text: text.to_string(),
                    }));
                    seq += 1;
                })
                .await;
            row.finished_at = now_ms();
            match &outcome {
                Outcome::Done {
                    finish_reason,
                    usage,
                } => {
                    row.status = if is_truncation(finish_reason) {
                        Status::Truncated
                    } else {
                        Status::Complete
                    };
                    row.finish_reason = Some(finish_reason.clone());
                    row.usage = *usage;
                }
                Outcome::Stopped => row.status = Status::Stopped,
                Outcome::Failed(e) => {
                    row.status = Status::Error;
                    row.error_kind = Some(e.kind().to_string());
                    if e.kind() == "key_rejected" {
                        // Perhaps changed in another program: read it afresh next time.
                        secrets.forget(&row.provider);
                    }
                }
            }
            // A failure before any text leaves nothing worth keeping in the history.
            let keep = !(row.status == Status::Error && row.text.is_empty());
            let saved = if keep {
                let r = row.clone();
                match diary.call(move |c| store::insert(c, &r)).await {
                    Ok(id) => id,
                    Err(e) => {
                        log::error!("interpretation {request_id} not saved: {}", e.kind());
                        None
                    }
                }
            } else {
                None
            };
            lock(&running).remove(&request_id);
            sink(match outcome {
                Outcome::Done {
                    finish_reason,
                    usage,
                } => InterpretEvent::Done(Done {
                    request_id,
                    truncated: is_truncation(&finish_reason),
                    finish_reason,
                    usage,
                    interpretation_id: saved,
                }),
                Outcome::Stopped => InterpretEvent::Stopped(Stopped {
                    request_id,
                    interpretation_id: saved,
                }),
                Outcome::Failed(e) => InterpretEvent::failed(request_id, &e, saved),
            });
        });
        Ok(Started { request_id })
    }

    /// Stops a running interpretation; its partial text is kept. `false` if it had already ended.
    pub fn stop(&self, request_id: u64) -> bool {
        match lock(&self.running).get(&request_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    pub async fn history(&self, entry_id: i64) -> Result<Vec<store::Interpretation>> {
        self.diary
            .call(move |c| store::for_entry(c, entry_id))
            .await
    }
}

fn is_truncation(finish_reason: &str) -> bool {
    finish_reason == "length" || finish_reason == ANSWER_TOO_LONG
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The map only holds tokens; a panic elsewhere cannot leave it inconsistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

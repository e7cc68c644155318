//! The interpretations in flight: starts each stream in its own task, numbers its deltas, saves the
//! row at the end, and stops one on request, or all of a closed window's, or all before the app
//! exits. Several run at once (main and quick window, different entries), each on its own
//! cancellation token, but never two for one entry; the events go to whatever sink the caller gave
//! (a window, a Vec).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::prompt;
use super::runner::{self, Limits, Outcome, Piece, ANSWER_TOO_LONG};
use super::Endpoint;
use crate::db::interpretations::{self as store, NewInterpretation, Status};
use crate::db::messages;
use crate::db::{entries as repo, Database};
use crate::diary::now_ms;
use crate::error::{Error, ErrorKind, Result};
use crate::events::{Delta, Done, InterpretEvent, Reasoning, Saved, Stopped};
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

/// A follow-up question about a saved interpretation (`interpretationId`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpRequest {
    pub interpretation_id: i64,
    pub question: String,
}

/// The longest follow-up question sent.
pub const MAX_QUESTION_CHARS: usize = 20_000;
/// The request size a thread is kept within when the settings say 0 (characters: about 8,000
/// tokens of Korean or English, well inside every current model's context).
pub const DEFAULT_THREAD_BUDGET_CHARS: usize = 24_000;

#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    pub request_id: u64,
    /// A follow-up's oldest turns left out of the request to stay within the budget.
    pub omitted_turns: usize,
}

/// What a run must not overlap with: an entry (its interpretations and their threads), or an
/// ad-hoc interpretation's thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunKey {
    Entry(i64),
    Adhoc(i64),
}

/// Where a run's text is saved when it ends.
enum Target {
    Interpretation,
    Thread {
        interpretation_id: i64,
        question: String,
    },
}

/// Everything a run needs once the request is known to be sendable.
struct Launch {
    endpoint: Endpoint,
    body: serde_json::Value,
    limits: Limits,
    key: Option<RunKey>,
    row: NewInterpretation,
    target: Target,
    omitted: usize,
}

pub type Sink = Arc<dyn Fn(InterpretEvent) + Send + Sync>;

/// One stream in flight.
struct Run {
    cancel: CancellationToken,
    /// At most one run per entry (or ad-hoc thread): a second click, key press or window cannot
    /// interleave answers.
    key: Option<RunKey>,
    /// The window that asked (its label): closing or reloading it stops the stream.
    owner: String,
}

pub struct Interpreter {
    db: Database,
    client: reqwest::Client,
    /// The same, for local-only mode (`client::http_client`'s `local_only`).
    local_client: reqwest::Client,
    running: Arc<Mutex<HashMap<u64, Run>>>,
    /// Woken each time a run has saved its row and left `running` (for `shutdown`).
    finished: Arc<tokio::sync::Notify>,
    /// Set by `shutdown`: a start still on its way in is refused rather than left unstopped.
    closing: std::sync::atomic::AtomicBool,
    next_id: AtomicU64,
}

impl Interpreter {
    pub fn new(db: Database) -> Result<Interpreter> {
        // No total time-out: a healthy stream may take minutes. The runner times each wait instead.
        Ok(Interpreter {
            db,
            client: super::client::http_client(None, false)?,
            local_client: super::client::http_client(None, true)?,
            running: Arc::default(),
            finished: Arc::default(),
            closing: Default::default(),
            next_id: AtomicU64::new(1),
        })
    }

    /// Checks the request, then runs the stream in a task and returns its id at once. Errors that
    /// need no server (no key, empty dream, unknown entry, already running) are returned here.
    /// `owner` is the label of the window the events go to.
    pub async fn start(
        &self,
        settings: Settings,
        secrets: &Secrets,
        request: StartRequest,
        owner: &str,
        sink: Sink,
    ) -> Result<Started> {
        let (entry_id, dream_text, adhoc) = match (request.entry_id, request.content) {
            (Some(_), Some(_)) => return Err(Error::InvalidTarget("both")),
            (None, None) => return Err(Error::InvalidTarget("neither")),
            (Some(id), None) => {
                self.refuse_if_running(RunKey::Entry(id))?;
                let entry = self.db.call(move |c| repo::get(c, id)).await?;
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
        check_dream(&dream_text)?;
        let endpoint = usable_endpoint(&settings, secrets).await?;
        let style = request.style.unwrap_or(settings.style);
        let system = prompt::with_symbols(
            prompt::system_prompt(style, &settings.custom_prompt, settings.answer_language),
            &crate::symbols::prompt_note(&dream_text),
        );
        let body = prompt::request_body(
            &endpoint.model,
            &system,
            &dream_text,
            include_usage(&settings),
        );
        let row = new_row(&settings, &endpoint, style, entry_id, adhoc);
        let launch = Launch {
            limits: limits(&settings),
            endpoint,
            body,
            key: entry_id.map(RunKey::Entry),
            row,
            target: Target::Interpretation,
            omitted: 0,
        };
        self.launch(launch, secrets, owner, sink)
    }

    /// Asks a follow-up question about a saved interpretation: the request holds the style's
    /// prompt, the dream as saved now, the interpretation, the thread's earlier turns (the oldest
    /// left out beyond the budget) and the question. The answer streams like an interpretation and
    /// joins the thread, with the question, when it ends.
    pub async fn follow_up(
        &self,
        settings: Settings,
        secrets: &Secrets,
        request: FollowUpRequest,
        owner: &str,
        sink: Sink,
    ) -> Result<Started> {
        let question = request.question.trim().to_string();
        if question.is_empty() {
            return Err(Error::EmptyQuestion);
        }
        let chars = question.chars().count();
        if chars > MAX_QUESTION_CHARS {
            return Err(Error::TooLong {
                chars,
                limit: MAX_QUESTION_CHARS,
            });
        }
        let id = request.interpretation_id;
        let (interpretation, entry) = self
            .db
            .call(move |c| {
                let i = store::get(c, id)?.ok_or(Error::ReadingNotFound(id))?;
                let entry = match i.entry_id {
                    Some(e) => Some(repo::get(c, e)?),
                    None => None,
                };
                Ok((i, entry))
            })
            .await?;
        let key = match interpretation.entry_id {
            Some(e) => RunKey::Entry(e),
            None => RunKey::Adhoc(id),
        };
        self.refuse_if_running(key)?;
        let dream = match &entry {
            Some(e) => prompt::dream_message(&e.title, &e.body),
            None => prompt::dream_message("", interpretation.dream.as_deref().unwrap_or("")),
        };
        check_dream(&dream)?;
        let endpoint = usable_endpoint(&settings, secrets).await?;
        let style = Style::from_id(&interpretation.style).unwrap_or(settings.style);
        let system = format!(
            "{}\n\n{}",
            prompt::with_symbols(
                prompt::system_prompt(style, &settings.custom_prompt, settings.answer_language),
                &crate::symbols::prompt_note(&dream),
            ),
            prompt::FOLLOW_UP_NOTE
        );
        let turns = turns_of(&interpretation.thread);
        let budget = match settings.thread_budget_chars {
            0 => DEFAULT_THREAD_BUDGET_CHARS,
            n => n as usize,
        };
        let thread = prompt::follow_up_thread(
            &system,
            &dream,
            &interpretation.text,
            &turns,
            &question,
            budget,
        );
        let messages: Vec<(&str, &str)> = thread
            .messages
            .iter()
            .map(|(r, c)| (*r, c.as_str()))
            .collect();
        let body = prompt::chat_body(&endpoint.model, &messages, include_usage(&settings));
        let row = new_row(&settings, &endpoint, style, interpretation.entry_id, None);
        let launch = Launch {
            limits: limits(&settings),
            endpoint,
            body,
            key: Some(key),
            row,
            target: Target::Thread {
                interpretation_id: id,
                question,
            },
            omitted: thread.omitted,
        };
        self.launch(launch, secrets, owner, sink)
    }

    /// Registers the run and streams it in its own task; saves what arrived when it ends.
    fn launch(
        &self,
        launch: Launch,
        secrets: &Secrets,
        owner: &str,
        sink: Sink,
    ) -> Result<Started> {
        let Launch {
            endpoint,
            body,
            limits,
            key,
            row,
            target,
            omitted,
        } = launch;
        let request_id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let cancel = CancellationToken::new();
        {
            // Checked again under the same lock that registers the run: two starts racing past
            // the first check cannot both get in.
            let mut running = lock(&self.running);
            if self.closing.load(Ordering::SeqCst) {
                return Err(Error::Internal("the app is quitting".into()));
            }
            if key.is_some() && running.values().any(|r| r.key == key) {
                return Err(Error::AlreadyRunning);
            }
            running.insert(
                request_id,
                Run {
                    cancel: cancel.clone(),
                    key,
                    owner: owner.to_string(),
                },
            );
        }
        let client = match endpoint.local_only {
            true => &self.local_client,
            false => &self.client,
        };
        let (client, db, running, finished) = (
            client.clone(),
            self.db.clone(),
            self.running.clone(),
            self.finished.clone(),
        );
        let secrets = secrets.clone();
        tokio::spawn(async move {
            // Whatever happens in this task (a panic included), the run leaves `running` and the
            // window hears that it ended: the entry is never stuck as "already running" or as
            // streaming on screen, and `shutdown` never waits in vain.
            let mut leave = Leave {
                running: running.clone(),
                finished: finished.clone(),
                request_id,
                sink: sink.clone(),
                told: false,
            };
            let mut record = Record::new(request_id, row);
            let outcome =
                runner::stream_completion(&client, &endpoint, &body, &limits, &cancel, |piece| {
                    if let Some(ev) = record.take(piece) {
                        sink(ev);
                    }
                })
                .await;
            if matches!(&outcome, Outcome::Failed(e) if e.kind() == ErrorKind::KeyRejected) {
                // Perhaps changed in another program: read it afresh next time.
                secrets.forget(&record.row.provider);
            }
            let (row, event) = record.conclude(outcome);
            let saved = match row {
                Some(row) => save(&db, row, target).await.unwrap_or_else(|e| {
                    log::error!("interpretation {request_id} not saved: {}", e.kind());
                    Saved::default()
                }),
                None => Saved::default(),
            };
            lock(&running).remove(&request_id);
            finished.notify_waiters();
            sink(event(saved));
            leave.told = true;
        });
        Ok(Started {
            request_id,
            omitted_turns: omitted,
        })
    }

    /// Whether a question about the ad-hoc reading `interpretation_id` is being answered (it
    /// must not be filed into the diary meanwhile: the answer would join a thread that moved).
    pub fn answering_adhoc(&self, interpretation_id: i64) -> bool {
        self.busy(RunKey::Adhoc(interpretation_id))
    }

    fn busy(&self, key: RunKey) -> bool {
        lock(&self.running).values().any(|r| r.key == Some(key))
    }

    fn refuse_if_running(&self, key: RunKey) -> Result<()> {
        if self.busy(key) {
            return Err(Error::AlreadyRunning);
        }
        Ok(())
    }

    /// Stops a running interpretation; its partial text is kept. `false` if it had already ended.
    pub fn stop(&self, request_id: u64) -> bool {
        match lock(&self.running).get(&request_id) {
            Some(run) => {
                run.cancel.cancel();
                true
            }
            None => false,
        }
    }

    /// Stops every stream the window `owner` started (it was closed or reloaded): no one would
    /// read the rest, and the provider stops generating (and billing) at once.
    pub fn stop_owned_by(&self, owner: &str) -> usize {
        let running = lock(&self.running);
        let mine: Vec<_> = running.values().filter(|r| r.owner == owner).collect();
        mine.iter().for_each(|r| r.cancel.cancel());
        mine.len()
    }

    /// The ids of the streams running now.
    pub fn running(&self) -> Vec<u64> {
        lock(&self.running).keys().copied().collect()
    }

    /// Before the app exits: stops every stream and waits (at most `grace`) until each has saved
    /// what arrived as `stopped`. `true` if all of them made it.
    pub async fn shutdown(&self, grace: std::time::Duration) -> bool {
        {
            // Under the lock `start` registers with: after this, no run can slip in unseen.
            let _running = lock(&self.running);
            self.closing.store(true, Ordering::SeqCst);
        }
        self.stop_all(grace).await
    }

    /// Stops every stream and waits (at most `grace`) until each has saved what arrived as
    /// `stopped` (before the diary is locked: nothing could be saved after). `true` if all did.
    pub async fn stop_all(&self, grace: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + grace;
        loop {
            let notified = self.finished.notified();
            {
                let running = lock(&self.running);
                if running.is_empty() {
                    return true;
                }
                running.values().for_each(|r| r.cancel.cancel());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return lock(&self.running).is_empty();
            }
        }
    }

    pub async fn history(&self, entry_id: i64) -> Result<Vec<store::Interpretation>> {
        self.db.call(move |c| store::for_entry(c, entry_id)).await
    }

    /// The quick window's interpretations not filed into the diary, newest first.
    pub async fn adhoc(&self) -> Result<Vec<store::Interpretation>> {
        self.db.call(|c| store::adhoc(c, 500)).await
    }

    pub async fn get(&self, id: i64) -> Result<store::Interpretation> {
        self.db
            .call(move |c| store::get(c, id))
            .await?
            .ok_or(Error::InterpretationNotFound(id))
    }

    pub async fn delete(&self, id: i64) -> Result<()> {
        match self.db.call(move |c| store::delete(c, id)).await? {
            true => Ok(()),
            false => Err(Error::InterpretationNotFound(id)),
        }
    }
}

/// A dream is sent only when it has words and is not absurdly long (an entry may have been emptied
/// or grown since its reading).
fn check_dream(dream: &str) -> Result<()> {
    if dream.trim().is_empty() {
        return Err(Error::EmptyEntry);
    }
    let chars = dream.chars().count();
    if chars > MAX_DREAM_CHARS {
        return Err(Error::TooLong {
            chars,
            limit: MAX_DREAM_CHARS,
        });
    }
    Ok(())
}

/// The saved endpoint, refused before any connection when it cannot work (no key, no model).
async fn usable_endpoint(settings: &Settings, secrets: &Secrets) -> Result<Endpoint> {
    let endpoint = super::endpoint_from(settings, secrets).await?;
    if settings.provider.preset().needs_key && endpoint.key.is_none() {
        return Err(Error::MissingKey);
    }
    if endpoint.model.is_empty() {
        return Err(Error::Upstream(
            crate::error::Upstream::ModelNotFound,
            "no model is set".into(),
        ));
    }
    Ok(endpoint)
}

/// Only the big hosted APIs are known to accept `stream_options`.
fn include_usage(settings: &Settings) -> bool {
    matches!(
        settings.provider,
        crate::settings::Provider::OpenAI | crate::settings::Provider::OpenRouter
    )
}

fn limits(settings: &Settings) -> Limits {
    let local = settings.provider.preset().local;
    Limits::for_provider(local, settings.timeout_secs, settings.max_answer_kb)
}

/// The row a run fills as it streams (an interpretation, or a follow-up's answer).
fn new_row(
    settings: &Settings,
    endpoint: &Endpoint,
    style: Style,
    entry_id: Option<i64>,
    dream: Option<String>,
) -> NewInterpretation {
    NewInterpretation {
        entry_id,
        dream,
        style: style.id().to_string(),
        provider: settings.provider.id().to_string(),
        model: endpoint.model.clone(),
        text: String::new(),
        reasoning: String::new(),
        status: Status::Error,
        finish_reason: None,
        error_kind: None,
        usage: None,
        started_at: now_ms(),
        finished_at: 0,
    }
}

/// A thread's saved turns as question/answer pairs, in order.
fn turns_of(thread: &[messages::Message]) -> Vec<prompt::Turn> {
    let mut turns = Vec::new();
    let mut question: Option<&str> = None;
    for m in thread {
        match m.role {
            messages::Role::User => question = Some(&m.text),
            messages::Role::Assistant => turns.push(prompt::Turn {
                question: question.take().unwrap_or_default().to_string(),
                answer: m.text.clone(),
            }),
        }
    }
    turns
}

async fn save(db: &Database, row: NewInterpretation, target: Target) -> Result<Saved> {
    match target {
        Target::Interpretation => Ok(Saved {
            interpretation_id: db.call(move |c| store::insert(c, &row)).await?,
            message_id: None,
        }),
        Target::Thread {
            interpretation_id,
            question,
        } => {
            let ids = db
                .call(move |c| messages::insert_exchange(c, interpretation_id, &question, &row))
                .await?;
            Ok(match ids {
                Some((_, answer)) => Saved {
                    interpretation_id: Some(interpretation_id),
                    message_id: Some(answer),
                },
                None => Saved::default(),
            })
        }
    }
}

/// Takes a run out of `running` when its task ends, however it ends.
struct Leave {
    running: Arc<Mutex<HashMap<u64, Run>>>,
    finished: Arc<tokio::sync::Notify>,
    request_id: u64,
    sink: Sink,
    /// The terminal event went out.
    told: bool,
}

impl Drop for Leave {
    fn drop(&mut self) {
        if lock(&self.running).remove(&self.request_id).is_some() {
            self.finished.notify_waiters();
        }
        if !self.told {
            let gone = Error::Internal("the interpretation ended unexpectedly".into());
            (self.sink)(InterpretEvent::failed(
                self.request_id,
                &gone,
                Saved::default(),
            ));
        }
    }
}

/// One run's text as it grows, the numbering of its events, and how it concludes: the one place
/// that decides what a stream's end means for the row and for the window.
struct Record {
    request_id: u64,
    row: NewInterpretation,
    answer_seq: u64,
    reasoning_seq: u64,
}

type Terminal = Box<dyn FnOnce(Saved) -> InterpretEvent + Send>;

impl Record {
    fn new(request_id: u64, row: NewInterpretation) -> Record {
        Record {
            request_id,
            row,
            answer_seq: 0,
            reasoning_seq: 0,
        }
    }

    /// Keeps a piece and returns the event that shows it.
    fn take(&mut self, piece: Piece<'_>) -> Option<InterpretEvent> {
        let request_id = self.request_id;
        match piece {
            Piece::Answer(text) => {
                self.row.text.push_str(text);
                self.answer_seq += 1;
                Some(InterpretEvent::Delta(Delta {
                    request_id,
                    seq: self.answer_seq - 1,
                    text: text.to_string(),
                }))
            }
            Piece::Reasoning(text) => {
                self.row.reasoning.push_str(text);
                self.reasoning_seq += 1;
                Some(InterpretEvent::Reasoning(Reasoning {
                    request_id,
                    seq: self.reasoning_seq - 1,
                    text: text.to_string(),
                    moved_from_answer: false,
                }))
            }
            Piece::AnswerWasReasoning => {
                let moved = std::mem::take(&mut self.row.text);
                self.row.reasoning.push_str(&moved);
                self.reasoning_seq += 1;
                Some(InterpretEvent::Reasoning(Reasoning {
                    request_id,
                    seq: self.reasoning_seq - 1,
                    text: String::new(),
                    moved_from_answer: true,
                }))
            }
        }
    }

    /// The row to save (none when nothing arrived worth keeping) and the terminal event, which
    /// names the saved row's id once it is known.
    fn conclude(mut self, outcome: Outcome) -> (Option<NewInterpretation>, Terminal) {
        let row = &mut self.row;
        row.finished_at = now_ms();
        let request_id = self.request_id;
        let nothing = row.text.is_empty() && row.reasoning.is_empty();
        let thinking_only = row.text.is_empty() && !row.reasoning.is_empty();
        let event: Terminal = match outcome {
            Outcome::Done {
                finish_reason,
                usage,
            } => {
                let truncated = is_truncation(&finish_reason);
                row.status = if truncated {
                    Status::Truncated
                } else {
                    Status::Complete
                };
                row.finish_reason = Some(finish_reason.clone());
                row.usage = usage;
                Box::new(move |saved| {
                    InterpretEvent::Done(Done {
                        request_id,
                        finish_reason,
                        truncated,
                        thinking_only,
                        usage,
                        interpretation_id: saved.interpretation_id,
                        message_id: saved.message_id,
                    })
                })
            }
            Outcome::Stopped => {
                row.status = Status::Stopped;
                Box::new(move |saved| {
                    InterpretEvent::Stopped(Stopped {
                        request_id,
                        interpretation_id: saved.interpretation_id,
                        message_id: saved.message_id,
                    })
                })
            }
            Outcome::Failed(e) => {
                row.status = Status::Error;
                row.error_kind = Some(e.kind().as_str().to_string());
                Box::new(move |saved| InterpretEvent::failed(request_id, &e, saved))
            }
        };
        // A stop or failure before the first word leaves nothing worth a row in the history.
        let keep = !(nothing && matches!(row.status, Status::Stopped | Status::Error));
        (keep.then_some(self.row), event)
    }
}

fn is_truncation(finish_reason: &str) -> bool {
    finish_reason == "length" || finish_reason == ANSWER_TOO_LONG
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The map only holds tokens; a panic elsewhere cannot leave it inconsistent.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

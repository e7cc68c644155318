//! Thin commands over `interpret`: each stream's events go to the window that started it.

use std::sync::Arc;

use tauri::{Emitter, EventTarget, Runtime, State, WebviewWindow};

use super::mailbox::Posted;
use super::service::{FollowUpRequest, Sink};
use super::{CheckOk, StartRequest, Started};
use crate::db::interpretations::Interpretation;
use crate::error::Result;
use crate::events::{Doorbell, InterpretEvent};
use crate::settings::Provider;
use crate::state::AppState;

/// Starts an interpretation of an entry (`entryId`) or of text (`content`); answers at once with
/// the request id, then `interpret:*` events follow.
#[tauri::command]
pub async fn interpret_start<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    request: StartRequest,
) -> Result<Started> {
    let (owner, sink) = (window.label().to_string(), window_sink(&window, &state));
    let settings = state.settings.get();
    (state.interpreter)
        .start(settings, &state.secrets, request, &owner, sink)
        .await
}

/// Asks a follow-up question about a saved interpretation; the answer streams as `interpret:*`
/// events like an interpretation and joins its thread.
#[tauri::command]
pub async fn interpret_follow_up<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    request: FollowUpRequest,
) -> Result<Started> {
    let (owner, sink) = (window.label().to_string(), window_sink(&window, &state));
    let settings = state.settings.get();
    (state.interpreter)
        .follow_up(settings, &state.secrets, request, &owner, sink)
        .await
}

/// Where a run's events go: only to the window that started it, deltas through its mailbox.
fn window_sink<R: Runtime>(window: &WebviewWindow<R>, state: &AppState) -> Sink {
    let label = window.label().to_string();
    let target = EventTarget::webview_window(&label);
    let (mailbox, window) = (state.mailbox.clone(), window.clone());
    Arc::new(move |ev: InterpretEvent| {
        let (name, terminal) = (ev.name(), ev.is_terminal());
        let bell = Doorbell {
            request_id: ev.request_id(),
        };
        // The end of a run is told with its payload (once a run, so no memory to speak of).
        let sent = if terminal {
            let payload = ev.clone();
            mailbox.post(&label, ev);
            window.emit_to(target.clone(), name, payload)
        } else if mailbox.post(&label, ev) {
            window.emit_to(target.clone(), name, bell)
        } else {
            Ok(())
        };
        if let Err(e) = sent {
            log::error!("could not emit {name}: {e}");
        }
    })
}

/// Every `interpret:*` event queued for the calling window, oldest first (see `mailbox`).
#[tauri::command]
pub async fn interpret_take<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Result<Vec<Posted>> {
    Ok(state.mailbox.take(window.label()))
}

/// Stops a running interpretation; `false` if it had already ended.
#[tauri::command]
pub async fn interpret_stop(state: State<'_, AppState>, request_id: u64) -> Result<bool> {
    Ok(state.interpreter.stop(request_id))
}

/// An entry's saved interpretations, newest first.
#[tauri::command]
pub async fn interpret_history(
    state: State<'_, AppState>,
    entry_id: i64,
) -> Result<Vec<Interpretation>> {
    state.interpreter.history(entry_id).await
}

/// The quick window's interpretations that were not filed into the diary (they hold dream text).
#[tauri::command]
pub async fn interpret_adhoc_list(state: State<'_, AppState>) -> Result<Vec<Interpretation>> {
    state.interpreter.adhoc().await
}

/// Deletes one saved interpretation (from an entry's history or the quick window's list).
#[tauri::command]
pub async fn interpret_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.interpreter.delete(id).await
}

/// One saved interpretation (the one a run just saved, to add to the history without reloading it).
#[tauri::command]
pub async fn interpret_get(state: State<'_, AppState>, id: i64) -> Result<Interpretation> {
    state.interpreter.get(id).await
}

/// The models `provider`'s server at `base_url` offers, for suggestions while the form is edited.
#[tauri::command]
pub async fn settings_models(
    state: State<'_, AppState>,
    provider: Provider,
    base_url: String,
) -> Result<Vec<String>> {
    let settings = state.settings.get();
    let endpoint = super::endpoint_for(&settings, provider, &base_url, "", &state.secrets).await?;
    super::list_models(&endpoint).await
}

/// Checks the saved endpoint, model and key with a one-token request.
#[tauri::command]
pub async fn settings_test(state: State<'_, AppState>) -> Result<CheckOk> {
    let endpoint = super::endpoint_from(&state.settings.get(), &state.secrets).await?;
    super::check_endpoint(&endpoint).await
}

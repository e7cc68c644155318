//! Thin commands over the vault: the passphrase, lock and unlock. Argon2id takes about half a
//! second and the database is opened or closed, so the work runs on the blocking pool; every
//! change is told to every window (`vault:changed`).

use std::time::Duration;

use tauri::{AppHandle, Emitter, Runtime, State};

use super::Status;
use crate::error::{Error, Result};
use crate::events;
use crate::state::AppState;

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await?
}

fn told<R: Runtime>(app: &AppHandle<R>, status: Status) -> Status {
    if let Err(e) = app.emit(events::VAULT_CHANGED, status) {
        log::warn!("vault change not sent: {e}");
    }
    status
}

#[tauri::command]
pub async fn vault_status<R: Runtime>(
    _app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Status> {
    Ok(super::status(&state.db))
}

#[tauri::command]
pub async fn vault_set_passphrase<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    current: Option<String>,
    passphrase: String,
) -> Result<Status> {
    if !super::status(&state.db).encrypted {
        // The diary is closed for its encryption: what is streaming is saved first.
        state.interpreter.stop_all(Duration::from_secs(3)).await;
    }
    let db = state.db.clone();
    let set = blocking(move || super::set_passphrase(&db, current.as_deref(), &passphrase)).await;
    // Told either way: a failed encryption may still have closed or changed the diary.
    let now = told(&app, super::status(&state.db));
    set.map(|_| now)
}

#[tauri::command]
pub async fn vault_remove_passphrase<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Status> {
    let (db, secrets) = (state.db.clone(), state.secrets.clone());
    let s = blocking(move || super::remove_passphrase(&db, &secrets, &passphrase)).await?;
    Ok(told(&app, s))
}

#[tauri::command]
pub async fn vault_lock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Status> {
    lock_now(&app, &state).await
}

#[tauri::command]
pub async fn vault_unlock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Status> {
    let db = state.db.clone();
    let s = blocking(move || super::unlock(&db, &passphrase)).await?;
    Ok(told(&app, s))
}

/// Locks the diary (the command, the tray, the idle timer): running interpretations are stopped
/// and their partial text saved first, since nothing can be saved once it is closed.
pub async fn lock_now<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> Result<Status> {
    if !super::status(&state.db).passphrase {
        return Err(Error::NoPassphrase);
    }
    state.interpreter.stop_all(Duration::from_secs(3)).await;
    let db = state.db.clone();
    let s = blocking(move || super::lock(&db)).await?;
    Ok(told(app, s))
}

//! Thin commands for Settings → Data. The file or folder is chosen in the native dialog here, in
//! Rust (`pick`): the webview only says what to do, never where. Progress goes to the asking
//! window as `data:progress`; an import or restore tells every window `diary:changed`.

use std::path::PathBuf;

use tauri::{AppHandle, Emitter, Manager, Runtime, State, WebviewWindow};

use super::backup::{BackupInfo, Restored, Written};
use super::service::Exported;
use super::{Progress, Report};
use crate::error::{Error, Result};
use crate::events::{DataProgress, EntryChanged, DATA_PROGRESS, DIARY_CHANGED};
use crate::AppState;

/// `None` when the user closed the dialog. With `passphrase`, sealed with it (age).
#[tauri::command]
pub async fn data_export_json<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    passphrase: Option<String>,
) -> Result<Option<Exported>> {
    state.data.ensure_idle()?;
    let Some(path) = pick::save(&window, passphrase.is_some()).await? else {
        return Ok(None);
    };
    state
        .data
        .export_json(&state.db, path, passphrase, progress(&window))
        .await
        .map(Some)
}

/// Into a new folder (`Haemong 2026-11-30`) inside the one chosen.
#[tauri::command]
pub async fn data_export_markdown<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Result<Option<Exported>> {
    state.data.ensure_idle()?;
    let Some(dir) = pick::folder(&window).await? else {
        return Ok(None);
    };
    let dir = super::markdown::new_folder_in(&dir);
    state
        .data
        .export_markdown(&state.db, dir, progress(&window))
        .await
        .map(Some)
}

/// `folder`: a folder of notes rather than one file. `passphrase`: the answer to a sealed file's
/// `PassphraseNeeded` (or `WrongFilePassphrase`), for the file picked then.
#[tauri::command]
pub async fn data_import<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    folder: bool,
    passphrase: Option<String>,
) -> Result<Option<Report>> {
    state.data.ensure_idle()?;
    // Any import takes the waiting file out of its slot; only the passphrase's answer uses it.
    let waiting = state.data.take_sealed_waiting();
    let picked = match (&passphrase, waiting) {
        (Some(_), Some(p)) => Some(p),
        (Some(_), None) => None, // nothing waits for a passphrase any more (cancelled)
        (None, _) => pick::source(&window, folder).await?,
    };
    let Some(path) = picked else {
        return Ok(None);
    };
    let report = state
        .data
        .import(&state.db, path, passphrase, progress(&window))
        .await;
    changed_after(window.app_handle(), report).map(Some)
}

#[tauri::command]
pub async fn data_backups(state: State<'_, AppState>) -> Result<Vec<BackupInfo>> {
    state.data.backups(&state.db).await
}

#[tauri::command]
pub async fn data_backup_now<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Result<Written> {
    let keep = state.settings.get().backup_keep();
    state
        .data
        .backup_now(&state.db, keep, progress(&window))
        .await
}

/// Refused while a dream is being interpreted: its reading would be saved into the restored
/// diary under an entry id that may now be another dream's.
#[tauri::command]
pub async fn data_restore<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    name: String,
) -> Result<Restored> {
    if !state.interpreter.running().is_empty() {
        return Err(Error::BusyInterpreting);
    }
    let restored = state.data.restore(&state.db, name, progress(&window)).await;
    changed_after(window.app_handle(), restored)
}

#[tauri::command]
pub async fn data_cancel(state: State<'_, AppState>) -> Result<bool> {
    Ok(state.data.cancel())
}

fn progress<R: Runtime>(window: &WebviewWindow<R>) -> Progress {
    let window = window.clone();
    Progress::new(move |done, total| {
        let _ = window.emit_to(window.label(), DATA_PROGRESS, DataProgress { done, total });
    })
}

/// After a job that changed the diary, every window reloads what it shows of it.
fn changed_after<R: Runtime, T>(app: &AppHandle<R>, done: Result<T>) -> Result<T> {
    if done.is_ok() {
        if let Err(e) = app.emit(DIARY_CHANGED, EntryChanged { entry_id: 0 }) {
            log::warn!("diary change not sent: {e}");
        }
    }
    done
}

/// The native dialogs, waited for without blocking. In debug builds (the end-to-end tests'),
/// `HAEMONG_TEST_PICKS` names a file whose first line answers every dialog instead (empty:
/// closed): WebDriver cannot reach GTK's dialog. Release builds have no such door.
mod pick {
    use super::*;
    use tauri_plugin_dialog::{DialogExt, FilePath};

    fn scripted() -> Option<Option<PathBuf>> {
        if !cfg!(debug_assertions) {
            return None;
        }
        let file = std::env::var_os("HAEMONG_TEST_PICKS")?;
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let line = text.lines().next().unwrap_or("").trim().to_string();
        Some((!line.is_empty()).then(|| PathBuf::from(line)))
    }

    async fn answer(
        rx: tokio::sync::oneshot::Receiver<Option<FilePath>>,
    ) -> Result<Option<PathBuf>> {
        match rx.await.ok().flatten() {
            None => Ok(None),
            Some(p) => p
                .into_path()
                .map(Some)
                .map_err(|_| Error::InvalidInput("that place cannot be used".into())),
        }
    }

    /// Where the JSON export goes; `sealed`: an age file (`….json.age`).
    pub async fn save<R: Runtime>(w: &WebviewWindow<R>, sealed: bool) -> Result<Option<PathBuf>> {
        if let Some(p) = scripted() {
            return Ok(p);
        }
        let day = chrono::Local::now().format("%Y-%m-%d");
        let (name, filter) = if sealed {
            (
                format!("haemong-{day}.json.age"),
                ("age", super::super::sealed::EXTENSION),
            )
        } else {
            (format!("haemong-{day}.json"), ("JSON", "json"))
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        w.dialog()
            .file()
            .set_parent(w)
            .set_file_name(&name)
            .add_filter(filter.0, &[filter.1])
            .save_file(move |p| {
                let _ = tx.send(p);
            });
        answer(rx).await
    }

    /// A file to import, or a folder of notes.
    pub async fn source<R: Runtime>(w: &WebviewWindow<R>, folder: bool) -> Result<Option<PathBuf>> {
        if folder {
            return self::folder(w).await;
        }
        if let Some(p) = scripted() {
            return Ok(p);
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        w.dialog()
            .file()
            .set_parent(w)
            .add_filter("Journals", &["json", "age", "zip", "md", "markdown", "txt"])
            .pick_file(move |p| {
                let _ = tx.send(p);
            });
        answer(rx).await
    }

    pub async fn folder<R: Runtime>(w: &WebviewWindow<R>) -> Result<Option<PathBuf>> {
        if let Some(p) = scripted() {
            return Ok(p);
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        w.dialog().file().set_parent(w).pick_folder(move |p| {
            let _ = tx.send(p);
        });
        answer(rx).await
    }
}

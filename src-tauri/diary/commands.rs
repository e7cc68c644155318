//! Thin async commands over the diary core; SQLite runs on the blocking pool (see `Database::call`).

use tauri::{AppHandle, Emitter, Runtime, State};

use super::insights::{self, Insights, Range};
use super::search::{self, Filter};
use super::{Entry, EntryInput, EntrySummary};
use crate::db::entries as repo;
use crate::db::entry_tags::{self, TagCount};
use crate::error::Result;
use crate::events::{EntryChanged, DIARY_CHANGED};
use crate::state::AppState;

#[tauri::command]
pub async fn diary_create(state: State<'_, AppState>, input: EntryInput) -> Result<Entry> {
    state.db.call(move |c| repo::create(c, &input)).await
}

#[tauri::command]
pub async fn diary_update(state: State<'_, AppState>, id: i64, input: EntryInput) -> Result<Entry> {
    state.db.call(move |c| repo::update(c, id, &input)).await
}

#[tauri::command]
pub async fn diary_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.db.call(move |c| repo::delete(c, id)).await
}

#[tauri::command]
pub async fn diary_get(state: State<'_, AppState>, id: i64) -> Result<Entry> {
    state.db.call(move |c| repo::get(c, id)).await
}

#[tauri::command]
pub async fn diary_list(
    state: State<'_, AppState>,
    limit: Option<u32>,
    offset: Option<u32>,
) -> Result<Vec<EntrySummary>> {
    let (limit, offset) = (limit.unwrap_or(100), offset.unwrap_or(0));
    state.db.call(move |c| repo::list(c, limit, offset)).await
}

/// Entries matching `query` (any part of a word, or the start of a tag) and `filter` (tag, flag,
/// mood, range of nights), newest first.
#[tauri::command]
pub async fn diary_search(
    state: State<'_, AppState>,
    query: String,
    filter: Option<Filter>,
    limit: Option<u32>,
    offset: Option<u32>,
) -> Result<Vec<EntrySummary>> {
    let page = (limit.unwrap_or(100), offset.unwrap_or(0));
    search::latest(&state.db, query, filter.unwrap_or_default(), page).await
}

/// The insights view: heatmap, streaks, months by flag and mood, top symbols and tags of a range.
#[tauri::command]
pub async fn diary_insights(state: State<'_, AppState>, range: Option<Range>) -> Result<Insights> {
    let range = range.unwrap_or_default();
    let today = super::today_local();
    state
        .db
        .call(move |c| insights::insights(c, &range, &today))
        .await
}

/// Every tag in use, most used first (suggestions and the tag filter).
#[tauri::command]
pub async fn diary_tags(state: State<'_, AppState>) -> Result<Vec<TagCount>> {
    state.db.call(|c| entry_tags::all_tags(c)).await
}

/// Files a dream from the quick window as a new entry, with its interpretation when given, and tells
/// every window (the diary's list updates at once).
#[tauri::command]
pub async fn diary_file_quick<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: EntryInput,
    interpretation_id: Option<i64>,
) -> Result<Entry> {
    if interpretation_id.is_some_and(|id| state.interpreter.answering_adhoc(id)) {
        return Err(crate::error::Error::AlreadyRunning);
    }
    let entry = state
        .db
        .call(move |c| crate::db::file_into_diary(c, &input, interpretation_id))
        .await?;
    let _ = app.emit(DIARY_CHANGED, EntryChanged { entry_id: entry.id });
    Ok(entry)
}

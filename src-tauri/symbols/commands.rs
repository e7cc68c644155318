//! Thin commands over the symbol dictionary (pure computation, no disk: answered at once).

use super::{Found, Symbol};
use crate::error::{Error, Result};

/// The dictionary's symbols in `text`, in the order they first appear.
#[tauri::command]
pub async fn symbols_find(text: String) -> Result<Vec<Found>> {
    Ok(super::find(&text))
}

/// One symbol's card (names and readings in both languages).
#[tauri::command]
pub async fn symbols_get(id: String) -> Result<Symbol> {
    super::get(&id).ok_or_else(|| Error::InvalidInput(format!("no symbol {id}")))
}

//! Serves the window's pages: the embedded `ui/` as built, except `index.html`, which leaves with the
//! diary's first paint written in (`first_paint`), and `css/first-paint.css`, which carries the
//! remembered sidebar width (the CSP allows no inline style).

use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{App, AppHandle, Assets, Manager, Runtime};

use super::first_paint::{fill, language, Page, LIST_PAGE};
use crate::db::entries as repo;
use crate::settings::Theme;
use crate::state::AppState;

/// The embedded assets, with the two pages above made at each request.
pub struct FirstPaintAssets<R: Runtime> {
    inner: Box<dyn Assets<R>>,
    app: OnceLock<AppHandle<R>>,
}

impl<R: Runtime> FirstPaintAssets<R> {
    /// Wraps the context's assets in place.
    pub fn wrap(ctx: &mut tauri::Context<R>) {
        let inner = ctx.set_assets(Box::new(NoAssets));
        ctx.set_assets(Box::new(FirstPaintAssets {
            inner,
            app: OnceLock::new(),
        }));
    }
}

impl<R: Runtime> Assets<R> for FirstPaintAssets<R> {
    fn setup(&self, app: &App<R>) {
        self.inner.setup(app);
        let _ = self.app.set(app.handle().clone());
    }

    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        let asset = self.inner.get(key);
        let state = self.app.get().and_then(|a| a.try_state::<AppState>());
        match (key.as_ref().trim_start_matches('/'), asset, state) {
            ("index.html", Some(page), Some(state)) => {
                let filled = std::str::from_utf8(&page)
                    .ok()
                    .and_then(|html| first_paint(html, &state));
                match filled {
                    Some(filled) => Some(Cow::Owned(filled.into_bytes())),
                    None => Some(page),
                }
            }
            ("css/first-paint.css", _, Some(state)) => {
                let ui = UiState::read(&state.paths.data_dir);
                let css = match ui.sidebar_width {
                    Some(w) => format!("#view-diary {{ --sidebar-w: {w}px; }}\n"),
                    None => String::new(),
                };
                Some(Cow::Owned(css.into_bytes()))
            }
            (_, asset, _) => asset,
        }
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        self.inner.iter()
    }

    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.inner.csp_hashes(html_path)
    }
}

/// The page with the list filled, when the window's first paint is the diary's list as the user
/// left it; `None` (the page as built, the modules painting it) when it is not: the diary locked,
/// a filter or another view remembered, the diary unreadable.
fn first_paint(html: &str, state: &AppState) -> Option<String> {
    if state.db.is_locked() {
        return None;
    }
    let ui = UiState::read(&state.paths.data_dir);
    if !ui.plain_list {
        return None;
    }
    // Never waits for the connection: held by a long job (an import, a restore), the page goes
    // out as built and the modules paint the list when they can.
    let items = state
        .db
        .try_call_blocking(|c| repo::list(c, LIST_PAGE, 0))?
        .ok()?;
    let settings = state.settings.get();
    let theme = match settings.theme {
        Theme::Light => Some("light"),
        Theme::Dark => Some("dark"),
        Theme::System => None,
    };
    let page = Page {
        lang: language(settings.language, sys_locale::get_locales()),
        theme,
        items: &items,
    };
    Some(fill(html, &page))
}

/// What `ui/js/uistate.js` keeps in tauri-plugin-store's `ui-state.json` that the first paint
/// depends on.
#[derive(Debug, Default, PartialEq)]
struct UiState {
    /// No filter and the diary view: the unfiltered newest entries are what the window shows.
    plain_list: bool,
    sidebar_width: Option<u32>,
}

impl UiState {
    fn read(data_dir: &Path) -> UiState {
        let text = std::fs::read_to_string(data_dir.join("ui-state.json")).unwrap_or_default();
        UiState::parse(&text)
    }

    fn parse(text: &str) -> UiState {
        let root: serde_json::Value = if text.trim().is_empty() {
            serde_json::json!({})
        } else {
            match serde_json::from_str(text) {
                Ok(v) => v,
                // A damaged file: the modules start with the defaults (uistate.js); so does this.
                Err(_) => serde_json::json!({}),
            }
        };
        let ui = &root["ui"];
        let no_filter = match &ui["filter"] {
            serde_json::Value::Object(f) => ["tag", "flag", "mood", "symbol", "from", "to"]
                .iter()
                .all(|k| f.get(*k).map_or(true, |v| v.is_null() || v == "")),
            _ => true,
        };
        let diary_view = ui["view"].as_str().map_or(true, |v| v == "diary");
        UiState {
            plain_list: no_filter && diary_view,
            sidebar_width: ui["sidebarWidth"]
                .as_f64()
                .filter(|w| w.is_finite() && *w > 0.0 && *w < 10_000.0)
                .map(|w| w.round() as u32),
        }
    }
}

/// Stands in for the assets for the moment they are being wrapped.
struct NoAssets;

impl<R: Runtime> Assets<R> for NoAssets {
    fn get(&self, _: &AssetKey) -> Option<Cow<'_, [u8]>> {
        None
    }
    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }
    fn csp_hashes(&self, _: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::UiState;

    #[test]
    fn no_state_file_means_the_plain_list() {
        assert_eq!(
            UiState::parse(""),
            UiState {
                plain_list: true,
                ..Default::default()
            }
        );
        assert!(
            UiState::parse("{ not json").plain_list,
            "a damaged file starts with the defaults"
        );
    }

    #[test]
    fn a_remembered_filter_or_view_is_left_to_the_modules() {
        let empty_filter = r#"{"ui":{"filter":{"tag":"","flag":"","mood":"","symbol":"","from":"","to":"","symbolName":"돼지"},"view":"diary","lastEntry":12,"sidebarWidth":301.4}}"#;
        assert_eq!(
            UiState::parse(empty_filter),
            UiState {
                plain_list: true,
                sidebar_width: Some(301)
            }
        );
        assert!(
            !UiState::parse(r#"{"ui":{"filter":{"flag":"lucid"}}}"#).plain_list,
            "a flag filter should leave the first paint to the modules"
        );
        assert!(
            !UiState::parse(r#"{"ui":{"view":"insights"}}"#).plain_list,
            "the insights view remembered should leave the first paint to the modules"
        );
    }
}

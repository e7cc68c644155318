//! A blank Tauri 2 window with nothing of Haemong in it: `make bench` compares idle memory and the
//! time to a painted window against it (its page calls `app_ready` after two frames, as Haemong's
//! does, and this prints the same line).
//!
//! With `HAEMONG_LAB_DIR` it serves its pages from that folder instead of the embedded `ui/`, and
//! `HAEMONG_LAB_PAGE` in place of its blank page: `tests/bench/start-lab.mjs` times variants of
//! Haemong's page (its markup without script, with the modules, …) in this shell without a
//! 3-minute LTO build for each.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let mut ctx = tauri::generate_context!("tauri.conf.json");
    ctx.config_mut().app.windows.clear();
    if let Some(dir) = std::env::var_os("HAEMONG_LAB_DIR") {
        let page = std::env::var("HAEMONG_LAB_PAGE")
            .ok()
            .filter(|p| !p.is_empty());
        ctx.set_assets(Box::new(Disk {
            dir: dir.into(),
            page,
        }));
    }
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![app_ready])
        // The same marks as Haemong's (`app::mark`), for `tests/bench/start-phases.mjs`.
        .on_page_load(|_, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                eprintln!("haemong: page-started");
            }
        })
        .setup(|app| {
            eprintln!("haemong: setup");
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("bench-empty.html".into()),
            )
            .title("empty")
            .build()?;
            Ok(())
        })
        .run(ctx)
        .expect("empty window failed");
}

#[tauri::command]
fn app_ready() {
    eprintln!("haemong: ready");
}

/// The lab's pages, read at each request (a page cache hit, like the embedded assets' lookup),
/// with `page` served in place of the blank page. No CSP hashes: the lab pages carry no inline
/// script or style.
struct Disk {
    dir: std::path::PathBuf,
    page: Option<String>,
}
impl<R: tauri::Runtime> tauri::Assets<R> for Disk {
    fn get(&self, key: &tauri::utils::assets::AssetKey) -> Option<std::borrow::Cow<'_, [u8]>> {
        let k = key.as_ref().trim_start_matches('/');
        let k = match &self.page {
            Some(page) if k == "bench-empty.html" => page.as_str(),
            _ => k,
        };
        std::fs::read(self.dir.join(k))
            .ok()
            .map(std::borrow::Cow::Owned)
    }
    fn iter(&self) -> Box<tauri::utils::assets::AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }
    fn csp_hashes(
        &self,
        _: &tauri::utils::assets::AssetKey,
    ) -> Box<dyn Iterator<Item = tauri::utils::assets::CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

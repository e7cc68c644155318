//! A blank Tauri 2 window with nothing of Haemong in it: `make bench` compares idle memory against it.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let mut ctx = tauri::generate_context!("tauri.conf.json");
    ctx.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(|app| {
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

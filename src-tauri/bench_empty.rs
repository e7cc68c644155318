//! A blank Tauri 2 window with nothing of Haemong in it: `make bench` compares idle memory and the
//! time to a painted window against it (its page calls `app_ready` after two frames, as Haemong's
//! does, and this prints the same line).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let mut ctx = tauri::generate_context!("tauri.conf.json");
    ctx.config_mut().app.windows.clear();
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![app_ready])
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

#[tauri::command]
fn app_ready() {
    eprintln!("haemong: ready");
}

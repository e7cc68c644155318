//! Generates Tauri's context (config, capabilities, embedded UI) and the permission set of our commands.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "diary_create",
            "diary_update",
            "diary_delete",
            "diary_get",
            "diary_list",
            "diary_search",
            "diary_tags",
            "diary_file_quick",
            "secrets_set_api_key",
            "secrets_delete_api_key",
            "secrets_status",
            "app_info",
            "app_notices",
            "app_ready",
            "settings_get",
            "settings_set",
            "settings_providers",
            "settings_test",
            "settings_models",
            "interpret_start",
            "interpret_stop",
            "interpret_take",
            "interpret_history",
            "interpret_adhoc_list",
            "interpret_delete",
            "interpret_get",
            "tray_close_plan",
            "tray_close_main",
            "tray_open_main",
            "tray_shortcut_status",
        ]),
    ))
    .expect("failed to run tauri-build");
}

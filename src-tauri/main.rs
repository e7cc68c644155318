//! Haemong's executable: everything lives in the library so tests can build the same app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    haemong_lib::run();
}

//! Haemong's executable: everything lives in the library so tests can build the same app. With a
//! subcommand (`haemong list`, …) it is the command line and opens no window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if haemong_lib::cli::wanted(&args) {
        std::process::exit(haemong_lib::cli::main(args));
    }
    haemong_lib::run();
}

//! Haemong's executable: everything lives in the library so tests can build the same app. With a
//! subcommand (`haemong list`, …) it is the command line and opens no window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if haemong_lib::cli::wanted(&args) {
        // On Windows the release binary is a GUI program with no console of its own: the command
        // line writes to the console it was started from.
        #[cfg(windows)]
        // SAFETY: a plain Win32 call with a constant argument; failure (no parent console) is fine.
        unsafe {
            use windows_sys::Win32::System::Console::{AttachConsole, ATTACH_PARENT_PROCESS};
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
        std::process::exit(haemong_lib::cli::main(args));
    }
    haemong_lib::run();
}

//! Integration tests: the app's commands through tauri's mock runtime, crash safety with a real
//! child process, and recovery from damaged files. One binary, a file per subject.

mod cli;
mod crash;
mod diary_commands;
// The conversion is killed with SIGKILL at each step: Unix only.
#[cfg(unix)]
mod encryption;
mod endpoint;
mod interpret;
mod keychain;
mod lock;
mod recovery;
mod security;
mod sse_server;
mod support;
mod thread;
mod tray;

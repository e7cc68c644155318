//! `haemong interpret`: the same interpretation the window streams, printed to standard output
//! as it arrives and saved the same way (with its entry, or as an ad-hoc reading). Ctrl+C stops
//! it; the partial text is kept, marked stopped, as in the window.

use std::io::Write;
use std::sync::Arc;

use crate::db::Database;
use crate::error::{Error, Result};
use crate::events::InterpretEvent;
use crate::interpret::service::Sink;
use crate::interpret::{Interpreter, StartRequest};
use crate::secrets::Secrets;
use crate::settings::Settings;

/// Exit status after Ctrl+C (128 + SIGINT, as shells report it).
const STOPPED: i32 = 130;

/// Streams one interpretation; returns the exit status.
pub fn run(db: Database, settings: Settings, request: StartRequest) -> Result<i32> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(stream(db, settings, request))
}

async fn stream(db: Database, settings: Settings, request: StartRequest) -> Result<i32> {
    let interpreter = Interpreter::new(db)?;
    let secrets = Secrets::os_keychain();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let sink: Sink = Arc::new(move |ev: InterpretEvent| {
        let _ = tx.send(ev);
    });
    let started = interpreter
        .start(settings, &secrets, request, "cli", sink)
        .await?;
    let mut out = std::io::stdout().lock();
    let mut ended_with_newline = true;
    let mut ctrl_c = Box::pin(tokio::signal::ctrl_c());
    let mut stopping = false;
    // Standard output went away (`| head`): the run is stopped and what arrived is still saved.
    let mut closed = false;
    loop {
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = &mut ctrl_c => {
                if stopping {
                    // A second Ctrl+C: the provider is not letting go; leave now.
                    eprintln!("haemong: stopped");
                    std::process::exit(STOPPED);
                }
                stopping = true;
                interpreter.stop(started.request_id);
                ctrl_c = Box::pin(tokio::signal::ctrl_c());
                continue;
            }
        };
        let Some(ev) = ev else {
            return Err(Error::Internal(
                "the interpretation ended without a word".into(),
            ));
        };
        let finish = |out: &mut std::io::StdoutLock, ended: bool| {
            if !ended {
                let _ = writeln!(out);
            }
            let _ = out.flush();
        };
        match ev {
            InterpretEvent::Delta(d) if !closed => {
                if out
                    .write_all(d.text.as_bytes())
                    .and_then(|()| out.flush())
                    .is_err()
                {
                    closed = true;
                    interpreter.stop(started.request_id);
                }
                ended_with_newline = d.text.ends_with('\n');
            }
            InterpretEvent::Delta(_) => {}
            // Thinking stays out of the answer here as in the window (it is saved with it).
            InterpretEvent::Reasoning(_) => {}
            InterpretEvent::Done(d) => {
                finish(&mut out, ended_with_newline);
                if d.truncated {
                    eprintln!("haemong: the answer was cut short ({})", d.finish_reason);
                }
                return Ok(0);
            }
            InterpretEvent::Stopped(_) if closed => {
                eprintln!("haemong: standard output closed; the partial interpretation was saved");
                return Ok(1);
            }
            InterpretEvent::Stopped(_) => {
                finish(&mut out, ended_with_newline);
                eprintln!("haemong: stopped; the partial interpretation was saved");
                return Ok(STOPPED);
            }
            InterpretEvent::Error(f) => {
                finish(&mut out, ended_with_newline);
                let kept = if f.interpretation_id.is_some() {
                    " (what arrived was saved)"
                } else {
                    ""
                };
                eprintln!("haemong: {}{kept}", f.message);
                return Ok(1);
            }
        }
    }
}

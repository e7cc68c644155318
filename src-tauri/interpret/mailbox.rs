//! Where a window's `interpret:*` events wait until the window takes them (`interpret_take`).
//!
//! WebKitGTK keeps memory for every distinct script the host evaluates in a page, and Tauri
//! delivers each event as a script with its payload spliced in: one event per delta grew the web
//! process by ~2.4 KiB per delta, for good (docs/streaming.md has the measurements). So each delta
//! still rings as an `interpret:*` event, but with a payload that is the same for the whole run
//! (`{ requestId }`): the page then takes everything queued for it, in order, through one IPC call,
//! whose answer WebKit frees. A burst rings once (nothing more while the queue is not empty).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde::Serialize;

use crate::events::InterpretEvent;

/// One queued event, as `interpret_take` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Posted {
    /// `interpret:delta`, `interpret:reasoning`, `interpret:done`, …
    pub event: &'static str,
    pub payload: InterpretEvent,
}

/// At most this many events wait for one window (a window that stopped taking them, say); older
/// deltas are dropped beyond it, never a terminal event. Far above any answer's size limits.
const MAX_QUEUED: usize = 200_000;

#[derive(Default)]
pub struct Mailbox {
    queues: Mutex<HashMap<String, VecDeque<InterpretEvent>>>,
}

impl Mailbox {
    /// Queues `ev` for `window`. `true` when the window must be told (its queue was empty).
    pub fn post(&self, window: &str, ev: InterpretEvent) -> bool {
        let mut queues = lock(&self.queues);
        let q = queues.entry(window.to_string()).or_default();
        let ring = q.is_empty();
        if q.len() >= MAX_QUEUED {
            if let Some(i) = q.iter().position(|e| !e.is_terminal()) {
                q.remove(i);
            }
        }
        q.push_back(ev);
        ring
    }

    /// Everything queued for `window`, oldest first; the queue is then empty.
    pub fn take(&self, window: &str) -> Vec<Posted> {
        let mut queues = lock(&self.queues);
        queues
            .remove(window)
            .unwrap_or_default()
            .into_iter()
            .map(|payload| Posted {
                event: payload.name(),
                payload,
            })
            .collect()
    }

    /// The window reloaded or went away: what waited for its old page is of no use.
    pub fn clear(&self, window: &str) {
        lock(&self.queues).remove(window);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Delta, Stopped};

    fn delta(seq: u64) -> InterpretEvent {
        InterpretEvent::Delta(Delta {
            request_id: 1,
            seq,
            text: format!("{seq}"),
        })
    }

    #[test]
    fn the_first_event_into_an_empty_queue_rings_and_take_returns_all_in_order() {
        let m = Mailbox::default();
        assert!(m.post("main", delta(0)), "an empty queue rings");
        assert!(
            !m.post("main", delta(1)),
            "a queue with something in it does not"
        );
        assert!(m.post("quick", delta(0)), "each window has its own queue");
        let got = m.take("main");
        assert_eq!(
            got.iter().map(|p| p.event).collect::<Vec<_>>(),
            ["interpret:delta"; 2]
        );
        assert_eq!(got[1].payload, delta(1), "oldest first");
        assert!(m.take("main").is_empty(), "taken once");
        assert!(m.post("main", delta(2)), "empty again: rings again");
        m.clear("main");
        assert!(m.take("main").is_empty());
        assert_eq!(m.take("quick").len(), 1, "the other window's events stay");
    }

    #[test]
    fn a_window_that_never_takes_keeps_a_bounded_queue_and_its_terminal_event() {
        let m = Mailbox::default();
        m.post(
            "main",
            InterpretEvent::Stopped(Stopped {
                request_id: 1,
                interpretation_id: None,
                message_id: None,
            }),
        );
        for i in 0..(MAX_QUEUED as u64 + 10) {
            m.post("main", delta(i));
        }
        let got = m.take("main");
        assert_eq!(got.len(), MAX_QUEUED);
        assert_eq!(
            got[0].event, "interpret:stopped",
            "the terminal event is kept"
        );
    }
}

//! The tray's windows and the quick window's filing, through the mock runtime: the quick window is
//! created once and reused, a quick dream is filed with its interpretation and every window hears of
//! it, and closing the diary hides it or quits, explaining the tray once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use haemong_lib::tray::menu::tray_visible;
use haemong_lib::tray::quick::{quick_window, QUICK};
use serde_json::{json, Value};
use tauri::{Listener, Manager};

use crate::sse_server::{by_event, sse, Reply, Server};
use crate::support::TestApp;

#[test]
fn the_quick_window_is_created_once_and_reused() {
    let app = TestApp::new();
    let handle = app.handle();
    assert!(
        handle.get_webview_window(QUICK).is_none(),
        "no quick window before it is asked for"
    );
    let first = quick_window(&handle).expect("created");
    let again = quick_window(&handle).expect("found");
    assert_eq!(first.label(), again.label());
    assert_eq!(
        handle.webview_windows().len(),
        2,
        "main and one quick window, never two"
    );
    // (The mock runtime reports every window visible; hiding and showing are checked in the real
    // window, tests/e2e/quick.test.js.)
}

#[test]
fn a_quick_dream_is_filed_with_its_interpretation_and_every_window_hears_of_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(Server::start(vec![Reply::stream(by_event(&sse(
        &["빠른 ", "해몽"],
        Some("stop"),
        true,
    )))]));
    let app = TestApp::new();
    app.ok(
        "settings_set",
        json!({ "settings": { "provider": "custom", "baseUrl": server.base_url, "model": "m" } }),
    );
    let changed = Arc::new(Mutex::new(Vec::<Value>::new()));
    let log = changed.clone();
    app.handle().listen_any("diary:changed", move |e| {
        log.lock()
            .unwrap()
            .push(serde_json::from_str(e.payload()).unwrap());
    });
    let events = app.record_interpret_events();
    let id = app.ok(
        "interpret_start",
        json!({ "request": { "content": "고래 꿈" } }),
    )["requestId"]
        .as_u64()
        .unwrap();
    let done = events.wait_terminal(id, Duration::from_secs(20));
    let interpretation = done.last().unwrap().1["interpretationId"].clone();
    assert!(
        interpretation.is_i64(),
        "the ad-hoc interpretation was saved"
    );

    let entry = app.ok(
        "diary_file_quick",
        json!({ "input": { "body": "고래 꿈" }, "interpretationId": interpretation }),
    );
    assert_eq!(entry["body"], "고래 꿈");
    let history = app.ok("interpret_history", json!({ "entryId": entry["id"] }));
    assert_eq!(
        history[0]["text"], "빠른 해몽",
        "the interpretation went with the entry"
    );
    assert_eq!(
        changed.lock().unwrap().as_slice(),
        &[json!({ "entryId": entry["id"] })],
        "diary:changed named the new entry"
    );
    let again = app
        .invoke(
            "diary_file_quick",
            json!({ "input": { "body": "고래 꿈" }, "interpretationId": interpretation }),
        )
        .unwrap_err();
    assert_eq!(
        again["kind"], "interpretation_not_found",
        "a second click files nothing twice"
    );
    assert_eq!(app.ok("diary_list", json!({})).as_array().unwrap().len(), 1);

    let plain = app.ok(
        "diary_file_quick",
        json!({ "input": { "body": "해몽 없이" } }),
    );
    assert_eq!(
        plain["body"], "해몽 없이",
        "without an interpretation, just the dream"
    );
}

#[test]
fn closing_the_diary_hides_to_an_existing_tray_and_explains_it_once() {
    let app = TestApp::new();
    let tray = tray_visible();
    let plan = app.ok("tray_close_plan", json!({}));
    assert_eq!(plan["action"], if tray { "hide" } else { "quit" });
    assert_eq!(plan["notice"], tray, "the notice comes only with hiding");

    app.ok("tray_close_main", json!({ "quit": false }));
    assert_eq!(
        app.ok("settings_get", json!({}))["closeNoticeSeen"],
        true,
        "the notice is not shown again"
    );
    assert_eq!(app.ok("tray_close_plan", json!({}))["notice"], false);
}

#[test]
fn without_the_shortcut_plugin_the_settings_say_unsupported_and_saving_still_works() {
    let app = TestApp::new();
    assert_eq!(
        app.ok("tray_shortcut_status", json!({}))["state"],
        "pending",
        "pending until the first paint registers it"
    );
    let pushed = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = pushed.clone();
    app.handle().listen_any("tray:shortcut", move |e| {
        sink.lock()
            .unwrap()
            .push(serde_json::from_str(e.payload()).unwrap());
    });
    let saved = app.ok(
        "settings_set",
        json!({ "settings": { "shortcut": "Alt+Shift+D", "language": "ko" } }),
    );
    assert_eq!(saved["shortcut"], "Alt+Shift+D");
    let status = app.ok("tray_shortcut_status", json!({}));
    let expected = json!({ "state": "unsupported", "shortcut": "Alt+Shift+D" });
    assert_eq!(status, expected);
    assert_eq!(
        *pushed.lock().unwrap(),
        vec![expected],
        "the change was pushed to the windows"
    );
}

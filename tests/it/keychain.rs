//! The API key in the real OS keychain (in `make test`: gnome-keyring in a private D-Bus session,
//! see scripts/with-session.sh): set, read back by another process, replaced, deleted; a clear
//! message when there is no Secret Service; and a canary key that must never leak.

use std::process::Command;
use std::sync::Arc;

use crate::sse_server::{by_event, sse, Reply, Server};
use haemong_lib::secrets::{Keychain, SecretStore, Secrets};
use haemong_lib::AppState;
use serde_json::json;

use crate::support::{paths, TestApp};

/// A service name of this run's own, so tests never see or touch the user's keys.
fn test_service() -> String {
    format!("app.haemong.diary.test-{}", std::process::id())
}

/// `make test` sets HAEMONG_REQUIRE_KEYCHAIN, where a missing keychain is a failure. A plain
/// `cargo test` outside a desktop session says it skipped instead.
pub(crate) fn keychain_or_skip(k: &Keychain) -> bool {
    match k.get("probe") {
        Ok(_) => true,
        Err(e) if std::env::var_os("HAEMONG_REQUIRE_KEYCHAIN").is_some() => {
            panic!("the keychain is required here but unavailable: {e}")
        }
        Err(e) => {
            eprintln!("SKIPPED: no Secret Service in this session ({e}); `make test` provides one");
            false
        }
    }
}

fn child(test: &str, envs: &[(&str, &str)]) -> (String, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            test,
            "--nocapture",
            "--test-threads=1",
        ])
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "child process of the keychain tests"]
fn keychain_child() {
    let Ok(service) = std::env::var("HAEMONG_KC_SERVICE") else {
        return;
    };
    let expected = std::env::var("HAEMONG_KC_EXPECT").unwrap_or_default();
    let secrets = Secrets::new(Arc::new(Keychain::new(&service)));
    match std::env::var("HAEMONG_KC_ACTION").as_deref() {
        Ok("set") => match secrets.set("openai", &expected, false) {
            Ok(st) => println!("RESULT ok {}", st.state),
            Err(e) => println!("RESULT err {} {}", e.kind(), e),
        },
        _ => match secrets.key("openai") {
            Ok(Some(k)) if k == expected => println!("RESULT same"),
            Ok(Some(_)) => println!("RESULT different"),
            Ok(None) => println!("RESULT missing"),
            Err(e) => println!("RESULT err {} {}", e.kind(), e),
        },
    }
}

fn result_line(out: &str) -> String {
    out.lines()
        // The test harness prints "test NAME ... " before the first line of output.
        .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
        .unwrap_or("<no result>")
        .to_string()
}

#[test]
fn a_key_set_here_is_read_by_a_fresh_process_then_replaced_and_deleted() {
    let service = test_service();
    let keychain = Arc::new(Keychain::new(&service));
    if !keychain_or_skip(&keychain) {
        return;
    }
    let secrets = Secrets::new(keychain.clone());
    let read = |expect: &str| {
        let (out, _) = child(
            "keychain::keychain_child",
            &[
                ("HAEMONG_KC_SERVICE", &service),
                ("HAEMONG_KC_EXPECT", expect),
            ],
        );
        result_line(&out)
    };

    let st = secrets.set("openai", "  sk-first-1111  ", false).unwrap();
    assert_eq!((st.state, st.location), ("stored", Some("keychain")));
    assert_eq!(
        read("sk-first-1111"),
        "same",
        "another process reads the trimmed key"
    );

    secrets.set("openai", "sk-second-2222", false).unwrap();
    assert_eq!(
        read("sk-second-2222"),
        "same",
        "the key was replaced, not added"
    );

    assert_eq!(secrets.delete("openai").unwrap().state, "missing");
    assert_eq!(read(""), "missing", "deleted for every process");
}

#[test]
fn without_a_secret_service_the_user_is_told_plainly_and_nothing_is_kept_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let bus = format!("unix:path={}/no-such-bus", dir.path().display());
    let (out, _) = child(
        "keychain::keychain_child",
        &[
            ("HAEMONG_KC_SERVICE", &test_service()),
            ("HAEMONG_KC_ACTION", "set"),
            ("HAEMONG_KC_EXPECT", "sk-nobus-CANARY"),
            ("DBUS_SESSION_BUS_ADDRESS", &bus),
        ],
    );
    let line = result_line(&out);
    assert!(
        line.starts_with("err keychain_unavailable "),
        "a clear keychain_unavailable error, got: {line}"
    );
    assert!(
        !out.contains("CANARY"),
        "the key is not in the message: {out}"
    );
    let leftovers: Vec<_> = walk(dir.path());
    assert!(
        leftovers.is_empty(),
        "no fallback file was written: {leftovers:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn the_canary_key_appears_in_no_response_and_no_file() {
    const CANARY: &str = "sk-CANARY-7f3a9c1e5b2d4680";
    let service = test_service() + "-canary";
    let keychain = Arc::new(Keychain::new(&service));
    if !keychain_or_skip(&keychain) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::with_secrets(paths(dir.path()), Secrets::new(keychain.clone()));
    let app = TestApp::with_state(dir, state);

    let mut answers = vec![];
    let mut call = |cmd: &str, args: serde_json::Value| {
        let r = app.invoke(cmd, args);
        answers.push(format!("{cmd}: {r:?}"));
        r
    };
    call(
        "secrets_set_api_key",
        json!({ "provider": "openai", "key": CANARY }),
    )
    .unwrap();
    call("secrets_status", json!({ "provider": "openai" })).unwrap();
    call(
        "secrets_set_api_key",
        json!({ "provider": "openrouter", "key": CANARY, "sessionOnly": true }),
    )
    .unwrap();
    // Error paths that carry the key in their input.
    call(
        "secrets_set_api_key",
        json!({ "provider": "openai", "key": format!("{CANARY}\u{7}") }),
    )
    .unwrap_err();
    call(
        "secrets_set_api_key",
        json!({ "provider": "openai", "key": CANARY.repeat(300) }),
    )
    .unwrap_err();
    call(
        "secrets_set_api_key",
        json!({ "provider": "../bad", "key": CANARY }),
    )
    .unwrap_err();
    call("secrets_status", json!({ "provider": "" })).unwrap_err();
    call("settings_get", json!({})).unwrap();
    call(
        "settings_set",
        json!({ "settings": { "language": "ko", "theme": "dark" } }),
    )
    .unwrap();
    call("app_info", json!({})).unwrap();
    call("app_notices", json!({})).unwrap();
    call(
        "diary_create",
        json!({ "input": { "body": "키를 묻지 않는 꿈" } }),
    )
    .unwrap();
    call("diary_list", json!({})).unwrap();
    call("diary_search", json!({ "query": CANARY })).unwrap();

    // Interpretations with the key: one rejected by a server that quotes the key back, one
    // streamed; their events and saved rows must not hold it either.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(Server::start(vec![
        Reply::json(
            401,
            &format!(r#"{{"error":{{"message":"Incorrect API key provided: {CANARY}","code":"invalid_api_key"}}}}"#),
        ),
        Reply::stream(by_event(&sse(&["키 없는 ", "해몽"], Some("stop"), true))),
    ]));
    let events = app.record_interpret_events();
    call(
        "settings_set",
        json!({ "settings": { "provider": "openai", "baseUrl": server.base_url, "model": "m" } }),
    )
    .unwrap();
    let entry = call("diary_create", json!({ "input": { "body": "꿈" } })).unwrap()["id"].clone();
    for _ in 0..2 {
        let id = call(
            "interpret_start",
            json!({ "request": { "entryId": entry } }),
        )
        .unwrap()["requestId"]
            .as_u64()
            .unwrap();
        events.wait_terminal(id, std::time::Duration::from_secs(20));
    }
    call("interpret_history", json!({ "entryId": entry })).unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {CANARY}")),
        "the key was really sent to the server"
    );
    for (name, payload) in events.all().iter() {
        assert!(
            !payload.to_string().contains("CANARY"),
            "{name} holds the key: {payload}"
        );
    }

    for a in &answers {
        assert!(!a.contains("CANARY"), "a command answer holds the key: {a}");
    }
    for f in walk(app.dir.path()) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
            "{} holds the key",
            f.display()
        );
    }
    assert_eq!(
        keychain.get("openai").unwrap().as_deref(),
        Some(CANARY),
        "the key did reach the keychain (the test exercised the real path)"
    );
    let deleted = app
        .invoke("secrets_delete_api_key", json!({ "provider": "openai" }))
        .unwrap();
    assert_eq!(deleted["state"], "missing", "{deleted}");
    assert!(keychain.get("openai").unwrap().is_none(), "cleaned up");
}

//! A damaged diary or settings file never stops the app: it is moved aside, never deleted, a fresh
//! one starts, and the user is told where the old file is.

use std::fs;

use haemong_lib::app::Notice;
use haemong_lib::AppState;
use serde_json::json;

use crate::support::{names_in, no_keychain, paths, TestApp};

#[test]
fn a_corrupted_database_is_moved_aside_and_a_fresh_diary_starts() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    fs::create_dir_all(&p.data_dir).unwrap();
    let junk = b"this is not a database, it is a dream about one".repeat(200);
    fs::write(&p.diary_file, &junk).unwrap();

    let state = AppState::with_secrets(p.clone(), no_keychain());
    let notices = haemong_lib::app::take_notices(&state);
    let moved_to = match notices.as_slice() {
        [Notice::DiaryRecovered { moved_to }] => moved_to.clone(),
        other => panic!("expected one DiaryRecovered notice, got {other:?}"),
    };
    assert_eq!(
        fs::read(&moved_to).unwrap(),
        junk,
        "the old file is kept byte for byte"
    );
    assert!(
        haemong_lib::app::take_notices(&state).is_empty(),
        "a notice is handed over once"
    );
    drop(state);

    let app = TestApp::in_dir(dir);
    app.ok("diary_create", json!({ "input": { "body": "새 일기" } }));
    assert_eq!(
        app.ok("diary_list", json!({})).as_array().unwrap().len(),
        1,
        "the fresh diary works"
    );
}

#[test]
fn a_plain_database_with_a_torn_header_is_recovered_too() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    // A real (plain) diary, then its first bytes overwritten, as a bad disk or a half-copied
    // backup does.
    haemong_lib::db::Database::open(&p.diary_file).unwrap();
    let mut bytes = fs::read(&p.diary_file).unwrap();
    for b in bytes.iter_mut().take(100) {
        *b = 0xAB;
    }
    // Not whole pages: nothing an encrypted diary could be.
    bytes.truncate(bytes.len() - 100);
    fs::write(&p.diary_file, &bytes).unwrap();
    let state = AppState::with_secrets(p.clone(), no_keychain());
    assert!(
        matches!(
            haemong_lib::app::take_notices(&state).as_slice(),
            [Notice::DiaryRecovered { .. }]
        ),
        "a torn header is reported"
    );
}

#[test]
fn an_encrypted_diary_that_its_key_does_not_open_is_never_moved_or_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    let state = AppState::with_secrets(p.clone(), no_keychain());
    state
        .db
        .call_blocking(|c| {
            haemong_lib::db::entries::create(
                c,
                &haemong_lib::diary::EntryInput {
                    body: "kept".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    drop(state);
    // Its first page torn: only the right key could tell damage from another key, so the file
    // is left exactly as it is, and no new diary takes its place.
    let mut bytes = fs::read(&p.diary_file).unwrap();
    for b in bytes.iter_mut().take(100) {
        *b = 0xAB;
    }
    fs::write(&p.diary_file, &bytes).unwrap();
    let state = AppState::with_secrets(p.clone(), no_keychain());
    assert!(
        matches!(
            haemong_lib::app::take_notices(&state).as_slice(),
            [Notice::DiaryKeyMissing { .. }]
        ),
        "the user is told the key does not open it"
    );
    assert!(state.db.path().is_none(), "this session runs in memory");
    drop(state);
    assert_eq!(
        fs::read(&p.diary_file).unwrap(),
        bytes,
        "the file byte for byte"
    );
    let beside: Vec<String> = names_in(&p.data_dir)
        .into_iter()
        .filter(|n| n.contains("broken"))
        .collect();
    assert!(beside.is_empty(), "nothing moved aside: {beside:?}");
}

#[test]
fn a_corrupted_settings_file_loads_defaults_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    fs::create_dir_all(&p.config_dir).unwrap();
    fs::write(&p.settings_file, b"{\"language\": \"ko\", \"theme\": ").unwrap();
    let app = TestApp::in_dir(dir);
    assert_eq!(
        app.ok("settings_get", json!({}))["language"],
        "system",
        "defaults load"
    );
    let notices = app.ok("app_notices", json!({}));
    assert_eq!(
        notices[0]["kind"], "settings_recovered",
        "the user is told: {notices}"
    );
    let moved = notices[0]["movedTo"].as_str().unwrap();
    assert_eq!(
        fs::read(moved).unwrap(),
        b"{\"language\": \"ko\", \"theme\": ",
        "old settings kept"
    );
}

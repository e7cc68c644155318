//! A damaged diary or settings file never stops the app: it is moved aside, never deleted, a fresh
//! one starts, and the user is told where the old file is.

use std::fs;

use haemong_lib::app::Notice;
use haemong_lib::AppState;
use serde_json::json;

use crate::support::{no_keychain, paths, TestApp};

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
fn a_database_with_a_torn_header_is_recovered_too() {
    let dir = tempfile::tempdir().unwrap();
    let p = paths(dir.path());
    // A real diary, then its first page overwritten, as a bad disk or a half-copied backup does.
    let state = AppState::with_secrets(p.clone(), no_keychain());
    drop(state);
    let mut bytes = fs::read(&p.diary_file).unwrap();
    for b in bytes.iter_mut().take(100) {
        *b = 0xAB;
    }
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

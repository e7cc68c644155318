//! The diary commands as the webview calls them, on the mock runtime, against a real SQLite file.

use serde_json::json;

use crate::support::TestApp;

#[test]
fn entry_created_through_commands_is_listed_found_and_read_back() {
    let app = TestApp::new();
    let created = app.ok(
        "diary_create",
        json!({ "input": { "night": "2026-11-27", "title": "황금돼지꿈", "body": "돼지가 집에 들어왔다 🐷" } }),
    );
    let id = created["id"].as_i64().expect("create answers the new id");
    assert_eq!(created["night"], "2026-11-27", "night kept");
    assert!(
        created["createdAt"].as_i64().unwrap() > 0,
        "camelCase timestamps for JS"
    );

    let list = app.ok("diary_list", json!({}));
    assert_eq!(list[0]["id"], id, "the new entry is listed");
    assert_eq!(
        list[0]["excerpt"], "돼지가 집에 들어왔다 🐷",
        "with its excerpt"
    );

    let found = app.ok("diary_search", json!({ "query": "돼지" }));
    assert_eq!(
        found.as_array().unwrap().len(),
        1,
        "two-character Korean search finds it"
    );
    let found = app.ok("diary_search", json!({ "query": "돼지꿈" }));
    assert_eq!(found[0]["id"], id, "substring of the title finds it");

    let got = app.ok("diary_get", json!({ "id": id }));
    assert_eq!(
        got["body"], "돼지가 집에 들어왔다 🐷",
        "the body comes back exactly"
    );
}

#[test]
fn update_and_delete_work_and_report_missing_entries() {
    let app = TestApp::new();
    let id = app.ok("diary_create", json!({ "input": { "body": "first" } }))["id"]
        .as_i64()
        .unwrap();
    let updated = app.ok(
        "diary_update",
        json!({ "id": id, "input": { "night": "2026-01-01", "title": "", "body": "second" } }),
    );
    assert_eq!(updated["body"], "second", "update answers the stored entry");

    app.ok("diary_delete", json!({ "id": id }));
    let err = app.invoke("diary_get", json!({ "id": id })).unwrap_err();
    assert_eq!(
        err["kind"], "not_found",
        "a deleted entry is not found: {err}"
    );
    let err = app.invoke("diary_delete", json!({ "id": id })).unwrap_err();
    assert_eq!(err["kind"], "not_found", "deleting twice says not found");
}

#[test]
fn bad_input_gets_a_kind_the_ui_translates_and_stores_nothing() {
    let app = TestApp::new();
    let err = app
        .invoke(
            "diary_create",
            json!({ "input": { "title": " ", "body": "\n" } }),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "empty_entry", "{err}");
    let err = app
        .invoke(
            "diary_create",
            json!({ "input": { "night": "2026-02-31", "body": "x" } }),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "invalid_input", "{err}");
    let huge = "꿈".repeat(haemong_lib::diary::MAX_BODY_CHARS + 1);
    let err = app
        .invoke("diary_create", json!({ "input": { "body": huge } }))
        .unwrap_err();
    assert_eq!(err["kind"], "too_long", "{err}");
    assert!(
        !err["message"].as_str().unwrap().contains('꿈'),
        "error messages never carry the dream text"
    );
    assert_eq!(
        app.ok("diary_list", json!({})),
        json!([]),
        "nothing was stored"
    );
}

#[test]
fn a_hundred_thousand_character_entry_is_saved_and_shown() {
    let app = TestApp::new();
    let body: String = "어젯밤 꿈에서 끝없는 복도를 걸었다. "
        .repeat(5_000)
        .chars()
        .take(100_000)
        .collect();
    let id = app.ok("diary_create", json!({ "input": { "body": body } }))["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        app.ok("diary_get", json!({ "id": id }))["body"]
            .as_str()
            .unwrap(),
        body,
        "all 100,000 characters come back"
    );
}

#[test]
fn entry_survives_restart() {
    let app = TestApp::new();
    let id = app.ok(
        "diary_create",
        json!({ "input": { "body": "다시 열어도 있어야 한다" } }),
    )["id"]
        .as_i64()
        .unwrap();
    let again = app.restart();
    assert_eq!(
        again.ok("diary_get", json!({ "id": id }))["body"],
        "다시 열어도 있어야 한다",
        "the entry is read back by a new app on the same folder"
    );
}

#[test]
fn settings_round_trip_and_app_info_names_the_data_folder() {
    let app = TestApp::new();
    assert_eq!(
        app.ok("settings_get", json!({}))["language"],
        "system",
        "default language"
    );
    app.ok(
        "settings_set",
        json!({ "settings": { "language": "ko", "theme": "dark" } }),
    );
    assert_eq!(app.ok("settings_get", json!({}))["theme"], "dark");
    let info = app.ok("app_info", json!({}));
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        info["dataDir"]
            .as_str()
            .unwrap()
            .starts_with(app.dir.path().to_str().unwrap()),
        "the data folder is the one the app was given"
    );
    assert!(
        app.invoke("settings_set", json!({ "settings": { "language": "fr" } }))
            .is_err(),
        "an unknown language is refused"
    );
    assert_eq!(
        app.ok("settings_get", json!({}))["language"],
        "ko",
        "a refused value changes nothing"
    );
}

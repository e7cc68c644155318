//! The passphrase and the lock through the app's commands: a diary with a passphrase starts
//! locked, reads nothing until the right passphrase opens it, locks again on request, opens on a
//! computer whose keychain lost its key, and a change of passphrase never rewrites the diary.

use serde_json::{json, Value};

use crate::support::{forget_diary_key, TestApp};

const PASSPHRASE: &str = "꿈의 열쇠 2026";

fn kind(e: Value) -> String {
    e["kind"].as_str().unwrap_or_default().to_string()
}

fn entries(app: &TestApp) -> Result<usize, String> {
    app.invoke("diary_list", json!({}))
        .map(|v| v.as_array().unwrap().len())
        .map_err(kind)
}

#[test]
fn a_diary_with_a_passphrase_starts_locked_and_opens_only_with_it() {
    let app = TestApp::new();
    app.ok("diary_create", json!({ "input": { "body": "잠긴 꿈" } }));
    let status = app.ok("vault_status", json!({}));
    assert_eq!(
        status,
        json!({ "encrypted": true, "passphrase": false, "locked": false, "file": true })
    );
    assert_eq!(
        kind(app.invoke("vault_lock", json!({})).unwrap_err()),
        "no_passphrase",
        "nothing to lock with yet"
    );
    assert_eq!(
        kind(
            app.invoke("vault_set_passphrase", json!({ "passphrase": "abc" }))
                .unwrap_err()
        ),
        "weak_passphrase"
    );
    let set = app.ok("vault_set_passphrase", json!({ "passphrase": PASSPHRASE }));
    assert_eq!(set["passphrase"], true);
    let diary = app.state().paths.diary_file.clone();
    let wrapped =
        std::fs::read_to_string(haemong_lib::vault::passphrase::file_for(&diary)).unwrap();
    let key_hex = app.state().db.key().unwrap().to_hex().to_string();
    assert!(
        !wrapped.contains(&key_hex) && !wrapped.contains(PASSPHRASE),
        "the wrapped key file holds neither the key nor the passphrase"
    );

    let locked = app.ok("vault_lock", json!({}));
    assert_eq!(locked["locked"], true);
    assert_eq!(
        entries(&app),
        Err("locked".into()),
        "nothing is read while locked"
    );
    assert_eq!(
        kind(
            app.invoke("diary_create", json!({ "input": { "body": "x" } }))
                .unwrap_err()
        ),
        "locked",
        "nor written"
    );
    assert_eq!(
        kind(
            app.invoke("vault_unlock", json!({ "passphrase": "꿈의 열쇠 2025" }))
                .unwrap_err()
        ),
        "wrong_passphrase"
    );
    assert_eq!(
        entries(&app),
        Err("locked".into()),
        "a wrong passphrase opens nothing"
    );
    app.ok("vault_unlock", json!({ "passphrase": PASSPHRASE }));
    assert_eq!(entries(&app), Ok(1), "the right one opens the diary");

    // A restart: locked from the start.
    let app = app.restart();
    assert_eq!(
        app.ok("vault_status", json!({}))["locked"],
        true,
        "starts locked"
    );
    assert_eq!(entries(&app), Err("locked".into()));
    app.ok("vault_unlock", json!({ "passphrase": PASSPHRASE }));
    assert_eq!(entries(&app), Ok(1));
}

#[test]
fn a_new_passphrase_never_rewrites_the_diary_and_opens_it_without_the_keychain() {
    let app = TestApp::new();
    app.ok(
        "diary_create",
        json!({ "input": { "body": "열쇠 없는 컴퓨터" } }),
    );
    app.ok("vault_set_passphrase", json!({ "passphrase": PASSPHRASE }));
    let diary = app.state().paths.diary_file.clone();
    app.state()
        .db
        .call_blocking(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?))
        .unwrap();
    let before = std::fs::read(&diary).unwrap();
    assert_eq!(
        kind(
            app.invoke(
                "vault_set_passphrase",
                json!({ "passphrase": "새 열쇠 2027", "current": "틀린 열쇠" })
            )
            .unwrap_err()
        ),
        "wrong_passphrase",
        "changing it needs the current one"
    );
    app.ok(
        "vault_set_passphrase",
        json!({ "passphrase": "새 열쇠 2027", "current": PASSPHRASE }),
    );
    assert_eq!(
        std::fs::read(&diary).unwrap(),
        before,
        "the diary was not rewritten"
    );

    // Another computer: the keychain has no key, the passphrase still opens the diary.
    forget_diary_key(&diary);
    let app = app.restart();
    assert_eq!(entries(&app), Err("locked".into()));
    assert_eq!(
        kind(
            app.invoke("vault_unlock", json!({ "passphrase": PASSPHRASE }))
                .unwrap_err()
        ),
        "wrong_passphrase",
        "the old passphrase no longer opens it"
    );
    app.ok("vault_unlock", json!({ "passphrase": "새 열쇠 2027" }));
    assert_eq!(entries(&app), Ok(1));
    // Removing the passphrase puts the key back in the keychain first: the next start opens.
    let removed = app.ok(
        "vault_remove_passphrase",
        json!({ "passphrase": "새 열쇠 2027" }),
    );
    assert_eq!(removed["passphrase"], false);
    let app = app.restart();
    assert_eq!(
        entries(&app),
        Ok(1),
        "opens without a passphrase, from the keychain"
    );
}

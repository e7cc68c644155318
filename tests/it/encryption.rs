//! The diary encrypted at rest, with the real binary and the real keychain (gnome-keyring in
//! `make test`): a plain diary from an earlier version converted even when the process is killed
//! at each step, and an encrypted diary whose key left the keychain never touched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use haemong_lib::db::cipher::{self, FileState};
use haemong_lib::db::Database;
use haemong_lib::secrets::{Keychain, SecretStore, SERVICE};

use crate::support::names_in;

const CANARY: &str = "CANARY-7f3a-돼지꿈-secret";

fn haemong(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haemong"))
        .args(args)
        .env_remove("HAEMONG_SQLCIPHER_PROVIDER")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("HOME", home)
        .envs(envs.iter().copied())
        .output()
        .expect("the binary runs")
}

fn diary_of(home: &Path) -> PathBuf {
    home.join("data")
        .join("app.haemong.diary")
        .join("diary.sqlite3")
}

/// The real keychain, or a skip outside `make test` (as the keychain tests do).
fn keychain() -> Option<Keychain> {
    let k = Keychain::new(SERVICE);
    crate::keychain::keychain_or_skip(&k).then_some(k)
}

/// A plain diary as an earlier version left it.
fn plain_diary(path: &Path, n: usize) {
    let db = Database::open(path).unwrap().db;
    db.call_blocking(|c| {
        for i in 0..n {
            haemong_lib::db::entries::create(
                c,
                &haemong_lib::diary::EntryInput {
                    body: format!("{CANARY} night {i} {}", "꿈 ".repeat(3000)),
                    ..Default::default()
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    drop(db);
}

/// Every file under `dir` (recursively) that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(items) = std::fs::read_dir(&d) else {
            continue;
        };
        for item in items.flatten() {
            let p = item.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(p);
                }
            }
        }
    }
    found
}

fn listed(out: &Output) -> usize {
    assert!(
        out.status.success(),
        "list succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .expect("list --json prints JSON")
        .as_array()
        .expect("an array")
        .len()
}

#[test]
fn a_plain_diary_killed_at_each_step_of_its_encryption_is_readable_every_time() {
    if keychain().is_none() {
        return;
    }
    for step in cipher::STEPS {
        let home = tempfile::tempdir().unwrap();
        let diary = diary_of(home.path());
        // Over 2 MiB, so a kill while wiping leaves part of the plain file unwiped.
        plain_diary(&diary, 250);
        // A plain backup from before, converted too.
        let backups = diary.with_file_name("backups");
        std::fs::create_dir_all(&backups).unwrap();
        haemong_lib::data::backup::copy_verified(
            &diary,
            &backups.join("diary-2026-11-28.sqlite3"),
            None,
            &haemong_lib::data::Progress::none(),
        )
        .unwrap();
        let killed = haemong(
            home.path(),
            &["list", "--json", "--limit", "1000"],
            &[("HAEMONG_TEST_KILL_AT", step)],
        );
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                killed.status.signal(),
                Some(9),
                "{step}: the process was killed (SIGKILL) at the step (stderr: {})",
                String::from_utf8_lossy(&killed.stderr)
            );
        }
        let state = cipher::state_of(&diary).unwrap();
        assert!(
            matches!(state, FileState::Plain | FileState::Encrypted),
            "{step}: a diary is in place after the kill ({state:?})"
        );
        // The next start finishes the work.
        let again = haemong(home.path(), &["list", "--json", "--limit", "1000"], &[]);
        assert_eq!(listed(&again), 250, "{step}: every entry is readable");
        assert_eq!(
            cipher::state_of(&diary).unwrap(),
            FileState::Encrypted,
            "{step}: and the diary is encrypted now"
        );
        assert_eq!(
            cipher::state_of(&backups.join("diary-2026-11-28.sqlite3")).unwrap(),
            FileState::Encrypted,
            "{step}: the old backup too"
        );
        let leftovers: Vec<_> = names_in(diary.parent().unwrap())
            .into_iter()
            .filter(|n| n.ends_with(".plain") || n.ends_with(".encrypting"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{step}: nothing left aside: {leftovers:?}"
        );
        assert_eq!(
            files_holding(home.path(), CANARY),
            Vec::<PathBuf>::new(),
            "{step}: no file holds the dream's text"
        );
    }
}

#[test]
fn the_key_gone_from_the_keychain_leaves_the_encrypted_file_untouched() {
    let Some(keychain) = keychain() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let added = haemong(home.path(), &["add", "--title", "kept", CANARY], &[]);
    assert!(
        added.status.success(),
        "add: {}",
        String::from_utf8_lossy(&added.stderr)
    );
    let diary = diary_of(home.path());
    assert_eq!(cipher::state_of(&diary).unwrap(), FileState::Encrypted);
    let account = haemong_lib::vault::account_for(&diary);
    let hex = keychain
        .get(&account)
        .unwrap()
        .expect("the key is in the keychain");
    let before = (
        std::fs::read(&diary).unwrap(),
        names_in(diary.parent().unwrap()),
    );
    keychain.delete(&account).unwrap();

    let refused = haemong(home.path(), &["list"], &[]);
    assert_eq!(refused.status.code(), Some(1), "the command line fails");
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("encrypted") && err.contains("keychain"),
        "and says why: {err}"
    );
    let readd = haemong(home.path(), &["add", "a new dream"], &[]);
    assert_eq!(readd.status.code(), Some(1), "nothing is written either");
    let state = haemong_lib::AppState::init(haemong_lib::Paths::new(
        diary.parent().unwrap(),
        &home.path().join("config"),
    ));
    let notices = haemong_lib::app::take_notices(&state);
    assert!(
        matches!(
            notices.as_slice(),
            [haemong_lib::app::Notice::DiaryKeyMissing { .. }]
        ),
        "the window explains: {notices:?}"
    );
    drop(state);
    assert_eq!(
        (
            std::fs::read(&diary).unwrap(),
            names_in(diary.parent().unwrap())
        ),
        before,
        "the file byte for byte, and nothing made beside it"
    );
    assert!(
        keychain.get(&account).unwrap().is_none(),
        "no new key was made over it"
    );

    // The key back (the keychain restored): everything is there.
    keychain.set(&account, &hex).unwrap();
    let out = haemong(home.path(), &["list", "--json"], &[]);
    assert_eq!(listed(&out), 1, "the diary opens again");
    keychain.delete(&account).unwrap();
}

/// The app keeps SQLCipher's crypto contexts per connection (`db::cipher_provider`); a diary
/// written that way and one written by SQLCipher's stock provider are the same file format: each
/// reads and extends the other's, search included.
#[test]
fn a_diary_written_with_either_sqlcipher_provider_reads_with_the_other() {
    if keychain().is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let stock = [("HAEMONG_SQLCIPHER_PROVIDER", "stock")];
    let ours: [(&str, &str); 0] = [];
    let add = |text: &str, envs: &[(&str, &str)]| {
        let out = haemong(home.path(), &["add", text], envs);
        assert!(
            out.status.success(),
            "add succeeds: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    add("돼지꿈 written by the stock provider", &stock);
    assert_eq!(
        cipher::state_of(&diary_of(home.path())).unwrap(),
        FileState::Encrypted,
        "the diary is encrypted"
    );
    add("뱀 꿈 written with the kept contexts", &ours);
    add("물 꿈 the stock provider again", &stock);
    for envs in [&stock[..], &ours[..]] {
        let out = haemong(home.path(), &["list", "--json"], envs);
        assert_eq!(listed(&out), 3, "every entry reads back ({envs:?})");
        for term in ["돼지꿈", "kept contexts", "stock provider again"] {
            let found = haemong(home.path(), &["search", term, "--json"], envs);
            assert_eq!(listed(&found), 1, "search finds {term:?} ({envs:?})");
        }
    }
    // And in this process, through the kept contexts: every page of the file written by both.
    let account = haemong_lib::vault::account_for(&diary_of(home.path()));
    let keychain = Keychain::new(SERVICE);
    let hex = keychain
        .get(&account)
        .unwrap()
        .expect("the key is in the keychain");
    let key = haemong_lib::db::Key::from_hex(&hex).unwrap();
    let before = haemong_lib::db::cipher_provider::fallbacks();
    let c = cipher::open(
        &diary_of(home.path()),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        Some(&key),
    )
    .unwrap();
    let provider: String = c
        .query_row("PRAGMA cipher_provider", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        provider,
        haemong_lib::db::cipher_provider::NAME.to_str().unwrap(),
        "this process reads with the kept contexts"
    );
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        check, "ok",
        "the file written by both passes SQLite's check"
    );
    assert_eq!(
        haemong_lib::db::cipher_provider::fallbacks(),
        before,
        "no page needed the stock functions"
    );
    let _ = keychain.delete(&account);
}

//! The command line end to end: the real binary on a temporary data folder (the app's own layout),
//! its output and exit status, and an export carried to another diary and back.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `haemong ARGS` with `home` as its data folder, `stdin` on standard input.
fn haemong(home: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_haemong"))
        .args(args)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(home: &Path, args: &[&str], stdin: &str) -> String {
    let out = haemong(home, args, stdin);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?} succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The export without its time, which differs from run to run.
fn without_time(json: &str) -> String {
    json.lines()
        .filter(|l| !l.contains("\"exportedAt\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_command_line_adds_lists_searches_and_carries_a_diary_to_another_and_back() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let first = ok(h, &["add", "돼지가 집으로 들어왔다 🐷"], "");
    assert!(
        first.trim().parse::<i64>().is_ok(),
        "prints the new id: {first}"
    );
    let second = ok(
        h,
        &["add", "--date", "2026-11-01", "--title", "Snake", "-"],
        "A snake in the garden\nsecond line",
    );
    assert_ne!(first, second);
    assert!(
        h.join("data/app.haemong.diary/diary.sqlite3").exists(),
        "the app's own diary file"
    );

    let list = ok(h, &["list"], "");
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(
        lines[0].contains("돼지가 집으로"),
        "newest night first: {list}"
    );
    assert!(lines[1].ends_with("\tSnake"));
    let json: serde_json::Value = serde_json::from_str(&ok(h, &["list", "--json"], "")).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);

    let found = ok(h, &["search", "돼지"], "");
    assert_eq!(found.lines().count(), 1, "{found}");
    assert_eq!(
        ok(h, &["search", "없는말"], ""),
        "",
        "nothing found, nothing printed"
    );

    let export = ok(h, &["export", "--format", "json"], "");
    let parsed: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(parsed["entries"].as_array().unwrap().len(), 2);
    let file = h.join("diary.json");
    std::fs::write(&file, &export).unwrap();

    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    let dry = ok(o, &["import", file.to_str().unwrap(), "--dry-run"], "");
    assert!(dry.starts_with("dry run: 2 added"), "{dry}");
    assert_eq!(ok(o, &["list"], ""), "", "a dry run changes nothing");
    let done = ok(o, &["import", file.to_str().unwrap()], "");
    assert!(
        done.starts_with("2 added, 0 already there, 0 refused"),
        "{done}"
    );
    let again = ok(o, &["import", file.to_str().unwrap()], "");
    assert!(again.starts_with("0 added, 2 already there"), "{again}");
    let out_file = o.join("back.json");
    ok(o, &["export", "--out", out_file.to_str().unwrap()], "");
    assert_eq!(
        without_time(&std::fs::read_to_string(&out_file).unwrap()),
        without_time(&export),
        "exported again, the same file"
    );
}

#[test]
fn misuse_exits_2_and_failures_exit_1_with_one_line() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let help = haemong(h, &["--help"], "");
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("export"));
    let sub_help = haemong(h, &["import", "--help"], "");
    assert!(String::from_utf8_lossy(&sub_help.stdout).contains("--dry-run"));

    let misuse = haemong(h, &["list", "--limit", "many"], "");
    assert_eq!(misuse.status.code(), Some(2), "a bad argument is misuse");

    let garbage = h.join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    for (args, says) in [
        (vec!["import", garbage.to_str().unwrap()], "not valid JSON"),
        (vec!["import", "/no/such/file.json"], "file error"),
        (vec!["add", "--date", "2026-13-01", "꿈"], "night"),
        (vec!["add", "  "], "empty"),
    ] {
        let out = haemong(h, &args, "");
        assert_eq!(out.status.code(), Some(1), "{args:?} fails");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(
            err.starts_with("haemong: ") && err.contains(says),
            "{args:?}: {err}"
        );
    }
    assert_eq!(
        ok(h, &["list"], ""),
        "",
        "nothing was written by the failures"
    );
}

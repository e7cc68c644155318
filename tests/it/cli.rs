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
fn an_export_sealed_with_a_passphrase_carries_the_diary_and_opens_with_it_only() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let canary = "sealed-canary-밤바다-4417";
    ok(h, &["add", &format!("A boat on a night sea: {canary}")], "");
    let pass = h.join("pass.txt");
    std::fs::write(&pass, "night sea 42\n").unwrap();
    let sealed = h.join("diary.json.age");
    let (sealed_s, pass_s) = (sealed.to_str().unwrap(), pass.to_str().unwrap());

    let out = haemong(h, &["export", "--encrypt"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "--encrypt needs --out (no sealed bytes to a terminal)"
    );
    ok(
        h,
        &[
            "export",
            "--encrypt",
            "--out",
            sealed_s,
            "--passphrase-file",
            pass_s,
        ],
        "",
    );
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "an age file");
    assert!(
        !String::from_utf8_lossy(&bytes).contains("night sea")
            && !bytes.windows(13).any(|w| w == &canary.as_bytes()[..13]),
        "neither the dream nor the passphrase in it"
    );

    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    let wrong = o.join("wrong.txt");
    std::fs::write(&wrong, "night sea 43\n").unwrap();
    let out = haemong(
        o,
        &[
            "import",
            sealed_s,
            "--passphrase-file",
            wrong.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "a wrong passphrase fails");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("passphrase does not open this file"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_eq!(ok(o, &["list"], ""), "", "and nothing came in");

    let done = ok(o, &["import", sealed_s, "--passphrase-file", pass_s], "");
    assert!(done.starts_with("1 added"), "{done}");
    assert!(
        ok(o, &["search", "밤바다"], "").contains("night sea"),
        "the dream came through"
    );
    let again = ok(o, &["import", sealed_s, "--passphrase-file", pass_s], "");
    assert!(again.starts_with("0 added, 1 already there"), "{again}");

    // Cut short: refused, the diary unchanged.
    let cut = o.join("cut.json.age");
    std::fs::write(&cut, &bytes[..bytes.len() - 20]).unwrap();
    let out = haemong(
        o,
        &["import", cut.to_str().unwrap(), "--passphrase-file", pass_s],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cut short or was altered"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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

#[test]
fn markdown_export_backup_and_restore_work_from_the_command_line() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    ok(
        h,
        &[
            "add",
            "--date",
            "2026-11-28",
            "--title",
            "돼지꿈 🐷",
            "돼지가 들어왔다",
        ],
        "",
    );
    ok(
        h,
        &["add", "--date", "2026-11-01", "A snake\n\nin the garden"],
        "",
    );
    let before = ok(h, &["export"], "");

    let notes = h.join("notes");
    ok(
        h,
        &[
            "export",
            "--format",
            "markdown",
            "--out",
            notes.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        std::fs::read_dir(&notes).unwrap().count(),
        2,
        "one note per dream"
    );
    let other = tempfile::tempdir().unwrap();
    let o = other.path();
    let came = ok(o, &["import", notes.to_str().unwrap()], "");
    assert!(came.starts_with("2 added"), "{came}");
    assert_eq!(
        without_time(&ok(o, &["export"], "")),
        without_time(&before),
        "the Markdown folder carries the diary whole"
    );

    let backed = ok(h, &["backup"], "");
    let backup_file = backed.split('\t').next().unwrap().to_string();
    assert!(
        backup_file.contains("data/app.haemong.diary/backups/diary-")
            && backed.contains("2 dreams\tverified"),
        "today's backup in the backups folder: {backed}"
    );
    ok(h, &["add", "written after the backup"], "");
    let restored = ok(h, &["restore", &backup_file], "");
    assert!(restored.starts_with("2 dreams restored"), "{restored}");
    assert_eq!(
        without_time(&ok(h, &["export"], "")),
        without_time(&before),
        "the diary is the backup again"
    );
    let aside = std::fs::read_dir(h.join("data/app.haemong.diary/backups"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("before-restore-")
        })
        .count();
    assert_eq!(aside, 1, "the diary before the restore was kept aside");

    let junk = h.join("junk.sqlite3");
    std::fs::write(&junk, "not a diary").unwrap();
    let refused = haemong(h, &["restore", junk.to_str().unwrap()], "");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a usable Haemong diary"));
    let out = h.join("copy.sqlite3");
    ok(h, &["backup", "--out", out.to_str().unwrap()], "");
    assert!(out.exists(), "a backup where the user said");
    let again = haemong(h, &["backup", "--out", out.to_str().unwrap()], "");
    assert_eq!(again.status.code(), Some(1), "never over an existing file");
    let diary = h.join("data/app.haemong.diary/diary.sqlite3");
    let over = haemong(h, &["backup", "--out", diary.to_str().unwrap()], "");
    assert_eq!(over.status.code(), Some(1), "least of all the diary itself");
    let into = h.join("copies");
    std::fs::create_dir(&into).unwrap();
    ok(h, &["backup", "--out", into.to_str().unwrap()], "");
    assert_eq!(
        std::fs::read_dir(&into).unwrap().count(),
        1,
        "a dated file inside a folder"
    );
}

/// Settings that point the CLI at the local test server (the app's own settings file).
fn use_server(home: &Path, base_url: &str) {
    let dir = home.join("config/app.haemong.diary");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("settings.json"),
        serde_json::json!({ "provider": "custom", "baseUrl": base_url, "model": "dream-test" })
            .to_string(),
    )
    .unwrap();
}

#[test]
fn interpret_streams_to_standard_output_and_saves_the_reading_like_the_window() {
    use crate::sse_server::{by_event, sse, Reply, Server, Step};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(Server::start(vec![
        Reply::stream(by_event(&sse(
            &["돼지는 ", "재물운을 ", "뜻해요."],
            Some("stop"),
            true,
        ))),
        Reply::stream(by_event(&sse(
            &["Snakes ", "mean change."],
            Some("stop"),
            true,
        ))),
        Reply::stream(by_event(&sse(&["부분 ", "답"], None, false))).then(Step::Stall),
    ]));
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    use_server(h, &server.base_url);
    let id = ok(h, &["add", "돼지가 들어왔다"], "");
    let said = ok(h, &["interpret", id.trim()], "");
    assert_eq!(
        said, "돼지는 재물운을 뜻해요.\n",
        "the answer, streamed to standard output"
    );
    let export: serde_json::Value = serde_json::from_str(&ok(h, &["export"], "")).unwrap();
    let reading = &export["entries"][0]["interpretations"][0];
    assert_eq!(
        reading["text"], "돼지는 재물운을 뜻해요.",
        "saved with its entry"
    );
    assert_eq!(reading["status"], "complete");

    let adhoc = ok(h, &["interpret", "--text", "A snake"], "");
    assert_eq!(adhoc, "Snakes mean change.\n", "a dream not in the diary");

    // Ctrl+C while the answer streams: it stops, and the partial text is kept, marked.
    let mut child = Command::new(env!("CARGO_BIN_EXE_haemong"))
        .args(["interpret", id.trim()])
        .env("XDG_DATA_HOME", h.join("data"))
        .env("XDG_CONFIG_HOME", h.join("config"))
        .env("HOME", h)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while !String::from_utf8_lossy(&got).contains("부분 답") {
        use std::io::Read;
        let n = stdout.read(&mut buf).unwrap();
        assert!(n > 0, "the partial answer arrives before the stall");
        got.extend_from_slice(&buf[..n]);
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "stopped by the user");
    assert!(String::from_utf8_lossy(&out.stderr).contains("partial interpretation was saved"));
    let export: serde_json::Value = serde_json::from_str(&ok(h, &["export"], "")).unwrap();
    let readings = export["entries"][0]["interpretations"].as_array().unwrap();
    let last = readings.last().unwrap();
    assert_eq!(
        (last["text"].as_str(), last["status"].as_str()),
        (Some("부분 답"), Some("stopped"))
    );

    let missing = haemong(h, &["interpret", "999"], "");
    assert_eq!(
        missing.status.code(),
        Some(1),
        "an unknown entry fails with one line"
    );
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
}

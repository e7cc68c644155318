//! The security posture, read from the files that set it: a strict CSP, a frozen prototype, and
//! capabilities that grant each window exactly the list approved here. Widening any of them has to
//! change this test, in review, with a reason.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(path)).unwrap())
        .unwrap_or_else(|e| panic!("{path} is JSON: {e}"))
}

/// The app's own commands, as `build.rs` declares them to tauri-build.
fn declared_commands() -> Vec<String> {
    let build = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
    let list = &build[build.find(".commands(&[").expect("a command list")..];
    let list = &list[..list.find("])").unwrap()];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_content_security_policy_allows_only_the_app_itself() {
    let conf = json("tauri.conf.json");
    let security = &conf["app"]["security"];
    assert_eq!(security["freezePrototype"], true, "freezePrototype is on");
    let csp = security["csp"]
        .as_object()
        .expect("a CSP is set (not null)");
    for (directive, value) in csp {
        let value = value.as_str().unwrap();
        for token in value.split_whitespace() {
            assert_ne!(token, "'unsafe-eval'", "{directive} allows eval");
            assert!(
                !token.starts_with("https:") && token != "*" && !token.contains("*."),
                "{directive} allows a remote origin: {token}"
            );
            // The one http origin is Tauri's own IPC endpoint (Windows and Android).
            if token.starts_with("http:") {
                assert_eq!(token, "http://ipc.localhost", "{directive} allows {token}");
            }
        }
    }
    for directive in ["script-src", "default-src"] {
        let v = csp[directive].as_str().unwrap();
        assert!(
            !v.contains("'unsafe-inline'"),
            "{directive} allows inline script"
        );
        assert_eq!(v, "'self'", "{directive} is the app's own files only");
    }
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(csp["frame-ancestors"], "'none'");
}

#[test]
fn each_window_gets_exactly_the_approved_permissions() {
    let commands: BTreeSet<String> = declared_commands()
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    let core = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let main_core = core(&[
        "core:event:allow-listen",
        "core:event:allow-unlisten",
        "core:window:allow-close",
        // The UI's own state (ui-state.json in the app's data folder; never provider settings).
        "store:default",
    ]);
    // The quick window interprets, files, opens the diary and hides itself; nothing else.
    let quick = core(&[
        "core:event:allow-listen",
        "core:event:allow-unlisten",
        "core:window:allow-hide",
        "allow-settings-get",
        "allow-interpret-start",
        "allow-interpret-follow-up",
        "allow-interpret-stop",
        "allow-interpret-take",
        "allow-diary-file-quick",
        "allow-tray-open-main",
    ]);
    let mut seen_windows = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("capabilities")).unwrap() {
        let path = entry.unwrap().path();
        let cap = json(&format!(
            "capabilities/{}",
            path.file_name().unwrap().to_str().unwrap()
        ));
        assert!(
            cap.get("remote").is_none(),
            "{path:?} grants nothing to remote URLs"
        );
        let windows: Vec<&str> = cap["windows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        let granted: BTreeSet<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().expect("plain permission names").to_string())
            .collect();
        for w in &windows {
            assert!(
                seen_windows.insert(w.to_string()),
                "{w} has one capability file"
            );
            match *w {
                "main" => {
                    let extra: Vec<_> = granted
                        .iter()
                        .filter(|p| !main_core.contains(*p) && !commands.contains(*p))
                        .collect();
                    assert!(extra.is_empty(), "main is granted unapproved {extra:?}");
                    assert!(
                        !granted.contains("allow-diary-file-quick"),
                        "filing from the quick window is the quick window's"
                    );
                }
                "quick" => assert_eq!(granted, quick, "the quick window's permissions"),
                other => panic!("a capability for an unknown window {other}"),
            }
        }
    }
    assert_eq!(
        seen_windows,
        BTreeSet::from(["main".to_string(), "quick".to_string()])
    );
}

#[test]
fn tauri_is_at_least_2_11() {
    // Earlier 2.x releases had an advisory on the IPC's origin checks.
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let at = lock
        .find("name = \"tauri\"\nversion = \"")
        .expect("tauri in Cargo.lock");
    let version = lock[at + "name = \"tauri\"\nversion = \"".len()..]
        .split('"')
        .next()
        .unwrap();
    let parts: Vec<u32> = version
        .split(['.', '-'])
        .take(2)
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(
        parts[0] == 2 && parts[1] >= 11,
        "tauri {version} is 2.11 or newer (and not 3.x)"
    );
}

//! Builds the real app (commands, state) on tauri's mock runtime around a temporary folder.

use std::sync::Arc;

use haemong_lib::secrets::{SecretStore, Secrets, SessionStore};
use haemong_lib::{AppState, Paths};
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, WebviewWindow, WebviewWindowBuilder};

pub struct TestApp {
    _app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub dir: tempfile::TempDir,
}

/// A key store in memory: for tests that are not about the keychain. API keys start empty for
/// each call; diaries' keys (one account per diary file, so tests never share one) live as long as
/// the test process, as they live in a real keychain, so an app restarted on the same folder
/// opens its encrypted diary again.
pub fn no_keychain() -> Secrets {
    Secrets::new(Arc::new(TestKeychain::default()))
}

#[derive(Default)]
struct TestKeychain {
    api_keys: SessionStore,
}

/// Takes a diary's key out of the test keychain, as a new computer or a reset keychain would.
pub fn forget_diary_key(diary: &std::path::Path) {
    diary_keys()
        .delete(&haemong_lib::vault::account_for(diary))
        .unwrap();
}

fn diary_keys() -> &'static SessionStore {
    static KEYS: std::sync::OnceLock<SessionStore> = std::sync::OnceLock::new();
    KEYS.get_or_init(SessionStore::default)
}

impl TestKeychain {
    fn store(&self, account: &str) -> &SessionStore {
        if account.starts_with("diary-key:") {
            diary_keys()
        } else {
            &self.api_keys
        }
    }
}

impl SecretStore for TestKeychain {
    fn get(&self, account: &str) -> haemong_lib::error::Result<Option<String>> {
        self.store(account).get(account)
    }
    fn set(&self, account: &str, secret: &str) -> haemong_lib::error::Result<()> {
        self.store(account).set(account, secret)
    }
    fn delete(&self, account: &str) -> haemong_lib::error::Result<()> {
        self.store(account).delete(account)
    }
}

/// The names of the files in `dir`, sorted.
pub fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder is readable")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn paths(dir: &std::path::Path) -> Paths {
    Paths::new(&dir.join("data"), &dir.join("config"))
}

impl TestApp {
    pub fn new() -> TestApp {
        Self::in_dir(tempfile::tempdir().expect("temp dir"))
    }

    /// The app on `dir`, with a key store that never touches the user's keychain.
    pub fn in_dir(dir: tempfile::TempDir) -> TestApp {
        let state = AppState::with_secrets(paths(dir.path()), no_keychain());
        Self::with_state(dir, state)
    }

    pub fn with_state(dir: tempfile::TempDir, state: AppState) -> TestApp {
        // As `tray::lifecycle::setup` does in the app.
        let shortcut = haemong_lib::tray::shortcut::Shortcut::new(&state.settings.get().shortcut);
        let app = mock_builder()
            .manage(state)
            .manage(shortcut)
            .invoke_handler(haemong_lib::invoke_handler())
            .build(mock_context(noop_assets()))
            .expect("mock app builds");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window builds");
        TestApp {
            _app: app,
            window,
            dir,
        }
    }

    /// Drops this app and starts a new one on the same folder, as a user restarting the app would.
    pub fn restart(self) -> TestApp {
        let TestApp { _app, window, dir } = self;
        drop(window);
        drop(_app);
        TestApp::in_dir(dir)
    }

    /// Calls a command as the webview would; Ok is the JSON answer, Err the `{kind, message}` error.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke_on(&self.window, cmd, args)
    }

    pub fn state(&self) -> tauri::State<'_, AppState> {
        use tauri::Manager;
        self._app.state::<AppState>()
    }

    pub fn handle(&self) -> tauri::AppHandle<MockRuntime> {
        self._app.handle().clone()
    }

    /// Records every `interpret:*` event of this window from now on, as (name, payload), in order:
    /// taken from the window's queue with `interpret_take`, as the page does when one rings.
    pub fn record_interpret_events(&self) -> Events {
        let window = self.window.clone();
        Events {
            log: Arc::default(),
            take: Arc::new(move || {
                let taken = invoke_on(&window, "interpret_take", serde_json::json!({}))
                    .expect("interpret_take answers");
                taken
                    .as_array()
                    .expect("a list")
                    .iter()
                    .map(|p| {
                        (
                            p["event"].as_str().expect("an event name").to_string(),
                            p["payload"].clone(),
                        )
                    })
                    .collect()
            }),
        }
    }

    /// Every `interpret:*` event as the window is rung with it: (name, payload).
    pub fn record_doorbells(&self) -> Arc<std::sync::Mutex<Vec<(String, Value)>>> {
        let log: Arc<std::sync::Mutex<Vec<(String, Value)>>> = Arc::default();
        for name in [
            "interpret:delta",
            "interpret:reasoning",
            "interpret:done",
            "interpret:error",
            "interpret:stopped",
        ] {
            let log = log.clone();
            self._app.listen_any(name, move |e| {
                let payload: Value = serde_json::from_str(e.payload()).expect("JSON payload");
                log.lock().unwrap().push((name.to_string(), payload));
            });
        }
        log
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }
}

pub fn is_terminal(name: &str) -> bool {
    matches!(
        name,
        "interpret:done" | "interpret:error" | "interpret:stopped"
    )
}

/// Calls a command as `window`'s page would.
pub fn invoke_on(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: tauri::test::INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("command answers JSON"))
}

type Take = Arc<dyn Fn() -> Vec<(String, Value)> + Send + Sync>;

/// Events recorded by `record_interpret_events`.
#[derive(Clone)]
pub struct Events {
    log: Arc<std::sync::Mutex<Vec<(String, Value)>>>,
    take: Take,
}

impl Events {
    /// The events of one request, once its terminal event has arrived (panics after `within`).
    pub fn wait_terminal(
        &self,
        request_id: u64,
        within: std::time::Duration,
    ) -> Vec<(String, Value)> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let mine = self.of(request_id);
            if mine.iter().any(|(n, _)| is_terminal(n)) {
                return mine;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "request {request_id} reached no terminal event within {within:?}; saw {} deltas",
                mine.len()
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Every event taken so far, of every request.
    pub fn all(&self) -> Vec<(String, Value)> {
        let fresh = (self.take)();
        let mut log = self.log.lock().unwrap();
        log.extend(fresh);
        log.clone()
    }

    pub fn of(&self, request_id: u64) -> Vec<(String, Value)> {
        let fresh = (self.take)();
        let mut log = self.log.lock().unwrap();
        log.extend(fresh);
        log.iter()
            .filter(|(_, p)| p["requestId"] == request_id)
            .cloned()
            .collect()
    }
}

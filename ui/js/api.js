// The only module that knows command and event names: everything else calls these functions.
import { drainer } from './interpret/stream.js';

const tauri = globalThis.__TAURI__;

// The first calls of a start are timed as `ipc:<command>#n` performance measures, for
// tests/bench/profile-start.mjs (docs/development.md); bounded, so a long session keeps no log.
let profiled = 0;
function invoke(cmd, args) {
  const t0 = performance.now();
  const n = profiled++;
  const p = tauri.core.invoke(cmd, args);
  if (n < 60) p.finally(() => performance.measure(`ipc:${cmd}#${n}`, { start: t0, end: performance.now() })).catch(() => {});
  return p;
}

export const api = {
  appInfo: () => invoke('app_info'),
  appNotices: () => invoke('app_notices'),
  appPainted: () => invoke('app_painted'),
  appReady: () => invoke('app_ready'),
  diaryCreate: (input) => invoke('diary_create', { input }),
  diaryUpdate: (id, input) => invoke('diary_update', { id, input }),
  diaryDelete: (id) => invoke('diary_delete', { id }),
  diaryGet: (id) => invoke('diary_get', { id }),
  diaryList: (limit, offset) => invoke('diary_list', { limit, offset }),
  diarySearch: (query, filter, limit, offset = 0) => invoke('diary_search', { query, filter, limit, offset }),
  diaryTags: () => invoke('diary_tags'),
  diaryInsights: (range) => invoke('diary_insights', { range }),
  symbolsFind: (text) => invoke('symbols_find', { text }),
  symbolsGet: (id) => invoke('symbols_get', { id }),
  diaryFileQuick: (input, interpretationId) => invoke('diary_file_quick', { input, interpretationId }),
  settingsGet: () => invoke('settings_get'),
  settingsSet: (settings) => invoke('settings_set', { settings }),
  settingsProviders: () => invoke('settings_providers'),
  settingsTest: () => invoke('settings_test'),
  settingsModels: (provider, baseUrl) => invoke('settings_models', { provider, baseUrl }),
  secretsStatus: (provider) => invoke('secrets_status', { provider }),
  secretsSetApiKey: (provider, key, sessionOnly = false) => invoke('secrets_set_api_key', { provider, key, sessionOnly }),
  secretsDeleteApiKey: (provider) => invoke('secrets_delete_api_key', { provider }),
  interpretStart: (request) => invoke('interpret_start', { request }),
  interpretFollowUp: (request) => invoke('interpret_follow_up', { request }),
  interpretStop: (requestId) => invoke('interpret_stop', { requestId }),
  interpretHistory: (entryId) => invoke('interpret_history', { entryId }),
  interpretAdhocList: () => invoke('interpret_adhoc_list'),
  interpretDelete: (id) => invoke('interpret_delete', { id }),
  interpretGet: (id) => invoke('interpret_get', { id }),
  /**
   * Calls `handler(kind, payload)` for this window's `interpret:*` events (`delta`, `reasoning`,
   * `done`, `error`, `stopped`), in the order they happened. An event only rings (its payload is
   * the same for a whole run); what happened is then taken from the backend's queue in one call,
   * because WebKit keeps memory for every distinct script the host runs in the page
   * (`src-tauri/interpret/mailbox.rs`). Resolves once every listener is registered, so no early
   * delta is missed.
   */
  onInterpretEvent: (handler) => {
    const w = tauri.webviewWindow.getCurrentWebviewWindow();
    const drain = drainer(() => invoke('interpret_take'), (batch) => {
      for (const { event, payload } of batch) handler(event.slice('interpret:'.length), payload);
    });
    return Promise.all(['delta', 'reasoning', 'done', 'error', 'stopped']
      .map((kind) => w.listen(`interpret:${kind}`, drain)))
      .then((listeners) => { drain(); return listeners; });
  },
  trayClosePlan: () => invoke('tray_close_plan'),
  trayCloseMain: (quit) => invoke('tray_close_main', { quit }),
  trayOpenMain: (view = null, entryId = null) => invoke('tray_open_main', { view, entryId }),
  trayShortcutStatus: () => invoke('tray_shortcut_status'),
  reminderPreview: () => invoke('reminder_preview'),
  // Settings → Data: the backend opens the native dialog; null when the user closed it.
  dataExportJson: (passphrase = null) => invoke('data_export_json', { passphrase }),
  dataExportMarkdown: () => invoke('data_export_markdown'),
  dataImport: (folder, passphrase = null) => invoke('data_import', { folder, passphrase }),
  dataBackups: () => invoke('data_backups'),
  dataBackupNow: () => invoke('data_backup_now'),
  dataRestore: (name) => invoke('data_restore', { name }),
  dataCancel: () => invoke('data_cancel'),
  vaultStatus: () => invoke('vault_status'),
  vaultSetPassphrase: (passphrase, current) => invoke('vault_set_passphrase', { passphrase, current: current || null }),
  vaultRemovePassphrase: (passphrase) => invoke('vault_remove_passphrase', { passphrase }),
  vaultLock: () => invoke('vault_lock'),
  vaultUnlock: (passphrase) => invoke('vault_unlock', { passphrase }),
  /** Calls `handler({ encrypted, passphrase, locked })` whenever the diary is locked, unlocked or its passphrase changes. */
  onVaultChanged: (handler) => tauri.webviewWindow.getCurrentWebviewWindow()
    .listen('vault:changed', (e) => handler(e.payload)),
  /** Calls `handler({ done, total })` as an export, import, backup or restore moves on. */
  onDataProgress: (handler) => tauri.webviewWindow.getCurrentWebviewWindow()
    .listen('data:progress', (e) => handler(e.payload)),
  /** Calls `handler({ state, shortcut })` whenever the global shortcut's registration changes. */
  onShortcutStatus: (handler) => tauri.webviewWindow.getCurrentWebviewWindow()
    .listen('tray:shortcut', (e) => handler(e.payload)),
  /**
   * Calls `handler(name, payload)` for what other windows and the tray ask of this one:
   * `diary:changed`, `app:open-entry`, `app:new-entry`, `app:show-view`, `app:quit-requested`.
   */
  onAppEvent: (handler) => {
    const w = tauri.webviewWindow.getCurrentWebviewWindow();
    return Promise.all(['diary:changed', 'app:open-entry', 'app:new-entry', 'app:show-view', 'app:quit-requested', 'app:lock-requested']
      .map((name) => w.listen(name, (e) => handler(name, e.payload))));
  },
  hideWindow: () => tauri.window.getCurrentWindow().hide(),
  /** Runs `handler` before the window closes (to flush the autosave), then lets it close. */
  onCloseRequested: (handler) => tauri.window.getCurrentWindow().onCloseRequested(handler),
};

// The UI's own state across restarts (the list's filters, the insights range, the last open
// entry, the sidebar width; never the search words) in tauri-plugin-store's `ui-state.json`. Provider settings are
// not here: they stay in the typed, atomically written settings file (docs/development.md).
// The backend reads `ui.filter`, `ui.view` and `ui.sidebarWidth` from this file for the first paint
// (src-tauri/app/serve.rs): renaming one means changing it there too.
const FILE = 'ui-state.json';
const KEY = 'ui';

/** Loads the saved state; `set(patch)` saves it a moment later, `flush()` at once. */
export async function loadUiState() {
  const plugin = globalThis.__TAURI__?.store;
  let store = null;
  let data = {};
  try {
    store = await plugin.load(FILE, { defaults: {}, autoSave: false });
    const saved = await store.get(KEY);
    if (saved && typeof saved === 'object') data = saved;
  } catch {
    store = null; // no store (or a damaged file): the app works with the defaults
  }
  let timer = null;
  const save = async () => {
    if (!store) return;
    try { await store.set(KEY, data); await store.save(); } catch { /* best effort */ }
  };
  return {
    data,
    set(patch) {
      Object.assign(data, patch);
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    },
    async flush() {
      clearTimeout(timer);
      await save();
    },
  };
}

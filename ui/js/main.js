// Boots the main window (started by first-paint.js, after the backend-filled list has painted
// when there was one): settings and language first, then the diary list (its query first) and
// the editor, the interpretation panel, shortcuts, what the tray and the quick window ask of this
// window, start-up notices; after the first paint, the settings and insights views.
import './later.js';
import { api } from './api.js';
import { createInterpreter } from './interpret/client.js';
import { createInterpretPanel } from './interpret/panel.js';
import { t, tError, setLanguage } from './locale.js';
import { shortcutOf } from './ime.js';
import { createList } from './diary/list.js';
import { createEditor } from './diary/editor.js';
import { applyTheme } from './theme.js';
import { toast, toastError } from './toast.js';
import { confirmDialog } from './confirm.js';
import { loadUiState } from './uistate.js';
import { createFilters, EMPTY } from './diary/filters.js';
import { createLock } from './lock.js';

const views = {
  diary: document.getElementById('view-diary'),
  insights: document.getElementById('view-insights'),
  settings: document.getElementById('view-settings'),
};

let ui = null;

// The settings and insights views are not on screen at start: their modules load and their
// first calls (the keychain's status, the shortcut's, the providers, the insights' SQL) run after
// the diary has painted, or at once when one of them is asked for first (`later`).
const later = { settings: null, insights: null, make: null };
function lazyView(name) {
  later[name] ??= later.make?.[name]();
  return later[name] ?? Promise.resolve(null);
}

async function show(view) {
  if (!(view in views)) return;
  const opening = views[view].hidden;
  ui?.set({ view });
  if (view === 'settings' || view === 'insights') {
    const made = await lazyView(view);
    if (opening && view === 'settings') made?.refreshAdhoc();
    if (opening && view === 'insights') made?.refresh();
  }
  for (const [name, el] of Object.entries(views)) el.hidden = name !== view;
  for (const b of document.querySelectorAll('.tabs button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
}

async function boot() {
  performance.mark('haemong:boot');
  // Everything the first paint does not wait on starts now, side by side.
  const interpreterP = createInterpreter();
  const noticesP = api.appNotices().catch(() => []);
  const [settings, uiState, vault] = await Promise.all([
    api.settingsGet().catch(() => ({ language: 'system', theme: 'system' })),
    loadUiState(),
    api.vaultStatus().catch(() => ({ encrypted: false, passphrase: false, locked: false })),
  ]);
  ui = uiState;
  // What the last session left, read before this one starts changing it.
  const restore = { ...ui.data };
  applyTheme(settings.theme);
  setLanguage(settings.language);

  let editor;
  let panel;
  // The search words are not kept: they are the dreams' own words, and ui-state.json is not
  // encrypted like the diary (docs/security.md). One an earlier version kept is dropped.
  if ('query' in ui.data) { delete ui.data.query; ui.set({}); }
  const list = createList({ onOpen: (id) => editor.open(id) });
  const filters = createFilters({
    initial: { ...EMPTY, ...(restore.filter ?? {}) },
    onChange(f) { ui.set({ filter: f }); list.setFilter(f); },
  });
  // A diary with a passphrase starts locked: nothing of it is read before the passphrase opens it.
  let booted = false;
  const lock = createLock({
    status: vault,
    beforeLock: () => editor?.flush(),
    async onUnlocked() {
      if (!booted) return; // the start goes on by itself
      await list.refresh();
      await editor.reload();
      filters.tagsChanged();
    },
  });
  lock.setMinutes(settings.autolockMinutes ?? 0);
  document.addEventListener('haemong:settings', (e) => lock.setMinutes(e.detail.autolockMinutes ?? 0));
  await lock.untilUnlocked();
  // The list first: it is fetched while the rest of the window is put together.
  const listed = list.setFilter(filters.get());
  // The dream that was open last time, when it still exists; otherwise a new page to write on.
  const lastP = restore.lastEntry ? api.diaryGet(restore.lastEntry).catch(() => null) : Promise.resolve(null);
  // From the insights view or a symbol card: the diary, narrowed to that day, symbol or tag.
  const filterBy = (patch) => { show('diary'); filters.set({ ...EMPTY, symbolName: '', ...patch }); };
  editor = createEditor({
    list,
    onEntry: (id) => { panel?.showEntry(id); ui.set({ lastEntry: id }); },
    onSymbolFilter: (symbol) => filterBy({ symbol }),
    onSaved: () => filters.tagsChanged(),
  });
  editor.start();
  later.make = {
    insights: async () => {
      const { createInsights } = await import('./insights.js');
      return createInsights({
        initialRange: restore.insightsRange ?? '12m',
        onRange: (insightsRange) => ui.set({ insightsRange }),
        onFilter: filterBy,
      });
    },
    settings: async () => {
      const [{ createSettings }, now, info, presets] = await Promise.all([
        import('./settings.js'), api.settingsGet(), api.appInfo(), api.settingsProviders(),
      ]);
      const made = createSettings(now, info, presets, { flushDiary: () => editor.flush() });
      const { createPrivacySection } = await import('./privacy.js');
      made.privacy = createPrivacySection({ lock });
      return made;
    },
  };
  setupResizer(ui);
  const localBadge = document.querySelector('[data-testid="interpret-local-badge"]');
  localBadge.hidden = !settings.localOnly;
  document.addEventListener('haemong:settings', (e) => { localBadge.hidden = !e.detail.localOnly; });
  panel = createInterpretPanel({
    interpreter: await interpreterP, ensureSaved: () => editor.ensureSaved(), openSettings: () => show('settings'), defaultStyle: settings.style,
  });

  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  q('entry-new').addEventListener('click', () => { show('diary'); editor.newEntry(); });
  q('entry-save').addEventListener('click', () => editor.saveNow());
  q('entry-delete').addEventListener('click', () => editor.remove());
  for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => show(b.dataset.view));

  document.addEventListener('keydown', (e) => {
    const action = shortcutOf(e, navigator.platform);
    if (!action || document.querySelector('dialog[open]')) return;
    e.preventDefault();
    if (action === 'quit') { close({ quit: true }); return; }
    show('diary');
    if (action === 'new') editor.newEntry();
    else if (action === 'save') editor.saveNow();
    else if (action === 'search') list.focusSearch();
    else if (action === 'submit') panel?.start();
  });

  // Saves what is being typed, then quits or goes to the tray (explaining that once).
  async function close({ quit = false } = {}) {
    if (!(await editor.flush())) { toastError(t('close.notSaved')); return; }
    const plan = quit ? { action: 'quit' } : await api.trayClosePlan();
    if (plan.action === 'hide' && plan.notice) {
      // "Quit" is the dialog's marked choice; Escape and Enter keep the app running.
      const quitNow = await confirmDialog({
        title: t('close.trayTitle'), body: t('close.trayBody'), yesLabel: t('close.quit'), noLabel: t('close.keepRunning'),
      });
      if (quitNow) plan.action = 'quit';
    }
    await ui.flush();
    await api.trayCloseMain(plan.action === 'quit');
  }
  api.onCloseRequested(async (event) => { event.preventDefault(); await close(); });

  await api.onAppEvent(async (name, payload) => {
    if (name === 'diary:changed') {
      await list.refresh();
      // 0: many entries at once (an import, a restore, the command line).
      if (payload?.entryId === 0) await editor.reload();
      if (payload?.entryId === 0 || payload?.entryId === editor.currentId()) panel?.refreshHistory();
    } else if (name === 'app:open-entry') {
      show('diary');
      await list.refresh();
      await editor.open(payload.entryId);
    } else if (name === 'app:new-entry') {
      show('diary');
      await editor.newEntry();
    } else if (name === 'app:lock-requested') {
      await lock.lockNow().catch((e) => toastError(tError(e)));
    } else if (name === 'app:show-view' && payload.view === 'privacy') {
      await show('settings');
      document.querySelector('[data-testid="privacy-passphrase-set"]').scrollIntoView({ block: 'center' });
    } else if (name === 'app:show-view' && payload.view === 'about') {
      show('settings');
      document.querySelector('.about').scrollIntoView({ block: 'center' });
    } else if (name === 'app:show-view') {
      show(payload.view);
    } else if (name === 'app:quit-requested') {
      await close({ quit: true });
    }
  });

  await listed;
  const last = await lastP;
  if (last) await editor.open(last.id, last);
  if (restore.view && restore.view !== 'diary') show(restore.view);
  const notices = await noticesP;
  for (const n of notices) {
    const good = n.kind === 'diary_encrypted';
    toast(t(`notice.${n.kind}`, n), { kind: good ? 'info' : 'error', ms: good ? 8000 : 30000 });
  }
  if (notices.some((n) => n.kind === 'diary_not_encrypted')) {
    // No keychain: a passphrase is the one way to encrypt the diary here; asked for at once.
    show('settings').then(() => lazyView('settings')).then((s) => s?.privacy.askToEncrypt())
      .catch((err) => toastError(tError(err)));
  }
  // Two frames: the list is painted and the window takes input.
  booted = true;
  performance.mark('haemong:listed');
  requestAnimationFrame(() => requestAnimationFrame(() => {
    performance.mark('haemong:ready');
    // first-paint.js told the backend already when the backend filled the list in.
    if (document.body.dataset.painted !== 'true') api.appPainted();
    api.appReady();
    // Then the views that are not on screen, so their first opening is instant.
    setTimeout(() => {
      Promise.all([lazyView('settings'), lazyView('insights')])
        .catch((err) => toastError(tError(err)))
        .finally(() => { document.body.dataset.ready = 'true'; }); // every view is there (tests wait for it)
    }, 0);
  }));
}

/** The line between the list and the editor: drag (or arrow keys) to resize; remembered. */
function setupResizer(state) {
  const handle = document.querySelector('[data-testid="pane-resizer"]');
  const root = document.getElementById('view-diary');
  const setWidth = (px) => {
    const w = Math.round(Math.min(Math.max(px, 200), Math.max(240, window.innerWidth * 0.6)));
    root.style.setProperty('--sidebar-w', `${w}px`);
    state.set({ sidebarWidth: w });
  };
  if (state.data.sidebarWidth) root.style.setProperty('--sidebar-w', `${state.data.sidebarWidth}px`);
  handle.addEventListener('pointerdown', (e) => {
    handle.setPointerCapture(e.pointerId);
    const move = (ev) => setWidth(ev.clientX - root.getBoundingClientRect().left);
    const up = () => { handle.removeEventListener('pointermove', move); handle.removeEventListener('pointerup', up); };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  });
  handle.addEventListener('keydown', (e) => {
    const now = document.querySelector('.sidebar').getBoundingClientRect().width;
    if (e.key === 'ArrowLeft') setWidth(now - 20);
    if (e.key === 'ArrowRight') setWidth(now + 20);
  });
}

boot().catch((err) => toastError(tError(err)));

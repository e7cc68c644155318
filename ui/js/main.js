// Boots the main window: settings and language first, then the diary, the interpretation panel,
// shortcuts, what the tray and the quick window ask of this window, and start-up notices.
import { api } from './api.js';
import { t, tError, setLanguage } from './locale.js';
import { shortcutOf } from './ime.js';
import { createList } from './diary/list.js';
import { createEditor } from './diary/editor.js';
import { createSettings } from './settings.js';
import { applyTheme } from './theme.js';
import { createInterpreter } from './interpret/client.js';
import { createInterpretPanel } from './interpret/panel.js';
import { toast, toastError } from './toast.js';
import { confirmDialog } from './confirm.js';
import { loadUiState } from './uistate.js';
import { createFilters, EMPTY } from './diary/filters.js';
import { createInsights } from './insights.js';

const views = {
  diary: document.getElementById('view-diary'),
  insights: document.getElementById('view-insights'),
  settings: document.getElementById('view-settings'),
};

let settingsView = null;
let insightsView = null;
let ui = null;

function show(view) {
  if (!(view in views)) return;
  if (view === 'settings' && views.settings.hidden) settingsView?.refreshAdhoc();
  if (view === 'insights' && views.insights.hidden) insightsView?.refresh();
  ui?.set({ view });
  for (const [name, el] of Object.entries(views)) el.hidden = name !== view;
  for (const b of document.querySelectorAll('.tabs button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
}

async function boot() {
  performance.mark('haemong:boot');
  const [settings, info, presets, interpreter, uiState] = await Promise.all([
    api.settingsGet().catch(() => ({ language: 'system', theme: 'system' })),
    api.appInfo(),
    api.settingsProviders(),
    createInterpreter(),
    loadUiState(),
  ]);
  ui = uiState;
  // What the last session left, read before this one starts changing it.
  const restore = { ...ui.data };
  applyTheme(settings.theme);
  setLanguage(settings.language);

  let editor;
  let panel;
  const list = createList({ onOpen: (id) => editor.open(id), onQuery: (query) => ui.set({ query }) });
  const filters = createFilters({
    initial: { ...EMPTY, ...(restore.filter ?? {}) },
    onChange(f) { ui.set({ filter: f }); list.setFilter(f); },
  });
  // From the insights view or a symbol card: the diary, narrowed to that day, symbol or tag.
  const filterBy = (patch) => { show('diary'); filters.set({ ...EMPTY, symbolName: '', ...patch }); };
  editor = createEditor({
    list,
    onEntry: (id) => { panel?.showEntry(id); ui.set({ lastEntry: id }); },
    onSymbolFilter: (symbol) => filterBy({ symbol }),
    onSaved: () => filters.tagsChanged(),
  });
  insightsView = createInsights({
    initialRange: restore.insightsRange ?? '12m',
    onRange: (insightsRange) => ui.set({ insightsRange }),
    onFilter: filterBy,
  });
  setupResizer(ui);
  panel = createInterpretPanel({
    interpreter, ensureSaved: () => editor.ensureSaved(), openSettings: () => show('settings'), defaultStyle: settings.style,
  });
  settingsView = createSettings(settings, info, presets);

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
    else if (action === 'submit') panel.start();
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
      if (payload?.entryId === editor.currentId()) panel.refreshHistory();
    } else if (name === 'app:open-entry') {
      show('diary');
      await list.refresh();
      await editor.open(payload.entryId);
    } else if (name === 'app:new-entry') {
      show('diary');
      await editor.newEntry();
    } else if (name === 'app:show-view' && payload.view === 'about') {
      show('settings');
      document.querySelector('.about').scrollIntoView({ block: 'center' });
    } else if (name === 'app:show-view') {
      show(payload.view);
    } else if (name === 'app:quit-requested') {
      await close({ quit: true });
    }
  });

  editor.start();
  // The saved search and filters, listed in one query.
  if (restore.query) list.setQuery(restore.query);
  await list.setFilter(filters.get());
  // The dream that was open last time, when it still exists; otherwise a new page to write on.
  if (restore.lastEntry) {
    const last = await api.diaryGet(restore.lastEntry).catch(() => null);
    if (last) await editor.open(last.id, last);
  }
  if (restore.view && restore.view !== 'diary') show(restore.view);
  for (const n of await api.appNotices()) {
    toast(t(`notice.${n.kind}`, n), { kind: 'error', ms: 30000 });
  }
  // Two frames: the list is painted and the window takes input.
  performance.mark('haemong:listed');
  requestAnimationFrame(() => requestAnimationFrame(() => { performance.mark('haemong:ready'); api.appReady(); }));
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

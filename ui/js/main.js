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

const views = { diary: document.getElementById('view-diary'), settings: document.getElementById('view-settings') };

let settingsView = null;

function show(view) {
  if (!(view in views)) return;
  if (view === 'settings' && views.settings.hidden) settingsView?.refreshAdhoc();
  for (const [name, el] of Object.entries(views)) el.hidden = name !== view;
  for (const b of document.querySelectorAll('.tabs button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
}

async function boot() {
  const [settings, info, presets, interpreter] = await Promise.all([
    api.settingsGet().catch(() => ({ language: 'system', theme: 'system' })),
    api.appInfo(),
    api.settingsProviders(),
    createInterpreter(),
  ]);
  applyTheme(settings.theme);
  setLanguage(settings.language);

  let editor;
  let panel;
  const list = createList({ onOpen: (id) => editor.open(id) });
  editor = createEditor({ list, onEntry: (id) => panel?.showEntry(id) });
  panel = createInterpretPanel({ interpreter, ensureSaved: () => editor.ensureSaved(), openSettings: () => show('settings') });
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
  await list.refresh();
  for (const n of await api.appNotices()) {
    toast(t(`notice.${n.kind}`, n), { kind: 'error', ms: 30000 });
  }
  // Two frames: the list is painted and the window takes input.
  requestAnimationFrame(() => requestAnimationFrame(() => api.appReady()));
}

boot().catch((err) => toastError(tError(err)));

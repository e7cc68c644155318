// Boots the main window: settings and language first, then the diary, shortcuts and start-up notices.
import { api } from './api.js';
import { t, tError, setLanguage } from './locale.js';
import { shortcutOf } from './ime.js';
import { createList } from './diary/list.js';
import { createEditor } from './diary/editor.js';
import { createSettings, applyTheme } from './settings.js';
import { createInterpretPanel } from './interpret/panel.js';
import { toast, toastError } from './toast.js';

const views = { diary: document.getElementById('view-diary'), settings: document.getElementById('view-settings') };

function show(view) {
  for (const [name, el] of Object.entries(views)) el.hidden = name !== view;
  for (const b of document.querySelectorAll('.tabs button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
}

async function boot() {
  const [settings, info, presets] = await Promise.all([
    api.settingsGet().catch(() => ({ language: 'system', theme: 'system' })),
    api.appInfo(),
    api.settingsProviders(),
  ]);
  applyTheme(settings.theme);
  setLanguage(settings.language);

  let editor;
  let panel;
  const list = createList({ onOpen: (id) => editor.open(id) });
  editor = createEditor({ list, onEntry: (id) => panel?.showEntry(id) });
  panel = await createInterpretPanel({ ensureSaved: () => editor.ensureSaved(), openSettings: () => show('settings') });
  createSettings(settings, info, presets);

  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  q('entry-new').addEventListener('click', () => { show('diary'); editor.newEntry(); });
  q('entry-save').addEventListener('click', () => editor.saveNow());
  q('entry-delete').addEventListener('click', () => editor.remove());
  for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => show(b.dataset.view));

  document.addEventListener('keydown', (e) => {
    const action = shortcutOf(e, navigator.platform);
    if (!action || document.querySelector('dialog[open]')) return;
    e.preventDefault();
    show('diary');
    if (action === 'submit') panel.start();
    if (action === 'new') editor.newEntry();
    else if (action === 'save') editor.saveNow();
    else if (action === 'search') list.focusSearch();
  });

  // The last keystrokes are saved before the window goes away.
  api.onCloseRequested(async () => { await editor.flush(); });

  editor.start();
  await list.refresh();
  for (const n of await api.appNotices()) {
    toast(t(`notice.${n.kind}`, n), { kind: 'error', ms: 30000 });
  }
  // Two frames: the list is painted and the window takes input.
  requestAnimationFrame(() => requestAnimationFrame(() => api.appReady()));
}

boot().catch((err) => toastError(tError(err)));

// The entry editor: fields, autosave (about 1 s after the last keystroke, and before anything that
// would drop the text), explicit save, and delete behind the app's own confirmation.
import { api } from '../api.js';
import { t, tError, currentLanguage, onLanguageChange } from '../locale.js';
import { todayLocal, formatTime } from '../dates.js';
import { formatNumber } from '../i18n.js';
import { Autosaver } from '../autosave.js';
import { toast, toastError } from '../toast.js';
import { confirmDialog } from '../confirm.js';
import { createDetails } from './details.js';
import { createSymbols } from './symbols.js';

export function createEditor({ list, onEntry = () => {}, onSymbolFilter = () => {}, onSaved = () => {} }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const date = q('entry-date');
  const title = q('entry-title');
  const body = q('entry-body');
  const del = q('entry-delete');
  const state = document.querySelector('.save-state');
  const count = document.querySelector('.char-count');
  let id = null;
  let savedAt = null;
  let lastError = null;

  const details = createDetails({ onChange: () => changed() });
  const symbols = createSymbols({ onFilter: onSymbolFilter });
  const isEmpty = () => !title.value.trim() && !body.value.trim();
  const input = () => ({ night: date.value || null, title: title.value, body: body.value, ...details.get() });

  // The text box grows with the dream (up to most of the window), so a short dream leaves room
  // for its interpretation below.
  function grow() {
    body.style.height = 'auto';
    const max = Math.max(160, Math.round(window.innerHeight * 0.6));
    body.style.height = `${Math.min(max, Math.max(120, body.scrollHeight + 2))}px`;
  }
  window.addEventListener('resize', grow);

  function showState(kind) {
    state.dataset.state = kind;
    state.textContent = {
      new: t('status.new'),
      unsaved: t('status.unsaved'),
      saving: t('status.saving'),
      saved: savedAt ? t('status.saved', { time: formatTime(savedAt, currentLanguage()) }) : '',
      failed: `${t('status.failed')}: ${lastError ? tError(lastError) : ''}`,
    }[kind];
    del.disabled = id === null;
    count.textContent = body.value ? t('entry.chars', { count: formatNumber(currentLanguage(), body.value.length) }) : '';
  }

  async function save() {
    // An empty entry is simply not saved: no error, no row.
    if (isEmpty()) return;
    showState('saving');
    const entry = id === null ? await api.diaryCreate(input()) : await api.diaryUpdate(id, input());
    id = entry.id;
    onEntry(id);
    savedAt = entry.updatedAt;
    lastError = null;
    list.select(id);
    details.saved();
    onSaved(entry);
    await list.refresh();
    showState(autosaver.dirty ? 'unsaved' : 'saved');
  }

  const autosaver = new Autosaver({
    save,
    onError(err) {
      lastError = err;
      showState('failed');
    },
  });

  function changed() {
    if (isEmpty() && id === null) { autosaver.reset(); showState('new'); return; }
    autosaver.touch();
    showState('unsaved');
  }
  for (const el of [date, title, body]) el.addEventListener('input', changed);
  for (const el of [title, body]) el.addEventListener('input', () => symbols.update(`${title.value}\n${body.value}`));
  body.addEventListener('input', grow);

  function fill(entry) {
    id = entry?.id ?? null;
    savedAt = entry?.updatedAt ?? null;
    lastError = null;
    date.value = entry?.night ?? todayLocal();
    title.value = entry?.title ?? '';
    body.value = entry?.body ?? '';
    details.set(entry);
    symbols.hideCard();
    symbols.update(`${title.value}\n${body.value}`, { now: true });
    grow();
    autosaver.reset();
    list.select(id);
    onEntry(id);
    showState(id === null ? 'new' : 'saved');
  }

  async function leave() {
    // Whatever is being left is saved first; if that fails, stay, so nothing is lost.
    if (await autosaver.flush()) return true;
    toastError(tError(lastError));
    return false;
  }

  onLanguageChange(() => showState(state.dataset.state || 'new'));

  return {
    async newEntry() {
      if (!(await leave())) return;
      fill(null);
      body.focus();
    },
    /** Opens `entryId`; `entry` when the caller already holds it (no second read). */
    async open(entryId, entry = null) {
      if (entryId === id) return;
      if (!(await leave())) return;
      try {
        fill(entry ?? await api.diaryGet(entryId));
      } catch (err) {
        toastError(tError(err));
        await list.refresh();
      }
    },
    async saveNow() {
      if (isEmpty()) { toast(t('toast.nothingToSave')); return; }
      autosaver.touch();
      if (await autosaver.flush()) toast(t('toast.saved'));
      else toastError(tError(lastError));
    },
    async remove() {
      if (id === null) return;
      const label = title.value.trim() || body.value.trim().split('\n')[0].slice(0, 40) || t('list.untitled');
      const yes = await confirmDialog({
        title: t('confirm.deleteTitle'),
        body: t('confirm.deleteBody', { title: label }),
        yesLabel: t('confirm.yes'),
        noLabel: t('confirm.no'),
      });
      if (!yes) { del.focus(); return; }
      autosaver.reset();
      try {
        await api.diaryDelete(id);
        fill(null);
        await list.refresh();
        toast(t('toast.deleted'));
      } catch (err) {
        toastError(tError(err));
      }
    },
    flush: () => autosaver.flush(),
    currentId: () => id,
    /**
     * Shows the open entry as the diary now holds it (a restore or an import changed the diary
     * underneath); gone, it leaves a new, empty entry. Unsaved typing is never thrown away.
     */
    async reload() {
      if (id === null || autosaver.dirty) return;
      const asked = id;
      let entry = null;
      try { entry = await api.diaryGet(asked); } catch { /* gone: a new entry below */ }
      // Typing (or another entry opened) while the diary answered wins over the reload.
      if (id !== asked || autosaver.dirty) return;
      if (entry && entry.title === title.value && entry.body === body.value) return;
      fill(entry);
    },
    /** Saves what is typed and answers `{ id }`, or null for an empty entry; throws if saving fails. */
    async ensureSaved() {
      if (isEmpty()) return null;
      if (id === null || autosaver.dirty) autosaver.touch();
      if (!(await autosaver.flush())) throw lastError;
      return { id };
    },
    /** A new, empty entry with the cursor in it: the app opens ready to write. */
    start() {
      fill(null);
      body.focus();
    },
  };
}

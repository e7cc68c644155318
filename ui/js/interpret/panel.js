// The interpretation panel under the open entry: runs an interpretation of the saved entry, keeps
// the latest run of each entry for this session (so returning to an entry shows it again), and
// lists the entry's saved interpretations.
import { api } from '../api.js';
import { t, currentLanguage, onLanguageChange } from '../locale.js';
import { formatNight, formatTime, todayLocal } from '../dates.js';
import { createStreamView, ended } from './view.js';

export function createInterpretPanel({ interpreter, ensureSaved, openSettings }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const els = {
    output: q('interpret-output'), status: q('interpret-status'), error: q('interpret-error'),
    note: q('interpret-note'), run: q('interpret-run'), stop: q('interpret-stop'),
  };
  const history = q('interpret-history');
  const view = createStreamView(els, { openSettings, settingsTestId: 'interpret-open-settings' });
  const runs = new Map();
  let shown = null; // the entry id the panel shows

  function render() {
    const run = runs.get(shown);
    view.reset(run?.chunks.join('') ?? '');
    renderState();
  }

  function renderState() {
    const run = runs.get(shown) ?? null;
    view.render(run && { ...run, partial: run.chunks.length > 0 });
    els.run.textContent = run && run.state !== 'streaming' ? t('interpret.again') : t('interpret.run');
  }

  async function start() {
    let entry;
    try {
      entry = await ensureSaved();
    } catch (err) {
      entry = { error: err };
    }
    if (!entry?.id) {
      runs.set(shown, { chunks: [], state: 'error', error: entry?.error ?? { kind: 'empty_entry' } });
      render();
      return;
    }
    shown = entry.id;
    const run = { entryId: entry.id, chunks: [], state: 'streaming' };
    runs.set(entry.id, run);
    render();
    run.handle = interpreter.start({ entryId: entry.id }, {
      onText(text) {
        run.chunks.push(text);
        if (run.entryId === shown) view.append(text);
      },
      onEnd(kind, payload) {
        ended(run, kind, payload);
        if (run.entryId !== shown) return;
        view.settle();
        renderState();
        refreshHistory();
      },
    });
  }

  function stop() {
    const run = runs.get(shown);
    if (run?.state === 'streaming') run.handle?.stop();
  }

  async function refreshHistory() {
    const entryId = shown;
    if (entryId === null) { history.replaceChildren(); return; }
    let items;
    try {
      items = await api.interpretHistory(entryId);
    } catch {
      return; // the history is a convenience; the diary and the panel keep working
    }
    if (entryId !== shown) return;
    const lang = currentLanguage();
    const heading = document.createElement('h3');
    heading.textContent = t('interpret.history');
    const list = items.map((it) => {
      const d = document.createElement('details');
      d.className = 'history-item';
      d.dataset.testid = 'interpret-history-item';
      d.dataset.status = it.status;
      d.dataset.interpretationId = it.id;
      const s = document.createElement('summary');
      s.textContent = [
        `${formatNight(todayLocal(new Date(it.startedAt)), lang)} ${formatTime(it.startedAt, lang)}`,
        t(`interpret.style.${it.style}`),
        it.status === 'complete' ? '' : t(`interpret.status.${it.status}`),
      ].filter(Boolean).join(' · ');
      const body = document.createElement('div');
      body.className = 'history-text';
      body.textContent = it.text;
      d.append(s, body);
      return d;
    });
    history.replaceChildren(...(list.length ? [heading, ...list] : []));
  }

  els.run.addEventListener('click', start);
  els.stop.addEventListener('click', stop);
  onLanguageChange(() => { renderState(); refreshHistory(); });

  return {
    /** The editor opened `entryId` (null: a new, unsaved entry). */
    showEntry(entryId) {
      if (entryId === shown) return;
      // A new entry that just got its id keeps what the panel showed for it.
      if (shown === null && entryId !== null && runs.has(null)) runs.delete(null);
      shown = entryId;
      render();
      refreshHistory();
    },
    start,
    stop,
    refreshHistory,
  };
}

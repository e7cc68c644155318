// The interpretation panel under the open entry: starts and stops a run, appends each delta as a
// text node the moment it arrives (never textContent +=, never HTML), follows the stream while the
// reader is at the bottom, and lists the entry's saved interpretations.
import { api } from '../api.js';
import { t, tError, currentLanguage, onLanguageChange } from '../locale.js';
import { formatNight, formatTime } from '../dates.js';
import { Router, Sequencer, atBottom } from './stream.js';

/** Failures the user fixes in the settings view: the panel offers a button that goes there. */
const FIXED_IN_SETTINGS = new Set(['missing_key', 'key_rejected', 'model_not_found', 'offline', 'tls', 'invalid_url', 'quota']);

export async function createInterpretPanel({ ensureSaved, openSettings }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const out = q('interpret-output');
  const status = q('interpret-status');
  const errorEl = q('interpret-error');
  const runBtn = q('interpret-run');
  const stopBtn = q('interpret-stop');
  const history = q('interpret-history');
  const note = q('interpret-note');
  const router = new Router();
  /** The latest run of each entry in this session, so returning to an entry shows it again. */
  const runs = new Map();
  let shown = null; // the entry id the panel shows
  let follow = true;
  let scrollQueued = false;

  await api.onInterpretEvent((kind, payload) => router.route(kind, payload));

  out.addEventListener('scroll', () => { follow = atBottom(out); });

  function scrollToEnd() {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      if (follow) out.scrollTop = out.scrollHeight;
    });
  }

  function append(run, text) {
    run.chunks.push(text);
    if (run.entryId !== shown) return;
    out.appendChild(document.createTextNode(text));
    if (follow) scrollToEnd();
  }

  function render() {
    const run = runs.get(shown);
    out.replaceChildren();
    if (run?.chunks.length) out.appendChild(document.createTextNode(run.chunks.join('')));
    follow = true;
    renderState();
  }

  function renderState() {
    const run = runs.get(shown);
    const state = run?.state ?? 'idle';
    status.dataset.state = state;
    status.textContent = state === 'idle' ? '' : t(`interpret.state.${state}`);
    stopBtn.disabled = state !== 'streaming';
    runBtn.disabled = state === 'streaming';
    runBtn.textContent = run && state !== 'streaming' ? t('interpret.again') : t('interpret.run');
    errorEl.replaceChildren();
    note.textContent = '';
    if (state === 'error') {
      errorEl.append(tError(run.error));
      if (run.chunks.length) errorEl.append(' ', t('interpret.partialKept'));
      if (FIXED_IN_SETTINGS.has(run.error?.kind)) {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.testid = 'interpret-open-settings';
        b.textContent = t('interpret.openSettings');
        b.addEventListener('click', openSettings);
        errorEl.append(' ', b);
      }
    } else if (state === 'done' && run.truncated) {
      note.textContent = t(run.finishReason === 'answer_too_long' ? 'interpret.tooLong' : 'interpret.truncated');
    } else if (state === 'done' && run.finishReason === 'content_filter') {
      note.textContent = t('interpret.filtered');
    } else if (state === 'stopped') {
      note.textContent = t('interpret.stoppedNote');
    }
  }

  function finish(run, kind, payload) {
    run.state = kind === 'done' ? 'done' : kind === 'stopped' ? 'stopped' : 'error';
    run.finishReason = payload.finishReason;
    run.truncated = Boolean(payload.truncated);
    if (kind === 'error') run.error = { kind: payload.kind, message: payload.message };
    if (run.entryId === shown) {
      out.normalize(); // one text node again, instead of thousands
      renderState();
      refreshHistory();
    }
  }

  async function start() {
    let entry;
    try {
      entry = await ensureSaved();
    } catch (err) {
      entry = { error: err };
    }
    if (!entry?.id) {
      const run = { entryId: shown, chunks: [], state: 'error', error: entry?.error ?? { kind: 'empty_entry' } };
      runs.set(shown, run);
      render();
      return;
    }
    shown = entry.id;
    const run = { entryId: entry.id, chunks: [], state: 'streaming', requestId: null, stopAsked: false };
    runs.set(entry.id, run);
    render();
    try {
      const { requestId } = await api.interpretStart({ entryId: entry.id });
      run.requestId = requestId;
      const seq = new Sequencer((text) => append(run, text));
      router.attach(requestId, (kind, p) => (kind === 'delta' ? seq.push(p.seq, p.text) : finish(run, kind, p)));
      if (run.stopAsked) api.interpretStop(requestId);
    } catch (err) {
      finish(run, 'error', err);
    }
  }

  function stop() {
    const run = runs.get(shown);
    if (!run || run.state !== 'streaming') return;
    if (run.requestId === null) run.stopAsked = true;
    else api.interpretStop(run.requestId);
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
      const day = new Date(it.startedAt);
      const night = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
      s.textContent = [
        `${formatNight(night, lang)} ${formatTime(it.startedAt, lang)}`,
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

  runBtn.addEventListener('click', start);
  stopBtn.addEventListener('click', stop);
  onLanguageChange(() => { renderState(); refreshHistory(); });

  return {
    /** The editor opened `entryId` (null: a new, unsaved entry). */
    showEntry(entryId) {
      if (entryId === shown) return;
      // A new entry that just got its id keeps the run it started.
      if (shown === null && runs.has(null) && entryId !== null) runs.delete(null);
      shown = entryId;
      render();
      refreshHistory();
    },
    start,
    stop,
  };
}

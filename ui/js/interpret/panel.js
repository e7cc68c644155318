// The interpretation panel under the open entry: runs an interpretation of the saved entry (one at
// a time per entry, whatever is pressed twice), keeps the latest run of each entry for this
// session (so returning to an entry shows it again), and lists the entry's saved interpretations.
import { api } from '../api.js';
import { t, tError, currentLanguage, onLanguageChange } from '../locale.js';
import { formatNight, formatTime, todayLocal } from '../dates.js';
import { toast, toastError } from '../toast.js';
import { createStreamView, ended } from './view.js';
import { createThread, messageElement } from './thread.js';
import { conversationOf, emptyConversation, stateOfStatus } from './conversation.js';

export function createInterpretPanel({ interpreter, ensureSaved, openSettings, defaultStyle = 'traditional' }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const els = {
    output: q('interpret-output'), status: q('interpret-status'), error: q('interpret-error'),
    note: q('interpret-note'), run: q('interpret-run'), stop: q('interpret-stop'),
    thinking: q('interpret-thinking'),
  };
  const history = q('interpret-history');
  // "Another reading": the style of the next run, for this run only; Settings keep the default.
  const style = q('interpret-style');
  style.value = defaultStyle;
  const view = createStreamView(els, { openSettings, settingsTestId: 'interpret-open-settings' });
  const runs = new Map();
  // Follow-up questions under the reading on screen; one run per entry, questions included.
  const thread = createThread({
    interpreter,
    prefix: 'interpret',
    onChange: () => renderState(),
    onSaved: (interpretationId) => refreshHistoryItem(interpretationId),
    // The question is about the dream as it reads now: what is being typed is saved first.
    beforeAsk: async () => {
      const entry = await ensureSaved();
      if (!entry?.id) throw entry?.error ?? { kind: 'empty_entry' };
    },
  });
  let shown = null; // the entry id the panel shows
  let starting = false; // between the click and the run's registration (saving the entry first)

  function render() {
    const run = runs.get(shown);
    view.reset(run?.chunks.join('') ?? '', {
      text: run?.thinking.join('') ?? '', start: run?.thinkStart ?? null,
      end: run?.thinkEnd ?? (run && run.state !== 'streaming' ? run.endedAt : null),
    });
    thread.show(runs.get(shown)?.conv ?? null);
    renderState();
  }

  function renderState() {
    const run = runs.get(shown) ?? null;
    view.render(run && { ...run, partial: run.chunks.length > 0 });
    els.run.textContent = run && run.state !== 'streaming' ? t('interpret.again') : t('interpret.run');
    if (thread.busy(run?.conv)) {
      els.run.disabled = true;
      els.stop.disabled = false;
    }
  }

  async function start() {
    // One run per entry: a second click or Ctrl+Enter while one streams (or is being started) is
    // ignored here, and refused by the backend if it got through anyway.
    if (starting || runs.get(shown)?.state === 'streaming' || thread.busy(runs.get(shown)?.conv)) return;
    starting = true;
    try {
      await startNow();
    } finally {
      starting = false;
    }
  }

  async function startNow() {
    let entry;
    try {
      entry = await ensureSaved();
    } catch (err) {
      entry = { error: err };
    }
    if (!entry?.id) {
      runs.set(shown, { chunks: [], thinking: [], state: 'error', error: entry?.error ?? { kind: 'empty_entry' } });
      render();
      return;
    }
    shown = entry.id;
    if (runs.get(entry.id)?.state === 'streaming' || thread.busy(runs.get(entry.id)?.conv)) return;
    // The thinking clock lives on the run, so it is right whichever entry is on screen.
    const run = {
      entryId: entry.id, chunks: [], thinking: [], state: 'streaming',
      firstTextAt: null, thinkStart: null, thinkEnd: null, endedAt: null,
    };
    runs.set(entry.id, run);
    render();
    run.handle = interpreter.start({ entryId: entry.id, style: style.value }, {
      onText(text) {
        run.firstTextAt ??= Date.now();
        if (run.thinkStart !== null) run.thinkEnd ??= Date.now();
        run.chunks.push(text);
        if (run.entryId === shown) view.append(text);
      },
      onThinking(text, moved) {
        if (moved) {
          run.thinking.push(...run.chunks);
          run.chunks = [];
          run.thinkStart ??= run.firstTextAt;
          run.thinkEnd = null;
          run.firstTextAt = null;
        }
        run.thinkStart ??= Date.now();
        run.thinking.push(text);
        if (run.entryId !== shown) return;
        if (moved) view.moveAnswerToThinking(run.thinkStart);
        view.appendThinking(text);
      },
      onEnd(kind, payload) {
        ended(run, kind, payload);
        run.endedAt = Date.now();
        if (run.thinkStart !== null) run.thinkEnd ??= run.endedAt;
        // A saved reading can be talked about.
        if (payload?.interpretationId) {
          run.conv = emptyConversation(payload.interpretationId);
        }
        if (run.entryId !== shown) return;
        view.settle();
        thread.show(run.conv ?? null);
        renderState();
        if (payload?.interpretationId) addToHistory(payload.interpretationId);
      },
    });
  }

  function stop() {
    const run = runs.get(shown);
    if (run?.state === 'streaming') run.handle?.stop();
    else thread.stop(run?.conv);
  }

  /** Shows a saved reading in the panel, with its thread, ready for the next question. */
  function continueWith(it) {
    // Only a reading of the entry on screen (a history still on its way may show the last one's).
    if (it.entryId !== shown) return;
    const current = runs.get(shown);
    if (current?.state === 'streaming' || thread.busy(current?.conv)) return;
    runs.set(shown, {
      entryId: shown, chunks: it.text ? [it.text] : [], thinking: it.reasoning ? [it.reasoning] : [],
      state: stateOfStatus(it.status),
      truncated: it.status === 'truncated', error: it.errorKind ? { kind: it.errorKind } : undefined,
      thinkStart: it.reasoning ? it.startedAt : null, thinkEnd: it.reasoning ? it.startedAt : null,
      endedAt: it.finishedAt, interpretationId: it.id, conv: conversationOf(it),
    });
    render();
    thread.focus();
  }

  // The history is built once per entry and then grows by one item per finished run: rebuilding
  // it after every run kept the web process growing (issue 15).
  function historyItem(it) {
    const lang = currentLanguage();
    const d = document.createElement('details');
    d.className = 'history-item';
    d.dataset.testid = 'interpret-history-item';
    d.dataset.status = it.status;
    d.dataset.style = it.style;
    d.item = it; // drawn again from this when it goes back behind "Show older"
    d.dataset.interpretationId = it.id;
    const s = document.createElement('summary');
    s.textContent = [
      `${formatNight(todayLocal(new Date(it.startedAt)), lang)} ${formatTime(it.startedAt, lang)}`,
      t(`interpret.style.${it.style}`),
      it.status === 'complete' ? '' : t(`interpret.status.${it.status}`),
    ].filter(Boolean).join(' · ');
    d.append(s);
    if (it.reasoning) {
      const r = document.createElement('details');
      r.className = 'thinking history-thinking';
      r.dataset.testid = 'interpret-history-thinking';
      const rs = document.createElement('summary');
      rs.textContent = t('interpret.historyReasoning');
      const rt = document.createElement('div');
      rt.className = 'thinking-text';
      rt.textContent = it.reasoning;
      r.append(rs, rt);
      d.append(r);
    }
    const body = document.createElement('div');
    body.className = 'history-text';
    body.textContent = it.text;
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'link';
    more.dataset.testid = 'interpret-history-continue';
    more.textContent = t(it.thread?.length ? 'thread.continue' : 'thread.ask');
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'link danger';
    del.dataset.testid = 'interpret-history-delete';
    del.textContent = t('interpret.historyDelete');
    del.addEventListener('click', async () => {
      try {
        await api.interpretDelete(it.id);
        d.remove();
        if (!history.querySelector('.history-item')) history.replaceChildren();
        toast(t('interpret.deleted'));
      } catch (err) {
        toastError(tError(err));
      }
    });
    d.append(body);
    // Most readings have no thread: the container is made only for those that do.
    if (it.thread?.length) d.append(threadOf(it));
    d.append(more, del);
    return d;
  }

  function threadOf(it) {
    const turns = document.createElement('div');
    turns.className = 'history-thread';
    turns.append(...conversationOf(it).turns.map((m) => messageElement(m, 'interpret-history-message')));
    return turns;
  }

  // One listener for every "Continue" button (a history of 200 readings is drawn and redrawn as
  // entries are opened): the item as it is now, not as it was drawn.
  history.addEventListener('click', (e) => {
    const b = e.target.closest?.('[data-testid="interpret-history-continue"]');
    if (b) continueWith(b.closest('.history-item').item);
  });

  function heading() {
    const h = document.createElement('h3');
    h.textContent = t('interpret.history');
    return h;
  }

  // A long history is shown a page at a time: an entry with 200 readings opened again and again
  // kept the web process growing by ~10 MiB per 40 openings when all of it was drawn each time.
  const PAGE = 20;
  let older = []; // saved interpretations not drawn yet, newest first

  function moreButton() {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link history-more';
    b.dataset.testid = 'interpret-history-more';
    b.textContent = t('interpret.historyMore', { count: older.length });
    b.addEventListener('click', () => {
      const next = older.splice(0, PAGE);
      b.before(...next.map(historyItem));
      if (older.length) b.textContent = t('interpret.historyMore', { count: older.length });
      else b.remove();
    });
    return b;
  }

  async function refreshHistory() {
    const entryId = shown;
    if (entryId === null) { history.replaceChildren(); older = []; return; }
    let items;
    try {
      items = await api.interpretHistory(entryId);
    } catch {
      return; // the history is a convenience; the diary and the panel keep working
    }
    if (entryId !== shown) return;
    older = items.slice(PAGE);
    const first = items.slice(0, PAGE).map(historyItem);
    history.replaceChildren(...(items.length ? [heading(), ...first, ...(older.length ? [moreButton()] : [])] : []));
  }

  /** Adds the turns a reading's thread gained to its history item (never redraws the rest). */
  async function refreshHistoryItem(interpretationId) {
    const item = () => history.querySelector(`[data-interpretation-id="${interpretationId}"]`);
    if (!item()) return;
    let it;
    try {
      it = await api.interpretGet(interpretationId);
    } catch {
      return;
    }
    const d = item();
    if (!d) return;
    d.item = it;
    const drawn = d.querySelector('.history-thread');
    if (!drawn) {
      d.querySelector('.history-text').after(threadOf(it));
    } else {
      const turns = conversationOf(it).turns;
      drawn.append(...turns.slice(drawn.children.length).map((m) => messageElement(m, 'interpret-history-message')));
    }
    d.querySelector('[data-testid="interpret-history-continue"]').textContent = t('thread.continue');
  }

  async function addToHistory(interpretationId) {
    const entryId = shown;
    let it;
    try {
      it = await api.interpretGet(interpretationId);
    } catch {
      return;
    }
    if (entryId !== shown || it.entryId !== entryId) return;
    if (history.querySelector(`[data-interpretation-id="${it.id}"]`)) return;
    if (!history.firstChild) history.append(heading());
    history.firstChild.after(historyItem(it));
    // Still a page at most: the oldest drawn reading goes back behind "Show older", so an entry
    // interpreted again and again does not keep growing the page.
    const drawn = history.querySelectorAll('.history-item');
    if (drawn.length > PAGE) {
      const last = drawn[drawn.length - 1];
      older.unshift(last.item);
      last.remove();
      const more = history.querySelector('[data-testid="interpret-history-more"]');
      if (more) more.textContent = t('interpret.historyMore', { count: older.length });
      else history.append(moreButton());
    }
  }

  els.run.addEventListener('click', start);
  els.stop.addEventListener('click', stop);
  onLanguageChange(() => { renderState(); thread.redraw(); refreshHistory(); });

  return {
    /** The editor opened `entryId` (null: a new, unsaved entry). */
    showEntry(entryId) {
      if (entryId === shown) return;
      // A new entry that just got its id keeps what the panel showed for it.
      if (shown === null && entryId !== null && runs.has(null)) runs.delete(null);
      shown = entryId;
      // The last entry's history must not stay clickable under this one while this one loads.
      history.replaceChildren();
      older = [];
      render();
      refreshHistory();
    },
    start,
    stop,
    refreshHistory,
  };
}

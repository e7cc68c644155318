// The quick window: paste or type a dream, read its interpretation as it streams, file both into
// the diary in one click. Escape puts the window away (never while a Korean syllable is being
// composed); the draft stays, since the window is only hidden.
import { api } from './api.js';
import { t, tError, setLanguage, onLanguageChange } from './locale.js';
import { shortcutOf, isComposing } from './ime.js';
import { applyTheme } from './theme.js';
import { createInterpreter } from './interpret/client.js';
import { createStreamView, ended } from './interpret/view.js';
import { createThread } from './interpret/thread.js';
import { emptyConversation } from './interpret/conversation.js';

const q = (id) => document.querySelector(`[data-testid="${id}"]`);
const input = q('quick-input');
const saveBtn = q('quick-save');
const els = {
  output: q('quick-output'), status: q('quick-status'), error: q('quick-error'),
  note: q('quick-note'), run: q('quick-run'), stop: q('quick-stop'), thinking: q('quick-thinking'),
};

async function boot() {
  const [settings, interpreter] = await Promise.all([
    api.settingsGet().catch(() => ({ language: 'system', theme: 'system' })),
    createInterpreter(),
  ]);
  applyTheme(settings.theme);
  setLanguage(settings.language);
  document.title = t('quick.heading');
  // Local-only mode's badge; the setting may change in the diary window while this one hides.
  const localBadge = q('quick-local-badge');
  localBadge.hidden = !settings.localOnly;
  window.addEventListener('focus', () => api.settingsGet().then((now) => { localBadge.hidden = !now.localOnly; }).catch(() => {}));

  const view = createStreamView(els, { openSettings: () => api.trayOpenMain('settings'), settingsTestId: 'quick-open-settings' });
  let run = null;
  let filed = null; // the entry this dream was filed as, until the text changes
  // Follow-up questions about the reading; filing takes the thread along (it belongs to it).
  const thread = createThread({ interpreter, prefix: 'quick', onChange: () => render() });

  function render() {
    view.render(run && { ...run, partial: run.text.length > 0 });
    const asking = thread.busy(run?.conv);
    if (asking) { els.run.disabled = true; els.stop.disabled = false; }
    saveBtn.disabled = run?.state === 'streaming' || asking || !input.value.trim() || filed !== null;
    if (filed !== null) {
      els.note.textContent = t('quick.filed');
      saveBtn.textContent = t('quick.saved');
    } else {
      saveBtn.textContent = t('quick.save');
    }
  }

  function start() {
    if (run?.state === 'streaming' || thread.busy(run?.conv)) return;
    const content = input.value;
    filed = null;
    run = { state: 'streaming', text: '', interpretationId: null };
    view.reset();
    thread.show(null);
    if (!content.trim()) {
      run = { state: 'error', text: '', error: { kind: 'empty_entry' } };
      render();
      return;
    }
    const mine = run;
    render();
    mine.handle = interpreter.start({ content }, {
      onText(text) { mine.firstTextAt ??= Date.now(); mine.text += text; view.append(text); },
      onThinking(text, moved) {
        if (moved) { mine.text = ''; view.moveAnswerToThinking(mine.firstTextAt ?? Date.now()); }
        view.appendThinking(text);
      },
      onEnd(kind, payload) {
        ended(mine, kind, payload);
        view.settle();
        if (payload?.interpretationId) {
          mine.conv = emptyConversation(payload.interpretationId);
        }
        if (mine === run) { thread.show(mine.conv ?? null); render(); }
      },
    });
  }

  async function save() {
    if (saveBtn.disabled) return;
    saveBtn.disabled = true;
    try {
      const entry = await api.diaryFileQuick({ body: input.value }, run?.interpretationId ?? null);
      filed = entry.id;
      // It is in the diary now, thread and all; more questions go on from there.
      if (run) run.interpretationId = null;
    } catch (err) {
      els.error.textContent = tError(err);
    }
    render();
  }

  els.run.addEventListener('click', start);
  els.stop.addEventListener('click', () => {
    if (run?.state === 'streaming') run.handle?.stop();
    else thread.stop(run?.conv);
  });
  saveBtn.addEventListener('click', save);
  q('quick-open-diary').addEventListener('click', () => api.trayOpenMain(null, filed));
  input.addEventListener('input', () => {
    if (filed !== null) { filed = null; els.note.textContent = ''; }
    render();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !isComposing(e)) { e.preventDefault(); api.hideWindow(); return; }
    if (shortcutOf(e, navigator.platform) === 'submit') { e.preventDefault(); start(); }
  });
  // Coming back to the window: the cursor goes to the dream field unless it was somewhere already
  // (a question being typed stays where it is).
  window.addEventListener('focus', () => {
    if (!document.activeElement || document.activeElement === document.body) input.focus();
  });
  onLanguageChange(() => { document.title = t('quick.heading'); thread.redraw(); render(); });
  render();
  input.focus();
  document.body.dataset.ready = 'true'; // every listener is in place (tests wait for this)
}

boot().catch((err) => { els.error.textContent = tError(err); });

// The quick window: paste or type a dream, read its interpretation as it streams, file both into
// the diary in one click. Escape puts the window away (never while a Korean syllable is being
// composed); the draft stays, since the window is only hidden.
import { api } from './api.js';
import { t, tError, setLanguage, onLanguageChange } from './locale.js';
import { shortcutOf, isComposing } from './ime.js';
import { applyTheme } from './theme.js';
import { createInterpreter } from './interpret/client.js';
import { createStreamView, ended } from './interpret/view.js';

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

  const view = createStreamView(els, { openSettings: () => api.trayOpenMain('settings'), settingsTestId: 'quick-open-settings' });
  let run = null;
  let filed = null; // the entry this dream was filed as, until the text changes

  function render() {
    view.render(run && { ...run, partial: run.text.length > 0 });
    saveBtn.disabled = run?.state === 'streaming' || !input.value.trim() || filed !== null;
    if (filed !== null) {
      els.note.textContent = t('quick.filed');
      saveBtn.textContent = t('quick.saved');
    } else {
      saveBtn.textContent = t('quick.save');
    }
  }

  function start() {
    if (run?.state === 'streaming') return;
    const content = input.value;
    filed = null;
    run = { state: 'streaming', text: '', interpretationId: null };
    view.reset();
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
        if (mine === run) render();
      },
    });
  }

  async function save() {
    if (saveBtn.disabled) return;
    saveBtn.disabled = true;
    try {
      const entry = await api.diaryFileQuick({ body: input.value }, run?.interpretationId ?? null);
      filed = entry.id;
      if (run) run.interpretationId = null; // it is in the diary now
    } catch (err) {
      els.error.textContent = tError(err);
    }
    render();
  }

  els.run.addEventListener('click', start);
  els.stop.addEventListener('click', () => run?.handle?.stop());
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
  window.addEventListener('focus', () => input.focus());
  onLanguageChange(() => { document.title = t('quick.heading'); render(); });
  render();
  input.focus();
  document.body.dataset.ready = 'true'; // every listener is in place (tests wait for this)
}

boot().catch((err) => { els.error.textContent = tError(err); });

// The dictionary's symbols in the open entry, as chips under the text (found by the backend's
// matcher a moment after typing stops); a chip opens its card with the traditional and the
// psychological reading in the UI's language.
import { api } from '../api.js';
import { t, currentLanguage, onLanguageChange } from '../locale.js';

export function createSymbols({ onFilter }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const box = q('entry-symbols');
  const card = q('symbol-card');
  let timer = null;
  let seq = 0;
  let found = [];
  let shown = null; // the symbol on the card

  function render() {
    const lang = currentLanguage();
    box.replaceChildren(...found.map((s) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'symbol-chip';
      b.dataset.testid = 'symbol-chip';
      b.dataset.symbol = s.id;
      b.textContent = lang === 'ko' ? s.ko : s.en;
      b.title = lang === 'ko' ? s.en : s.ko;
      b.addEventListener('click', () => open(s.id));
      return b;
    }));
    box.hidden = found.length === 0;
  }

  async function open(id) {
    try {
      shown = await api.symbolsGet(id);
    } catch {
      return;
    }
    renderCard();
    card.hidden = false;
  }

  function renderCard() {
    if (!shown) return;
    const ko = currentLanguage() === 'ko';
    card.dataset.symbol = shown.id;
    card.querySelector('.symbol-name').textContent = ko ? `${shown.ko} · ${shown.en}` : `${shown.en} · ${shown.ko}`;
    card.querySelector('.symbol-traditional').textContent = ko ? shown.traditionalKo : shown.traditionalEn;
    card.querySelector('.symbol-psychological').textContent = ko ? shown.psychologicalKo : shown.psychologicalEn;
  }

  q('symbol-card-close').addEventListener('click', () => { card.hidden = true; });
  q('symbol-card-filter').addEventListener('click', () => { card.hidden = true; if (shown) onFilter(shown.id); });
  onLanguageChange(() => { render(); renderCard(); });

  return {
    /** The entry's text changed: find its symbols shortly (at once with `now`). */
    update(text, { now = false } = {}) {
      clearTimeout(timer);
      const run = async () => {
        const mine = ++seq;
        let next = [];
        try { next = text.trim() ? await api.symbolsFind(text) : []; } catch { /* chips are a convenience */ }
        if (mine !== seq) return;
        found = next;
        render();
      };
      if (now) run(); else timer = setTimeout(run, 250);
    },
    hideCard() { card.hidden = true; },
  };
}

// The list's filters beside the search: a tag, a flag, a mood, a symbol (from the insights view or
// a symbol card) and a range of nights. They combine with the text search and are remembered
// across restarts (ui-state).
import { api } from '../api.js';
import { t, onLanguageChange } from '../locale.js';
import { MOODS } from './kinds.js';

export const EMPTY = { tag: '', flag: '', mood: '', symbol: '', from: '', to: '' };

/** The filter as the backend takes it: only what is set. Pure; unit tested. */
export function toQuery(f) {
  const out = {};
  for (const k of Object.keys(EMPTY)) if (f?.[k]) out[k] = f[k];
  return out;
}

export function isEmpty(f) {
  return Object.keys(toQuery(f)).length === 0;
}

export function createFilters({ initial = EMPTY, onChange }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const el = { tag: q('filter-tag'), flag: q('filter-flag'), mood: q('filter-mood'), from: q('filter-from'), to: q('filter-to') };
  const clear = q('filter-clear');
  let state = { ...EMPTY, ...initial };

  function fillMoods() {
    el.mood.replaceChildren(new Option(t('filter.anyMood'), ''), ...MOODS.map((m) => new Option(`${t(`moodIcon.${m}`)} ${t(`mood.${m}`)}`, m)));
    el.mood.value = state.mood;
  }

  async function fillTags() {
    let tags = [];
    try { tags = await api.diaryTags(); } catch { /* the filter still works for what is set */ }
    const names = tags.map((x) => x.tag);
    if (state.tag && !names.includes(state.tag)) names.unshift(state.tag);
    el.tag.replaceChildren(new Option(t('filter.anyTag'), ''), ...names.map((n) => new Option(`#${n}`, n)));
    el.tag.value = state.tag;
  }

  function show() {
    for (const k of ['tag', 'flag', 'mood', 'from', 'to']) if (el[k].value !== state[k]) el[k].value = state[k];
    clear.hidden = isEmpty(state);
    clear.textContent = state.symbol ? t('filter.clearSymbol', { symbol: state.symbolName || state.symbol }) : t('filter.clear');
  }

  function set(patch) {
    state = { ...state, ...patch };
    show();
    onChange(state);
  }

  for (const k of ['tag', 'flag', 'mood', 'from', 'to']) {
    el[k].addEventListener('change', () => set({ [k]: el[k].value }));
  }
  clear.addEventListener('click', () => set({ ...EMPTY, symbolName: '' }));
  onLanguageChange(() => { fillMoods(); show(); stale = true; });
  fillMoods();
  // Only the chosen tag is needed to show the filter; the full list comes when it is opened.
  if (state.tag) el.tag.replaceChildren(new Option(t('filter.anyTag'), ''), new Option(`#${state.tag}`, state.tag));
  el.tag.value = state.tag;
  show();

  // The tag list is asked when the filter is first opened, and again after a save changed tags:
  // grouping every tag of a large diary is not done at start-up or on every save.
  let stale = true;
  el.tag.addEventListener('focus', () => { if (stale) { stale = false; fillTags(); } });
  el.tag.addEventListener('pointerdown', () => { if (stale) { stale = false; fillTags(); } });

  return {
    get: () => state,
    set,
    tagsChanged() { stale = true; },
  };
}

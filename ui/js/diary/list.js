// The entry list: newest night first, filtered as you type, rendered as text (never as HTML).
import { api } from '../api.js';
import { t, tError, currentLanguage, onLanguageChange } from '../locale.js';
import { formatNight } from '../dates.js';
import { toastError } from '../toast.js';
import { toQuery, isEmpty } from './filters.js';

const PAGE = 100;
const FLAG_ICONS = { lucid: '✦', nightmare: '☾', recurring: '↻', vivid: '◉' };

export function createList({ onOpen, onQuery = () => {} }) {
  const ul = document.querySelector('[data-testid="entry-list"]');
  const empty = document.querySelector('.list-empty');
  const more = document.querySelector('.list-more');
  const search = document.querySelector('[data-testid="search-input"]');
  let items = [];
  // Words typed into the backend-painted list's search box before the modules loaded count.
  let query = search.value.trim();
  let filter = {};
  let selectedId = null;
  let seq = 0; // answers to older queries are dropped
  let searchTimer = null;

  function render() {
    const frag = document.createDocumentFragment();
    for (const item of items) frag.append(renderItem(item));
    ul.replaceChildren(frag);
    empty.hidden = items.length > 0;
    const narrowed = query !== '' || !isEmpty(filter);
    empty.textContent = query ? t('list.noResults', { query }) : narrowed ? t('list.noFilterResults') : t('list.empty');
    more.hidden = items.length === 0 || items.length % PAGE !== 0;
  }

  function renderItem(item) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'entry-item';
    b.dataset.testid = 'entry-item';
    b.dataset.entryId = String(item.id);
    if (item.id === selectedId) b.setAttribute('aria-current', 'true');
    const night = document.createElement('span');
    night.className = 'night';
    night.textContent = formatNight(item.night, currentLanguage());
    const title = document.createElement('span');
    title.className = 'title';
    title.textContent = item.title || firstLine(item.excerpt) || t('list.untitled');
    const excerpt = document.createElement('span');
    excerpt.className = 'excerpt';
    excerpt.textContent = item.title ? item.excerpt : rest(item.excerpt);
    b.append(night, title, excerpt);
    const marks = chips(item);
    if (marks) b.append(marks);
    b.addEventListener('click', () => onOpen(item.id));
    li.append(b);
    return li;
  }

  async function refresh() {
    const mine = ++seq;
    try {
      const narrowed = query !== '' || !isEmpty(filter);
      const want = Math.max(PAGE, roundUp(items.length));
      const found = narrowed ? await api.diarySearch(query, toQuery(filter), want) : await api.diaryList(want, 0);
      if (mine !== seq) return;
      items = found;
      render();
    } catch (err) {
      // A search replaced by a newer keystroke answers "superseded": nothing to tell.
      if (mine === seq && err?.kind !== 'superseded') toastError(tError(err));
    }
  }

  async function loadMore() {
    const mine = ++seq;
    try {
      const narrowed = query !== '' || !isEmpty(filter);
      const page = narrowed ? await api.diarySearch(query, toQuery(filter), PAGE, items.length) : await api.diaryList(PAGE, items.length);
      if (mine !== seq) return;
      items = items.concat(page);
      render();
    } catch (err) {
      toastError(tError(err));
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      query = search.value.trim();
      onQuery(query);
      refresh();
    }, 90);
  });
  more.addEventListener('click', loadMore);
  onLanguageChange(render);

  return {
    refresh,
    /** Narrows the list to `f` (tag, flag, mood, symbol, from, to), with the text search. */
    setFilter(f) {
      filter = f;
      return refresh();
    },
    /** Puts `text` in the search field; the next refresh (or `setFilter`) searches it. */
    setQuery(text) {
      search.value = text;
      query = text.trim();
    },
    select(id) {
      selectedId = id;
      for (const b of ul.querySelectorAll('.entry-item')) {
        if (Number(b.dataset.entryId) === id) b.setAttribute('aria-current', 'true');
        else b.removeAttribute('aria-current');
      }
    },
    focusSearch() {
      search.focus();
      search.select();
    },
  };
}

/** Small marks for the flags, the mood and the first tags; null when there is nothing to show. */
function chips(item) {
  const flags = Object.keys(FLAG_ICONS).filter((f) => item.flags?.[f]);
  const tags = item.tags ?? [];
  if (!flags.length && !item.mood && !tags.length) return null;
  const span = document.createElement('span');
  span.className = 'marks';
  for (const f of flags) {
    const m = document.createElement('span');
    m.className = `mark flag-${f}`;
    m.dataset.flag = f;
    m.textContent = FLAG_ICONS[f];
    m.title = t(`flag.${f}`);
    span.append(m);
  }
  if (item.mood) {
    const m = document.createElement('span');
    m.className = 'mark mood';
    m.dataset.mood = item.mood;
    m.textContent = t(`moodIcon.${item.mood}`);
    m.title = t(`mood.${item.mood}`);
    span.append(m);
  }
  for (const tag of tags.slice(0, 3)) {
    const m = document.createElement('span');
    m.className = 'mark tag';
    m.textContent = `#${tag}`;
    span.append(m);
  }
  if (tags.length > 3) {
    const m = document.createElement('span');
    m.className = 'mark more';
    m.textContent = `+${tags.length - 3}`;
    span.append(m);
  }
  return span;
}

const firstLine = (s) => (s || '').trim().split('\n')[0];
const rest = (s) => (s || '').trim().split('\n').slice(1).join(' ');
const roundUp = (n) => Math.ceil(n / PAGE) * PAGE;

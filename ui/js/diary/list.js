// The entry list: newest night first, filtered as you type, rendered as text (never as HTML).
import { api } from '../api.js';
import { t, tError, currentLanguage, onLanguageChange } from '../locale.js';
import { formatNight } from '../dates.js';
import { toastError } from '../toast.js';

const PAGE = 100;

export function createList({ onOpen }) {
  const ul = document.querySelector('[data-testid="entry-list"]');
  const empty = document.querySelector('.list-empty');
  const more = document.querySelector('.list-more');
  const search = document.querySelector('[data-testid="search-input"]');
  let items = [];
  let query = '';
  let selectedId = null;
  let seq = 0; // answers to older queries are dropped
  let searchTimer = null;

  function render() {
    const frag = document.createDocumentFragment();
    for (const item of items) frag.append(renderItem(item));
    ul.replaceChildren(frag);
    empty.hidden = items.length > 0;
    empty.textContent = query ? t('list.noResults', { query }) : t('list.empty');
    more.hidden = query !== '' || items.length === 0 || items.length % PAGE !== 0;
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
    b.addEventListener('click', () => onOpen(item.id));
    li.append(b);
    return li;
  }

  async function refresh() {
    const mine = ++seq;
    try {
      const found = query ? await api.diarySearch(query, 200) : await api.diaryList(Math.max(PAGE, roundUp(items.length)), 0);
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
      const page = await api.diaryList(PAGE, items.length);
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
      refresh();
    }, 90);
  });
  more.addEventListener('click', loadMore);
  onLanguageChange(render);

  return {
    refresh,
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

const firstLine = (s) => (s || '').trim().split('\n')[0];
const rest = (s) => (s || '').trim().split('\n').slice(1).join(' ');
const roundUp = (n) => Math.ceil(n / PAGE) * PAGE;

// The entry's details beside its text: tags (Enter or a comma adds one, never while a Korean
// syllable is being composed; Backspace in an empty field or a click removes one; suggestions from
// the tags already used), the four dream flags, the mood and the sleep quality. `onChange()` is
// called after every change so the editor autosaves them like the text.
import { api } from '../api.js';
import { t, onLanguageChange } from '../locale.js';
import { isComposing } from '../ime.js';
import { addTag, splitTyped, MAX_TAGS, MAX_TAG_CHARS, normalizeTag } from './tags.js';
import { toastError } from '../toast.js';

import { MOODS, FLAGS } from './kinds.js';

export function createDetails({ onChange }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const field = q('entry-tags');
  const list = field.querySelector('.tag-list');
  const input = q('entry-tag-input');
  const suggestions = document.getElementById('tag-suggestions');
  const mood = q('entry-mood');
  const sleep = q('entry-sleep');
  const flagButtons = Object.fromEntries(FLAGS.map((f) => [f, q(`entry-flag-${f}`)]));
  let tags = [];

  function fillMoods() {
    const current = mood.value;
    mood.replaceChildren(new Option(t('entry.moodNone'), ''), ...MOODS.map((m) => new Option(`${t(`moodIcon.${m}`)} ${t(`mood.${m}`)}`, m)));
    mood.value = current;
  }

  function renderTags() {
    list.replaceChildren(...tags.map((tag) => {
      const li = document.createElement('li');
      li.className = 'tag';
      li.dataset.testid = 'entry-tag';
      li.dataset.tag = tag;
      const name = document.createElement('span');
      name.textContent = `#${tag}`;
      const x = document.createElement('button');
      x.type = 'button';
      x.className = 'tag-remove';
      x.dataset.testid = 'entry-tag-remove';
      x.setAttribute('aria-label', t('entry.tagRemove', { tag }));
      x.textContent = '×';
      x.addEventListener('click', () => { tags = tags.filter((x2) => x2 !== tag); renderTags(); onChange(); input.focus(); });
      li.append(name, x);
      return li;
    }));
  }

  function add(values) {
    const before = tags;
    for (const v of values) {
      const tag = normalizeTag(v);
      if (tag && !tags.includes(tag) && tags.length >= MAX_TAGS) { toastError(t('entry.tooManyTags', { max: MAX_TAGS })); break; }
      if ([...tag].length > MAX_TAG_CHARS) { toastError(t('entry.tagTooLong', { max: MAX_TAG_CHARS })); continue; }
      tags = addTag(tags, tag);
    }
    if (tags !== before) { renderTags(); onChange(); }
  }

  input.addEventListener('keydown', (e) => {
    if (isComposing(e)) return; // the Enter that completes a syllable is not a tag
    if (e.key === 'Enter') {
      e.preventDefault();
      if (input.value.trim()) { add([input.value]); input.value = ''; }
    } else if (e.key === 'Backspace' && input.value === '' && tags.length) {
      e.preventDefault();
      tags = tags.slice(0, -1);
      renderTags();
      onChange();
    }
  });
  input.addEventListener('input', (e) => {
    // A tag still being typed is saved too (`get` includes it), so the autosave must hear of it.
    onChange();
    if (e.isComposing) return;
    const { add: done, rest } = splitTyped(input.value);
    if (done.length) { input.value = rest; add(done); }
  });
  input.addEventListener('blur', () => {
    if (input.value.trim()) { add([input.value]); input.value = ''; }
  });
  // A comma typed during a composition arrives when it ends.
  input.addEventListener('compositionend', () => {
    const { add: done, rest } = splitTyped(input.value);
    if (done.length) { input.value = rest; add(done); }
  });
  input.addEventListener('focus', refreshSuggestions);

  for (const [flag, b] of Object.entries(flagButtons)) {
    b.addEventListener('click', () => {
      b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'));
      onChange();
    });
    b.title = t(`flag.${flag}Hint`);
  }
  mood.addEventListener('change', () => { mood.dataset.value = mood.value; onChange(); });
  sleep.addEventListener('change', onChange);

  // The tags in use, asked once and again only after a save (asking on every focus would group
  // every tag of the diary each time).
  let known = null;
  async function refreshSuggestions() {
    try {
      known ??= await api.diaryTags();
      suggestions.replaceChildren(...known.filter((x) => !tags.includes(x.tag)).slice(0, 200).map((x) => new Option(x.tag)));
    } catch { /* suggestions are a convenience */ }
  }

  onLanguageChange(() => { fillMoods(); renderTags(); for (const [f, b] of Object.entries(flagButtons)) b.title = t(`flag.${f}Hint`); });
  fillMoods();

  return {
    /** What the editor saves: { tags, flags, mood, sleep }; a half-typed tag counts too. */
    get() {
      const pending = input.value.trim() ? addTag(tags, input.value) : tags;
      return {
        tags: pending,
        flags: Object.fromEntries(FLAGS.map((f) => [f, flagButtons[f].getAttribute('aria-pressed') === 'true'])),
        mood: mood.value || null,
        sleep: sleep.value ? Number(sleep.value) : null,
      };
    },
    set(entry) {
      tags = [...(entry?.tags ?? [])];
      input.value = '';
      renderTags();
      for (const f of FLAGS) flagButtons[f].setAttribute('aria-pressed', String(Boolean(entry?.flags?.[f])));
      mood.value = entry?.mood ?? '';
      mood.dataset.value = mood.value;
      sleep.value = entry?.sleep ? String(entry.sleep) : '';
    },
    /** A save may have added tags: suggestions are asked afresh next time. */
    saved() { known = null; },
    isEmpty() {
      const d = this.get();
      return !d.tags.length && !FLAGS.some((f) => d.flags[f]) && !d.mood && !d.sleep;
    },
  };
}

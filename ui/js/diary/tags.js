// Tag rules the editor shows before the backend stores them (the same as
// `diary::details::normalize_tag`): pure, unit tested with node --test.

export const MAX_TAG_CHARS = 40;
export const MAX_TAGS = 30;

/** A tag as stored: trimmed, no leading `#`, one space between words, lower case; '' if empty. */
export function normalizeTag(raw) {
  return String(raw ?? '')
    .trim()
    .replace(/^#+/, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .join(' ')
    .toLowerCase()
    .replace(/[\u0000-\u001f\u007f,]/g, '');
}

/**
 * What typing in the tag field means: `text` is the field's value after an input event. A comma
 * completes the tags before it; what follows stays in the field. Returns { add: [...], rest }.
 */
export function splitTyped(text) {
  const parts = String(text ?? '').split(/[,，、]/);
  const rest = parts.pop();
  return { add: parts.map(normalizeTag).filter(Boolean), rest };
}

/** `tags` with `tag` added at the end, unless it is empty or already there. */
export function addTag(tags, tag) {
  const t = normalizeTag(tag);
  if (!t || tags.includes(t) || [...t].length > MAX_TAG_CHARS || tags.length >= MAX_TAGS) return tags;
  return [...tags, t];
}

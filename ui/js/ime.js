// Key handling that is safe with an input method (Korean IME): while a composition is open, the
// Enter or shortcut that finishes a syllable must never also submit, save or switch entries.

/** True while an IME composition is open for this key event. */
export function isComposing(event) {
  // keyCode 229 is what WebKit reports for keys the IME consumes, sometimes after isComposing is false.
  return Boolean(event.isComposing) || event.keyCode === 229;
}

/** The app shortcut a key event means (`new`, `save`, `search`, `submit`, `quit`), or null. */
export function shortcutOf(event, platform = '') {
  if (isComposing(event)) return null;
  const mac = /mac|iphone|ipad/i.test(platform);
  const mod = mac ? event.metaKey : event.ctrlKey;
  if (!mod || event.altKey) return null;
  const key = String(event.key || '').toLowerCase();
  if (event.shiftKey) return null;
  if (key === 'n') return 'new';
  if (key === 's') return 'save';
  if (key === 'f') return 'search';
  if (key === 'enter') return 'submit';
  if (key === 'q') return 'quit';
  return null;
}

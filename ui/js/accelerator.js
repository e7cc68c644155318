// Turns a key press into Tauri's accelerator syntax (`CommandOrControl+Shift+Space`) for the quick
// window's global shortcut, and back into something readable. Pure functions, tested with node --test.

const NAMED = new Set(['Space', 'Enter', 'Tab', 'Backspace', 'Delete', 'Insert', 'Home', 'End', 'PageUp', 'PageDown',
  'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Minus', 'Equal', 'Comma', 'Period', 'Slash', 'Semicolon',
  'Quote', 'Backquote', 'BracketLeft', 'BracketRight', 'Backslash']);

/** The key part of an accelerator from `event.code` (layout-independent), or null. */
function keyOf(code) {
  let m;
  if ((m = /^Key([A-Z])$/.exec(code))) return m[1];
  if ((m = /^Digit([0-9])$/.exec(code))) return m[1];
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(code)) return code;
  if (NAMED.has(code)) return code;
  return null;
}

/**
 * The accelerator a key press means, or null while only modifiers are held, during an IME
 * composition, or without a modifier other than Shift (a plain letter would steal typing).
 */
export function acceleratorFromEvent(e, platform = '') {
  if (e.isComposing || e.keyCode === 229) return null;
  const key = keyOf(e.code || '');
  if (!key) return null;
  const mac = /mac|iphone|ipad/i.test(platform);
  const parts = [];
  if (mac ? e.metaKey : e.ctrlKey) parts.push('CommandOrControl');
  if (mac && e.ctrlKey) parts.push('Control');
  if (!mac && e.metaKey) parts.push('Super');
  if (e.altKey) parts.push('Alt');
  if (parts.length === 0) return null;
  if (e.shiftKey) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

/** How an accelerator reads on this system: `Ctrl+Shift+Space`, `⌘+Shift+Space`. */
export function displayAccelerator(accel, platform = '') {
  const mac = /mac|iphone|ipad/i.test(platform);
  return String(accel || '').split('+').map((p) => {
    if (/^(CommandOrControl|CmdOrCtrl|CommandOrCtrl|CmdOrControl)$/i.test(p)) return mac ? '⌘' : 'Ctrl';
    if (p === 'Super') return mac ? '⌘' : 'Super';
    if (p === 'Alt') return mac ? '⌥' : 'Alt';
    return p;
  }).join('+');
}

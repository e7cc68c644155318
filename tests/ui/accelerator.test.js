import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceleratorFromEvent, displayAccelerator } from '../../ui/js/accelerator.js';

const key = (code, mods = {}) => ({ code, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

test('a chord with Ctrl (Cmd on macOS) becomes an accelerator, layout-independent', () => {
  assert.equal(acceleratorFromEvent(key('Space', { ctrlKey: true, shiftKey: true }), 'Linux x86_64'), 'CommandOrControl+Shift+Space');
  assert.equal(acceleratorFromEvent(key('KeyD', { altKey: true }), 'Win32'), 'Alt+D');
  assert.equal(acceleratorFromEvent(key('Digit7', { metaKey: true, shiftKey: true }), 'MacIntel'), 'CommandOrControl+Shift+7');
  assert.equal(acceleratorFromEvent(key('F9', { metaKey: true }), 'Linux x86_64'), 'Super+F9');
});

test('modifier-only presses, plain keys, Shift alone and IME compositions give nothing', () => {
  assert.equal(acceleratorFromEvent(key('ShiftLeft', { shiftKey: true }), 'Linux'), null);
  assert.equal(acceleratorFromEvent(key('KeyA'), 'Linux'), null, 'a plain letter would steal typing');
  assert.equal(acceleratorFromEvent(key('KeyA', { shiftKey: true }), 'Linux'), null);
  assert.equal(acceleratorFromEvent({ ...key('KeyA', { ctrlKey: true }), isComposing: true }, 'Linux'), null);
  assert.equal(acceleratorFromEvent({ ...key('KeyA', { ctrlKey: true }), keyCode: 229 }, 'Linux'), null);
});

test('accelerators read as the system writes them', () => {
  assert.equal(displayAccelerator('CommandOrControl+Shift+Space', 'Linux'), 'Ctrl+Shift+Space');
  assert.equal(displayAccelerator('CommandOrControl+Shift+Space', 'MacIntel'), '⌘+Shift+Space');
  assert.equal(displayAccelerator('Alt+D', 'MacIntel'), '⌥+D');
});

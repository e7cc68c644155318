import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isComposing, shortcutOf } from '../../ui/js/ime.js';

const key = (k, extra = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, isComposing: false, keyCode: 0, ...extra });

test('an open composition is detected by isComposing or keyCode 229', () => {
  assert.equal(isComposing(key('Enter', { isComposing: true })), true);
  assert.equal(isComposing(key('Process', { keyCode: 229 })), true, 'WebKit reports IME keys as 229');
  assert.equal(isComposing(key('Enter')), false);
});

test('no shortcut fires while a Korean syllable is being composed', () => {
  for (const k of ['s', 'n', 'f', 'Enter']) {
    assert.equal(shortcutOf(key(k, { ctrlKey: true, isComposing: true }), 'Linux x86_64'), null, `Ctrl+${k} composing`);
    assert.equal(shortcutOf(key(k, { ctrlKey: true, keyCode: 229 }), 'Linux x86_64'), null, `Ctrl+${k} keyCode 229`);
  }
});

test('Ctrl on Linux and Windows, Cmd on macOS', () => {
  assert.equal(shortcutOf(key('s', { ctrlKey: true }), 'Linux x86_64'), 'save');
  assert.equal(shortcutOf(key('S', { ctrlKey: true }), 'Win32'), 'save', 'Caps Lock does not matter');
  assert.equal(shortcutOf(key('n', { ctrlKey: true }), 'Win32'), 'new');
  assert.equal(shortcutOf(key('f', { ctrlKey: true }), 'Linux'), 'search');
  assert.equal(shortcutOf(key('Enter', { ctrlKey: true }), 'Linux'), 'submit');
  assert.equal(shortcutOf(key('s', { metaKey: true }), 'MacIntel'), 'save');
  assert.equal(shortcutOf(key('s', { ctrlKey: true }), 'MacIntel'), null, 'Ctrl+S is not save on a Mac');
});

test('plain keys, Alt and Shift chords are left alone', () => {
  assert.equal(shortcutOf(key('s'), 'Linux'), null, 'typing s');
  assert.equal(shortcutOf(key('Enter'), 'Linux'), null, 'Enter in the textarea is a newline');
  assert.equal(shortcutOf(key('s', { ctrlKey: true, altKey: true }), 'Linux'), null, 'AltGr combinations');
  assert.equal(shortcutOf(key('n', { ctrlKey: true, shiftKey: true }), 'Linux'), null);
  assert.equal(shortcutOf(key('x', { ctrlKey: true }), 'Linux'), null, 'unknown chord');
});

test('Ctrl+Q (Cmd+Q on macOS) quits, never while composing', () => {
  assert.equal(shortcutOf(key('q', { ctrlKey: true }), 'Linux'), 'quit');
  assert.equal(shortcutOf(key('q', { metaKey: true }), 'MacIntel'), 'quit');
  assert.equal(shortcutOf(key('q', { ctrlKey: true, isComposing: true }), 'Linux'), null);
});

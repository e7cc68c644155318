import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passphraseProblem, idleLockIn } from '../../ui/js/passphrase.js';

test('a new passphrase needs four characters, counted as the backend counts them', () => {
  assert.equal(passphraseProblem('abc', 'abc'), 'privacy.tooShort');
  assert.equal(passphraseProblem('    ', '    '), 'privacy.tooShort', 'spaces alone are not a passphrase');
  assert.equal(passphraseProblem('꿈꿈꿈꿈', '꿈꿈꿈꿈'), null, 'four Korean syllables are enough');
  assert.equal(passphraseProblem('🐷🐷🐷', '🐷🐷🐷'), 'privacy.tooShort', 'an emoji is one character, not two');
  assert.equal(passphraseProblem('x'.repeat(1025), 'x'.repeat(1025)), 'privacy.tooLong');
});

test('the two entries must match', () => {
  assert.equal(passphraseProblem('dream-key', 'dream-kye'), 'privacy.mismatch');
  assert.equal(passphraseProblem('dream-key', 'dream-key'), null);
});

test('the idle lock waits the chosen minutes, and only with a passphrase', () => {
  assert.equal(idleLockIn({ minutes: 5, passphrase: true, locked: false, idleMs: 60000 }), 4 * 60000);
  assert.equal(idleLockIn({ minutes: 5, passphrase: true, locked: false, idleMs: 10 * 60000 }), 0, 'overdue: now');
  assert.equal(idleLockIn({ minutes: 0, passphrase: true, locked: false, idleMs: 0 }), null, 'off');
  assert.equal(idleLockIn({ minutes: 5, passphrase: false, locked: false, idleMs: 0 }), null, 'nothing to lock with');
  assert.equal(idleLockIn({ minutes: 5, passphrase: true, locked: true, idleMs: 0 }), null, 'already locked');
});

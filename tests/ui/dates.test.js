import { test } from 'node:test';
import assert from 'node:assert/strict';
import { todayLocal, formatNight } from '../../ui/js/dates.js';

test('today is the local calendar date, zero-padded', () => {
  assert.equal(todayLocal(new Date(2026, 0, 5, 23, 59)), '2026-01-05', 'late evening is still the same night');
  assert.equal(todayLocal(new Date(2026, 10, 28, 0, 1)), '2026-11-28');
});

test('nights are shown in the reader\'s language, the same day in every time zone', () => {
  assert.equal(formatNight('2026-03-01', 'ko'), '2026년 3월 1일 (일)');
  assert.equal(formatNight('2026-03-01', 'en'), 'Sun, Mar 1, 2026');
  assert.equal(formatNight('2024-02-29', 'en'), 'Thu, Feb 29, 2024', 'leap day');
});

test('odd input comes back unchanged instead of throwing', () => {
  assert.equal(formatNight('', 'en'), '');
  assert.equal(formatNight('someday', 'ko'), 'someday');
  assert.equal(formatNight(undefined, 'ko'), '');
});

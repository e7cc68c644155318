import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTag, splitTyped, addTag } from '../../ui/js/diary/tags.js';
import { toQuery, isEmpty, EMPTY } from '../../ui/js/diary/filters.js';
import { rangeFor, heatWeeks, level } from '../../ui/js/insights-math.js';

test('tags are normalised like the backend stores them', () => {
  assert.equal(normalizeTag('  #Lucid  Dream '), 'lucid dream');
  assert.equal(normalizeTag('돼지꿈'), '돼지꿈');
  assert.equal(normalizeTag(' # '), '');
  assert.equal(normalizeTag('ÉTÉ'), 'été');
});

test('a comma completes a tag; what follows stays in the field', () => {
  assert.deepEqual(splitTyped('악몽,'), { add: ['악몽'], rest: '' });
  assert.deepEqual(splitTyped('뱀, 물,불'), { add: ['뱀', '물'], rest: '불' });
  assert.deepEqual(splitTyped('돼지'), { add: [], rest: '돼지' }, 'no comma: still typing');
  assert.deepEqual(splitTyped(',,'), { add: [], rest: '' }, 'empty tags are not added');
  assert.deepEqual(splitTyped('꿈，'), { add: ['꿈'], rest: '' }, 'a full-width comma from a Korean keyboard');
});

test('adding a tag keeps the list unique and in order', () => {
  const a = addTag([], 'Water');
  assert.deepEqual(a, ['water']);
  assert.equal(addTag(a, '#WATER'), a, 'a duplicate changes nothing');
  assert.deepEqual(addTag(a, '물'), ['water', '물']);
  assert.equal(addTag(a, 'x'.repeat(41)), a, 'too long');
});

test('the filter sent is only what is set', () => {
  assert.deepEqual(toQuery({ ...EMPTY, flag: 'lucid', mood: '' }), { flag: 'lucid' });
  assert.equal(isEmpty(EMPTY), true);
  assert.equal(isEmpty({ ...EMPTY, symbol: 'snake' }), false);
});

test('ranges and the heatmap calendar', () => {
  const now = new Date(2026, 3, 16); // 16 April 2026, local
  assert.deepEqual(rangeFor('12m', now), { from: '2025-04-17', to: '2026-04-16' });
  assert.deepEqual(rangeFor('year', now), { from: '2026-01-01', to: '2026-04-16' });
  assert.equal(rangeFor('3m', now).from, '2026-01-16');
  const weeks = heatWeeks('2026-04-16');
  const nights = weeks.flat().filter(Boolean);
  assert.equal(nights.length, 365, 'every night of the 365 days, once');
  assert.equal(nights[0], '2025-04-17');
  assert.equal(nights.at(-1), '2026-04-16');
  assert.ok(weeks.every((w) => w.length === 7), 'whole weeks');
  assert.equal(new Date(`${weeks[1][0]}T00:00:00Z`).getUTCDay(), 1, 'weeks start on Monday');
  assert.deepEqual([0, 1, 2, 3, 4, 9].map(level), [0, 1, 2, 3, 3, 4]);
});

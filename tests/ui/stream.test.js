import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequencer, Router, atBottom } from '../../ui/js/interpret/stream.js';

test('deltas come out in seq order, once each, whatever order they arrive in', () => {
  const out = [];
  const s = new Sequencer((t) => out.push(t));
  for (const [seq, t] of [[1, 'b'], [0, 'a'], [0, 'a'], [3, 'd'], [2, 'c'], [1, 'b']]) s.push(seq, t);
  assert.deepEqual(out, ['a', 'b', 'c', 'd'], 'ordered and without repeats');
  assert.equal(s.gaps, 0, 'nothing left waiting');
  s.push(5, 'f');
  assert.equal(s.gaps, 1, 'a delta after a gap waits');
});

test('events before attach are replayed in order; terminal events end the run', () => {
  const r = new Router();
  r.route('delta', { requestId: 7, seq: 0, text: '돼' });
  r.route('delta', { requestId: 7, seq: 1, text: '지' });
  r.route('delta', { requestId: 8, seq: 0, text: 'other' });
  const seen = [];
  r.attach(7, (kind, p) => seen.push(kind === 'delta' ? p.text : kind));
  r.route('delta', { requestId: 7, seq: 2, text: '꿈' });
  r.route('done', { requestId: 7, finishReason: 'stop' });
  r.route('delta', { requestId: 7, seq: 3, text: 'late' });
  assert.deepEqual(seen, ['돼', '지', '꿈', 'done'], 'early deltas first, nothing after done, nothing of 8');
});

test('a terminal event that arrived early ends the run during attach', () => {
  const r = new Router();
  r.route('delta', { requestId: 1, seq: 0, text: 'x' });
  r.route('error', { requestId: 1, kind: 'offline' });
  const seen = [];
  r.attach(1, (kind) => seen.push(kind));
  assert.deepEqual(seen, ['delta', 'error']);
  assert.equal(r.runs.size, 0, 'the run is gone after its terminal event');
});

test('unclaimed ids are bounded', () => {
  const r = new Router({ maxWaiting: 3 });
  for (let id = 0; id < 10; id++) r.route('delta', { requestId: id, seq: 0, text: '' });
  assert.equal(r.waiting.size, 3, 'only the newest few ids wait');
  assert.ok(r.waiting.has(9) && !r.waiting.has(0));
});

test('at the bottom within a slack', () => {
  assert.equal(atBottom({ scrollHeight: 1000, scrollTop: 600, clientHeight: 400 }), true);
  assert.equal(atBottom({ scrollHeight: 1000, scrollTop: 580, clientHeight: 400 }), true);
  assert.equal(atBottom({ scrollHeight: 1000, scrollTop: 300, clientHeight: 400 }), false);
});

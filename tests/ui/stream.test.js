import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequencer, Router, atBottom, drainer } from '../../ui/js/interpret/stream.js';

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

test('the drainer takes until nothing is left, one call at a time, and never loses a ring', async () => {
  const queue = [];
  const delivered = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let release;
  const take = async () => {
    calls += 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (calls === 1) await new Promise((r) => { release = r; }); // the first call is slow
    inFlight -= 1;
    return queue.splice(0);
  };
  const drain = drainer(take, (batch) => delivered.push(...batch));
  queue.push('a');
  const first = drain();
  queue.push('b');
  drain(); // rings while the first call is under way
  drain();
  release();
  await first;
  assert.deepEqual(delivered, ['a', 'b'], 'everything, in order, once');
  assert.equal(maxInFlight, 1, 'one call at a time');
  assert.ok(calls <= 3, 'rings during a call are folded into one more call');
  const failing = drainer(async () => { throw new Error('ipc'); }, () => assert.fail('nothing to deliver'));
  await failing(); // a failed take delivers nothing and does not throw
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Autosaver } from '../../ui/js/autosave.js';

/** A fake clock: timers run only when the test advances time. */
function clock() {
  let now = 0;
  let timers = [];
  let nextId = 1;
  return {
    now: () => now,
    timers: {
      setTimeout: (fn, ms) => { const id = nextId++; timers.push({ id, at: now + ms, fn }); return id; },
      clearTimeout: (id) => { timers = timers.filter((t) => t.id !== id); },
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
        await new Promise((r) => setImmediate(r));
      }
      now = end;
      await new Promise((r) => setImmediate(r));
    },
  };
}

test('saves about a second after the last keystroke, once', async () => {
  const c = clock();
  let saves = 0;
  const a = new Autosaver({ save: async () => { saves++; }, timers: c.timers, now: c.now });
  a.touch();
  await c.advance(500);
  a.touch();
  await c.advance(900);
  assert.equal(saves, 0, 'not while typing goes on');
  await c.advance(200);
  assert.equal(saves, 1, 'one save after the pause');
  await c.advance(5000);
  assert.equal(saves, 1, 'nothing more to save');
});

test('saves at least every maxWait during continuous typing', async () => {
  const c = clock();
  let saves = 0;
  const a = new Autosaver({ save: async () => { saves++; }, timers: c.timers, now: c.now, delay: 1000, maxWait: 4000 });
  for (let i = 0; i < 45; i++) { a.touch(); await c.advance(200); } // 9 s of typing, a key every 200 ms
  assert.ok(saves >= 2, `saved ${saves} times during 9 s of typing`);
});

test('one save at a time, and changes made during a save are saved after it', async () => {
  const c = clock();
  const log = [];
  let release;
  let running = 0;
  const a = new Autosaver({
    save: async () => {
      running++;
      assert.equal(running, 1, 'never two saves at once');
      log.push('start');
      await new Promise((r) => { release = r; });
      running--;
      log.push('end');
    },
    timers: c.timers,
    now: c.now,
  });
  a.touch();
  const first = a.flush();
  await new Promise((r) => setImmediate(r));
  a.touch(); // typing while the first save is in flight
  const second = a.flush();
  release();
  await new Promise((r) => setImmediate(r));
  release();
  assert.equal(await first, true);
  assert.equal(await second, true);
  assert.deepEqual(log, ['start', 'end', 'start', 'end'], 'the second change got its own save');
});

test('a failed save stays pending, is reported, and flush says so', async () => {
  const c = clock();
  let fail = true;
  const errors = [];
  let saved = 0;
  const a = new Autosaver({
    save: async () => { if (fail) throw { kind: 'database' }; saved++; },
    timers: c.timers,
    now: c.now,
    onError: (e) => errors.push(e.kind),
  });
  a.touch();
  assert.equal(await a.flush(), false, 'flush reports the failure');
  assert.deepEqual(errors, ['database']);
  assert.equal(a.dirty, true, 'the change is still pending: nothing is lost');
  fail = false;
  assert.equal(await a.flush(), true, 'the retry saves it');
  assert.equal(saved, 1);
});

test('reset drops a pending save (the entry was deleted)', async () => {
  const c = clock();
  let saves = 0;
  const a = new Autosaver({ save: async () => { saves++; }, timers: c.timers, now: c.now });
  a.touch();
  a.reset();
  await c.advance(5000);
  assert.equal(saves, 0);
  assert.equal(await a.flush(), true, 'nothing pending');
});

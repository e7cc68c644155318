// Hostile model output in the real window: 132 script, markup and IPC payloads streamed into the
// diary's panel (and the quick window's) show literally, nothing executes, nothing reaches the
// diary; a 1 MB line is cut at the answer limit and the window stays responsive.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from './harness.js';
import { appRig, chunk } from './sse-server.js';
import { payloads } from '../fixtures/hostile-output.js';

const rig = appRig();
after(() => rig.cleanup());

const answer = payloads.join('\n');

/** Streams the corpus, each payload cut in two deltas (so tags are split across events). */
async function onRequest(seen, res) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (seen.model === 'huge') {
    res.write(chunk(`<img src=x onerror="window.__pwned=1">${'가'.repeat(350_000)}`)); // > 1 MB of UTF-8
    res.end(chunk(null, 'stop') + 'data: [DONE]\n\n');
    return true;
  }
  for (const [i, p] of payloads.entries()) {
    const text = (i ? '\n' : '') + p;
    const mid = Math.floor(text.length / 2);
    res.write(chunk(text.slice(0, mid)) + chunk(text.slice(mid)));
  }
  res.end(chunk(null, 'stop') + 'data: [DONE]\n\n');
  return true;
}

const setup = () => rig.open({ onRequest });


test(`${payloads.length} hostile payloads show as text, run nothing and write nothing`, async () => {
  const { server, s } = await setup();
  try {
    await s.useServer(server.url, 'corpus');
    await s.writeDream('a harmless dream');
    await s.click('interpret-run');
    await s.waitFor(async () => (await s.attr('interpret-status', 'data-state')) === 'done', { what: 'the end', timeout: 20000 });
    await sleep(300); // anything that would run on load or on a timer has had its chance
    assert.equal(await s.prop('interpret-output', 'textContent'), answer, 'every payload is shown literally');
    assert.equal(await s.exec('return document.querySelector(\'[data-testid="interpret-output"]\').children.length'), 0,
      'no element was created from the output');
    await s.waitFor(async () => (await s.exec('return document.querySelectorAll(\'[data-testid="interpret-history-item"]\').length')) === 1,
      { what: 'the saved interpretation' });
    assert.equal(await s.exec('return document.querySelector(\'[data-testid="interpret-history-item"] .history-text\').textContent'), answer,
      'the history shows it literally too');
    assert.equal(await s.exec('return document.querySelector(\'[data-testid="interpret-history-item"] .history-text\').children.length'), 0);
    assert.equal(await s.exec('return window.__pwned ?? null'), null, 'no payload ran');
    const entries = await s.exec('return window.__TAURI__.core.invoke("diary_list")');
    assert.deepEqual(entries.map((e) => e.excerpt), ['a harmless dream'], 'no IPC call from a payload created an entry');
  } finally {
    await s.quit();
  }
});

test('a 1 MB line is cut at the answer limit and the window stays responsive', async () => {
  const { server, s } = await setup();
  try {
    await s.useServer(server.url, 'huge');
    await s.writeDream('a long dream');
    await s.click('interpret-run');
    await s.waitFor(async () => (await s.attr('interpret-status', 'data-state')) === 'done', { what: 'the end', timeout: 20000 });
    const shown = await s.prop('interpret-output', 'textContent');
    assert.ok(shown.startsWith('<img src=x onerror='), 'shown as text');
    assert.ok(Buffer.byteLength(shown) <= 64 * 1024 && Buffer.byteLength(shown) > 60 * 1024, `cut at 64 KB (${Buffer.byteLength(shown)} bytes)`);
    assert.match(await s.prop('interpret-note', 'textContent'), /64 KB/, 'the note says it was cut');
    assert.equal(await s.exec('return window.__pwned ?? null'), null);
    // Still responsive: typing lands at once.
    await s.type('entry-title', 'still here');
    assert.equal(await s.prop('entry-title', 'value'), 'still here');
  } finally {
    await s.quit();
  }
});

test('twenty interpretations at once do not starve the window', async () => {
  const { server, s } = await rig.open();
  try {
    await s.useServer(server.url, 'transcript:openai-ko:10');
    // The page measures its own event loop while twenty streams pour events into it.
    const result = await s.exec(`
      const done = [];
      const w = window.__TAURI__.webviewWindow.getCurrentWebviewWindow();
      return w.listen('interpret:done', (e) => done.push(e.payload.requestId)).then(async () => {
        const ids = await Promise.all(Array.from({ length: 20 }, () =>
          window.__TAURI__.core.invoke('interpret_start', { request: { content: '꿈' } }).then((r) => r.requestId)));
        let last = performance.now(), worst = 0;
        while (done.length < 20 && performance.now() - last < 20000) {
          await new Promise((r) => setTimeout(r, 0));
          const now = performance.now(); worst = Math.max(worst, now - last); last = now;
        }
        return { finished: done.length, ids: ids.length, worstGapMs: worst };
      });`);
    assert.equal(result.finished, 20, 'all twenty finished');
    assert.ok(result.worstGapMs < 250, `the page's event loop never stalled (worst gap ${result.worstGapMs} ms)`);
    assert.equal(server.requests.length, 20);
  } finally {
    await s.quit();
  }
});

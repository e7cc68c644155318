// End to end in the real window: a dream is interpreted by a local OpenAI-compatible server and the
// answer grows in the pre-line panel delta by delta, byte-exact, in Korean and English; stop keeps
// the partial text; a rejected key and a cut-off say so, translated, and keep what arrived.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, sleep } from './harness.js';
import { appRig, transcript } from './sse-server.js';

const rig = appRig();
after(() => rig.cleanup());

const setup = (lang) => rig.open({ lang });


const state = (s) => s.attr('interpret-status', 'data-state');
const output = (s) => s.prop('interpret-output', 'textContent');


test('a Korean transcript streams into the panel byte-exact, then is saved in the history', async () => {
  const { server, s } = await setup('ko_KR.UTF-8');
  try {
    const { expected } = transcript('openai-ko');
    await s.useServer(server.url, 'transcript:openai-ko:80');
    await s.writeDream('돼지가 집으로 들어오는 꿈을 꾸었다. 아주 큰 돼지였다.');
    await s.click('interpret-run');
    await s.waitFor(async () => (await state(s)) === 'streaming', { what: 'streaming' });
    assert.equal(await s.prop('interpret-stop', 'disabled'), false, 'stop is enabled while streaming');
    // The first words show while the rest is still coming.
    const partial = await s.waitFor(async () => { const t = await output(s); return t.length > 8 && t; }, { what: 'the first words' });
    assert.equal(await state(s), 'streaming', 'text is shown before the stream ends');
    assert.ok(expected.startsWith(partial), 'what is shown is the start of the answer');
    await screenshot('interpret-streaming-ko');
    await s.waitFor(async () => (await state(s)) === 'done', { what: 'the end', timeout: 20000 });
    assert.equal(await output(s), expected, 'the panel shows exactly the model text');
    assert.equal(await s.exec(`return getComputedStyle(document.querySelector('[data-testid="interpret-output"]')).whiteSpace`), 'pre-line');
    assert.equal(await s.prop('interpret-stop', 'disabled'), true, 'stop is disabled when done');
    await s.waitFor(async () => (await s.exec(`return document.querySelectorAll('[data-testid="interpret-history-item"]').length`)) === 1,
      { what: 'the saved interpretation in the history' });
    assert.equal(await s.exec(`return document.querySelector('[data-testid="interpret-history-item"] .history-text').textContent`), expected);
    assert.equal(server.requests.length, 1);
    assert.match(server.requests[0].body.messages[1].content, /돼지가 집으로/, 'the saved entry was sent');
    assert.equal(server.requests[0].body.stream, true);
    await screenshot('interpret-done-ko');
  } finally {
    await s.quit();
  }
});

test('an English transcript split at every byte arrives byte-exact', async () => {
  const { server, s } = await setup('en_US.UTF-8');
  try {
    const { expected } = transcript('openai-en');
    await s.useServer(server.url, 'transcript:openai-en:bytes');
    await s.writeDream('I was flying over a city at night.');
    await s.click('interpret-run');
    await s.waitFor(async () => (await state(s)) === 'done', { what: 'the end', timeout: 20000 });
    assert.equal(await output(s), expected);
    await screenshot('interpret-done-en');
  } finally {
    await s.quit();
  }
});

test('stop mid-stream keeps the partial text, marked stopped, and closes the connection', async () => {
  const { server, s } = await setup('en_US.UTF-8');
  try {
    await s.useServer(server.url, 'stall:Flying means freedom, and the city is your waking life');
    await s.writeDream('Flying dream');
    await s.click('interpret-run');
    await s.waitFor(async () => (await output(s)) === 'Flying means freedom, and the city is your waking life', { what: 'both deltas' });
    await s.click('interpret-stop');
    await s.waitFor(async () => (await state(s)) === 'stopped', { what: 'stopped' });
    assert.equal(await output(s), 'Flying means freedom, and the city is your waking life', 'the partial text stays');
    await s.waitFor(async () => server.requests[0].hungUpAt !== null, { what: 'the server to see the hang-up' });
    await s.waitFor(async () => (await s.exec(`return document.querySelector('[data-testid="interpret-history-item"]')?.dataset.status`)) === 'stopped',
      { what: 'a stopped row in the history' });
    assert.equal(await s.prop('interpret-run', 'disabled'), false, 'a new run can start');
  } finally {
    await s.quit();
  }
});

test('a rejected key shows the translated key message with a way to settings', async () => {
  const { server, s } = await setup('ko_KR.UTF-8');
  try {
    await s.useServer(server.url, 'status:401');
    await s.writeDream('이가 빠지는 꿈');
    await s.click('interpret-run');
    await s.waitFor(async () => (await state(s)) === 'error', { what: 'the error state' });
    const msg = await s.prop('interpret-error', 'textContent');
    assert.match(msg, /API 키를 거부했어요/, 'key rejected, in Korean');
    assert.doesNotMatch(msg, /sk-e2e/, 'the server words are not repeated');
    assert.equal(server.requests.length, 1, 'a 401 is not retried');
    await screenshot('interpret-401-ko');
    await s.click('interpret-open-settings');
    await s.waitFor(async () => !(await s.exec(`return document.getElementById('view-settings').hidden`)), { what: 'the settings view' });
  } finally {
    await s.quit();
  }
});

test('a cut-off says so and keeps the text', async () => {
  const { server, s } = await setup('en_US.UTF-8');
  try {
    await s.useServer(server.url, 'cutoff:The snake is a symbol of');
    await s.writeDream('A snake in the garden');
    await s.click('interpret-run');
    await s.waitFor(async () => (await state(s)) === 'error', { what: 'the error state' });
    assert.match(await s.prop('interpret-error', 'textContent'), /cut off/);
    assert.equal(await output(s), 'The snake is a symbol of', 'what arrived is kept');
    await screenshot('interpret-cutoff-en');
    const body = await s.prop('entry-body', 'value');
    assert.equal(body, 'A snake in the garden', 'the dream itself is untouched');
  } finally {
    await s.quit();
  }
});

test('the model output is shown as text, never as markup', async () => {
  const { server, s } = await setup('en_US.UTF-8');
  try {
    await s.useServer(server.url, 'cutoff:<img src=x onerror="window.__pwned=1"><b>bold</b>');
    await s.writeDream('markup');
    await s.click('interpret-run');
    await s.waitFor(async () => (await state(s)) === 'error', { what: 'the end' });
    await sleep(200);
    assert.equal(await output(s), '<img src=x onerror="window.__pwned=1"><b>bold</b>', 'shown literally');
    assert.equal(await s.exec('return document.querySelector(\'[data-testid="interpret-output"]\').children.length'), 0, 'no elements');
    assert.equal(await s.exec('return window.__pwned ?? null'), null, 'nothing ran');
  } finally {
    await s.quit();
  }
});

test('another reading in another style keeps both and leaves the default style alone', async () => {
  const { server, s } = await setup('en_US.UTF-8');
  try {
    const { expected } = transcript('openai-en');
    await s.useServer(server.url, 'transcript:openai-en:5');
    await s.writeDream('A snake in the garden');
    assert.equal(await s.prop('interpret-style', 'value'), 'traditional', 'the default style from Settings');
    await s.click('interpret-run');
    await s.waitFor(async () => (await state(s)) === 'done', { what: 'the first reading', timeout: 20000 });
    await s.exec(`const e = document.querySelector('[data-testid="interpret-style"]'); e.value = 'psychological';
      e.dispatchEvent(new Event('change', { bubbles: true })); return true;`);
    await s.click('interpret-run');
    await s.waitFor(async () => (await state(s)) === 'done' && server.requests.length === 2, { what: 'the second reading', timeout: 20000 });
    assert.equal(await output(s), expected);
    assert.match(server.requests[0].body.messages[0].content, /해몽/, 'the first asked for the traditional reading');
    assert.match(server.requests[1].body.messages[0].content, /Jungian/, 'the second for the psychological one');
    const styles = await s.waitFor(async () => {
      const got = await s.exec('return [...document.querySelectorAll(\'[data-testid="interpret-history-item"]\')].map((i) => i.dataset.style)');
      return got.length === 2 && got;
    }, { what: 'both readings in the history' });
    assert.deepEqual(styles, ['psychological', 'traditional'], 'both kept, newest first');
    const settings = await s.exec('return window.__TAURI__.core.invoke("settings_get")');
    assert.equal(settings.style, 'traditional', 'the default style in Settings is unchanged');
  } finally {
    await s.quit();
  }
});

test('a long history shows a page of readings and the rest behind "Show older"', async () => {
  const { server, s } = await setup('en_US.UTF-8');
  try {
    await s.useServer(server.url, 'cutoff:Short reading');
    await s.writeDream('A dream read many times');
    const items = () => s.exec('return document.querySelectorAll(\'[data-testid="interpret-history-item"]\').length');
    for (let i = 1; i <= 22; i++) {
      await s.click('interpret-run');
      await s.waitFor(async () => server.requests.length === i && (await state(s)) === 'error', { what: `reading ${i}` });
      await s.waitFor(async () => (await items()) === Math.min(i, 20), { what: `history item ${i}` });
    }
    assert.equal(await items(), 20, 'one page of the newest readings');
    assert.match(await s.prop('interpret-history-more', 'textContent'), /\(2\)/, 'two more behind the button');
    await s.click('interpret-history-more');
    assert.equal(await items(), 22, 'all of them after "Show older"');
  } finally {
    await s.quit();
  }
});

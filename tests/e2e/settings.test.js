// End to end in the real window: a provider and its key are saved (the key into the Secret Service
// of this test's private D-Bus session), the key is never shown again, and it can be removed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDriver, openApp, screenshot } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

const choose = (s, testid, value) => s.exec(`const el = document.querySelector('[data-testid="${testid}"]');
  el.value = arguments[0]; el.dispatchEvent(new Event('change', { bubbles: true })); return el.value;`, [value]);
const keyState = (s) => s.attr('settings-key-status', 'data-state');

test('a provider and its key are saved, survive a restart without being shown, and can be removed', async () => {
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  await s.click('nav-settings');
  await s.waitFor(async () => (await keyState(s)) === 'missing', { what: 'the key status' });

  await choose(s, 'settings-provider', 'openrouter');
  assert.equal(await s.prop('settings-base-url', 'value'), 'https://openrouter.ai/api/v1', 'the preset fills the address');
  assert.equal(await s.prop('settings-model', 'value'), 'openai/gpt-4o-mini', 'and the model');
  await s.type('settings-api-key', 'sk-or-e2e-0123456789');
  await choose(s, 'settings-style', 'psychological');
  await s.click('settings-save');
  await s.waitFor(async () => (await keyState(s)) === 'stored', { what: 'the key to be stored' });
  assert.equal(await s.prop('settings-api-key', 'value'), '', 'the password field is emptied after saving');
  await screenshot('settings-provider-ko');
  await s.quit();

  s = await openApp(driver);
  await s.click('nav-settings');
  await s.waitFor(async () => (await keyState(s)) === 'stored', { what: 'the stored key after a restart' });
  assert.equal(await s.prop('settings-provider', 'value'), 'openrouter', 'the provider survived the restart');
  assert.equal(await s.prop('settings-style', 'value'), 'psychological', 'the style too');
  assert.equal(await s.prop('settings-api-key', 'value'), '', 'the key is never put back into the page');
  assert.equal(await s.exec('return document.documentElement.outerHTML.includes("sk-or-e2e")'), false,
    'the key is nowhere in the page');

  await s.click('settings-key-delete');
  await s.waitFor(async () => (await keyState(s)) === 'missing', { what: 'the key to be removed' });
  await s.quit();
  s = await openApp(driver);
  await s.click('nav-settings');
  await s.waitFor(async () => (await keyState(s)) === 'missing', { what: 'the key to stay removed after a restart' });
  await s.quit();
});

test('a local server address is normalised and a bad one is refused with a translated message', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  const s = await openApp(driver);
  await s.click('nav-settings');
  await choose(s, 'settings-provider', 'ollama');
  assert.match(await s.prop('settings-provider-note', 'textContent'), /never leave/, 'a local provider says dreams stay here');
  await choose(s, 'settings-language', 'ko');
  await s.waitFor(async () => (await s.prop('nav-diary', 'textContent')) === '꿈 일기', { what: 'Korean' });
  await choose(s, 'settings-language', 'en');
  await s.waitFor(async () => (await s.prop('nav-diary', 'textContent')) === 'Diary', { what: 'English again' });
  assert.equal(await s.prop('settings-provider', 'value'), 'ollama', 'switching the language keeps unsaved edits');
  assert.equal(await s.prop('settings-base-url', 'value'), 'http://localhost:11434/v1', 'the address too');
  await s.clear('settings-base-url');
  await s.type('settings-base-url', 'localhost:11434/');
  await s.click('settings-save');
  await s.waitFor(async () => (await s.prop('settings-base-url', 'value')) === 'http://localhost:11434/v1',
    { what: 'the address to be normalised' });
  assert.equal(await keyState(s), 'missing', 'no key is needed or stored for Ollama');
  assert.match(await s.prop('settings-key-status', 'textContent'), /none needed/);

  await s.clear('settings-base-url');
  await s.type('settings-base-url', 'ftp://example.com');
  await s.click('settings-save');
  await s.waitFor(async () => (await s.prop('toast', 'textContent')).includes('http:// or https://'),
    { what: 'the translated address error' }).catch(async (e) => { throw new Error(`${e.message}: toast is ${await s.prop('toast', 'textContent')}, url ${await s.prop('settings-base-url', 'value')}`); });
  assert.equal(await s.prop('settings-base-url', 'value'), 'ftp://example.com', 'what was typed stays for fixing');
  await screenshot('settings-local-en');
  await s.quit();
});

/** A local OpenAI-compatible server: 200 with a model name, or 401 for one particular key. */
async function fakeEndpoint() {
  const { createServer } = await import('node:http');
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      requests.push({ url: req.url, auth: req.headers.authorization ?? '', body });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'dream-model-2' }, { id: 'dream-model-1' }] }));
      } else if (req.headers.authorization === 'Bearer sk-wrong-key') {
        res.statusCode = 401;
        res.end(JSON.stringify({ error: { message: 'Incorrect API key provided: sk-wro***key', code: 'invalid_api_key' } }));
      } else {
        res.end(JSON.stringify({ model: 'dream-model-1', choices: [{ index: 0, message: { role: 'assistant', content: 'OK' }, finish_reason: 'length' }] }));
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => server.close() };
}

test('the connection check says OK with the model, and "key rejected" for a 401, translated', async () => {
  const endpoint = await fakeEndpoint();
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  const s = await openApp(driver);
  try {
    await s.click('nav-settings');
    await choose(s, 'settings-provider', 'custom');
    await s.clear('settings-base-url');
    await s.type('settings-base-url', endpoint.url);
    await s.clear('settings-model');
    await s.type('settings-model', 'dream-model');
    // The server's model list becomes the field's suggestions.
    await s.waitFor(async () => (await s.exec(`return [...document.querySelectorAll('[data-testid="settings-model-suggestions"] option')].map((o) => o.value).join()`)) === 'dream-model-1,dream-model-2',
      { what: 'model suggestions from GET /models' });
    assert.ok(endpoint.requests.some((r) => r.url === '/v1/models'), 'the list was asked at /v1/models');
    await s.type('settings-api-key', 'sk-good-key');
    await s.click('settings-test');
    await s.waitFor(async () => (await s.attr('settings-test-result', 'data-state')) === 'ok', { what: 'the check to pass' });
    assert.match(await s.prop('settings-test-result', 'textContent'), /dream-model-1/, 'the answering model is named');
    assert.equal(await s.prop('settings-base-url', 'value'), `${endpoint.url}/v1`, 'the address got its /v1');
    // (After a passing check the model list may be asked again for the normalised address.)
    const check = endpoint.requests.filter((r) => r.url === '/v1/chat/completions').at(-1);
    assert.ok(check, 'the check asked for a completion');
    assert.equal(check.auth, 'Bearer sk-good-key', 'the stored key was sent');
    await s.exec('document.querySelector(\'[data-testid="settings-test-result"]\').scrollIntoView({ block: "center" })');
    await screenshot('settings-test-ok-ko');

    await s.type('settings-api-key', 'sk-wrong-key');
    await s.click('settings-test');
    await s.waitFor(async () => (await s.attr('settings-test-result', 'data-state')) === 'error', { what: 'the check to fail' });
    assert.match(await s.prop('settings-test-result', 'textContent'), /API 키를 거부했어요/, 'key rejected, in Korean');
    assert.equal(await s.exec('return document.documentElement.outerHTML.includes("sk-wr")'), false, 'no key on the page');
  } finally {
    await s.quit();
    endpoint.close();
  }
});

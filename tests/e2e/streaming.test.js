// End to end in the real window, for what breaks with today's models and impatient fingers:
// reasoning streams into its own collapsed part and never into the answer (main and quick window);
// a second Ctrl+Enter mid-stream changes nothing; quitting mid-stream (Ctrl+Q, SIGTERM) keeps the
// partial answer across a restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startDriver, openApp, screenshot, sleep, appPid } from './harness.js';
import { appRig, transcript, startSseServer, REASONING, ANSWER } from './sse-server.js';

const rig = appRig();
after(() => rig.cleanup());

const state = (s) => s.attr('interpret-status', 'data-state');
const output = (s) => s.prop('interpret-output', 'textContent');
const thinking = (s) => s.exec(`const d = document.querySelector('[data-testid="interpret-thinking"]');
  return { hidden: d.hidden, open: d.open, text: d.querySelector('.thinking-text').textContent,
    status: d.querySelector('summary').textContent, state: d.dataset.state };`);

for (const [form, lang] of [['think', 'ko_KR.UTF-8'], ['field', 'en_US.UTF-8'], ['closeonly', 'en_US.UTF-8'], ['openrouter', 'ko_KR.UTF-8']]) {
  test(`reasoning (${form}) streams collapsed above the answer and never into it (${lang.slice(0, 2)})`, async () => {
    const { server, s } = await rig.open({ lang });
    try {
      await s.useServer(server.url, `reasoning:${form}:60`);
      await s.writeDream('돼지가 집으로 들어오는 꿈');
      await s.click('interpret-run');
      if (form !== 'closeonly') {
        // The thinking shows while it runs, collapsed, with its clock; the answer is still empty.
        const live = await s.waitFor(async () => { const t = await thinking(s); return t.text.length > 10 && t; }, { what: 'thinking to stream' });
        assert.equal(live.hidden, false, 'the thinking part is shown');
        assert.equal(live.open, false, 'closed by default');
        assert.equal(live.state, 'running');
        assert.match(live.status, lang.startsWith('ko') ? /생각하는 중/ : /Thinking/);
        assert.ok(REASONING.startsWith(live.text), 'what is shown is the start of the reasoning');
        assert.equal(await output(s), '', 'no reasoning in the answer');
        if (form === 'think') await screenshot(`reasoning-streaming-${lang.slice(0, 2)}`);
      }
      await s.waitFor(async () => (await state(s)) === 'done', { what: 'the end', timeout: 20000 });
      assert.equal(await output(s), ANSWER, 'the answer alone, byte-exact, no tag');
      const t = await thinking(s);
      assert.equal(t.text, REASONING, 'the reasoning, whole, apart');
      assert.equal(t.open, false, 'still collapsed');
      assert.equal(t.state, 'done');
      assert.match(t.status, lang.startsWith('ko') ? /초 동안 생각함/ : /Thought for \d+ s/);
      const item = await s.waitFor(async () => s.exec(`const i = document.querySelector('[data-testid="interpret-history-item"]');
        return i && { text: i.querySelector('.history-text').textContent, thinking: i.querySelector('[data-testid="interpret-history-thinking"]')?.textContent,
          thinkingOpen: i.querySelector('[data-testid="interpret-history-thinking"]')?.open };`), { what: 'the history item' });
      assert.equal(item.text, ANSWER, 'the saved answer has no reasoning in it');
      assert.ok(item.thinking?.includes(REASONING), 'the history keeps the reasoning');
      assert.equal(item.thinkingOpen, false, 'collapsed there too');
      if (form === 'think' || form === 'field') {
        await s.exec(`document.querySelector('[data-testid="interpret-thinking"]').open = true; return true;`);
        await screenshot(`reasoning-open-${lang.slice(0, 2)}`);
      }
    } finally {
      await s.quit();
    }
  });
}

test('the quick window keeps reasoning apart too', async () => {
  const { server, s } = await rig.open({ lang: 'en_US.UTF-8' });
  try {
    await s.useServer(server.url, 'reasoning:think:20');
    // The global shortcut opens it (the tray menu itself cannot be driven under Xvfb).
    const st = await s.waitFor(async () => {
      const x = await s.exec('return window.__TAURI__.core.invoke("tray_shortcut_status")');
      return x.state !== 'pending' && x;
    }, { what: 'the shortcut registration' });
    assert.equal(st.state, 'active');
    execFileSync('xdotool', ['key', '--clearmodifiers', 'ctrl+shift+space']);
    await s.switchToPage('quick.html');
    await s.waitFor(async () => (await s.exec('return document.body.dataset.ready')) === 'true', { what: 'the quick window' });
    await s.exec(`const i = document.querySelector('[data-testid="quick-input"]'); i.focus(); document.execCommand('insertText', false, 'A pig came in'); return true;`);
    await s.click('quick-run');
    await s.waitFor(async () => (await s.attr('quick-status', 'data-state')) === 'done', { what: 'the end', timeout: 20000 });
    assert.equal(await s.prop('quick-output', 'textContent'), ANSWER);
    const t = await s.exec(`const d = document.querySelector('[data-testid="quick-thinking"]'); return { hidden: d.hidden, open: d.open, text: d.querySelector('.thinking-text').textContent };`);
    assert.deepEqual(t, { hidden: false, open: false, text: REASONING });
  } finally {
    await s.quit();
  }
});

test('a second Ctrl+Enter mid-stream leaves one byte-exact answer and one history row', async () => {
  const { server, s } = await rig.open({ lang: 'ko_KR.UTF-8' });
  try {
    const { expected } = transcript('openai-ko');
    await s.useServer(server.url, 'transcript:openai-ko:60');
    await s.writeDream('엘리베이터가 멈추는 꿈');
    await s.exec(`document.querySelector('[data-testid="entry-body"]').focus(); return true;`);
    await s.keys(['\uE009', '\uE007']); // Ctrl+Enter
    await s.waitFor(async () => (await output(s)).length > 4, { what: 'the first words' });
    await s.keys(['\uE009', '\uE007']); // and again, impatiently
    await s.keys(['\uE009', '\uE007']);
    await s.click('interpret-run').catch(() => {}); // disabled while streaming; a click changes nothing
    await s.waitFor(async () => (await state(s)) === 'done', { what: 'the end', timeout: 20000 });
    assert.equal(await output(s), expected, 'one answer, not two interleaved');
    assert.equal(server.requests.length, 1, 'one request reached the server');
    await sleep(300);
    assert.equal(await s.exec(`return document.querySelectorAll('[data-testid="interpret-history-item"]').length`), 1, 'one row');
  } finally {
    await s.quit();
  }
});


for (const how of ['Ctrl+Q', 'SIGTERM']) {
  test(`quitting mid-stream with ${how} keeps the partial answer across a restart`, async () => {
    const server = await startSseServer();
    const driver = await startDriver({ lang: 'en_US.UTF-8' });
    let s = await openApp(driver);
    let s2;
    const partial = 'Flying means freedom, and the city is your waking life';
    try {
      await s.useServer(server.url, `stall:${partial}`);
      await s.writeDream(`Flying over the city (${how})`);
      await s.click('interpret-run');
      await s.waitFor(async () => (await output(s)) === partial, { what: 'the partial answer' });
      const pid = appPid(driver.home);
      assert.ok(pid, 'the app process is found');
      if (how === 'Ctrl+Q') {
        await s.exec(`document.querySelector('[data-testid="entry-body"]').focus(); return true;`);
        // The window is gone before the key is released, so WebDriver may report an error.
        await s.keys(['\uE009', 'q']).catch(() => {});
      } else {
        process.kill(pid, 'SIGTERM');
      }
      await s.waitFor(async () => { try { process.kill(pid, 0); return false; } catch { return true; } }, { what: 'the app to exit', timeout: 15000 });
      await s.quit();
      driver.stop();
      // The same home again: a restart.
      const driver2 = await startDriver({ lang: 'en_US.UTF-8', home: driver.home });
      s2 = await openApp(driver2);
      const item = (await s2.el('entry-item', { all: true }))[0];
      await s2.clickEl(item);
      const row = await s2.waitFor(async () => s2.exec(`const i = document.querySelector('[data-testid="interpret-history-item"]');
        return i && { status: i.dataset.status, text: i.querySelector('.history-text').textContent };`), { what: 'the saved row after the restart' });
      assert.deepEqual(row, { status: 'stopped', text: partial }, 'what had arrived is kept, marked stopped');
      await s2.quit();
      driver2.stop();
    } finally {
      await s.quit();
      driver.stop();
      await server.close();
    }
  });
}

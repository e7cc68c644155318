// End to end in the real window: a follow-up question under an interpretation streams into the
// thread byte-exact, the request carries the dream, the reading and the earlier turns, and the
// thread survives a restart (shown in the history and continued from there), in both languages.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot } from './harness.js';
import { appRig, transcript, answerFollowUps, followUpAnswer } from './sse-server.js';

const rig = appRig();
after(() => rig.cleanup());

const messages = (s, scope = 'interpret-thread') => s.exec(`return [...document.querySelectorAll('[data-testid="${scope}"] [data-testid="interpret-message"]')]
  .map((m) => ({ role: m.dataset.role, state: m.dataset.state ?? null, text: m.querySelector('.message-text').textContent }))`);

/** Types a question into the follow-up box and sends it with the button. */
async function ask(s, question) {
  await s.exec(`const i = document.querySelector('[data-testid="interpret-followup-input"]'); i.focus();
    document.execCommand('insertText', false, arguments[0]); return true;`, [question]);
  await s.click('interpret-followup-send');
}

for (const [lang, name, dream, questions] of [
  ['ko_KR.UTF-8', 'openai-ko', '뱀이 나를 쫓아왔지만 무섭지 않았다.', ['뱀은 무슨 뜻인가요?', '무섭지 않았다면 달라지나요?']],
  ['en_US.UTF-8', 'openai-en', 'A snake followed me but I was not afraid.', ['What does the snake mean?', 'Does not being afraid change it?']],
]) {
  test(`a follow-up streams byte-exact into the thread and survives a restart (${lang.slice(0, 2)})`, async () => {
    const { server, driver, s: first } = await rig.open({ lang, onRequest: answerFollowUps() });
    let s = first;
    try {
      const { expected } = transcript(name);
      await s.useServer(server.url, `transcript:${name}:5`);
      await s.writeDream(dream);
      assert.equal(await s.prop('interpret-followup', 'hidden'), true, 'no question box before a reading');
      await s.click('interpret-run');
      await s.waitFor(async () => (await s.attr('interpret-status', 'data-state')) === 'done', { what: 'the reading', timeout: 20000 });
      await s.waitFor(async () => (await s.prop('interpret-followup', 'hidden')) === false, { what: 'the question box' });

      await ask(s, questions[0]);
      // The answer shows while it is still being written, in a message of its own.
      const partial = await s.waitFor(async () => {
        const m = await messages(s);
        return m.length === 2 && m[1].state === 'streaming' && m[1].text.length > 3 && m;
      }, { what: 'the first words of the answer' });
      assert.deepEqual(partial[0], { role: 'user', state: null, text: questions[0] }, 'the question is shown at once');
      assert.ok(followUpAnswer(1).startsWith(partial[1].text), 'what is shown is the start of the answer');
      assert.equal(await s.prop('interpret-followup-send', 'disabled'), true, 'one question at a time');
      assert.equal(await s.prop('interpret-stop', 'disabled'), false, 'and it can be stopped');
      await s.waitFor(async () => (await messages(s))[1]?.state === 'done', { what: 'the end of the answer', timeout: 20000 });
      assert.equal((await messages(s))[1].text, followUpAnswer(1), 'the answer is byte-exact');
      assert.equal(await s.prop('interpret-output', 'textContent'), expected, 'the reading above is untouched');

      await ask(s, questions[1]);
      await s.waitFor(async () => (await messages(s))[3]?.state === 'done', { what: 'the second answer', timeout: 20000 });
      const sent = server.requests.at(-1).body.messages;
      assert.deepEqual(sent.map((m) => m.role), ['system', 'user', 'assistant', 'user', 'assistant', 'user'],
        'system, dream, reading, first question and answer, new question');
      assert.equal(sent[1].content, dream, 'the dream is sent');
      assert.equal(sent[2].content, expected, 'with the reading');
      assert.deepEqual([sent[3].content, sent[4].content, sent[5].content], [questions[0], followUpAnswer(1), questions[1]]);
      await screenshot(`thread-${lang.slice(0, 2)}`);

      // After a restart: the thread is in the history under its reading, and can be continued.
      await s.quit();
      s = await openApp(driver);
      const item = (await s.el('entry-item', { all: true }))[0];
      await s.clickEl(item);
      const saved = await s.waitFor(async () => {
        const got = await s.exec(`return [...document.querySelectorAll('[data-testid="interpret-history-message"]')]
          .map((m) => [m.dataset.role, m.querySelector('.message-text').textContent])`);
        return got.length === 4 && got;
      }, { what: 'the thread in the history' });
      assert.deepEqual(saved, [['user', questions[0]], ['assistant', followUpAnswer(1)], ['user', questions[1]], ['assistant', followUpAnswer(2)]],
        'every turn survived the restart, in order');
      await s.exec(`document.querySelector('[data-testid="interpret-history-item"]').open = true; return true;`);
      await s.click('interpret-history-continue');
      await s.waitFor(async () => (await messages(s)).length === 4, { what: 'the thread in the panel again' });
      assert.equal(await s.prop('interpret-output', 'textContent'), expected, 'with its reading');
      assert.equal(await s.exec('return document.activeElement?.dataset.testid'), 'interpret-followup-input', 'ready for the next question');
      await screenshot(`thread-restored-${lang.slice(0, 2)}`);
    } finally {
      await s.quit();
    }
  });
}

test('a question asked right after an edit is about the dream as edited; one whose answer fails comes back, translated', async () => {
  const { server, s } = await rig.open({
    lang: 'ko_KR.UTF-8',
    onRequest: async (seen, res) => {
      if ((seen.body.messages?.length ?? 0) <= 2) return false;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"boom"}}');
      return true;
    },
  });
  try {
    await s.useServer(server.url, 'transcript:openai-ko:5');
    await s.writeDream('이빨이 빠지는 꿈');
    await s.click('interpret-run');
    await s.waitFor(async () => (await s.attr('interpret-status', 'data-state')) === 'done', { what: 'the reading', timeout: 20000 });
    // An edit still waiting for its autosave, then the question at once.
    await s.exec(`const b = document.querySelector('[data-testid="entry-body"]'); b.focus();
      b.setSelectionRange(b.value.length, b.value.length); document.execCommand('insertText', false, arguments[0]); return true;`,
    [' 그런데 새 이가 다시 났다.']);
    await ask(s, '왜 이빨인가요?');
    await s.waitFor(async () => server.requests.length >= 2, { what: 'the follow-up request' });
    assert.equal(server.requests[1].body.messages[1].content, '이빨이 빠지는 꿈 그런데 새 이가 다시 났다.',
      'the edit was saved first and sent');
    const message = await s.waitFor(async () => {
      const t = await s.prop('interpret-followup-error', 'textContent');
      return t && t;
    }, { what: 'the error', timeout: 30000 });
    assert.match(message, /[가-힣]/, `the message is in Korean: ${message}`);
    assert.equal(await s.prop('interpret-followup-input', 'value'), '왜 이빨인가요?', 'the question is given back');
    assert.equal((await messages(s)).length, 0, 'no half turn is left in the thread');
    assert.equal(await s.prop('interpret-followup-send', 'disabled'), false, 'it can be asked again');
  } finally {
    await s.quit();
  }
});

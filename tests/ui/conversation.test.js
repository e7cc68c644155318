import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationOf, emptyConversation, stateOfStatus, ask, withdraw } from '../../ui/js/interpret/conversation.js';

test('a saved thread becomes turns with the states the panel shows', () => {
  const conv = conversationOf({
    id: 4,
    thread: [
      { role: 'user', text: '뱀은?', reasoning: '', status: null },
      { role: 'assistant', text: '재물', reasoning: '생각', status: 'truncated' },
      { role: 'user', text: '또?', status: null },
      { role: 'assistant', text: '반', status: 'stopped' },
    ],
  });
  assert.equal(conv.interpretationId, 4);
  assert.deepEqual(conv.turns.map((t) => [t.role, t.text, t.state]), [
    ['user', '뱀은?', undefined], ['assistant', '재물', 'done'], ['user', '또?', undefined], ['assistant', '반', 'stopped'],
  ], 'questions have no state; answers keep how they ended');
  assert.equal(conv.turns[1].truncated, true, 'a cut-short answer is marked');
  assert.equal(conv.turns[1].reasoning, '생각', 'its thinking is kept apart');
  assert.equal(stateOfStatus('complete'), 'done');
  assert.equal(stateOfStatus('error'), 'error');
  assert.deepEqual(conversationOf({ id: 1 }).turns, [], 'a reading without a thread');
});

test('one question at a time, and one taken back leaves the thread as it was', () => {
  const conv = emptyConversation(9);
  const first = ask(conv, '첫 질문');
  assert.equal(conv.live, first.answer, 'the answer is the live turn');
  assert.equal(ask(conv, '끼어들기'), null, 'a second question waits for the first answer');
  first.answer.state = 'done';
  conv.live = null;
  const second = ask(conv, '둘째');
  withdraw(conv, second.asked);
  assert.deepEqual(conv.turns.map((t) => t.text), ['첫 질문', ''], 'only the first exchange is left');
  assert.equal(conv.live, null, 'nothing is being answered any more');
  withdraw(conv, second.asked);
  assert.equal(conv.turns.length, 2, 'taking back twice changes nothing');
});

// A follow-up conversation's state, apart from drawing it (unit tested with node --test): the turns
// from a saved interpretation, a question and its answer added as they are asked, and taken back
// when nothing of the answer was kept.

/** The state a saved turn's status is shown with (the same names as `interpret-status`). */
export function stateOfStatus(status) {
  return status === 'complete' || status === 'truncated' ? 'done' : status;
}

/** A new conversation about the saved interpretation `interpretationId`. */
export function emptyConversation(interpretationId) {
  return { interpretationId, turns: [], live: null, omitted: false };
}

/** A conversation's state from a saved interpretation (`interpret_get` / `interpret_history`). */
export function conversationOf(interpretation) {
  const conv = emptyConversation(interpretation.id);
  conv.turns = (interpretation.thread ?? []).map((m) => ({
    role: m.role, text: m.text, reasoning: m.reasoning ?? '',
    state: m.role === 'assistant' ? stateOfStatus(m.status) : undefined,
    truncated: m.status === 'truncated',
  }));
  return conv;
}

/** Adds `question` and its (streaming) answer; returns both turns. `null` while one is answered. */
export function ask(conv, question) {
  if (conv.live) return null;
  const asked = { role: 'user', text: question };
  const answer = { role: 'assistant', text: '', reasoning: '', state: 'streaming' };
  conv.turns.push(asked, answer);
  conv.live = answer;
  return { asked, answer };
}

/** Takes back a question and its answer (nothing of it was saved). */
export function withdraw(conv, asked) {
  const at = conv.turns.indexOf(asked);
  if (at >= 0) conv.turns.splice(at, 2);
  if (conv.live && !conv.turns.includes(conv.live)) conv.live = null;
}

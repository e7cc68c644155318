// The conversation under an interpretation, shared by the diary's panel and the quick window: the
// saved turns, the answer to the newest question streaming in like the first one (its thinking
// apart and collapsed), and the box that asks the next question (Ctrl/Cmd+Enter, never while a
// Korean syllable is being composed). A question whose answer never started is given back to the
// box instead of being lost.
import { api } from '../api.js';
import { t, tError } from '../locale.js';
import { shortcutOf } from '../ime.js';
import { ended } from './view.js';
import { ask as addQuestion, withdraw } from './conversation.js';

/** One turn drawn: a question, or an answer with its thinking collapsed above it. */
export function messageElement(turn, testid = 'interpret-message') {
  const el = document.createElement('div');
  el.className = `message message-${turn.role}`;
  el.dataset.testid = testid;
  el.dataset.role = turn.role;
  const who = document.createElement('div');
  who.className = 'message-who';
  who.textContent = t(turn.role === 'user' ? 'thread.you' : 'thread.reader');
  el.append(who);
  if (turn.role === 'assistant') {
    const d = document.createElement('details');
    d.className = 'thinking message-thinking';
    const s = document.createElement('summary');
    s.textContent = t('interpret.historyReasoning');
    const r = document.createElement('div');
    r.className = 'thinking-text';
    if (turn.reasoning) r.append(turn.reasoning);
    d.hidden = !turn.reasoning;
    d.append(s, r);
    el.append(d);
  }
  const text = document.createElement('div');
  text.className = 'message-text';
  if (turn.text) text.append(turn.text);
  el.append(text);
  if (turn.role === 'assistant') {
    const note = document.createElement('div');
    note.className = 'message-note note';
    el.append(note);
    markState(el, turn);
  }
  return el;
}

function markState(el, turn) {
  el.dataset.state = turn.state ?? 'done';
  const note = el.querySelector('.message-note');
  note.textContent = turn.notKept ? t('thread.notKept')
    : turn.state === 'streaming' ? t('interpret.state.streaming')
    : turn.state === 'stopped' ? t('interpret.status.stopped')
      : turn.state === 'error' ? (turn.error ? tError(turn.error) : t('interpret.status.error'))
        : turn.truncated ? t('interpret.status.truncated') : '';
}

/**
 * `prefix`: `interpret` or `quick` (the test ids: `{prefix}-thread`, `{prefix}-followup-input`,
 * `{prefix}-followup-send`, `{prefix}-followup-error`). `onChange()` after a question starts or
 * ends (the caller's buttons follow); `onSaved(interpretationId)` when a turn was saved;
 * `beforeAsk()` before a question is sent (the panel saves the dream being typed, so the question
 * is about the dream as it reads now).
 */
export function createThread({ interpreter, prefix, onChange = () => {}, onSaved = () => {}, beforeAsk = async () => {} }) {
  const q = (id) => document.querySelector(`[data-testid="${prefix}-${id}"]`);
  const container = q('thread');
  const box = q('followup');
  const input = q('followup-input');
  const send = q('followup-send');
  const error = q('followup-error');
  let shown = null; // the conversation on screen
  let liveEl = null; // the element of the answer streaming on screen

  function draw() {
    container.replaceChildren();
    liveEl = null;
    error.textContent = shown?.error ?? '';
    container.hidden = !shown || !shown.turns.length;
    // A reading deleted meanwhile can no longer be talked about.
    box.hidden = !shown || Boolean(shown.gone);
    if (!shown) return;
    if (shown.omitted) container.append(omittedNote());
    for (const turn of shown.turns) {
      const el = messageElement(turn);
      container.append(el);
      if (turn === shown.live) liveEl = el;
    }
    buttons();
  }

  function omittedNote() {
    const p = document.createElement('p');
    p.className = 'note thread-note';
    p.dataset.testid = `${prefix}-thread-note`;
    p.textContent = t('thread.omitted');
    return p;
  }

  function buttons() {
    send.disabled = !shown || Boolean(shown.live);
  }

  /** Puts a question that got no kept answer back where the user types, before anything new. */
  function giveBack(conv, question, message) {
    conv.error = message;
    const typed = (conv === shown ? input.value : conv.draft ?? '').trim();
    const back = typed ? `${question}\n${typed}` : question;
    if (conv === shown) {
      input.value = back;
      error.textContent = message;
    } else {
      conv.draft = back;
    }
  }

  async function ask() {
    const conv = shown;
    if (!conv || conv.live || conv.gone) return;
    const question = input.value.trim();
    conv.error = '';
    error.textContent = '';
    if (!question) { error.textContent = tError({ kind: 'empty_question' }); input.focus(); return; }
    input.value = '';
    const { asked, answer } = addQuestion(conv, question);
    if (conv === shown) {
      container.hidden = false;
      container.append(messageElement(asked));
      liveEl = messageElement(answer);
      container.append(liveEl);
      liveEl.scrollIntoView({ block: 'nearest' });
    }
    buttons();
    onChange();
    const mine = () => conv === shown && conv.live === answer ? liveEl : null;
    try {
      await beforeAsk();
    } catch (err) {
      withdraw(conv, asked);
      if (conv === shown) draw();
      giveBack(conv, question, tError(err));
      buttons();
      onChange();
      return;
    }
    answer.handle = interpreter.start({ interpretationId: conv.interpretationId, question }, {
      onStarted({ omittedTurns }) {
        // Said once per conversation, not under every answer.
        if (omittedTurns > 0 && !conv.omitted) {
          conv.omitted = true;
          if (conv === shown) container.prepend(omittedNote());
        }
      },
      onText(text) {
        answer.text += text;
        mine()?.querySelector('.message-text').append(text);
      },
      onThinking(text, moved) {
        const el = mine();
        if (moved) {
          answer.reasoning += answer.text;
          answer.text = '';
          el?.querySelector('.message-text').replaceChildren();
        }
        answer.reasoning += text;
        if (el) {
          const d = el.querySelector('.message-thinking');
          d.hidden = !answer.reasoning;
          d.querySelector('.thinking-text').replaceChildren(answer.reasoning);
        }
      },
      onEnd(kind, payload) {
        const el = mine();
        ended(answer, kind, payload);
        if (conv.live === answer) conv.live = null;
        if (payload?.messageId) {
          if (el) { el.querySelector('.message-text').normalize(); markState(el, answer); }
          onSaved(conv.interpretationId);
        } else if (answer.text) {
          // An answer arrived but could not be kept (its reading was deleted meanwhile): it
          // stays readable here, marked, and goes when the view is left.
          answer.notKept = true;
          if (el) markState(el, answer);
        } else {
          // Nothing was kept (refused, failed or stopped before the first word): the turn goes
          // and the question comes back to the box, so the user can ask again as it was.
          withdraw(conv, asked);
          if (answer.error?.kind === 'reading_not_found') conv.gone = true;
          if (conv === shown) draw();
          giveBack(conv, question, kind === 'stopped' ? '' : tError(answer.error));
        }
        if (conv === shown) buttons();
        onChange();
      },
    }, api.interpretFollowUp);
  }

  send.addEventListener('click', ask);
  // On the box, not the field: Ctrl/Cmd+Enter on the Ask button must not run the reading again.
  box.addEventListener('keydown', (e) => {
    // Here Ctrl/Cmd+Enter asks the question; it must not also run the interpretation again.
    if (shortcutOf(e, navigator.platform) === 'submit') { e.preventDefault(); e.stopPropagation(); ask(); }
  });

  return {
    /** Shows `conv` (null: no interpretation to talk about yet). */
    show(conv) {
      if (conv === shown && conv) return;
      // What was being typed stays with its conversation.
      if (shown) shown.draft = input.value;
      shown = conv;
      draw();
      input.value = conv?.draft ?? '';
    },
    /** Draws the shown conversation again (the language changed). */
    redraw() { draw(); },
    /** Whether `conv` has a question being answered. */
    busy(conv) { return Boolean(conv?.live); },
    stop(conv) { conv?.live?.handle?.stop(); },
    focus() { input.focus(); },
  };
}

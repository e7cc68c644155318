// The streamed answer on screen, shared by the diary's panel and the quick window: text nodes
// appended as deltas arrive (never textContent +=, never HTML), scrolling that follows the stream
// only while the reader is at the bottom, and the state, note and translated error around it.
import { t, tError } from '../locale.js';
import { atBottom } from './stream.js';

/** Failures the user fixes in the settings: the view offers a button that goes there. */
export const FIXED_IN_SETTINGS = new Set(['missing_key', 'key_rejected', 'model_not_found', 'offline', 'tls', 'invalid_url', 'quota',
  'insecure_url', 'redirected']);

/**
 * `els`: { output, status, error, note, run, stop, thinking? } elements; `openSettings()` for the
 * button. `thinking` is a closed `<details>` holding a reasoning model's thinking, apart from the
 * answer; its summary says "Thinking… N s" while it runs and "Thought for N s" after.
 */
export function createStreamView(els, { openSettings, settingsTestId }) {
  let follow = true;
  let scrollQueued = false;
  els.output.addEventListener('scroll', () => { follow = atBottom(els.output); });
  const thinking = els.thinking ?? null;
  const thinkingStatus = thinking?.querySelector('.thinking-status');
  const thinkingText = thinking?.querySelector('.thinking-text');
  // The thinking clock: from the first reasoning piece until the answer starts or the run ends.
  let thinkStart = null;
  let thinkEnd = null;
  let ticker = null;

  function showThinking() {
    if (!thinking) return;
    thinking.hidden = !thinkingText.firstChild;
    if (thinking.hidden) return;
    const end = thinkEnd ?? Date.now();
    const seconds = Math.max(0, Math.round((end - (thinkStart ?? end)) / 1000));
    const running = thinkEnd === null;
    thinking.dataset.state = running ? 'running' : 'done';
    thinkingStatus.textContent = t(running ? 'interpret.thinking.running' : 'interpret.thinking.done', { seconds });
  }

  function stopClock() {
    if (thinkStart !== null && thinkEnd === null) thinkEnd = Date.now();
    if (ticker !== null) { clearInterval(ticker); ticker = null; }
    showThinking();
  }

  function scrollToEnd() {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      if (follow) els.output.scrollTop = els.output.scrollHeight;
    });
  }

  return {
    /** Replaces the output with `text` (an earlier run being shown again, or nothing). */
    /**
     * Shows `text` as the answer and `reasoning` ({ text, start, end }: when the thinking began and
     * ended, epoch ms, end null while it runs) in the thinking part.
     */
    reset(text = '', reasoning = { text: '', start: null, end: null }) {
      els.output.replaceChildren();
      if (text) els.output.appendChild(document.createTextNode(text));
      follow = true;
      if (ticker !== null) { clearInterval(ticker); ticker = null; }
      if (thinking) {
        thinkingText.replaceChildren();
        if (reasoning.text) thinkingText.appendChild(document.createTextNode(reasoning.text));
        thinking.open = false;
        thinkStart = reasoning.text ? reasoning.start ?? Date.now() : null;
        thinkEnd = reasoning.text ? reasoning.end ?? null : null;
        if (thinkStart !== null && thinkEnd === null) ticker = setInterval(showThinking, 1000);
        showThinking();
      }
    },
    append(text) {
      if (thinkStart !== null && thinkEnd === null) stopClock(); // the answer has begun
      els.output.appendChild(document.createTextNode(text));
      if (follow) scrollToEnd();
    },
    /** A piece of reasoning: into the collapsed thinking part, never into the answer. */
    appendThinking(text) {
      if (!thinking || !text) return;
      thinkingText.appendChild(document.createTextNode(text));
      if (thinkStart === null) {
        thinkStart = Date.now();
        ticker = setInterval(showThinking, 1000);
      }
      showThinking();
    },
    /**
     * What was shown as the answer was reasoning (a `</think>` with no `<think>`): move it. The
     * thinking began with the first of it (`since`, epoch ms) and ends now.
     */
    moveAnswerToThinking(since = Date.now()) {
      const text = els.output.textContent;
      els.output.replaceChildren();
      if (thinkStart === null) thinkStart = since;
      thinkEnd = null;
      if (thinking && text) thinkingText.appendChild(document.createTextNode(text));
      showThinking();
    },
    /** Merges the text nodes once the stream has ended and stops the thinking clock. */
    settle() {
      els.output.normalize();
      thinkingText?.normalize();
      stopClock();
    },
    /**
     * `run`: null (idle) or { state: streaming|done|stopped|error, error?, truncated?,
     * finishReason?, partial? (some text arrived) }.
     */
    render(run) {
      const state = run?.state ?? 'idle';
      els.status.dataset.state = state;
      els.status.textContent = state === 'idle' ? '' : t(`interpret.state.${state}`);
      els.stop.disabled = state !== 'streaming';
      els.run.disabled = state === 'streaming';
      els.error.replaceChildren();
      els.note.textContent = '';
      if (state === 'error') {
        els.error.append(tError(run.error));
        if (run.partial) els.error.append(' ', t('interpret.partialKept'));
        if (FIXED_IN_SETTINGS.has(run.error?.kind)) {
          const b = document.createElement('button');
          b.type = 'button';
          b.dataset.testid = settingsTestId;
          b.textContent = t('interpret.openSettings');
          b.addEventListener('click', openSettings);
          els.error.append(' ', b);
        }
      } else if (state === 'done' && run.thinkingOnly) {
        els.note.textContent = t(run.truncated ? 'interpret.thinkingOnly.truncated' : 'interpret.thinkingOnly.done');
      } else if (state === 'done' && run.truncated) {
        els.note.textContent = t(run.finishReason === 'answer_too_long' ? 'interpret.tooLong' : 'interpret.truncated');
      } else if (state === 'done' && run.finishReason === 'content_filter') {
        els.note.textContent = t('interpret.filtered');
      } else if (state === 'stopped') {
        els.note.textContent = t('interpret.stoppedNote');
      }
    },
  };
}

/** The run's state after its terminal event. */
export function ended(run, kind, payload) {
  run.state = kind === 'done' ? 'done' : kind === 'stopped' ? 'stopped' : 'error';
  run.finishReason = payload?.finishReason;
  run.truncated = Boolean(payload?.truncated);
  run.thinkingOnly = Boolean(payload?.thinkingOnly);
  run.interpretationId = payload?.interpretationId ?? null;
  if (kind === 'error') run.error = { kind: payload?.kind, message: payload?.message, details: payload?.details };
  return run;
}

// The streamed answer on screen, shared by the diary's panel and the quick window: text nodes
// appended as deltas arrive (never textContent +=, never HTML), scrolling that follows the stream
// only while the reader is at the bottom, and the state, note and translated error around it.
import { t, tError } from '../locale.js';
import { atBottom } from './stream.js';

/** Failures the user fixes in the settings: the view offers a button that goes there. */
export const FIXED_IN_SETTINGS = new Set(['missing_key', 'key_rejected', 'model_not_found', 'offline', 'tls', 'invalid_url', 'quota']);

/** `els`: { output, status, error, note, run, stop } elements; `openSettings()` for the button. */
export function createStreamView(els, { openSettings, settingsTestId }) {
  let follow = true;
  let scrollQueued = false;
  els.output.addEventListener('scroll', () => { follow = atBottom(els.output); });

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
    reset(text = '') {
      els.output.replaceChildren();
      if (text) els.output.appendChild(document.createTextNode(text));
      follow = true;
    },
    append(text) {
      els.output.appendChild(document.createTextNode(text));
      if (follow) scrollToEnd();
    },
    /** Merges the text nodes once the stream has ended. */
    settle() {
      els.output.normalize();
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
  run.interpretationId = payload?.interpretationId ?? null;
  if (kind === 'error') run.error = { kind: payload?.kind, message: payload?.message };
  return run;
}

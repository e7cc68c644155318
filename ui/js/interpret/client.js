// One per window: listens to this window's interpret:* events (once, before any run can start) and
// starts runs whose deltas come back in order, each exactly once, through `onText`.
import { api } from '../api.js';
import { Router, Sequencer } from './stream.js';

export async function createInterpreter() {
  const router = new Router();
  await api.onInterpretEvent((kind, payload) => router.route(kind, payload));
  return {
    /**
     * Starts an interpretation of `{ entryId }` or `{ content }`. `onText(text)` gets each answer
     * delta in order; `onThinking(text, movedFromAnswer)` each piece of reasoning in order (with
     * `movedFromAnswer` when the answer shown so far turned out to be reasoning); `onEnd(kind,
     * payload)` is called once with `done`, `stopped` or `error` (`{ kind, message }`, also for a
     * refused start); `onStarted(started)` with the backend's answer (`{ requestId, omittedTurns }`).
     * `begin` is the command that starts it: an interpretation, or a follow-up question
     * (`api.interpretFollowUp` with `{ interpretationId, question }`). Returns `{ stop() }`.
     */
    start(request, { onText, onThinking = () => {}, onEnd, onStarted = () => {} }, begin = api.interpretStart) {
      const run = { requestId: null, stopAsked: false };
      const seq = new Sequencer(onText);
      const thinkSeq = new Sequencer(([text, moved]) => onThinking(text, moved));
      const handle = (kind, p) => {
        if (kind === 'delta') seq.push(p.seq, p.text);
        else if (kind === 'reasoning') thinkSeq.push(p.seq, [p.text, Boolean(p.movedFromAnswer)]);
        else onEnd(kind, p);
      };
      begin(request).then((started) => {
        const { requestId } = started;
        run.requestId = requestId;
        onStarted(started);
        router.attach(requestId, handle);
        if (run.stopAsked) api.interpretStop(requestId);
      }, (err) => onEnd('error', err));
      run.stop = () => {
        if (run.requestId === null) run.stopAsked = true;
        else api.interpretStop(run.requestId);
      };
      return run;
    },
  };
}

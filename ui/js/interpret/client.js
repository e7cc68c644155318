// One per window: listens to this window's interpret:* events (once, before any run can start) and
// starts runs whose deltas come back in order, each exactly once, through `onText`.
import { api } from '../api.js';
import { Router, Sequencer } from './stream.js';

export async function createInterpreter() {
  const router = new Router();
  await api.onInterpretEvent((kind, payload) => router.route(kind, payload));
  return {
    /**
     * Starts an interpretation of `{ entryId }` or `{ content }`. `onText(text)` gets each delta in
     * order; `onEnd(kind, payload)` is called once with `done`, `stopped` or `error` (`{ kind,
     * message }`, also for a refused start). Returns `{ stop() }`.
     */
    start(request, { onText, onEnd }) {
      const run = { requestId: null, stopAsked: false };
      const seq = new Sequencer(onText);
      api.interpretStart(request).then(({ requestId }) => {
        run.requestId = requestId;
        router.attach(requestId, (kind, p) => (kind === 'delta' ? seq.push(p.seq, p.text) : onEnd(kind, p)));
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

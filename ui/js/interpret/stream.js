// Pure stream bookkeeping, unit tested with node --test: deltas put back in `seq` order, and events
// that arrive before their request id is known (the stream starts before `interpret_start` answers)
// kept until someone attaches, so no delta is ever lost.

/** Calls `onText` with each delta's text exactly once, in `seq` order, whatever order they come in. */
export class Sequencer {
  constructor(onText) {
    this.onText = onText;
    this.next = 0;
    this.pending = new Map();
  }

  push(seq, text) {
    if (seq < this.next || this.pending.has(seq)) return; // a repeat
    this.pending.set(seq, text);
    while (this.pending.has(this.next)) {
      const t = this.pending.get(this.next);
      this.pending.delete(this.next);
      this.next += 1;
      this.onText(t);
    }
  }

  /** Deltas still waiting for an earlier one (0 when the stream is whole). */
  get gaps() {
    return this.pending.size;
  }
}

/** The event names a stream can end with. */
export const TERMINAL = new Set(['done', 'error', 'stopped']);

/**
 * Routes `interpret:*` events by request id to the run that owns them. Events for an id nobody has
 * attached yet wait (a bounded number of ids) and are replayed, in order, on `attach`.
 */
export class Router {
  constructor({ maxWaiting = 64 } = {}) {
    this.runs = new Map();
    this.waiting = new Map();
    this.maxWaiting = maxWaiting;
  }

  /** `kind` is `delta`, `done`, `error` or `stopped`. */
  route(kind, payload) {
    const id = payload?.requestId;
    if (id === undefined || id === null) return;
    const run = this.runs.get(id);
    if (run) {
      run(kind, payload);
      if (TERMINAL.has(kind)) this.runs.delete(id);
      return;
    }
    if (!this.waiting.has(id)) {
      if (this.waiting.size >= this.maxWaiting) this.waiting.delete(this.waiting.keys().next().value);
      this.waiting.set(id, []);
    }
    this.waiting.get(id).push([kind, payload]);
  }

  /** Sends every event of `id` to `handler`, starting with those that already arrived. */
  attach(id, handler) {
    const early = this.waiting.get(id) ?? [];
    this.waiting.delete(id);
    this.runs.set(id, handler);
    for (const [kind, payload] of early) {
      if (!this.runs.has(id)) break;
      this.route(kind, payload);
    }
  }

  detach(id) {
    this.runs.delete(id);
  }
}

/** Whether a scroller shows its last line (within `slack` pixels). */
export function atBottom({ scrollHeight, scrollTop, clientHeight }, slack = 24) {
  return scrollHeight - scrollTop - clientHeight <= slack;
}

/**
 * `take()` until nothing is left, one call at a time, `deliver`ing each batch in order; a ring that
 * comes while a call is under way asks for one more call after it. Pure: unit tested.
 */
export function drainer(take, deliver) {
  let busy = false;
  let again = false;
  return async function drain() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do {
        again = false;
        let batch;
        try { batch = await take(); } catch { batch = []; }
        if (batch.length) deliver(batch);
      } while (again);
    } finally {
      busy = false;
    }
  };
}

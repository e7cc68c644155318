// Autosave timing: save about a second after the last keystroke, at least every few seconds while
// typing goes on, one save at a time, and flush() on demand (switching entries, closing the window).
// Timers are injected so node --test drives it with a fake clock.

export class Autosaver {
  constructor({ save, delay = 1000, maxWait = 4000, timers = globalThis, now = () => Date.now(), onError } = {}) {
    this.save = save;
    this.delay = delay;
    this.maxWait = maxWait;
    this.timers = timers;
    this.now = now;
    this.onError = onError;
    this.dirty = false;
    this.firstDirtyAt = 0;
    this.timer = null;
    this.inflight = null;
  }

  /** The content changed: (re)arm the timer, never later than maxWait after the first change. */
  touch() {
    this.dirty = true;
    const t = this.now();
    if (!this.firstDirtyAt) this.firstDirtyAt = t;
    this.cancel();
    const wait = Math.max(0, Math.min(this.delay, this.firstDirtyAt + this.maxWait - t));
    this.timer = this.timers.setTimeout(() => { this.timer = null; this.flush(); }, wait);
  }

  /** Forget pending changes (the entry was deleted or replaced). */
  reset() {
    this.cancel();
    this.dirty = false;
    this.firstDirtyAt = 0;
  }

  cancel() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Saves now if anything is pending and waits until no save is running. True when all is saved. */
  async flush() {
    this.cancel();
    for (;;) {
      if (this.inflight) { await this.inflight; continue; }
      if (!this.dirty) return true;
      this.dirty = false;
      this.firstDirtyAt = 0;
      let failed = false;
      this.inflight = Promise.resolve()
        .then(() => this.save())
        .catch((err) => {
          failed = true;
          this.dirty = true; // keep the change pending: the next keystroke or flush retries it
          this.onError?.(err);
        })
        .finally(() => { this.inflight = null; });
      await this.inflight;
      if (failed) return false;
    }
  }
}

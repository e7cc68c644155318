// One start of the app (or of the empty window) for the start benchmarks, and its stop: the
// `haemong: <mark>` lines it writes under HAEMONG_BENCH_READY (`app::mark`), timestamped as they
// arrive, from spawn.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `bin` with its data and config folders under `home` (and `env` on top). `marks` fills
 * with [name, ms from spawn]; `ready` resolves with the ms of the `ready` mark, and rejects if the
 * process ends first; `until(name)` does the same for any mark (`working`: the modules booted).
 */
export function launch(bin, home, env = {}) {
  const t0 = process.hrtime.bigint();
  const child = spawn(bin, [], {
    env: { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), HAEMONG_BENCH_READY: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const marks = [];
  const waiting = new Map(); // mark -> resolve
  let ended = null;
  const until = (name) => {
    const seen = marks.find(([n]) => n === name);
    if (seen) return Promise.resolve(seen[1]);
    if (ended) return Promise.reject(ended);
    return new Promise((resolve, reject) => waiting.set(name, { resolve, reject }));
  };
  const ready = new Promise((resolve, reject) => {
    let buf = '';
    child.stderr.on('data', (d) => {
      const now = Number(process.hrtime.bigint() - t0) / 1e6;
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const m = /^haemong: (\S+)/.exec(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (!m) continue;
        marks.push([m[1], now]);
        if (m[1] === 'ready') resolve(now);
        waiting.get(m[1])?.resolve(now);
      }
    });
    child.on('exit', (code) => {
      ended = new Error(`${bin} exited (${code}) before it was ready: ${buf.slice(-500)}`);
      reject(ended);
      for (const w of waiting.values()) w.reject(ended);
    });
  });
  return { child, ready, marks, until };
}

/** Asks the process to quit as a logout would (SIGTERM); kills it if it is still there after 3 s. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(3000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

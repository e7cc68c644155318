// Where one start of the release app goes, seen from outside: each `haemong: <mark>` line the app
// writes under HAEMONG_BENCH_READY (`app::mark`: main, setup, state, built, page-started,
// page-finished, ready) timestamped on arrival, from spawn, on copies of the 100,000-entry diary
// encrypted as a user's is. Not part of `make bench`; run by hand when the start ratio needs
// explaining (docs/development.md):
//   HAEMONG_BIN=…/release/haemong bash scripts/with-session.sh node tests/bench/start-phases.mjs DIARY
// (HAEMONG_EMPTY_BIN=…/release/examples/bench_empty adds the empty window's marks after each run.)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptDiaryIn } from './encrypt.mjs';

const [diary] = process.argv.slice(2);
const APP = process.env.HAEMONG_BIN;
// With HAEMONG_EMPTY_BIN, the empty window's starts too (setup, page-started, ready), alternating.
const EMPTY = process.env.HAEMONG_EMPTY_BIN;
const runs = Number(process.env.RUNS || 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function home() {
  const h = mkdtempSync(join(tmpdir(), 'haemong-phases-'));
  const data = join(h, 'data', 'app.haemong.diary');
  mkdirSync(data, { recursive: true });
  mkdirSync(join(h, 'config'), { recursive: true });
  if (diary) {
    copyFileSync(diary, join(data, 'diary.sqlite3'));
    encryptDiaryIn(APP, h);
  }
  return h;
}

async function once(h, bin = APP) {
  const t0 = process.hrtime.bigint();
  const child = spawn(bin, [], {
    env: { ...process.env, XDG_DATA_HOME: join(h, 'data'), XDG_CONFIG_HOME: join(h, 'config'), HAEMONG_BENCH_READY: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const marks = [];
  await new Promise((resolve, reject) => {
    let buf = '';
    child.stderr.on('data', (d) => {
      const now = Number(process.hrtime.bigint() - t0) / 1e6;
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = /^haemong: (\S+)/.exec(line);
        if (m) marks.push([m[1], Math.round(now)]);
        if (m && m[1] === 'ready') resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited (${code}) before ready`)));
  });
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(3000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
  return marks;
}

const homes = Array.from({ length: runs + 1 }, home);
execFileSync('sync');
await sleep(1000);
for (const [i, h] of homes.slice(0, runs + 1).entries()) {
  const marks = await once(h);
  console.log(`${i === 0 ? 'warm-up ' : ''}${marks.map(([n, t]) => `${n} ${t}`).join(' · ')}`);
  if (EMPTY) {
    const eh = mkdtempSync(join(tmpdir(), 'haemong-phases-'));
    homes.push(eh);
    const e = await once(eh, EMPTY);
    console.log(`  empty: ${e.map(([n, t]) => `${n} ${t}`).join(' · ')}`);
  }
}
for (const h of homes) rmSync(h, { recursive: true, force: true });
process.exit(0);

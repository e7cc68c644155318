// Where one start of the release app goes, seen from outside: each `haemong: <mark>` line the app
// writes under HAEMONG_BENCH_READY (`app::mark`: main, setup, state, built, page-started,
// page-finished, ready) timestamped on arrival, from spawn, on copies of the 100,000-entry diary
// encrypted as a user's is. Not part of `make bench`; run by hand when the start ratio needs
// explaining (docs/development.md):
//   HAEMONG_BIN=…/release/haemong bash scripts/with-session.sh node tests/bench/start-phases.mjs DIARY
// (HAEMONG_EMPTY_BIN=…/release/examples/bench_empty adds the empty window's marks after each run.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptDiaryIn } from './encrypt.mjs';
import { launch, stop, sleep } from './launch.mjs';

const [diary] = process.argv.slice(2);
const APP = process.env.HAEMONG_BIN;
// With HAEMONG_EMPTY_BIN, the empty window's starts too (setup, page-started, ready), alternating.
const EMPTY = process.env.HAEMONG_EMPTY_BIN;
const runs = Number(process.env.RUNS || 5);

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
  const { child, ready, marks } = launch(bin, h);
  await ready;
  await stop(child);
  return marks.map(([n, t]) => [n, Math.round(t)]);
}

const homes = Array.from({ length: runs + 1 }, home);
const emptyHomes = [];
execFileSync('sync');
await sleep(1000);
for (const [i, h] of homes.entries()) {
  const marks = await once(h);
  console.log(`${i === 0 ? 'warm-up ' : ''}${marks.map(([n, t]) => `${n} ${t}`).join(' · ')}`);
  if (EMPTY) {
    emptyHomes.push(mkdtempSync(join(tmpdir(), 'haemong-phases-')));
    const e = await once(emptyHomes.at(-1), EMPTY);
    console.log(`  empty: ${e.map(([n, t]) => `${n} ${t}`).join(' · ')}`);
  }
}
for (const h of [...homes, ...emptyHomes]) rmSync(h, { recursive: true, force: true });
process.exit(0);

// `make bench`, window part: cold start of the release app (its diary encrypted, the key in the
// session's keychain) to its painted diary list (and on to every control working), and idle memory (PSS of the app and its WebKit processes) against an empty Tauri 2 window, all
// measured in one run on this machine. Runs under scripts/with-session.sh (Xvfb + D-Bus).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendants } from './procs.mjs';
import { encryptDiaryIn } from './encrypt.mjs';
import { machine, today } from './machine.mjs';
import { launch, stop, sleep } from './launch.mjs';

const [out, dbArg] = process.argv.slice(2);
const APP = process.env.HAEMONG_BIN;
const EMPTY = process.env.HAEMONG_EMPTY_BIN;
const START_RUNS = Number(process.env.HAEMONG_BENCH_START_RUNS || 9);
const MEM_RUNS = Number(process.env.HAEMONG_BENCH_MEM_RUNS || 3);
const IDLE_MS = 4000;

const made = []; // every home, removed at the end (each holds a 400 MB copy)
const converts = []; // seconds to encrypt each copy (the first start of this version)

function home(withDb) {
  const h = mkdtempSync(join(tmpdir(), 'haemong-bench-'));
  made.push(h);
  const data = join(h, 'data', 'app.haemong.diary');
  mkdirSync(data, { recursive: true });
  mkdirSync(join(h, 'config'), { recursive: true });
  if (withDb && dbArg && existsSync(dbArg)) {
    copyFileSync(dbArg, join(data, 'diary.sqlite3'));
    converts.push(encryptDiaryIn(APP, h));
  }
  return h;
}


function pssKb(pid) {
  let total = 0;
  const names = [];
  for (const p of descendants(pid)) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
      if (m) { total += Number(m[1]); names.push(readFileSync(`/proc/${p}/comm`, 'utf8').trim()); }
    } catch { /* gone */ }
  }
  return { kb: total, processes: names };
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function main() {
  // Start-up: each run is a new process on a new copy of the 100,000-entry diary.
  const starts = [];
  const h0 = home(true);
  // The first run warms the page cache and WebKit's caches. It must be gone before the next start:
  // the app is single-instance, and a second launch would only hand over to it and exit.
  const warm = launch(APP, h0);
  await warm.ready.catch(() => {});
  await stop(warm.child);
  // The empty window's start, measured the same way (spawn to its page's `app_ready` after two
  // frames), alternating with the app's so drift hits both alike.
  const emptyStarts = [];
  const warmEmpty = launch(EMPTY, home(false));
  await warmEmpty.ready.catch(() => {});
  await stop(warmEmpty.child);
  // Every run's copy of the 400 MB diary is made first and flushed to disk (`sync`) before any
  // start is timed: copied just before its launch, its writeback competed with that start and the
  // next one (the empty window's starts alternated 260 / 760 ms), which no user's diary does.
  const homes = Array.from({ length: START_RUNS }, () => home(true));
  const emptyHomes = Array.from({ length: START_RUNS }, () => home(false));
  execFileSync('sync');
  await sleep(2000);
  const working = []; // spawn to every control working (the modules booted after the first paint)
  for (let i = 0; i < START_RUNS; i++) {
    const { child, ready, until } = launch(APP, homes[i]);
    starts.push(await ready);
    working.push(await until('working'));
    await stop(child);
    const e = launch(EMPTY, emptyHomes[i]);
    emptyStarts.push(await e.ready);
    await stop(e.child);
  }
  // Memory: alternate the app and the empty window so drift hits both alike.
  const mem = { app: [], empty: [] };
  let procs = {};
  for (let i = 0; i < MEM_RUNS; i++) {
    for (const [name, bin] of [['app', APP], ['empty', EMPTY]]) {
      const { child, ready } = launch(bin, home(name === 'app'));
      await ready;
      await sleep(IDLE_MS);
      const m = pssKb(child.pid);
      mem[name].push(m.kb);
      procs[name] = m.processes;
      await stop(child);
    }
  }
  const result = {
    start_runs_ms: starts,
    start_median_ms: median(starts),
    empty_start_runs_ms: emptyStarts,
    empty_start_median_ms: median(emptyStarts),
    start_ratio: median(starts) / median(emptyStarts),
    working_runs_ms: working,
    working_median_ms: median(working),
    working_ratio: median(working) / median(emptyStarts),
    mem_app_kb: mem.app,
    mem_empty_kb: mem.empty,
    mem_app_median_kb: median(mem.app),
    mem_empty_median_kb: median(mem.empty),
    mem_ratio: median(mem.app) / median(mem.empty),
    processes: procs,
    idle_ms: IDLE_MS,
    encrypted: true,
    convert_median_s: converts.length ? median(converts) : null,
    machine: machine(),
    measured_on: today(),
  };
  console.error(JSON.stringify(result, null, 2));
  writeFileSync(out, JSON.stringify(result, null, 2));
}

main()
  .catch((e) => { console.error(e); process.exitCode = 1; })
  .finally(() => {
    for (const h of made) rmSync(h, { recursive: true, force: true });
    process.exit(); // a stray WebKit child must not keep the bench waiting
  });

// `make bench`, soak part (issue 15): the release app lives in the tray for weeks, so its memory
// must stay flat over a long session. In the real window under Xvfb, against a local server:
//   1. 200 short interpretations of one entry (16 deltas each): PSS after the 5th and the 200th,
//      and again after a minute idle;
//   2. 20 interpretations of 1,000 deltas each;
//   3. 200 ad-hoc interpretations in the quick window;
//   4. opening an entry whose history holds 200 interpretations, 40 times: time to the rendered
//      history, and PSS before and after;
//   5. 1,000 searches typed into the 100,000-entry diary (a second app on a copy of it).
// PSS per process kind (main, web, network) from /proc/PID/smaps_rollup, so a regression shows
// where it happens. Runs under scripts/with-session.sh with HAEMONG_BIN = the release binary.
import { writeFileSync, readFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { encryptDiaryIn } from './encrypt.mjs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startDriver, openApp, appPid as pidOf } from '../e2e/harness.js';
import { descendants } from './procs.mjs';
import { startSseServer, chunk } from '../e2e/sse-server.js';

const [out, bigDiary] = process.argv.slice(2);
const SHORT = Number(process.env.HAEMONG_SOAK_SHORT || 200);
const LONG = Number(process.env.HAEMONG_SOAK_LONG || 20);
const QUICK = Number(process.env.HAEMONG_SOAK_QUICK || 200);
const OPENS = Number(process.env.HAEMONG_SOAK_OPENS || 40);
const SEARCHES = Number(process.env.HAEMONG_SOAK_SEARCHES || 1000);
const IDLE_MS = Number(process.env.HAEMONG_SOAK_IDLE_MS || 60000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mib = (kb) => Math.round((kb / 1024) * 10) / 10;

const piece = (i) => `${i % 9 === 0 ? '\n' : ''}꿈${i} dream `;
async function onRequest(seen, res) {
  const [kind, n] = seen.model.split(':');
  if (kind !== 'soak') return false;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
  const count = Number(n);
  // Written in a few bursts, as a fast model does.
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += chunk(piece(i));
    if (i % 50 === 49) { res.write(buf); buf = ''; await sleep(2); }
  }
  res.end(buf + chunk(null, 'stop') + 'data: [DONE]\n\n');
  return true;
}



function appPid(home) {
  const pid = pidOf(home);
  if (!pid) throw new Error('the app process was not found');
  return pid;
}

/** PSS in KiB by process kind: main (haemong), web (WebKitWebProcess), network, other. */
function pss(pid) {
  const by = { main: 0, web: 0, network: 0, other: 0 };
  for (const p of descendants(pid)) {
    try {
      const kb = Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1]);
      const comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      const kind = comm === 'haemong' ? 'main' : comm.startsWith('WebKitWebProces') ? 'web' : comm.startsWith('WebKitNetworkPr') ? 'network' : 'other';
      by[kind] += kb;
    } catch { /* gone */ }
  }
  return by;
}

const growth = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, mib(b[k] - a[k])]));
const inMib = (a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, mib(v)]));

async function main() {
  const server = await startSseServer({ onRequest });
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  const s = await openApp(driver);
  const pid = appPid(driver.home);
  const settle = async () => { await sleep(3000); return pss(pid); };
  const result = { machine_note: 'PSS in MiB per process kind; growth is later minus earlier' };

  const state = (id) => s.attr(id, 'data-state');
  /** Clicks `run` and waits for `status` to leave and come back from streaming. */
  async function runOnce(run, status, { timeout = 30000 } = {}) {
    const before = server.requests.length;
    await s.exec(`document.querySelector('[data-testid="${run}"]').click(); return true;`);
    await s.waitFor(async () => server.requests.length > before && ['done', 'error', 'stopped'].includes(await state(status)),
      { timeout, what: `${run} to finish` });
    if ((await state(status)) !== 'done') throw new Error(`${run} ended ${await state(status)}`);
  }

  // 1. Short interpretations of one entry.
  await s.useServer(server.url, 'soak:16');
  await s.writeDream('엘리베이터가 끝없이 올라가는 꿈. An elevator that never stops rising.');
  await s.click('entry-save');
  await sleep(500);
  let at5;
  for (let i = 1; i <= SHORT; i++) {
    await runOnce('interpret-run', 'interpret-status');
    if (i === 5) at5 = await settle();
  }
  const atShort = await settle();
  result.short = { runs: SHORT, after_5: inMib(at5), after_all: inMib(atShort), growth: growth(at5, atShort) };
  console.error('short', JSON.stringify(result.short));

  // 4. (measured here, while that entry holds SHORT interpretations) opening it again and again.
  await s.writeDream('다른 꿈: a second entry to switch to.');
  await s.click('entry-save');
  await sleep(500);
  const beforeOpens = await settle();
  const openMs = [];
  for (let i = 0; i < OPENS; i++) {
    // The list is newest first: [0] the second entry, [1] the one with the long history.
    openMs.push(await s.exec(`const items = document.querySelectorAll('[data-testid="entry-item"]');
      items[0].click();
      return new Promise((resolve) => setTimeout(() => {
        const t0 = performance.now();
        document.querySelectorAll('[data-testid="entry-item"]')[1].click();
        const check = () => document.querySelectorAll('[data-testid="interpret-history-item"]').length >= Math.min(arguments[0], 20)
          ? resolve(performance.now() - t0) : requestAnimationFrame(check);
        check();
      }, 150));`, [SHORT]));
  }
  const afterOpens = await settle();
  openMs.sort((a, b) => a - b);
  result.open_history = { interpretations: SHORT, shown: Math.min(SHORT, 20), opens: OPENS, median_ms: openMs[Math.floor(OPENS / 2)], max_ms: openMs.at(-1),
    growth: growth(beforeOpens, afterOpens) };
  console.error('open', JSON.stringify(result.open_history));

  // 2. Long interpretations.
  await s.useServer(server.url, 'soak:1000');
  let long1;
  for (let i = 1; i <= LONG; i++) {
    await runOnce('interpret-run', 'interpret-status');
    if (i === 1) long1 = await settle();
  }
  const atLong = await settle();
  result.long = { runs: LONG, deltas: 1000, after_1: inMib(long1), after_all: inMib(atLong), growth: growth(long1, atLong) };
  console.error('long', JSON.stringify(result.long));

  // 3. The quick window, opened by its global shortcut.
  await s.useServer(server.url, 'soak:16');
  await s.waitFor(async () => (await s.exec('return window.__TAURI__.core.invoke("tray_shortcut_status")')).state !== 'pending', { what: 'the shortcut' });
  execFileSync('xdotool', ['key', '--clearmodifiers', 'ctrl+shift+space']);
  await s.switchToPage('quick.html');
  await s.waitFor(async () => (await s.exec('return document.body.dataset.ready')) === 'true', { what: 'the quick window' });
  let quick5;
  for (let i = 1; i <= QUICK; i++) {
    await s.exec(`const q = document.querySelector('[data-testid="quick-input"]'); q.value = arguments[0];
      q.dispatchEvent(new Event('input', { bubbles: true })); return true;`, [`빠른 꿈 ${i}: a dream pasted in a hurry`]);
    await runOnce('quick-run', 'quick-status');
    if (i === 5) quick5 = await settle();
  }
  const atQuick = await settle();
  result.quick = { runs: QUICK, after_5: inMib(quick5), after_all: inMib(atQuick), growth: growth(quick5, atQuick) };
  console.error('quick', JSON.stringify(result.quick));

  // Idle: nothing keeps growing, and what is given back is seen.
  await sleep(IDLE_MS);
  const idle = pss(pid);
  result.idle = { idle_ms: IDLE_MS, after: inMib(idle), growth_since_quick: growth(atQuick, idle) };
  console.error('idle', JSON.stringify(result.idle));
  await s.quit();
  driver.stop();

  // 5. Searches in the 100,000-entry diary.
  if (bigDiary) {
    const driver2 = await startDriver({ lang: 'ko_KR.UTF-8' });
    const dir = join(driver2.home, 'data', 'app.haemong.diary');
    mkdirSync(dir, { recursive: true });
    copyFileSync(bigDiary, join(dir, 'diary.sqlite3'));
    encryptDiaryIn(process.env.HAEMONG_BIN, driver2.home); // as a user's diary is kept
    const s2 = await openApp(driver2);
    const pid2 = appPid(driver2.home);
    const terms = ['돼지', '엘리베이터', 'tig', '꿈', '바다', 'flying', '낙타', '학교', 'water', '시험을'];
    const search = (q) => s2.exec(`const e = document.querySelector('[data-testid="search-input"]'); e.value = arguments[0];
      e.dispatchEvent(new Event('input', { bubbles: true })); return true;`, [q]);
    let s20;
    for (let i = 1; i <= SEARCHES; i++) {
      const term = terms[i % terms.length];
      await search(term.slice(0, 1 + (i % term.length)));
      await sleep(100);
      if (i === 20) { await sleep(2000); s20 = await settle2(); }
    }
    async function settle2() { await sleep(3000); return pss(pid2); }
    await sleep(2000);
    const atSearch = await settle2();
    result.search = { searches: SEARCHES, after_20: inMib(s20), after_all: inMib(atSearch), growth: growth(s20, atSearch) };
    console.error('search', JSON.stringify(result.search));
    await s2.quit();
    driver2.stop();
  }
  await server.close();
  writeFileSync(out, JSON.stringify(result, null, 2));
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });

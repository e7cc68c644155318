// `make bench`, streaming part: in the real window of the release build, against a local server
// over loopback, measures (1) the latency from the server writing a delta to that delta being in
// the DOM at 100 deltas/s, (2) a burst of 5,000 deltas: complete, ordered, byte-exact, and how long
// it takes, (3) the time from the click on `interpret-run` to the request reaching the server.
// Both sides read the same clock: performance.timeOrigin + performance.now() (epoch, high-res).
// Runs under scripts/with-session.sh with HAEMONG_BIN pointing at the release binary.
import { writeFileSync } from 'node:fs';
import { startDriver, openApp } from '../e2e/harness.js';
import { startSseServer, chunk } from '../e2e/sse-server.js';

const [out] = process.argv.slice(2);
const PACED = Number(process.env.HAEMONG_BENCH_PACED || 500);
const BURST = 5000;
const CLICKS = Number(process.env.HAEMONG_BENCH_CLICKS || 30);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

function pct(values, p) {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))];
}

// What the server wrote, per run: the epoch time of each delta's write.
const writes = { paced: [], burst: [] };

/** Distinct, mixed-script deltas so order and exactness are checked, not just counts. */
// About 8 bytes each: 5,000 of them stay well under the 64 KB answer limit.
const piece = (i) => `${i % 7 === 0 ? '\n' : ''}꿈${i}${i % 50 === 0 ? '🌙' : ''} `;

async function onRequest(seen, res) {
  const [kind] = seen.model.split(':');
  if (kind === 'bench-paced' || kind === 'bench-burst' || kind === 'bench-click') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
  }
  if (kind === 'bench-paced') {
    // 100 deltas/s: one every 10 ms, on a schedule that does not drift.
    const t0 = now() + 20;
    for (let i = 0; i < PACED; i++) {
      const wait = t0 + i * 10 - now();
      if (wait > 0) await sleep(wait);
      writes.paced[i] = now();
      res.write(chunk(piece(i)));
    }
    res.end(chunk(null, 'stop') + 'data: [DONE]\n\n');
    return true;
  }
  if (kind === 'bench-burst') {
    const body = Array.from({ length: BURST }, (_, i) => chunk(piece(i))).join('');
    writes.burst = [now()];
    res.end(body + chunk(null, 'stop') + 'data: [DONE]\n\n');
    return true;
  }
  if (kind === 'bench-click') {
    res.end(chunk('ok') + chunk(null, 'stop') + 'data: [DONE]\n\n');
    return true;
  }
  return false;
}

async function main() {
  const server = await startSseServer({ onRequest });
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  const s = await openApp(driver);
  const setModel = (model) => s.useServer(server.url, model);
  const state = () => s.attr('interpret-status', 'data-state');
  const waitDone = (timeout = 60000) => s.waitFor(async () => ['done', 'error', 'stopped'].includes(await state()), { timeout, what: 'the run to end' });
  // Records the time each text node lands in the output, from inside the page.
  const observe = () => s.exec(`
    window.__bench = [];
    window.__benchObs?.disconnect();
    const out = document.querySelector('[data-testid="interpret-output"]');
    window.__benchObs = new MutationObserver((records) => {
      const t = performance.timeOrigin + performance.now();
      for (const r of records) for (const n of r.addedNodes) window.__bench.push([t, n.textContent.length]);
    });
    window.__benchObs.observe(out, { childList: true });`);
  const clickRun = () => s.exec(`const t = performance.timeOrigin + performance.now();
    document.querySelector('[data-testid="interpret-run"]').click(); return t;`);

  await s.writeDream('A bench dream about a long corridor.');
  await s.click('entry-save');
  await sleep(500);

  // Warm-up: the first request pays for the connection pool, the keychain session, the JIT.
  await setModel('bench-click');
  for (let i = 0; i < 3; i++) { await clickRun(); await waitDone(); }

  // (3) click → request at the server.
  const clicks = [];
  for (let i = 0; i < CLICKS; i++) {
    const before = server.requests.length;
    const t = await clickRun();
    await waitDone();
    clicks.push(server.requests[before].at + performance.timeOrigin - t);
  }

  /** One interpretation with `model`: the DOM arrival times, and whether the text is byte-exact. */
  async function measure(model, count) {
    await setModel(model);
    await observe();
    await clickRun();
    await waitDone();
    const nodes = await s.exec('return window.__bench');
    const text = await s.prop('interpret-output', 'textContent');
    const expected = Array.from({ length: count }, (_, i) => piece(i)).join('');
    if (text !== expected) {
      let i = 0;
      while (i < text.length && text[i] === expected[i]) i++;
      console.error(`${model} differs at ${i} of ${expected.length} (got ${text.length}): ${JSON.stringify(text.slice(i - 20, i + 40))} vs ${JSON.stringify(expected.slice(i - 20, i + 40))}`);
    }
    return { nodes, exact: text === expected };
  }

  // (1) paced, 100 deltas/s.
  const paced = await measure('bench-paced', PACED);
  const latencies = paced.nodes.map(([t], i) => t - writes.paced[i]);

  // (2) burst of 5,000.
  const burst = await measure('bench-burst', BURST);
  const burstMs = burst.nodes.at(-1)[0] - writes.burst[0];

  const result = {
    paced_deltas: PACED,
    paced_nodes_seen: paced.nodes.length,
    paced_exact: paced.exact,
    latency_median_ms: pct(latencies, 50),
    latency_p99_ms: pct(latencies, 99),
    latency_max_ms: Math.max(...latencies),
    burst_deltas: BURST,
    burst_nodes_seen: burst.nodes.length,
    burst_exact: burst.exact,
    burst_ms: burstMs,
    click_runs: CLICKS,
    click_to_request_median_ms: pct(clicks, 50),
    click_to_request_p90_ms: pct(clicks, 90),
    click_to_request_ms: clicks,
    // The smallest step performance.now() takes in the page, over 50 ms of spinning.
    timer_resolution_ms: await s.exec(`const end = Date.now() + 50; let a = performance.now(), d = Infinity;
      while (Date.now() < end) { const b = performance.now(); if (b > a) { d = Math.min(d, b - a); a = b; } } return d;`),
  };
  await s.quit();
  driver.stop();
  await server.close();
  console.error(JSON.stringify(result, null, 2));
  writeFileSync(out, JSON.stringify(result, null, 2));
  if (!result.paced_exact || !result.burst_exact) {
    console.error('the streamed text was not byte-exact');
    process.exit(1);
  }
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });

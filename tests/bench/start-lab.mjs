// How much of the start ratio a page's parts cost, in the yardstick's own shell: variants of
// Haemong's `ui/index.html` served by the empty window (`bench_empty` with HAEMONG_LAB_DIR, no
// rebuild per variant), each started RUNS times, the variants taking turns so drift hits all alike.
// Not part of `make bench`; for deciding what a faster first paint must leave out
// (docs/development.md, "the start's floor"):
//   cargo build --release --example bench_empty
//   HAEMONG_EMPTY_BIN=$PWD/target/release/examples/bench_empty bash scripts/with-session.sh node tests/bench/start-lab.mjs
import { mkdtempSync, cpSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, stop } from './launch.mjs';

const EMPTY = process.env.HAEMONG_EMPTY_BIN;
const RUNS = Number(process.env.RUNS || 9);
const lab = mkdtempSync(join(tmpdir(), 'haemong-lab-'));
cpSync(new URL('../../ui', import.meta.url).pathname, lab, { recursive: true });

// The variants: the blank page (the yardstick's), then Haemong's page taken apart.
const index = readFileSync(join(lab, 'index.html'), 'utf8');
const READY = '<script type="module" src="js/bench-empty.js"></script>';
// The markup whole, as it was before the first paint left the editor and the rest in templates.
const noScript = index.replace('<script src="js/first-paint.js"></script>', READY)
  .split('\n').filter((l) => !/^\s*(<template data-later>|<\/template>|<!-- The editor and what follows)/.test(l)).join('\n');
const lines = noScript.split('\n');
const bodyEnd = lines.findIndex((l) => l.includes('</body>'));
const upTo = (marker) => lines.slice(0, lines.findIndex((l) => l.includes(marker))).concat(lines.slice(bodyEnd)).join('\n');
// A hundred Korean entries as the list renders them (`ui/js/diary/list.js`), static.
const words = '어젯밤 꿈에 돼지가 집 안으로 들어왔다 바다 위를 날아다녔고 이빨이 빠지는 꿈을 꾸었다 할머니가 나타나서 시험을 보라고 했다'.split(' ');
const pick = (i, n) => Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');
const items = Array.from({ length: 100 }, (_, i) => `<li><button type="button" class="entry-item" data-testid="entry-item">`
  + `<span class="night">2026년 11월 ${(i % 28) + 1}일</span><span class="title">${pick(i, 4)}</span>`
  + `<span class="excerpt">${pick(i + 1, 30)}</span></button></li>`).join('');
const withItems = (html) => html.replace(/<ul class="entry-list"[^>]*><\/ul>/, `<ul class="entry-list" data-testid="entry-list">${items}</ul>`);
// main.js's imports, evaluated (their top level), without running `boot`.
const imports = readFileSync(join(lab, 'js', 'main.js'), 'utf8').split('\n').filter((l) => l.startsWith('import ')).join('\n');
writeFileSync(join(lab, 'js', 'lab-modules.js'), `${imports}\n${readFileSync(join(lab, 'js', 'bench-empty.js'), 'utf8')}`);
const variants = {
  'blank page (the yardstick)': readFileSync(join(lab, 'bench-empty.html'), 'utf8'),
  'topbar and sidebar, 100 items, no script': withItems(upTo('<div class="resizer"')),
  'whole markup, 100 items, no script': withItems(noScript),
  'whole markup, 100 items, modules evaluated': withItems(noScript).replace(READY, '<script type="module" src="js/lab-modules.js"></script>'),
};
const files = Object.keys(variants).map((name, i) => {
  writeFileSync(join(lab, `lab-${i}.html`), variants[name]);
  return [name, `lab-${i}.html`];
});

async function once(page) {
  const h = mkdtempSync(join(tmpdir(), 'haemong-lab-home-'));
  const { child, ready, marks } = launch(EMPTY, h, { HAEMONG_LAB_DIR: lab, HAEMONG_LAB_PAGE: page });
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${page}: no ready in 10 s`)), 10000); });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
    ready.catch(() => {}); // a page that timed out: its exit at `stop` is no second error
    await stop(child);
    rmSync(h, { recursive: true, force: true });
  }
  return Object.fromEntries(marks);
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const got = Object.fromEntries(files.map(([name]) => [name, { ready: [], page: [] }]));
try {
  await once(files[0][1]); // warm the page cache and WebKit's
  for (let r = 0; r < RUNS; r++) {
    for (const [name, page] of files) {
      const m = await once(page);
      got[name].ready.push(m.ready);
      got[name].page.push(m.ready - m['page-started']);
    }
  }
  // The shell's visible window sometimes waits half a second for the web process's first frame
  // (docs/development.md, session 12), more often with a heavier page: the spawn-to-ready medians
  // carry that noise, so each variant's start is judged as the blank page's time to page-started
  // plus its own page part.
  const blank = got[files[0][0]];
  const before = median(blank.ready.map((r, i) => r - blank.page[i]));
  const base = before + median(blank.page);
  console.log(`median of ${RUNS} starts (ms): spawn to ready · page part (page-started to ready) · `
    + `blank's ${before.toFixed(0)} ms to page-started + page part, as a ratio to the blank page`);
  for (const [name] of files) {
    const { ready, page } = got[name];
    const est = before + median(page);
    console.log(`${median(ready).toFixed(0).padStart(5)}  ${median(page).toFixed(0).padStart(4)}  ${(est / base).toFixed(2)}×  ${name}`);
  }
} finally {
  rmSync(lab, { recursive: true, force: true });
}
process.exit(0);

// A look inside one start of the release app on the 100,000-entry diary: the page's marks and
// every IPC call's timing (Resource Timing entries of the ipc:// fetches), through WebDriver. Not
// part of `make bench`; run by hand when the start ratio needs explaining (docs/development.md):
//   HAEMONG_BIN=…/release/haemong bash scripts/with-session.sh node tests/bench/profile-start.mjs DIARY
import { mkdirSync, copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startDriver, openApp } from '../e2e/harness.js';

const [diary] = process.argv.slice(2);
const runs = Number(process.env.RUNS || 3);
for (let i = 0; i < runs; i++) {
  const home = mkdtempSync(join(tmpdir(), 'haemong-prof-'));
  const data = join(home, 'data', 'app.haemong.diary');
  mkdirSync(data, { recursive: true });
  if (diary) copyFileSync(diary, join(data, 'diary.sqlite3'));
  execFileSync('sync');
  const driver = await startDriver({ home });
  const s = await openApp(driver);
  await s.waitFor(async () => (await s.exec("return performance.getEntriesByName('haemong:ready').length")) > 0, { what: 'ready' });
  const got = await s.exec(`return {
    marks: performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]),
    measures: performance.getEntriesByType('measure').map((m) => [m.name, Math.round(m.startTime), Math.round(m.duration)]),
    nav: performance.getEntriesByType('navigation').map((n) => ({ dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) })),
    res: performance.getEntriesByType('resource').map((r) => [r.name.replace(/^[a-z]+:\\/\\/localhost/, ''), Math.round(r.startTime), Math.round(r.duration)]),
  }`);
  console.log(JSON.stringify(got));
  await s.quit();
  driver.stop();
  rmSync(home, { recursive: true, force: true }); // each holds a copy of the 400 MB diary
}
process.exit(0);

// End to end: the command line while the app is open. `haemong add` writes into the same diary
// (the single-instance hand-over does not swallow it) and the open window lists the new dream
// without being touched.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startDriver, openApp } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

test('a dream added on the command line while the app is open appears in its list', async () => {
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  const s = await openApp(driver);
  try {
    const env = { ...process.env, XDG_DATA_HOME: join(driver.home, 'data'), XDG_CONFIG_HOME: join(driver.home, 'config') };
    const added = spawnSync(process.env.HAEMONG_BIN, ['add', '--title', '터미널에서 쓴 꿈', '고래가 하늘을 날았다'], { env, encoding: 'utf8', timeout: 20000 });
    assert.equal(added.status, 0, `the command succeeds while the app runs: ${added.stderr}`);
    assert.match(added.stdout.trim(), /^\d+$/, 'and prints the new id');
    const entry = await s.waitFor(async () => (await s.entries()).find((e) => e.text.includes('터미널에서 쓴 꿈')),
      { what: 'the new dream in the open window', timeout: 10000 });
    assert.ok(entry, 'listed without a restart');
    const listed = spawnSync(process.env.HAEMONG_BIN, ['list'], { env, encoding: 'utf8', timeout: 20000 });
    assert.equal(listed.status, 0);
    assert.match(listed.stdout, /터미널에서 쓴 꿈/, 'the same diary as the app');
  } finally {
    await s.quit();
  }
});

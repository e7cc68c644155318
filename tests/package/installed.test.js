// The installed package, driven like the source build: it starts from /usr/bin, opens its window in
// English, and a dream written in it is listed. Copied next to harness.js into a temporary folder by
// scripts/package-test.sh, so nothing is read from the source tree.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDriver, openApp, screenshot } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

test('the installed app starts, and an entry written in it is listed', async () => {
  assert.equal(process.env.HAEMONG_BIN, '/usr/bin/haemong', 'the installed binary is under test');
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  const s = await openApp(driver);
  try {
    assert.equal(await s.prop('nav-diary', 'textContent'), '꿈 일기', 'its UI files are inside the binary (Korean UI)');
    await s.click('entry-new');
    await s.type('entry-body', '설치된 앱에서 쓴 꿈');
    await s.click('entry-save');
    await s.waitFor(async () => (await s.entries()).some((e) => e.text.includes('설치된 앱에서 쓴 꿈')), { what: 'the entry in the list' });
    const info = await s.exec('return window.__TAURI__.core.invoke("app_info")');
    assert.ok(info.dataDir.startsWith(driver.home), `the diary lives in the user's data folder (${info.dataDir})`);
    await screenshot('installed-package-ko');
  } finally {
    await s.quit();
  }
});

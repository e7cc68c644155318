// The diary encrypted at rest, in the real window with the real keychain (gnome-keyring in the
// test session): a canary dream written, searched, backed up and quit on is found in no file under
// the app's folders at any point; a plain diary left by an earlier version (or by a session
// without a keychain) is encrypted at the next start, and says so.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startDriver, openApp, screenshot, sleep, filesHolding } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

const saved = (s) => s.waitFor(async () => (await s.exec(
  'return document.querySelector(".save-state").dataset.state')) === 'saved', { what: 'the autosave' });

function header(path) {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(16);
  readSync(fd, b, 0, 16, 0);
  closeSync(fd);
  return b.toString('latin1');
}

const PLAIN = 'SQLite format 3\u0000';

test('a dream written in the window is in no file the app writes, at any point', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  const canary = `CANARY-${randomBytes(4).toString('hex')}-돼지꿈`;
  const diary = join(driver.dataDir, 'app.haemong.diary', 'diary.sqlite3');
  const nowhere = (when) => assert.deepEqual(filesHolding(driver.home, canary), [], `no file holds the dream ${when}`);
  const s = await openApp(driver);
  try {
    await s.click('entry-new');
    await s.type('entry-body', `In the garden ${canary} kept watch`);
    await saved(s);
    assert.notEqual(header(diary), PLAIN, 'the diary file is not plain SQLite');
    nowhere('after the autosave (the WAL included)');
    await s.type('search-input', canary);
    await s.waitFor(async () => (await s.entries()).length === 1, { what: 'the canary found by search' });
    await sleep(800); // the UI state is saved 400 ms after a change
    nowhere('after searching for it');
    await s.click('nav-settings');
    await s.click('data-backup-now');
    await s.waitFor(async () => (await s.attr('data-progress', 'data-state')) === 'done', { what: 'the backup', timeout: 20000 });
    const backups = readdirSync(join(driver.dataDir, 'app.haemong.diary', 'backups'));
    assert.equal(backups.length, 1, `one backup: ${backups}`);
    assert.notEqual(header(join(driver.dataDir, 'app.haemong.diary', 'backups', backups[0])), PLAIN, 'the backup is encrypted too');
    nowhere('after a backup');
  } finally {
    await s.quit();
  }
  await sleep(500);
  nowhere('after quitting');
  assert.ok(statSync(diary).size > 0, 'the diary is there (the test looked at something)');
});

test('a plain diary from a session without a keychain is encrypted at the next start', async () => {
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  const canary = `CANARY-${randomBytes(4).toString('hex')}-뱀꿈`;
  const diary = join(driver.dataDir, 'app.haemong.diary', 'diary.sqlite3');
  // No Secret Service on this bus: the command line keeps the diary plain, and says so.
  const env = {
    ...process.env, XDG_DATA_HOME: driver.dataDir, XDG_CONFIG_HOME: join(driver.home, 'config'),
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
  };
  const added = spawnSync(process.env.HAEMONG_BIN, ['add', '--title', '키체인 없이', canary], { env, encoding: 'utf8', timeout: 30000 });
  assert.equal(added.status, 0, `added without a keychain: ${added.stderr}`);
  assert.match(added.stderr, /not encrypted/, 'the command line says the diary is not encrypted');
  assert.equal(header(diary), PLAIN, 'a plain diary, as an earlier version left it');

  const s = await openApp(driver);
  try {
    await s.waitFor(async () => (await s.prop('toast', 'textContent')).includes('암호화'), { what: 'the notice that the diary is now encrypted' });
    await screenshot('encrypted-notice-ko');
    const entries = await s.entries();
    assert.equal(entries.length, 1, 'the dream is still there');
    assert.ok(entries[0].text.includes('키체인 없이'), 'the same dream');
    assert.notEqual(header(diary), PLAIN, 'the file is encrypted now');
    assert.deepEqual(filesHolding(driver.home, canary), [], 'and the plain text is gone from every file');
    const left = readdirSync(join(driver.dataDir, 'app.haemong.diary')).filter((n) => /\.(plain|encrypting)$/.test(n));
    assert.deepEqual(left, [], 'nothing left aside');
  } finally {
    await s.quit();
  }
});

// A session without any keychain (a D-Bus session bus with no Secret Service on it): the app says
// the diary is not encrypted and asks for a passphrase at once; the passphrase then encrypts the
// diary under a key only it keeps (never written plain anywhere), the next start is locked, and
// only the passphrase opens it. English and Korean.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, openApp, screenshot, sleep } from './harness.js';

const drivers = [];
const buses = [];
after(() => {
  drivers.forEach((d) => d.stop());
  for (const pid of buses) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
});

/** A session bus of our own that starts no services: no gnome-keyring is ever activated on it. */
function busWithoutKeychain() {
  const dir = mkdtempSync(join(tmpdir(), 'haemong-bus-'));
  const conf = join(dir, 'session.conf');
  writeFileSync(conf, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`);
  const out = execFileSync('dbus-daemon', ['--config-file', conf, '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' });
  const [address, pid] = out.trim().split('\n');
  buses.push(Number(pid));
  return address.trim();
}

const shown = (s, id) => s.exec(`const e = document.querySelector('[data-testid="${id}"]'); return !!e && !e.hidden && !e.closest('[hidden]')`);
const dialogOpen = (s) => s.exec('return document.querySelector(\'[data-testid="passphrase-dialog"]\').open');
const saved = (s) => s.waitFor(async () => (await s.exec(
  'return document.querySelector(".save-state").dataset.state')) === 'saved', { what: 'the autosave' });

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p)); else out.push(p);
  }
  return out;
}

for (const { lang, code, noKeychainText } of [
  { lang: 'en_US.UTF-8', code: 'en', noKeychainText: /no keychain/ },
  { lang: 'ko_KR.UTF-8', code: 'ko', noKeychainText: /키체인/ },
]) {
  test(`without a keychain the app asks for a passphrase, which encrypts the diary and opens it (${code})`, async () => {
    const bus = busWithoutKeychain();
    const driver = await startDriver({ lang, env: { DBUS_SESSION_BUS_ADDRESS: bus } });
    drivers.push(driver);
    const passphrase = code === 'ko' ? '키체인 없는 밤 7' : 'no keychain night 7';
    const canary = `lantern-canary-${code}-${Date.now()}`;
    const diary = join(driver.dataDir, 'app.haemong.diary', 'diary.sqlite3');
    let s = await openApp(driver);
    try {
      await s.waitFor(() => dialogOpen(s), { what: 'the passphrase asked for at start' });
      assert.match(await s.exec('return document.querySelector("#passphrase-note").textContent'),
        noKeychainText, 'the dialog says the passphrase will be the only way in');
      assert.match(await s.prop('toast', 'textContent'), noKeychainText, 'the start says the diary is not encrypted');
      await screenshot(`no-keychain-ask-${code}`);
      // Not now: the diary works plain meanwhile.
      await s.click('passphrase-cancel');
      await s.click('nav-diary');
      await s.click('entry-new');
      await s.type('entry-body', `A dream written with no keychain: ${canary}`);
      await saved(s);
      assert.equal(readFileSync(diary).subarray(0, 15).toString('latin1'), 'SQLite format 3', 'plain until a passphrase is set');

      await s.click('nav-settings');
      assert.match(await s.prop('privacy-passphrase-state', 'textContent'), noKeychainText);
      await s.click('privacy-passphrase-set');
      await s.type('passphrase-new', passphrase);
      await s.type('passphrase-again', passphrase);
      await s.click('passphrase-ok');
      await s.waitFor(async () => (await s.prop('privacy-lock-now', 'disabled')) === false, { what: 'the diary encrypted under the passphrase' });
      await screenshot(`no-keychain-encrypted-${code}`);
      await s.click('nav-diary');
      await s.click('entry-new');
      await s.type('entry-body', `A second dream, after the passphrase (${code})`);
      await saved(s);
    } finally {
      await s.quit();
    }
    await sleep(500);
    assert.notEqual(readFileSync(diary).subarray(0, 15).toString('latin1'), 'SQLite format 3', 'the diary is encrypted');
    for (const f of filesUnder(driver.home)) {
      assert.ok(!readFileSync(f).includes(canary), `the dream is in no file the app wrote (${f})`);
    }

    s = await openApp(driver, { locked: true });
    try {
      assert.equal(await dialogOpen(s), false, 'an encrypted diary asks for nothing more at start');
      await s.type('lock-input', 'not it');
      await s.click('lock-submit');
      await s.waitFor(() => shown(s, 'lock-error'), { what: 'the wrong passphrase told' });
      await s.clear('lock-input');
      await s.type('lock-input', passphrase);
      await s.click('lock-submit');
      const texts = await s.waitFor(async () => {
        const e = (await s.entries()).map((x) => x.text).join('\n');
        return e.includes(canary) && e.includes('after the passphrase') ? e : null;
      }, { what: 'both dreams after unlocking' });
      assert.ok(texts);
    } finally {
      await s.quit();
    }
  });
}

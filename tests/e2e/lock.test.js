// The passphrase and the lock in the real window, in English and Korean: set in Settings →
// Privacy, "Lock now" covers the window, a wrong passphrase is told apart, the right one opens the
// diary as it was, and the next start is locked from the first frame.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDriver, openApp, screenshot, sleep } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

const saved = (s) => s.waitFor(async () => (await s.exec(
  'return document.querySelector(".save-state").dataset.state')) === 'saved', { what: 'the autosave' });
const shown = (s, id) => s.exec(`const e = document.querySelector('[data-testid="${id}"]'); return !!e && !e.hidden && !e.closest('[hidden]')`);

for (const { lang, code, wrongText } of [
  { lang: 'en_US.UTF-8', code: 'en', wrongText: /does not open/ },
  { lang: 'ko_KR.UTF-8', code: 'ko', wrongText: /맞지 않아요/ },
]) {
  test(`a passphrase locks and unlocks the diary, and the next start is locked (${code})`, async () => {
    const driver = await startDriver({ lang });
    drivers.push(driver);
    const passphrase = code === 'ko' ? '꿈의 열쇠 42' : 'dream key 42';
    let s = await openApp(driver);
    try {
      await s.click('entry-new');
      await s.type('entry-body', `A dream behind a lock (${code})`);
      await saved(s);
      await s.click('nav-settings');
      assert.equal(await s.prop('privacy-lock-now', 'disabled'), true, 'nothing to lock with before a passphrase');
      await s.click('privacy-passphrase-set');
      await s.type('passphrase-new', passphrase);
      await s.type('passphrase-again', `${passphrase}x`);
      await s.click('passphrase-ok');
      await s.waitFor(() => shown(s, 'passphrase-error'), { what: 'the mismatch told' });
      await s.clear('passphrase-again');
      await s.type('passphrase-again', passphrase);
      await s.click('passphrase-ok');
      await s.waitFor(async () => (await s.prop('privacy-lock-now', 'disabled')) === false, { what: 'the passphrase saved' });
      await screenshot(`privacy-passphrase-${code}`);

      // Clear of the toast that says the passphrase was saved (it sits over the bottom edge).
      await s.exec('document.querySelector(\'[data-testid="privacy-lock-now"]\').scrollIntoView({ block: \'center\' }); return true;');
      await s.click('privacy-lock-now');
      await s.waitFor(() => shown(s, 'lock-screen'), { what: 'the lock screen' });
      assert.equal(await s.exec('return document.activeElement?.dataset.testid'), 'lock-input', 'the passphrase field has the focus');
      await screenshot(`lock-${code}`);
      await s.type('lock-input', 'not the passphrase');
      await s.click('lock-submit');
      await s.waitFor(() => shown(s, 'lock-error'), { what: 'the wrong passphrase told' });
      assert.match(await s.prop('lock-error', 'textContent'), wrongText, 'in the window\'s language');
      assert.equal(await shown(s, 'lock-screen'), true, 'still locked');
      await screenshot(`lock-wrong-${code}`);
      await s.clear('lock-input');
      await s.type('lock-input', passphrase);
      await s.click('lock-submit');
      await s.waitFor(async () => !(await shown(s, 'lock-screen')), { what: 'unlocked' });
      await s.click('nav-diary');
      const listed = await s.waitFor(async () => (await s.entries()).find((e) => e.text.includes('behind a lock')), { what: 'the dream after unlocking' });
      assert.ok(listed, 'the diary as it was');
    } finally {
      await s.quit();
    }
    await sleep(500);
    s = await openApp(driver, { locked: true });
    try {
      assert.equal(await s.exec('return document.querySelectorAll(\'[data-testid="entry-item"]\').length'), 0, 'nothing of the diary is shown while locked');
      await s.type('lock-input', passphrase);
      await s.click('lock-submit');
      const listed = await s.waitFor(async () => (await s.entries()).find((e) => e.text.includes('behind a lock')), { what: 'the dream after a locked start' });
      assert.ok(listed);
    } finally {
      await s.quit();
    }
  });
}

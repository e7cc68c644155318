// End to end: the morning reminder. A stand-in notification server on the test's session bus
// (tests/e2e/notify-daemon.py; Xvfb has none) records what the app asks it to show. "Show it now"
// puts up the translated notification and a click on it opens the quick window ready to type;
// turned on in Settings for the next minute, the scheduler itself shows it on time. What a real
// desktop draws is not observed here: only the request the app makes and the click it hears.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { screenshot, sleep } from './harness.js';
import { appRig } from './sse-server.js';

const rig = appRig();
after(() => rig.cleanup());

const xdotool = (...args) => { try { return execFileSync('xdotool', args, { encoding: 'utf8' }).trim(); } catch { return ''; } };
const visible = (name) => xdotool('search', '--onlyvisible', '--name', name).split('\n').filter(Boolean);

/** Starts the stand-in server; `shown` fills with each Notify call as it comes. */
async function notificationServer() {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'notify-daemon.py');
  const child = spawn('/usr/bin/python3', [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const shown = [];
  let ready;
  const up = new Promise((r) => { ready = r; });
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (msg.ready) ready();
      else shown.push(msg);
    }
  });
  await up;
  return { shown, click: (id) => child.stdin.write(`click ${id}\n`), stop: () => child.kill() };
}

test('"Show it now" shows the reminder in Korean, and clicking it opens the quick window ready to type', async () => {
  const daemon = await notificationServer();
  const { s } = await rig.open({ lang: 'ko_KR.UTF-8' });
  try {
    await s.click('nav-settings');
    assert.equal(await s.prop('settings-reminder', 'checked'), false, 'off by default');
    assert.equal(await s.prop('settings-reminder-time', 'value'), '07:30', 'at half past seven unless changed');
    await s.exec(`document.querySelector('[data-testid="settings-reminder-test"]').scrollIntoView({ block: 'center' }); return true;`);
    await sleep(300);
    await screenshot('settings-reminder-ko');
    await s.click('settings-reminder-test');
    const note = await s.waitFor(async () => daemon.shown[0], { what: 'the notification request' });
    assert.equal(note.summary, '간밤의 꿈을 적어 두세요', 'the title in the UI language');
    assert.match(note.body, /빠른 해몽/);
    assert.equal(note.app, 'Haemong');
    assert.ok(note.actions.includes('default'), 'a click on it is reported back');
    assert.equal(visible('빠른 해몽').length, 0, 'the quick window is not up before the click');
    daemon.click(note.id);
    await s.waitFor(async () => visible('빠른 해몽').length === 1, { what: 'the quick window after the click' });
    await s.switchToPage('quick.html');
    await s.waitFor(async () => (await s.exec('return document.activeElement?.dataset.testid')) === 'quick-input',
      { what: 'the cursor in the dream field' });
  } finally {
    daemon.stop();
    await s.quit();
  }
});

test('turned on for the next minute, the reminder is shown on time, once', async () => {
  const daemon = await notificationServer();
  const { s } = await rig.open({ lang: 'en_US.UTF-8' });
  try {
    await s.click('nav-settings');
    // The first whole minute at least 20 s away: time to save it before it is due.
    const next = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
    const hhmm = `${String(next.getHours()).padStart(2, '0')}:${String(next.getMinutes()).padStart(2, '0')}`;
    await s.exec(`const t = document.querySelector('[data-testid="settings-reminder-time"]'); t.value = arguments[0];
      t.dispatchEvent(new Event('change', { bubbles: true })); return true;`, [hhmm]);
    await s.click('settings-reminder');
    await s.waitFor(async () => {
      const saved = await s.exec('return window.__TAURI__.core.invoke("settings_get")');
      return saved.reminderEnabled && saved.reminderTime === hhmm;
    }, { what: 'the reminder saved at once' });
    assert.equal(daemon.shown.length, 0, 'nothing before its time');
    await s.exec(`document.querySelector('[data-testid="settings-reminder-test"]').scrollIntoView({ block: 'center' }); return true;`);
    await sleep(300);
    await screenshot('settings-reminder-en');
    const note = await s.waitFor(async () => daemon.shown[0], { what: `the reminder at ${hhmm}`, timeout: 100_000 });
    const due = next;
    assert.ok(Date.now() >= due.getTime() - 1000, `not before ${hhmm}`);
    assert.ok(Date.now() <= due.getTime() + 35_000, `within the loop's 30 s look after ${hhmm}`);
    assert.equal(note.summary, "Write down last night's dream");
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(daemon.shown.length, 1, 'shown once');
  } finally {
    daemon.stop();
    await s.quit();
  }
});

// End to end: the quick window comes up on the global shortcut (sent with xdotool), streams an
// interpretation of pasted text, files both into the diary (the diary window's list updates at
// once), hides on Escape keeping its draft; a second launch hands over to the running app.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { openApp, screenshot } from './harness.js';
import { appRig, transcript, answerFollowUps, followUpAnswer } from './sse-server.js';

const rig = appRig();
after(() => rig.cleanup());

const xdotool = (...args) => { try { return execFileSync('xdotool', args, { encoding: 'utf8' }).trim(); } catch { return ''; } };
/** Visible X windows whose title matches `name` (a regex). */
const visible = (name) => xdotool('search', '--onlyvisible', '--name', name).split('\n').filter(Boolean);

const setup = (lang) => rig.open({ lang });


/** Makes the quick window current once its page has booted (its keys and buttons work). */
async function toQuick(s) {
  await s.switchToPage('quick.html');
  await s.waitFor(async () => (await s.exec('return document.body.dataset.ready')) === 'true', { what: 'the quick window to boot' });
}

/** Presses the global shortcut; the diary window (the only one that may ask) checks it is registered. */
async function pressShortcut(s) {
  await s.switchToPage('/');
  // Registered in the background once the window has painted: wait for it to settle.
  const status = await s.waitFor(async () => {
    const st = await s.exec('return window.__TAURI__.core.invoke("tray_shortcut_status")');
    return st.state !== 'pending' && st;
  }, { what: 'the shortcut registration' });
  assert.equal(status.state, 'active', `the global shortcut is registered (${JSON.stringify(status)})`);
  xdotool('key', '--clearmodifiers', 'ctrl+shift+space');
}

for (const [lang, name, dream] of [
  ['ko_KR.UTF-8', 'openai-ko', '돼지가 집으로 들어오는 꿈을 꾸었다.'],
  ['en_US.UTF-8', 'openai-en', 'I was flying over a city at night.'],
]) {
  test(`the shortcut opens the quick window, which streams ${name} byte-exact and files it into the diary with its thread`, async () => {
    const { server, s } = await rig.open({ lang, onRequest: answerFollowUps() });
    try {
      // Created hidden, the diary window is shown once its page starts (tray::main_window).
      await s.waitFor(async () => visible('^Haemong$').length === 1, { what: 'the diary window on screen at start' });
      const { expected } = transcript(name);
      await s.useServer(server.url, `transcript:${name}:80`);
      await pressShortcut(s);
      await toQuick(s);
      const title = lang.startsWith('ko') ? '빠른 해몽' : 'Quick interpret';
      await s.waitFor(async () => visible(title).length === 1, { what: 'the quick window on screen' });
      await s.waitFor(async () => (await s.exec('return document.activeElement?.dataset.testid')) === 'quick-input',
        { what: 'the cursor in the dream field' });
      await s.exec(`document.execCommand('insertText', false, arguments[0]);`, [dream]);
      await s.click('quick-run');
      const partial = await s.waitFor(async () => { const t = await s.prop('quick-output', 'textContent'); return t.length > 8 && t; }, { what: 'the first words' });
      assert.equal(await s.attr('quick-status', 'data-state'), 'streaming');
      assert.ok(expected.startsWith(partial), 'the beginning of the answer is shown while it streams');
      await screenshot(`quick-streaming-${lang.slice(0, 2)}`);
      await s.waitFor(async () => (await s.attr('quick-status', 'data-state')) === 'done', { what: 'the end', timeout: 20000 });
      assert.equal(await s.prop('quick-output', 'textContent'), expected, 'the quick window shows exactly the model text');
      assert.equal(server.requests.at(-1).body.messages[1].content, dream, 'the pasted text was interpreted, unsaved');

      // A follow-up in the quick window, about the unsaved dream.
      const question = lang.startsWith('ko') ? '태몽일까요?' : 'Could it be a conception dream?';
      await s.waitFor(async () => (await s.prop('quick-followup', 'hidden')) === false, { what: 'the question box' });
      await s.exec(`const i = document.querySelector('[data-testid="quick-followup-input"]'); i.focus();
        document.execCommand('insertText', false, arguments[0]); return true;`, [question]);
      await s.click('quick-followup-send');
      await s.waitFor(async () => (await s.exec(`return document.querySelector('[data-testid="quick-thread"] [data-role="assistant"]')?.dataset.state`)) === 'done',
        { what: 'the follow-up answer', timeout: 20000 });
      assert.equal(await s.exec(`return document.querySelector('[data-testid="quick-thread"] [data-role="assistant"] .message-text').textContent`),
        followUpAnswer(1), 'the answer streamed byte-exact into the quick thread');
      assert.equal(server.requests.at(-1).body.messages[1].content, dream, 'the follow-up carries the dream');
      await screenshot(`quick-thread-${lang.slice(0, 2)}`);

      await s.click('quick-save');
      await s.waitFor(async () => (await s.prop('quick-save', 'disabled')) === true && (await s.prop('quick-note', 'textContent')) !== '',
        { what: 'the filed note' });

      // The diary window learned about it without being touched.
      await s.switchToPage('/');
      const entry = await s.waitFor(async () => (await s.entries()).find((e) => e.text.includes(dream.slice(0, 10))),
        { what: 'the filed dream in the entry list' });
      const item = (await s.el('entry-item', { all: true }))[0];
      await s.clickEl(item);
      await s.waitFor(async () => (await s.prop('entry-body', 'value')) === dream, { what: 'the entry to open' });
      await s.waitFor(async () => (await s.exec(`return document.querySelector('[data-testid="interpret-history-item"] .history-text')?.textContent`)) === expected,
        { what: 'its interpretation in the history' });
      const thread = await s.exec(`return [...document.querySelectorAll('[data-testid="interpret-history-message"]')].map((m) => m.querySelector('.message-text').textContent)`);
      assert.deepEqual(thread, [question, followUpAnswer(1)], 'the thread was filed with the dream');
      assert.ok(entry.id > 0);
    } finally {
      await s.quit();
    }
  });
}

test('Escape hides the quick window, which keeps its draft, and a second launch hands over', async () => {
  const { driver, s } = await setup('en_US.UTF-8');
  try {
    await pressShortcut(s);
    await toQuick(s);
    await s.waitFor(async () => visible('Quick interpret').length === 1, { what: 'the quick window' });
    await s.exec(`document.querySelector('[data-testid="quick-input"]').focus(); document.execCommand('insertText', false, 'a draft to keep'); return true;`);
    await s.keys(['\uE00C']); // Escape
    await s.waitFor(async () => visible('Quick interpret').length === 0, { what: 'the quick window to hide' });
    await pressShortcut(s);
    await s.waitFor(async () => visible('Quick interpret').length === 1, { what: 'the quick window again' });
    await toQuick(s);
    assert.equal(await s.prop('quick-input', 'value'), 'a draft to keep', 'the draft survived hiding');

    // A second launch: exits at once and brings the running app's (hidden) diary window up.
    await s.switchToPage('/');
    const pid = Number(xdotool('search', '--name', '^Haemong$', 'getwindowpid'));
    await s.exec('return window.__TAURI__.core.invoke("tray_close_main", { quit: false }).then(() => true)');
    await s.waitFor(async () => visible('^Haemong$').length === 0, { what: 'the diary window to go to the tray' });
    const second = spawn(process.env.HAEMONG_BIN, [], {
      env: { ...process.env, XDG_DATA_HOME: join(driver.home, 'data'), XDG_CONFIG_HOME: join(driver.home, 'config') },
      stdio: 'ignore',
    });
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('still running'), 10000);
      second.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    if (code === 'still running') second.kill('SIGKILL');
    assert.equal(code, 0, 'the second launch exits by itself');
    assert.equal(Number(xdotool('search', '--name', '^Haemong$', 'getwindowpid')), pid, 'the first app is still the one running');
    await s.waitFor(async () => visible('^Haemong$').length === 1, { what: 'the diary window to be shown' });
    await s.waitFor(async () => xdotool('getwindowfocus', 'getwindowname') === 'Haemong', { what: 'the diary window to have the focus' });
  } finally {
    await s.quit();
  }
});

/** Another program holding a key combination: an X client that grabs it until killed. */
function grabKey(keysym, modNames) {
  const script = `
import sys, time
from Xlib import X, XK, display
d = display.Display()
mods = 0
for m in sys.argv[2].split(','):
    mods |= {'shift': X.ShiftMask, 'alt': X.Mod1Mask, 'ctrl': X.ControlMask}[m]
d.screen().root.grab_key(d.keysym_to_keycode(XK.string_to_keysym(sys.argv[1])), mods, True, X.GrabModeAsync, X.GrabModeAsync)
d.sync()
print('grabbed', flush=True)
while True: time.sleep(1)
`;
  // Debian's python3, which has python3-xlib (another python3 may come first on PATH).
  const child = spawn('/usr/bin/python3', ['-c', script, keysym, modNames], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve) => child.stdout.on('data', (d) => { if (String(d).includes('grabbed')) resolve(); }));
  return { child, ready };
}

test('the shortcut is chosen by pressing it; one taken by another program is reported', async () => {
  const { s } = await setup('en_US.UTF-8');
  const grab = grabKey('k', 'shift,alt');
  try {
    await grab.ready;
    await s.click('nav-settings');
    const status = () => s.attr('settings-shortcut-status', 'data-state');
    await s.waitFor(async () => (await status()) === 'active', { what: 'the default shortcut to be active' });
    assert.equal(await s.prop('settings-shortcut', 'value'), 'Ctrl+Shift+Space');

    await s.click('settings-shortcut');
    await s.keys(['\uE00A', '\uE008', 'd']); // Alt+Shift+D
    await s.waitFor(async () => (await s.prop('settings-shortcut', 'value')) === 'Alt+Shift+D', { what: 'the pressed chord' });
    await s.waitFor(async () => (await status()) === 'active', { what: 'the new shortcut to be registered' });
    assert.equal((await s.exec('return window.__TAURI__.core.invoke("settings_get")')).shortcut, 'Alt+Shift+D', 'saved at once');
    xdotool('key', '--clearmodifiers', 'alt+shift+d');
    await s.waitFor(async () => visible('Quick interpret').length === 1, { what: 'the new shortcut to open the quick window' });
    await toQuick(s);
    await s.exec(`document.querySelector('[data-testid="quick-input"]').focus(); return true;`);
    await s.keys(['\uE00C']); // Escape: out of the way of the settings
    await s.waitFor(async () => visible('Quick interpret').length === 0, { what: 'the quick window to hide' });
    await s.switchToPage('/');

    await s.click('settings-shortcut');
    await s.keys(['\uE00A', '\uE008', 'k']); // Alt+Shift+K, grabbed by the other program
    await s.waitFor(async () => (await status()) === 'taken', { what: 'the taken state' });
    assert.match(await s.prop('settings-shortcut-status', 'textContent'), /Alt\+Shift\+K is already used by another program/);
    await s.exec(`document.querySelector('[data-testid="settings-shortcut-status"]').scrollIntoView({ block: 'center' }); return true;`);
    await screenshot('settings-shortcut-taken-en');

    await s.click('settings-shortcut-reset');
    await s.waitFor(async () => (await status()) === 'active' && (await s.prop('settings-shortcut', 'value')) === 'Ctrl+Shift+Space',
      { what: 'the default again' });

    // A change made elsewhere (not through this form) reaches the view as an event, unasked.
    await s.exec(`const i = window.__TAURI__.core.invoke;
      i('settings_get').then((c) => i('settings_set', { settings: { ...c, shortcut: 'Alt+Shift+K' } })); return true;`);
    await s.waitFor(async () => (await status()) === 'taken' && /Alt\+Shift\+K/.test(await s.prop('settings-shortcut-status', 'textContent')),
      { what: 'the pushed status of a shortcut changed elsewhere' });
    await s.click('settings-shortcut-reset');
    await s.waitFor(async () => (await status()) === 'active', { what: 'the default once more' });
  } finally {
    grab.child.kill();
    await s.quit();
  }
});

test('the diary window opens where and as large as it was left', async () => {
  const { driver, s } = await setup('en_US.UTF-8');
  let again;
  try {
    await s.cmd('POST', '/window/rect', { width: 860, height: 600, x: 60, y: 30 });
    await s.waitFor(async () => (await s.cmd('GET', '/window/rect')).width === 860, { what: 'the resize' });
    await s.exec('window.__TAURI__.window.getCurrentWindow().close(); return true;');
    await s.waitFor(() => {
      try { execFileSync('pgrep', ['-f', '-x', process.env.HAEMONG_BIN]); return false; } catch { return true; }
    }, { what: 'the app to quit (no tray here)' });
    await s.quit();
    again = await openApp(driver);
    const rect = await again.cmd('GET', '/window/rect');
    assert.deepEqual(rect, { x: 60, y: 30, width: 860, height: 600 }, 'size and position restored');
  } finally {
    await again?.quit();
  }
});

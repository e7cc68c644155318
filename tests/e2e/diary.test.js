// End to end in the real window: a Korean entry survives a restart and a kill -9, search finds it,
// delete asks first, and both languages are captured on screen.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDriver, openApp, screenshot, sleep } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

const DIARY_IDS = ['nav-diary', 'nav-settings', 'entry-new', 'entry-date', 'entry-title', 'entry-body',
  'entry-save', 'entry-delete', 'entry-list', 'search-input', 'interpret-run', 'interpret-stop',
  'interpret-output', 'interpret-status', 'interpret-error', 'interpret-history', 'toast'];

const saved = (s) => s.waitFor(async () => (await s.exec(
  'return document.querySelector(".save-state").dataset.state')) === 'saved', { what: 'the autosave' });

test('a Korean entry is autosaved, survives a restart, is found by search and deleted after asking', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);

  for (const id of DIARY_IDS) {
    assert.equal(await s.exec('return !!document.querySelector(arguments[0])', [`[data-testid="${id}"]`]), true,
      `the diary view has [data-testid=${id}]`);
  }
  assert.equal(await s.prop('nav-diary', 'textContent'), 'Diary', 'an English system gets an English UI');
  assert.equal(await s.prop('entry-date', 'value'), await s.exec(
    'const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth()+1).padStart(2,"0")}-${String(d.getDate()).padStart(2,"0")}`'),
  'a new entry defaults to tonight');

  const body = '황금돼지꿈을 꾸었다. 큰 돼지가 대문으로 들어와 마당에 앉았다.\n두 번째 줄: 🐷 gold pig';
  await s.click('entry-new');
  await s.type('entry-title', '황금돼지꿈');
  // WebKitWebDriver types neither "\n" nor characters outside the BMP: Enter is the WebDriver key
  // U+E007, and the emoji goes in the way an emoji picker puts it, through insertText.
  const [line1, line2] = body.split('\n');
  await s.type('entry-body', `${line1}\uE007${line2.replace(' 🐷', '')}`);
  await s.exec(`const b = document.querySelector('[data-testid="entry-body"]');
    b.focus(); b.setSelectionRange(b.value.indexOf(' gold'), b.value.indexOf(' gold'));
    document.execCommand('insertText', false, ' 🐷');`);
  assert.equal(await s.prop('entry-body', 'value'), body, 'the text was typed as intended');
  await saved(s);
  let entries = await s.entries();
  assert.equal(entries.length, 1, 'the autosaved entry is listed');
  assert.match(entries[0].text, /황금돼지꿈/, 'the list shows the Korean title');
  await s.click('entry-body');
  await screenshot('diary-en');

  await s.quit();
  s = await openApp(driver);
  entries = await s.entries();
  assert.equal(entries.length, 1, 'the entry is still there after a restart');
  const [item] = await s.el('entry-item', { all: true });
  await s.clickEl(item);
  await s.waitFor(async () => (await s.prop('entry-body', 'value')) === body, { what: 'the entry to open' })
    .catch(async (e) => { throw new Error(`${e.message}: body is ${JSON.stringify(await s.prop('entry-body', 'value'))}`); });
  assert.equal(await s.prop('entry-title', 'value'), '황금돼지꿈', 'the title came back exactly');

  await s.type('search-input', '돼지');
  await s.waitFor(async () => (await s.entries()).length === 1, { what: 'search for 돼지' });
  await s.clear('search-input');
  await s.type('search-input', '호랑이');
  await s.waitFor(async () => (await s.entries()).length === 0, { what: 'search for 호랑이 to find nothing' });
  assert.match(await s.exec('return document.querySelector(".list-empty").textContent'), /호랑이/,
    'an empty search result says what was searched');
  await s.clear('search-input');
  await s.type('search-input', 'GOLD');
  await s.waitFor(async () => (await s.entries()).length === 1, { what: 'case-insensitive English search' });

  await s.click('entry-delete');
  await s.waitFor(() => s.exec('return document.querySelector("dialog[open]") !== null'), { what: 'the confirm dialog' });
  await s.click('confirm-no');
  await sleep(200);
  assert.equal((await s.entries()).length, 1, '"no" keeps the entry');
  await s.click('entry-delete');
  await s.waitFor(() => s.exec('return document.querySelector("dialog[open]") !== null'), { what: 'the confirm dialog' });
  await s.click('confirm-yes');
  await s.clear('search-input');
  await s.waitFor(async () => (await s.entries()).length === 0, { what: 'the entry to be deleted' });
  assert.equal(await s.prop('entry-body', 'value'), '', 'the editor is cleared after deleting');
  await s.quit();

  s = await openApp(driver);
  assert.equal((await s.entries()).length, 0, 'the deleted entry stays deleted after a restart');
  await s.quit();
});

test('the UI follows a Korean system and the language setting overrides it across restarts', async () => {
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  assert.equal(await s.prop('nav-diary', 'textContent'), '꿈 일기', 'a Korean system gets a Korean UI');
  await s.click('entry-new');
  await s.type('entry-title', '바다 위를 나는 꿈');
  await s.type('entry-body', '밤바다 위를 날아서 등대까지 갔다. 고래 두 마리가 따라왔다.');
  await saved(s);
  await s.click('entry-body');
  await screenshot('diary-ko');

  await s.click('nav-settings');
  await s.exec(`const sel = document.querySelector('[data-testid="settings-language"]');
    sel.value = 'en'; sel.dispatchEvent(new Event('change'));`);
  await s.waitFor(async () => (await s.prop('nav-diary', 'textContent')) === 'Diary', { what: 'English after choosing it' });
  await screenshot('settings-en');
  await sleep(300); // the setting is written in the background
  await s.quit();

  s = await openApp(driver);
  assert.equal(await s.prop('nav-diary', 'textContent'), 'Diary', 'the chosen language survives a restart');
  await s.click('nav-settings');
  await s.exec(`const sel = document.querySelector('[data-testid="settings-language"]');
    sel.value = 'system'; sel.dispatchEvent(new Event('change'));`);
  await s.waitFor(async () => (await s.prop('nav-diary', 'textContent')) === '꿈 일기', { what: 'back to the system language' });
  await screenshot('settings-ko');
  await s.quit();
});

test('text typed before a kill -9 is there after the next start', async () => {
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  await s.click('entry-new');
  await s.type('entry-body', '꿈에서 이가 빠졌다');
  // Wait about as long as a person pausing; the autosave fires ~1 s after the last keystroke.
  await saved(s);
  const pids = execFileSync('pgrep', ['-f', '-x', process.env.HAEMONG_BIN]).toString().trim().split('\n');
  for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
  await s.quit();

  s = await openApp(driver);
  const entries = await s.entries();
  assert.equal(entries.length, 1, 'the entry written before the crash is listed');
  assert.match(entries[0].text, /이가 빠졌다/, 'with its text');
  await s.quit();
});

test('closing the window saves what was typed a moment before', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  await s.click('entry-new');
  await s.type('entry-body', 'Typed and closed at once');
  // Well inside the one-second autosave delay: only the close handler can save this.
  assert.equal(await s.exec('return document.querySelector(".save-state").dataset.state'), 'unsaved',
    'nothing was saved yet when the window is closed');
  await s.exec('window.__TAURI__.window.getCurrentWindow().close(); return true;');
  await s.waitFor(() => {
    try { execFileSync('pgrep', ['-f', '-x', process.env.HAEMONG_BIN]); return false; } catch { return true; }
  }, { what: 'the app to exit after closing its window' });
  await s.quit();

  s = await openApp(driver);
  const entries = await s.entries();
  assert.equal(entries.length, 1, 'the entry typed just before closing was saved');
  assert.match(entries[0].text, /Typed and closed at once/);
  await s.quit();
});

test('the diary is usable from the keyboard alone', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  const s = await openApp(driver);
  const CTRL = '\uE009';
  const active = () => s.exec('return document.activeElement?.dataset.testid ?? null');

  await s.keys([CTRL, 'n']);
  await s.waitFor(async () => (await active()) === 'entry-body', { what: 'Ctrl+N to focus the dream text' });
  await s.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'kbd2', actions: [...'Keyboard dream'].flatMap((c) => [{ type: 'keyDown', value: c }, { type: 'keyUp', value: c }]) }] });
  await s.keys([CTRL, 's']);
  await s.waitFor(async () => (await s.prop('toast', 'textContent')).includes('Saved.'), { what: 'Ctrl+S to save and say so' });
  assert.equal((await s.entries()).length, 1, 'the entry is listed after Ctrl+S');

  await s.keys([CTRL, 'f']);
  await s.waitFor(async () => (await active()) === 'search-input', { what: 'Ctrl+F to focus search' });

  await s.click('entry-new');
  await s.keys([CTRL, 's']);
  await s.waitFor(async () => (await s.prop('toast', 'textContent')).includes('Nothing to save'),
    { what: 'saving an empty entry to explain instead of failing' });
  assert.equal((await s.entries()).length, 1, 'no empty entry was created');
  await s.quit();
});

test('a damaged diary file is moved aside, a fresh diary opens, and the user is told where the old one is', async () => {
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  const dir = join(driver.dataDir, 'app.haemong.diary');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'diary.sqlite3'), 'not a database, just the memory of one '.repeat(100));
  const s = await openApp(driver);
  await s.waitFor(async () => (await s.prop('toast', 'textContent')).includes('.broken-'), { what: 'the recovery notice' });
  const aside = readdirSync(dir).filter((f) => f.startsWith('diary.sqlite3.broken-'));
  assert.equal(aside.length, 1, 'the damaged file was kept beside the new one');
  assert.match(await s.prop('toast', 'textContent'), /일기 파일을 읽을 수 없어/, 'the notice is in Korean');
  assert.ok((await s.prop('toast', 'textContent')).includes(join(dir, aside[0])), 'the notice names the kept file');
  await screenshot('recovered-ko');
  await s.click('entry-new');
  await s.type('entry-body', '새 일기에 쓴 첫 꿈');
  await saved(s);
  assert.equal((await s.entries()).length, 1, 'the fresh diary takes entries');
  await s.quit();
});

test('a 100,000-character dream is saved and shown whole after a restart', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  await s.click('entry-new');
  // Pasted, as a person would bring in a long text: one input event with the whole value.
  const length = await s.exec(`const b = document.querySelector('[data-testid="entry-body"]');
    b.value = '끝없는 복도를 걸었다 — an endless corridor. '.repeat(4000).slice(0, 100000);
    b.dispatchEvent(new Event('input', { bubbles: true }));
    return b.value.length;`);
  assert.equal(length, 100000, 'the textarea took all 100,000 characters');
  await saved(s);
  await s.quit();

  s = await openApp(driver);
  const [item] = await s.el('entry-item', { all: true });
  await s.clickEl(item);
  await s.waitFor(async () => (await s.exec(
    'return document.querySelector(\'[data-testid="entry-body"]\').value.length')) === 100000,
  { what: 'the long entry to come back whole' });
  assert.equal(await s.exec(`return document.querySelector('[data-testid="entry-body"]').value
    === '끝없는 복도를 걸었다 — an endless corridor. '.repeat(4000).slice(0, 100000)`), true, 'every character is the same');
  await s.quit();
});

// End to end in the real window: the first paint (the backend's, before any module has loaded)
// shows the newest dreams in the system's language, with the remembered sidebar width, exactly
// as the modules then render them; a remembered filter leaves the first paint to the modules.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDriver, openApp, sleep, filesHolding } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

const create = (s, input) => s.exec(`return window.__TAURI__.core.invoke('diary_create', { input: arguments[0] })
  .then((e) => e.id)`, [input]);
// What first-paint.js saw at the first paint, and the same look taken now (its `snapshot`), with
// the list's markup to read.
const firstPaint = (s) => s.exec('return window.__haemongFirstPaint?.painted ?? null');
const now = (s) => s.exec(`return { ...window.__haemongFirstPaint.snapshot(),
  html: document.querySelector('[data-testid="entry-list"]').innerHTML }`);

for (const [lang, tabs, night] of [
  ['ko_KR.UTF-8', ['꿈', '일기', '돌아보기', '설정'], '2026년 3월 4일 (수)'],
  ['en_US.UTF-8', ['Diary', 'Insights', 'Settings'], 'Wed, Mar 4, 2026'],
]) {
  test(`the first paint (${lang}) is the newest dreams as the modules render them, before they load`, async () => {
    const driver = await startDriver({ lang });
    drivers.push(driver);
    let s = await openApp(driver);
    try {
      await create(s, { night: '2026-03-04', title: '', body: '돼지가 <집>에 들어왔다 & 앉았다\n둘째 줄', tags: ['돼지', 'gold', '집', 'luck'], flags: { lucid: true, nightmare: false, recurring: true, vivid: false }, mood: 'joy' });
      const canary = `first-paint-canary-${process.pid}-${Date.now()}`;
      const opened = await create(s, { night: '2026-03-03', title: 'Falling "again"', body: `I fell from a tower. ${canary}` });
      await create(s, { night: '2026-03-02', title: 'Only a title', body: '' });
      // Made through the command, not the editor: a restart lists them.
      await s.quit();
      s = await openApp(driver);
      await s.exec(`document.querySelector('[data-testid="entry-list"] [data-entry-id="${opened}"]').click(); return true;`);
      // A wider sidebar, by keyboard on the resizer (remembered through the UI state store).
      await s.waitFor(async () => (await s.exec('return document.querySelector(".entry-item[aria-current]")?.dataset.entryId ?? null')) === String(opened),
        { what: 'the entry to open' });
      await s.exec(`const r = document.querySelector('[data-testid="pane-resizer"]');
        for (let i = 0; i < 4; i++) r.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
        return true;`);
      const wide = (await now(s)).sidebar;
      await sleep(600); // the store saves 400 ms after the last change
      await s.quit();

      s = await openApp(driver);
      const first = await firstPaint(s);
      assert.ok(first, 'the backend filled the list in, and first-paint.js reported the paint');
      assert.equal(await s.exec('return document.body.dataset.painted ?? null'), 'true', 'the window said it painted before the modules ran');
      const later = await now(s);
      assert.equal(first.lang, lang.slice(0, 2), 'the first paint is in the system language');
      assert.deepEqual(first.tabs, tabs, 'the top bar is translated in the first paint');
      assert.equal(first.sidebar, wide, 'the first paint has the remembered sidebar width');
      assert.equal(later.sidebar, wide, 'the modules keep that width');
      assert.equal(first.items, 3, 'all three dreams are in the first paint');
      assert.equal(first.list, later.list, 'the modules render exactly what the first paint showed (no flicker, no jump)');
      assert.match(later.html, new RegExp(night.replace(/[()]/g, '\\$&')), 'the night is written as Intl writes it');
      assert.match(later.html, /&lt;집&gt;/, 'the dream text is escaped, never markup');
      assert.match(later.html, new RegExp(canary), 'the canary was in the list the backend served');
      assert.match(later.html, new RegExp(`data-entry-id="${opened}" aria-current="true"`), 'the entry open last time is marked');
      assert.equal(first.more, false, 'fewer than a page: no "show older dreams" in the first paint');
      await s.quit();
      await sleep(500);
      assert.deepEqual(filesHolding(driver.home, canary), [], 'the served page left the dream in no file (WebKit caches included)');
    } finally {
      await s.quit(); // the app is single-instance: one left running would swallow the next test's
    }
  });
}

test('a remembered filter leaves the first paint to the modules, which show the filtered list', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  try {
    await create(s, { night: '2026-03-04', title: 'Lucid one', body: 'I knew I was dreaming.', flags: { lucid: true, nightmare: false, recurring: false, vivid: false } });
    await create(s, { night: '2026-03-05', title: 'Plain one', body: 'A bus.' });
    await s.quit();
    s = await openApp(driver);
    await s.exec(`const f = document.querySelector('[data-testid="filter-flag"]'); f.value = 'lucid';
      f.dispatchEvent(new Event('change', { bubbles: true })); return true;`);
    await s.waitFor(async () => (await s.entries()).length === 1, { what: 'the filter' });
    await sleep(600);
    await s.quit();

    s = await openApp(driver);
    assert.equal(await firstPaint(s), null, 'no backend-filled list when a filter is remembered');
    const entries = await s.entries();
    assert.deepEqual(entries.map((e) => e.text.includes('Lucid one')), [true], 'only the lucid dream is listed, as filtered');
  } finally {
    await s.quit();
  }
});

test('an empty diary paints its message at once, and a long one its first page with "show older dreams"', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  try {
    let first = await firstPaint(s);
    let later = await now(s);
    assert.ok(first, 'a new, empty diary gets the backend-painted list too');
    assert.equal(first.items, 0, 'no entries in it');
    assert.match(first.empty ?? '', /^No dreams yet/, 'the empty diary says so in the first paint');
    assert.equal(first.empty, later.empty, 'the same message the modules show');

    await s.exec(`const add = (i) => window.__TAURI__.core.invoke('diary_create', { input: {
        night: '2026-01-' + String(1 + (i % 28)).padStart(2, '0'), title: i % 2 ? '' : 'Dream ' + i, body: 'A long diary, dream ' + i } });
      return Array.from({ length: 105 }, (_, i) => i).reduce((p, i) => p.then(() => add(i)), Promise.resolve()).then(() => true);`);
    await s.quit();
    s = await openApp(driver);
    first = await firstPaint(s);
    later = await now(s);
    assert.equal(first.items, 100, 'the first paint holds the list\'s first page');
    assert.equal(first.more, true, 'and offers older dreams, as the modules do');
    assert.equal(later.more, true, 'the modules offer them too');
    assert.equal(first.empty, null, 'no empty message over a full list');
    assert.equal(first.list, later.list, 'the modules render exactly what the first paint showed');
  } finally {
    await s.quit();
  }
});

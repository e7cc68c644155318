// End to end in the real window, for a diary that knows dreams: tags, flags, mood and sleep are
// set the way a person does, autosaved, and survive a restart and a kill -9; the list filters by
// each; symbol chips for a Korean and an English dream open their readings; the insights view counts
// a known set of dreams, in both languages; the UI remembers its filters and last entry.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDriver, openApp, screenshot, sleep, appPid } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

const saved = (s) => s.waitFor(async () => (await s.exec(
  'return document.querySelector(".save-state").dataset.state')) === 'saved', { what: 'the autosave' });
const details = (s) => s.exec(`return {
  tags: [...document.querySelectorAll('[data-testid="entry-tag"]')].map((e) => e.dataset.tag),
  flags: Object.fromEntries(['lucid', 'nightmare', 'recurring', 'vivid'].map((f) =>
    [f, document.querySelector('[data-testid="entry-flag-' + f + '"]').getAttribute('aria-pressed')])),
  mood: document.querySelector('[data-testid="entry-mood"]').value,
  sleep: document.querySelector('[data-testid="entry-sleep"]').value,
  body: document.querySelector('[data-testid="entry-body"]').value };`);
const select = (s, testid, value) => s.exec(`const e = document.querySelector('[data-testid="${testid}"]');
  e.value = arguments[0]; e.dispatchEvent(new Event('change', { bubbles: true })); return true;`, [value]);
/** Creates entries the way the UI's own calls do (fast set-up for the list and insights tests). */
const create = (s, input) => s.exec('return window.__TAURI__.core.invoke("diary_create", { input: arguments[0] })', [input]);


test('tags, flags, mood and sleep are set by hand, autosaved, and survive a restart and a kill -9', async () => {
  const driver = await startDriver({ lang: 'ko_KR.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  for (const id of ['entry-tags', 'entry-flag-lucid', 'entry-flag-nightmare', 'entry-flag-recurring', 'entry-flag-vivid',
    'entry-mood', 'entry-sleep', 'entry-symbols', 'filter-tag', 'filter-flag', 'filter-mood', 'nav-insights']) {
    assert.ok(await s.exec('return !!document.querySelector(arguments[0])', [`[data-testid="${id}"]`]), `[data-testid=${id}] exists`);
  }
  await s.writeDream('뱀에게 쫓기다가 하늘을 날았다. 무서웠지만 날아서 도망쳤다.');
  // Tags the way a person types them: Enter, then a comma, then one more left in the field.
  await s.click('entry-tag-input');
  await s.type('entry-tag-input', '악몽\uE007');
  await s.type('entry-tag-input', '#Flying,');
  await s.type('entry-tag-input', '뱀');
  await s.exec(`const i = document.querySelector('[data-testid="entry-tag-input"]');
    i.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true })); return true;`);
  assert.equal(await s.prop('entry-tag-input', 'value'), '뱀', 'an Enter that ends a Korean syllable adds no tag');
  await s.type('entry-tag-input', '\uE007');
  assert.deepEqual((await details(s)).tags, ['악몽', 'flying', '뱀'], 'tags normalised, in order');
  await s.click('entry-flag-nightmare');
  await s.click('entry-flag-vivid');
  await select(s, 'entry-mood', 'fear');
  await select(s, 'entry-sleep', '2');
  await saved(s);
  const want = { tags: ['악몽', 'flying', '뱀'], flags: { lucid: 'false', nightmare: 'true', recurring: 'false', vivid: 'true' },
    mood: 'fear', sleep: '2', body: '뱀에게 쫓기다가 하늘을 날았다. 무서웠지만 날아서 도망쳤다.' };
  assert.deepEqual(await details(s), want);
  const item = await s.exec('return document.querySelector(\'[data-testid="entry-item"] .marks\')?.textContent');
  assert.match(item, /☾.*◉.*😨.*#악몽/, 'the list item shows the flags, the mood and the tags');
  await screenshot('depth-editor-ko');

  // Backspace in the empty tag field takes the last tag off; a click on × another.
  await s.click('entry-tag-input');
  await s.type('entry-tag-input', '\uE003');
  await s.clickEl((await s.el('entry-tag-remove', { all: true }))[0]);
  assert.deepEqual((await details(s)).tags, ['flying']);
  await s.type('entry-tag-input', '뱀\uE007');
  await s.type('entry-tag-input', '악몽\uE007');
  await saved(s);
  want.tags = ['flying', '뱀', '악몽'];

  await s.quit();
  s = await openApp(driver);
  assert.deepEqual(await s.waitFor(async () => { const d = await details(s); return d.body && d; }, { what: 'the last entry reopened' }),
    want, 'the restart reopens the last entry with everything in it');

  // kill -9 right after the autosave: what was saved is there.
  await s.click('entry-flag-lucid');
  await saved(s);
  const pid = appPid(driver.home);
  assert.ok(pid, 'the app process is found');
  process.kill(pid, 'SIGKILL');
  await s.quit();
  s = await openApp(driver);
  const after = await s.waitFor(async () => { const d = await details(s); return d.body && d; }, { what: 'the entry after kill -9' });
  assert.equal(after.flags.lucid, 'true', 'the lucid flag saved before the kill survives it');
  assert.deepEqual(after.tags, want.tags);
  await s.quit();
});

test('the list filters by tag, flag, mood and range, combined with the search', async () => {
  const driver = await startDriver({ lang: 'en_US.UTF-8' });
  drivers.push(driver);
  let s = await openApp(driver);
  const a = await create(s, { night: '2026-03-01', body: 'A snake chased me', tags: ['snake'], flags: { nightmare: true }, mood: 'fear' });
  const b = await create(s, { night: '2026-03-05', body: 'Flying over the sea', tags: ['flying'], flags: { lucid: true }, mood: 'joy' });
  const c = await create(s, { night: '2026-04-02', body: 'Another snake, calmer', tags: ['snake'], mood: 'calm' });
  await s.reload();
  await s.waitFor(() => s.exec('return document.querySelectorAll(\'[data-testid="entry-item"]\').length === 3'), { what: 'the list' });
  const ids = async () => (await s.entries()).map((e) => e.id);
  const waitIds = (want, what) => s.waitFor(async () => JSON.stringify(await ids()) === JSON.stringify(want), { what });
  // The tag list is filled when the filter is opened, as a person opens it.
  await s.exec('document.querySelector(\'[data-testid="filter-tag"]\').focus(); return true;');
  await s.waitFor(() => s.exec('return document.querySelectorAll(\'[data-testid="filter-tag"] option\').length >= 3'), { what: 'the tags in the filter' });
  await select(s, 'filter-tag', 'snake');
  await waitIds([c.id, a.id], 'the snake-tagged dreams');
  await select(s, 'filter-mood', 'fear');
  await waitIds([a.id], 'snake and fear');
  await s.click('filter-clear');
  await waitIds([c.id, b.id, a.id], 'all again');
  await select(s, 'filter-flag', 'lucid');
  await waitIds([b.id], 'lucid');
  await select(s, 'filter-flag', '');
  await select(s, 'filter-from', '2026-03-02');
  await select(s, 'filter-to', '2026-03-31');
  await waitIds([b.id], 'the range');
  await select(s, 'filter-from', '');
  await select(s, 'filter-to', '');
  await s.type('search-input', 'snake');
  await waitIds([c.id, a.id], 'the search');
  await select(s, 'filter-mood', 'calm');
  await waitIds([c.id], 'the search and a mood together');
  await screenshot('depth-filters-en');
  // Remembered across a restart (tauri-plugin-store): the filter comes back; the search words do
  // not (they are the dreams' own words, and ui-state.json is not encrypted).
  await sleep(700);
  await s.quit();
  s = await openApp(driver);
  await waitIds([c.id], 'the remembered filter');
  assert.equal(await s.prop('filter-mood', 'value'), 'calm');
  assert.equal(await s.prop('search-input', 'value'), '', 'the search is not written to disk');
  const uiState = readFileSync(join(driver.dataDir, 'app.haemong.diary', 'ui-state.json'), 'utf8');
  assert.ok(uiState.includes('calm') && !uiState.includes('snake'), `ui-state.json keeps the filter, not the search: ${uiState}`);
  await s.quit();
});

for (const [lang, text, want] of [
  ['ko_KR.UTF-8', '돼지가 집으로 들어왔고 이가 빠지는 꿈도 꿨다. 사용했던 물건은 없었다.', ['pig', 'house', 'teeth']],
  ['en_US.UTF-8', 'Snakes were chasing me and my teeth fell out. Then I was flying.', ['snake', 'chased', 'teeth', 'falling', 'flying']],
]) {
  test(`symbol chips for a ${lang.slice(0, 2)} dream open their readings`, async () => {
    const driver = await startDriver({ lang });
    drivers.push(driver);
    const s = await openApp(driver);
    await s.writeDream(text);
    const chips = await s.waitFor(async () => {
      const got = await s.exec('return [...document.querySelectorAll(\'[data-testid="symbol-chip"]\')].map((c) => c.dataset.symbol)');
      return got.length >= want.length && got;
    }, { what: 'the symbol chips' });
    assert.deepEqual(chips, want, 'the symbols, in the order they appear; no false hits (사용, 물건)');
    await s.clickEl((await s.el('symbol-chip', { all: true }))[0]);
    await s.waitFor(async () => !(await s.prop('symbol-card', 'hidden')), { what: 'the card' });
    const card = await s.exec(`const c = document.querySelector('[data-testid="symbol-card"]');
      return { t: c.querySelector('.symbol-traditional').textContent, p: c.querySelector('.symbol-psychological').textContent };`);
    assert.ok(card.t.length > 10 && card.p.length > 10, 'both readings are shown');
    assert.equal(/[가-힣]/.test(card.t), lang.startsWith('ko'), 'in the UI language');
    await screenshot(`depth-symbols-${lang.slice(0, 2)}`);
    await s.quit();
  });
}

for (const [lang, theme] of [['ko_KR.UTF-8', 'light'], ['en_US.UTF-8', 'dark']]) {
  test(`the insights view counts a known set of dreams (${lang.slice(0, 2)}, ${theme})`, async () => {
    const driver = await startDriver({ lang });
    drivers.push(driver);
    const s = await openApp(driver);
    await s.exec(`return window.__TAURI__.core.invoke('settings_get').then((cur) =>
      window.__TAURI__.core.invoke('settings_set', { settings: { ...cur, theme: arguments[0] } }))`, [theme]);
    const today = await s.exec('const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth()+1).padStart(2,"0")}-${String(d.getDate()).padStart(2,"0")}`');
    const day = (n) => { const d = new Date(`${today}T00:00:00Z`); d.setUTCDate(d.getUTCDate() - n); return d.toISOString().slice(0, 10); };
    for (const [n, body, tags, flags, mood] of [
      [0, '뱀이 나왔다', ['뱀'], { nightmare: true }, 'fear'],
      [1, '뱀과 돼지', ['뱀', '재물'], {}, 'joy'],
      [1, '하늘을 날았다', [], { lucid: true }, 'joy'],
      [2, 'a snake again', ['뱀'], { nightmare: true }, null],
      [10, '돼지꿈', ['재물'], {}, 'calm'],
    ]) await create(s, { night: day(n), body, tags, flags, mood });
    await s.reload();
    await s.waitFor(() => s.exec('return document.querySelectorAll(\'[data-testid="entry-item"]\').length === 5'), { what: 'the list' });
    await s.click('nav-insights');
    const cell = (night) => s.exec(`const c = document.querySelector('[data-testid="insights-day"][data-date="${night}"]'); return c && Number(c.dataset.count);`);
    await s.waitFor(async () => (await cell(day(1))) === 2, { what: 'the heatmap' });
    assert.deepEqual([await cell(day(0)), await cell(day(1)), await cell(day(2)), await cell(day(3)), await cell(day(10))], [1, 2, 1, 0, 1]);
    assert.equal(await s.exec('return document.querySelectorAll(\'[data-testid="insights-day"]\').length'), 365, 'a year of nights');
    assert.equal(await s.attr('insights-streak', 'data-current'), '3', 'three nights in a row up to today');
    assert.equal(await s.attr('insights-streak', 'data-longest'), '3');
    const symbols = await s.exec('return [...document.querySelectorAll(\'[data-testid="insights-symbol"]\')].map((e) => [e.dataset.symbol, Number(e.dataset.count)])');
    assert.deepEqual(symbols.slice(0, 2), [['snake', 3], ['pig', 2]], 'dreams per symbol');
    assert.deepEqual(await s.exec('return [...document.querySelectorAll(\'[data-testid="insights-recurring-symbol"]\')].map((e) => e.dataset.symbol)'), ['snake']);
    assert.deepEqual(await s.exec('return [...document.querySelectorAll(\'[data-testid="insights-tag"]\')].map((e) => [e.dataset.tag, Number(e.dataset.count)])'), [['뱀', 3], ['재물', 2]]);
    assert.match(await s.prop('insights-streak', 'textContent'), lang.startsWith('ko') ? /연속/ : /streak/);
    await screenshot(`insights-${lang.slice(0, 2)}-${theme}`);
    // A symbol filters the diary by it.
    await s.exec('document.querySelector(\'[data-testid="insights-symbol"][data-symbol="pig"]\').click(); return true;');
    await s.waitFor(async () => !(await s.exec('return document.getElementById("view-diary").hidden')), { what: 'the diary' });
    await s.waitFor(async () => (await s.entries()).length === 2, { what: 'the dreams with a pig' });
    await s.quit();
  });
}

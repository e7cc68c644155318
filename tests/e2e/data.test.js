// End to end: Settings → Data in the real window. Export to JSON and to a Markdown folder, back up,
// restore (after the app's own confirmation), import another journal's export and a file that is
// not one. The native file dialog is answered through HAEMONG_TEST_PICKS (WebDriver cannot reach
// GTK's dialog): the file whose first line is the place "chosen" next.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDriver, openApp, screenshot, sleep } from './harness.js';

const drivers = [];
after(() => drivers.forEach((d) => d.stop()));

const saved = (s) => s.waitFor(async () => (await s.exec(
  'return document.querySelector(".save-state").dataset.state')) === 'saved', { what: 'the autosave' });

async function dataJob(s, button, what) {
  await s.click(button);
  const state = await s.waitFor(async () => {
    const st = await s.attr('data-progress', 'data-state');
    return st === 'done' || st === 'error' ? st : null;
  }, { what, timeout: 20000 });
  return { state, result: await s.prop('data-result', 'textContent') };
}

for (const { lang, code } of [{ lang: 'en_US.UTF-8', code: 'en' }, { lang: 'ko_KR.UTF-8', code: 'ko' }]) {
  test(`Settings → Data exports, backs up, restores and imports (${code})`, async () => {
    const picks = join(await import('node:os').then((os) => os.tmpdir()), `haemong-picks-${process.pid}-${code}`);
    writeFileSync(picks, '');
    const driver = await startDriver({ lang, env: { HAEMONG_TEST_PICKS: picks } });
    drivers.push(driver);
    const pick = (path) => writeFileSync(picks, `${path}\n`);
    const s = await openApp(driver);
    try {
      await s.writeDream('돼지가 집으로 들어왔다 🐷');
      await saved(s);
      await s.writeDream('A snake in the garden');
      await saved(s);
      await s.click('nav-settings');
      await s.waitFor(() => s.exec('return !document.querySelector(\'[data-testid="data-backups"]\').closest("[hidden]")'),
        { what: 'the settings view' });

      // Export to JSON: the file the dialog chose holds both dreams.
      const json = join(driver.home, 'export.json');
      pick(json);
      let r = await dataJob(s, 'data-export-json', 'the JSON export');
      assert.equal(r.state, 'done', `the export finished: ${r.result}`);
      assert.match(r.result, /2/, 'it says how many dreams');
      const doc = JSON.parse(readFileSync(json, 'utf8'));
      assert.equal(doc.format, 'haemong');
      assert.equal(doc.entries.length, 2, 'both dreams in the file');

      // Export as Markdown: one note per dream, in a new folder inside the chosen one.
      const folder = join(driver.home, 'notes');
      mkdirSync(folder);
      pick(folder);
      r = await dataJob(s, 'data-export-markdown', 'the Markdown export');
      assert.equal(r.state, 'done', r.result);
      const made = readdirSync(folder);
      assert.equal(made.length, 1, `one new folder: ${made}`);
      assert.match(made[0], /^Haemong \d{4}-\d{2}-\d{2}$/);
      assert.equal(readdirSync(join(folder, made[0])).filter((f) => f.endsWith('.md')).length, 2, 'two notes');

      // Back up now: listed with its count.
      r = await dataJob(s, 'data-backup-now', 'the backup');
      assert.equal(r.state, 'done', r.result);
      const items = await s.waitFor(async () => {
        const got = await s.exec(`return [...document.querySelectorAll('[data-testid="data-backup-item"]')]
          .map((e) => ({ name: e.dataset.name, entries: e.dataset.entries }))`);
        return got.length ? got : null;
      }, { what: 'the backup in the list' });
      assert.equal(items.length, 1);
      assert.equal(items[0].entries, '2', 'the backup holds two dreams');
      assert.ok(existsSync(join(driver.dataDir, 'app.haemong.diary', 'backups', items[0].name)), 'in the backups folder');
      screenshot(`data-settings-${code}`);

      // A third dream, then restore: the app asks first; the diary is the backup again.
      await s.click('nav-diary');
      await s.writeDream('written after the backup');
      await saved(s);
      await s.click('nav-settings');
      await s.click('data-restore');
      await s.waitFor(() => s.exec('return document.querySelector(\'[data-testid="confirm-dialog"]\').open'), { what: 'the confirmation' });
      await sleep(300); // painted
      screenshot(`data-restore-confirm-${code}`);
      r = await dataJob(s, 'confirm-yes', 'the restore');
      assert.equal(r.state, 'done', r.result);
      const aside = readdirSync(join(driver.dataDir, 'app.haemong.diary', 'backups')).filter((f) => f.startsWith('before-restore-'));
      assert.equal(aside.length, 1, 'the diary as it was is kept aside');
      const undo = await s.waitFor(async () => {
        const got = await s.exec(`return [...document.querySelectorAll('[data-testid="data-backup-item"]')]
          .map((e) => ({ kind: e.dataset.kind, entries: e.dataset.entries }))`);
        return got.find((b) => b.kind === 'beforeRestore') ?? null;
      }, { what: 'the copy from before the restore in the list' });
      assert.equal(undo.entries, '3', 'listed with the three dreams it holds, so the restore can be undone');
      await s.click('nav-diary');
      await s.waitFor(async () => (await s.entries()).length === 2, { what: 'the list showing the restored diary' });
      assert.ok(!(await s.entries()).some((e) => e.text.includes('written after the backup')), 'the later dream is gone from the diary');

      // Import another journal (jrnl's JSON): its dream comes in; importing it again adds nothing.
      await s.click('nav-settings');
      const jrnl = join(driver.home, 'jrnl.json');
      writeFileSync(jrnl, JSON.stringify({ tags: {}, entries: [
        { title: '시험 꿈', body: '시험에 늦었다.', date: '2022-03-04', time: '06:45', tags: ['@recurring'], starred: false },
      ] }));
      pick(jrnl);
      r = await dataJob(s, 'data-import', 'the jrnl import');
      assert.equal(r.state, 'done', r.result);
      assert.match(r.result, /1/, `one added: ${r.result}`);
      r = await dataJob(s, 'data-import', 'the same import again');
      assert.equal(r.state, 'done', r.result);
      assert.match(r.result, code === 'en' ? /^0 dreams added; 1 were already/ : /^꿈 0개를 가져왔어요. 1개는 이미/, r.result);

      // A file that is no journal: refused with a translated reason; nothing changes.
      const junk = join(driver.home, 'junk.json');
      writeFileSync(junk, '{ "entries": [ { "nope": 1 } ] }');
      pick(junk);
      r = await dataJob(s, 'data-import', 'the refused import');
      assert.equal(r.state, 'error', 'refused');
      assert.match(r.result, code === 'en' ? /not a Haemong, Day One or jrnl export/ : /해몽, Day One, jrnl 내보내기 파일이 아니에요/, r.result);
      screenshot(`data-refused-${code}`);

      // A closed dialog leaves no trace.
      pick('');
      await s.click('data-export-json');
      await s.waitFor(async () => (await s.attr('data-progress', 'data-state')) === 'idle', { what: 'nothing running' });
      await s.click('nav-diary');
      await s.waitFor(async () => (await s.entries()).some((e) => e.text.includes('시험 꿈')), { what: 'the imported dream listed' });
    } finally {
      await s.quit();
    }
  });

  test(`an export sealed with a passphrase opens in another diary with it only (${code})`, async () => {
    const picks = join(await import('node:os').then((os) => os.tmpdir()), `haemong-picks-sealed-${process.pid}-${code}`);
    const pick = (path) => writeFileSync(picks, `${path}\n`);
    writeFileSync(picks, '');
    const passphrase = code === 'ko' ? '봉인된 꿈 9' : 'sealed dream 9';
    const canary = `age-canary-${code}-${Date.now()}`;
    const dialogOpen = (s) => s.exec('return document.querySelector(\'[data-testid="data-passphrase-dialog"]\').open');
    const first = await startDriver({ lang, env: { HAEMONG_TEST_PICKS: picks } });
    drivers.push(first);
    const sealed = join(first.home, 'diary.json.age');
    let s = await openApp(first);
    try {
      await s.writeDream(`A letter sealed in wax: ${canary}`);
      await saved(s);
      await s.click('nav-settings');
      await s.waitFor(() => s.exec('return !document.querySelector(\'[data-testid="data-backups"]\').closest("[hidden]")'), { what: 'the settings view' });
      await s.click('data-export-encrypt');
      pick(sealed);
      await s.click('data-export-json');
      await s.waitFor(() => dialogOpen(s), { what: 'the passphrase asked for' });
      await s.type('data-passphrase', passphrase);
      await s.type('data-passphrase-again', `${passphrase}!`);
      await s.click('data-passphrase-ok');
      assert.equal(await s.prop('data-passphrase-error', 'hidden'), false, 'two different passphrases are told');
      await s.clear('data-passphrase-again');
      await s.type('data-passphrase-again', passphrase);
      await sleep(200);
      screenshot(`data-seal-${code}`);
      await s.click('data-passphrase-ok');
      const state = await s.waitFor(async () => {
        const st = await s.attr('data-progress', 'data-state');
        return st === 'done' || st === 'error' ? st : null;
      }, { what: 'the sealed export', timeout: 20000 });
      assert.equal(state, 'done', await s.prop('data-result', 'textContent'));
    } finally {
      await s.quit();
    }
    const bytes = readFileSync(sealed);
    assert.equal(bytes.subarray(0, 22).toString(), 'age-encryption.org/v1\n', 'an age file');
    assert.ok(!bytes.includes(canary), 'the dream is not readable in it');

    const second = await startDriver({ lang, env: { HAEMONG_TEST_PICKS: picks } });
    drivers.push(second);
    s = await openApp(second);
    try {
      await s.click('nav-settings');
      await s.waitFor(() => s.exec('return !document.querySelector(\'[data-testid="data-backups"]\').closest("[hidden]")'), { what: 'the settings view' });
      pick(sealed);
      await s.click('data-import');
      await s.waitFor(() => dialogOpen(s), { what: 'the passphrase asked for the sealed file' });
      assert.equal(await s.prop('data-passphrase-again-row', 'hidden'), true, 'asked once to open');
      pick(''); // a second file dialog would answer "closed": the file picked first is the one opened
      await s.type('data-passphrase', 'not the passphrase');
      await s.click('data-passphrase-ok');
      await s.waitFor(async () => (await dialogOpen(s)) && (await s.prop('data-passphrase-error', 'hidden')) === false,
        { what: 'the wrong passphrase told' });
      assert.match(await s.prop('data-passphrase-error', 'textContent'), code === 'en' ? /does not open this file/ : /이 파일을 여는 암호가 아니에요/);
      screenshot(`data-open-sealed-wrong-${code}`);
      await s.type('data-passphrase', passphrase);
      await s.click('data-passphrase-ok');
      const state = await s.waitFor(async () => {
        const st = await s.attr('data-progress', 'data-state');
        return st === 'done' || st === 'error' ? st : null;
      }, { what: 'the sealed import', timeout: 20000 });
      const result = await s.prop('data-result', 'textContent');
      assert.equal(state, 'done', result);
      assert.match(result, code === 'en' ? /^1 dreams? added/ : /^꿈 1개를 가져왔어요/, result);
      await s.click('nav-diary');
      await s.waitFor(async () => (await s.entries()).some((e) => e.text.includes(canary)), { what: 'the sealed dream listed' });
    } finally {
      await s.quit();
    }
  });
}

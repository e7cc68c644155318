// A small WebDriver client for the real Haemong window: tauri-driver in front of WebKitWebDriver,
// one driver per test file with its own data and config folders, so runs never share a diary.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const BIN = process.env.HAEMONG_BIN;
export const ARTIFACTS = process.env.HAEMONG_ARTIFACTS || join(process.cwd(), 'target', 'e2e');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// The homes this process made, removed when it exits (tests read them until the end; a soak's
// holds a 400 MB diary, and hundreds were left behind in /tmp before).
const madeHomes = [];
process.on('exit', () => { for (const h of madeHomes) rmSync(h, { recursive: true, force: true }); });

/**
 * Starts tauri-driver with an isolated home for the app; `lang` sets the system language, `env`
 * adds to the app's environment.
 */
export async function startDriver({ lang = 'en_US.UTF-8', home, env: extra = {} } = {}) {
  if (!BIN) throw new Error('HAEMONG_BIN is not set (run through `make e2e`)');
  if (!home) {
    home = mkdtempSync(join(tmpdir(), 'haemong-e2e-'));
    madeHomes.push(home);
  }
  for (const d of ['data', 'config', 'cache']) mkdirSync(join(home, d), { recursive: true });
  const port = await freePort();
  const nativePort = await freePort();
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_CACHE_HOME: join(home, 'cache'),
    LANG: lang, LC_ALL: lang, LANGUAGE: lang.split('.')[0],
    ...extra,
  };
  const driverBin = process.env.TAURI_DRIVER || 'tauri-driver';
  // A process group of its own: stopping it also ends WebKitWebDriver and any app it left running,
  // which would otherwise keep the stderr pipe (and this test process) open forever.
  const proc = spawn(driverBin, ['--port', String(port), '--native-port', String(nativePort)], {
    env, stdio: ['ignore', 'ignore', 'pipe'], detached: true,
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) { proc.kill(); throw new Error(`tauri-driver did not start: ${stderr}`); }
    await sleep(100);
  }
  const stop = () => {
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* already gone */ }
    proc.stderr.destroy();
  };
  return { base, home, proc, dataDir: join(home, 'data'), stop };
}

async function wd(base, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`WebDriver ${method} ${path}: ${r.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Opens the app in a new WebDriver session (no browserName: tauri-driver picks WebKitWebDriver).
 * `application` replaces the binary (a wrapper script, say); `locked`: the diary has a passphrase,
 * so the window is ready when its lock screen is.
 */
export async function openApp(driver, { application = BIN, locked = false } = {}) {
  const value = await wd(driver.base, 'POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application } } },
  });
  const s = new Session(driver.base, value.sessionId);
  // A diary with a passphrase starts on the lock screen; the rest waits for the passphrase.
  if (locked) {
    await s.waitFor(() => s.exec('const l = document.querySelector(\'[data-testid="lock-screen"]\'); return !!l && !l.hidden'), { what: 'the lock screen' });
    return s;
  }
  await s.waitFor(() => s.exec('return document.readyState === "complete" && !!document.querySelector(".save-state[data-state]") && document.querySelector(".save-state").textContent !== ""'));
  // The settings and insights views are made just after the first paint (ui/js/main.js).
  await s.waitFor(async () => (await s.exec('return document.body.dataset.ready ?? null')) !== null || (await s.exec('return location.pathname')).endsWith('quick.html'));
  return s;
}

export class Session {
  constructor(base, id) { this.base = base; this.id = id; }
  cmd(method, path, body) { return wd(this.base, method, `/session/${this.id}${path}`, body); }
  async quit() { await this.cmd('DELETE', '').catch(() => {}); }
  exec(script, args = []) { return this.cmd('POST', '/execute/sync', { script, args }); }
  async el(testid, { all = false } = {}) {
    const using = 'css selector';
    const value = `[data-testid="${testid}"]`;
    if (all) return (await this.cmd('POST', '/elements', { using, value })).map((e) => e[ELEMENT]);
    return (await this.cmd("POST", "/element", { using, value }))[ELEMENT];
  }
  /** Points the app at a local OpenAI-compatible server (`sse-server.js`); `model` picks its script. */
  useServer(url, model) {
    return this.exec(`return window.__TAURI__.core.invoke('settings_get').then((cur) =>
      window.__TAURI__.core.invoke('settings_set', { settings: { ...cur, provider: 'custom', baseUrl: arguments[0], model: arguments[1] } }))
      .then(() => true)`, [url, model]);
  }
  /**
   * Reloads the page and waits until its modules have booted. Entry items alone do not say so:
   * the backend's first paint has them before any module runs (ui/js/first-paint.js).
   */
  async reload() {
    await this.exec('window.__haemongReloading = true; location.reload(); return true;');
    await this.waitFor(() => this.exec('return !window.__haemongReloading && document.readyState === "complete" && document.body.dataset.ready === "true"'),
      { what: 'the reloaded page to boot' });
  }
  /** A new entry with `text` in its body, typed the way an IME or a paste delivers it (any Unicode). */
  async writeDream(text) {
    await this.click('entry-new');
    await this.exec(`const b = document.querySelector('[data-testid="entry-body"]'); b.focus();
      document.execCommand('insertText', false, arguments[0]); return true;`, [text]);
  }
  /** Makes the window whose page URL ends with `page` (`quick.html`, or `/` for the diary) current. */
  async switchToPage(page, { timeout = 10000 } = {}) {
    return this.waitFor(async () => {
      for (const handle of await this.cmd('GET', '/window/handles')) {
        await this.cmd('POST', '/window', { handle });
        const href = await this.exec('return location.href');
        // The diary window once its modules have booted: its backend-painted list is there before.
        if (page === '/' ? !href.includes('.html') && await this.exec('return document.body.dataset.ready === "true"') : href.endsWith(page)) return handle;
      }
      return false;
    }, { timeout, what: `a window showing ${page}` });
  }
  async click(testid) { await this.cmd('POST', `/element/${await this.el(testid)}/click`, {}); }
  async clickEl(id) { await this.cmd('POST', `/element/${id}/click`, {}); }
  async type(testid, text) { await this.cmd('POST', `/element/${await this.el(testid)}/value`, { text }); }
  async clear(testid) { await this.cmd('POST', `/element/${await this.el(testid)}/clear`, {}); }
  async keys(chord) {
    // Press a chord such as [Ctrl, 's'] on the focused element through the Actions API.
    const actions = [];
    for (const k of chord) actions.push({ type: 'keyDown', value: k });
    for (const k of [...chord].reverse()) actions.push({ type: 'keyUp', value: k });
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'kbd', actions }] });
    await this.cmd('DELETE', '/actions');
  }
  prop(testid, name) {
    return this.exec('const e = document.querySelector(arguments[0]); return e ? e[arguments[1]] : null;', [`[data-testid="${testid}"]`, name]);
  }
  attr(testid, name) {
    return this.exec('const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;', [`[data-testid="${testid}"]`, name]);
  }
  /** The visible entries as [{ id, text }], in list order. */
  entries() {
    return this.exec(`return [...document.querySelectorAll('[data-testid="entry-item"]')]
      .map((e) => ({ id: Number(e.dataset.entryId), text: e.textContent }));`);
  }
  async waitFor(fn, { timeout = 10000, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try { last = await fn(); if (last) return last; } catch (e) { last = e; }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
      await sleep(100);
    }
  }
}

/** The pid of the Haemong process whose data folder is under `home` (a driver's), or null. */
export function appPid(home) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(join('/proc', pid, 'comm'), 'utf8').trim() !== 'haemong') continue;
      if (readFileSync(join('/proc', pid, 'environ'), 'utf8').includes(`XDG_DATA_HOME=${join(home, 'data')}\0`)) return Number(pid);
    } catch { /* gone, or not ours */ }
  }
  return null;
}

/** A picture of the whole X screen (WebKitWebDriver's own screenshot hangs under Xvfb). */
export function screenshot(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  execFileSync('import', ['-window', 'root', file]);
  return file;
}

export { sleep };

/** Every file under `dir` whose bytes hold `needle` (UTF-8). */
export function filesHolding(dir, needle) {
  const want = Buffer.from(needle, 'utf8');
  const found = [];
  const walk = (d) => {
    let items;
    try { items = readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const it of items) {
      const p = join(d, it.name);
      if (it.isDirectory()) walk(p);
      else if (it.isFile()) {
        try { if (readFileSync(p).includes(want)) found.push(p); } catch { /* gone meanwhile */ }
      }
    }
  };
  walk(dir);
  return found;
}


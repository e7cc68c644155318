// The lock screen over the whole window (a passphrase is set and the diary is locked), and the idle
// timer that locks it. Locking is the backend's: this module shows the screen whenever
// `vault:changed` says locked, asks for the passphrase, and calls `onUnlocked` once it opened.
import { api } from './api.js';
import { t, tError } from './locale.js';
import { isComposing } from './ime.js';
import { idleLockIn } from './passphrase.js';

export function createLock({ status, onUnlocked = async () => {}, beforeLock = async () => {} }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const screen = q('lock-screen');
  const input = q('lock-input');
  const submit = q('lock-submit');
  const error = q('lock-error');
  let current = status;
  let minutes = 0;
  let lastActive = Date.now();
  let timer = null;
  let waiting = [];

  function show(locked) {
    screen.hidden = !locked;
    document.body.dataset.locked = String(locked);
    if (locked) {
      // A dialog left open (a passphrase being typed, a confirmation) would sit above the lock.
      for (const d of document.querySelectorAll('dialog[open]')) d.close();
      error.hidden = true;
      input.value = '';
      input.focus();
    }
  }

  async function unlock() {
    if (!input.value || submit.disabled) return;
    submit.disabled = true;
    error.hidden = true;
    try {
      current = await api.vaultUnlock(input.value);
      input.value = '';
      show(current.locked);
      await onUnlocked();
      waiting.forEach((resolve) => resolve());
      waiting = [];
    } catch (e) {
      error.textContent = tError(e);
      error.hidden = false;
      input.select();
    } finally {
      submit.disabled = false;
    }
  }

  submit.addEventListener('click', unlock);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !isComposing(e)) { e.preventDefault(); unlock(); }
  });

  function schedule() {
    clearTimeout(timer);
    const wait = idleLockIn({ minutes, passphrase: current.passphrase, locked: current.locked, idleMs: Date.now() - lastActive });
    if (wait === null) return;
    timer = setTimeout(async () => {
      if (Date.now() - lastActive < minutes * 60000) { schedule(); return; }
      await lockNow().catch(() => {});
    }, wait + 50);
  }
  for (const ev of ['keydown', 'pointerdown', 'pointermove', 'wheel']) {
    window.addEventListener(ev, () => { lastActive = Date.now(); }, { passive: true, capture: true });
  }

  async function lockNow() {
    await beforeLock(); // the typing not yet saved goes in first
    current = await api.vaultLock();
    show(current.locked);
  }

  api.onVaultChanged((s) => {
    const wasLocked = current.locked;
    current = s;
    show(s.locked);
    if (wasLocked && !s.locked) onUnlocked();
    schedule();
  });
  show(current.locked);

  return {
    status: () => current,
    /** Resolves once the diary is open (at once when it is). */
    untilUnlocked: () => (current.locked ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve()),
    setMinutes(m) { minutes = Number(m) || 0; lastActive = Date.now(); schedule(); },
    lockNow,
    setStatus(s) { current = s; show(s.locked); schedule(); },
    describe: () => t(current.passphrase ? 'privacy.passphraseOn' : (current.encrypted ? 'privacy.passphraseOff' : 'privacy.notEncrypted')),
  };
}

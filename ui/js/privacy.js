// Settings → Privacy's passphrase: set, change or remove it (in the app's own dialog, the new one
// typed twice), lock now, and how long the diary may stay idle before it locks.
import { api } from './api.js';
import { t, tError } from './locale.js';
import { toast } from './toast.js';
import { isComposing } from './ime.js';
import { passphraseProblem } from './passphrase.js';

export function createPrivacySection({ lock }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const state = q('privacy-passphrase-state');
  const setButton = q('privacy-passphrase-set');
  const removeButton = q('privacy-passphrase-remove');
  const lockButton = q('privacy-lock-now');
  const autolock = q('privacy-autolock');
  const dialog = q('passphrase-dialog');
  const fields = { current: q('passphrase-current'), next: q('passphrase-new'), again: q('passphrase-again') };
  const rows = { current: q('passphrase-current-row'), next: q('passphrase-new-row'), again: q('passphrase-again-row') };
  const error = q('passphrase-error');
  const ok = q('passphrase-ok');
  let mode = 'set';

  function render() {
    const s = lock.status();
    state.textContent = lock.describe();
    setButton.textContent = t(s.passphrase ? 'privacy.passphraseChange' : 'privacy.passphraseSet');
    setButton.disabled = s.locked || s.file === false;
    removeButton.hidden = !s.passphrase;
    lockButton.disabled = !s.passphrase;
    autolock.disabled = !s.passphrase;
  }

  function open(which) {
    mode = which;
    const has = lock.status().passphrase;
    dialog.querySelector('#passphrase-title').textContent = t(`privacy.dialog.${which}${which === 'set' && has ? 'Change' : ''}Title`);
    // Without a keychain the passphrase becomes the key's only keeper: forgetting it loses the diary.
    const note = which === 'remove' ? 'privacy.dialog.removeNote'
      : lock.status().encrypted ? 'privacy.dialog.setNote' : 'privacy.dialog.setNoteNoKeychain';
    dialog.querySelector('#passphrase-note').textContent = t(note);
    ok.textContent = t(which === 'set' ? 'privacy.dialog.ok' : 'privacy.dialog.remove');
    ok.classList.toggle('danger', which === 'remove');
    rows.current.hidden = !has;
    rows.next.hidden = which === 'remove';
    rows.again.hidden = which === 'remove';
    for (const f of Object.values(fields)) f.value = '';
    error.hidden = true;
    dialog.showModal();
    (has ? fields.current : fields.next).focus();
  }

  async function submit() {
    if (ok.disabled) return;
    const problem = mode === 'set' ? passphraseProblem(fields.next.value, fields.again.value) : null;
    if (problem) { error.textContent = t(problem); error.hidden = false; return; }
    ok.disabled = true;
    try {
      const s = mode === 'set'
        ? await api.vaultSetPassphrase(fields.next.value, fields.current.value)
        : await api.vaultRemovePassphrase(fields.current.value);
      lock.setStatus(s);
      dialog.close();
      toast(t(mode === 'set' ? 'privacy.passphraseSaved' : 'privacy.passphraseRemoved'));
      render();
    } catch (e) {
      error.textContent = tError(e);
      error.hidden = false;
    } finally {
      ok.disabled = false;
    }
  }

  setButton.addEventListener('click', () => open('set'));
  removeButton.addEventListener('click', () => open('remove'));
  q('passphrase-cancel').addEventListener('click', () => dialog.close());
  ok.addEventListener('click', submit);
  for (const f of Object.values(fields)) {
    f.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !isComposing(e)) { e.preventDefault(); submit(); }
    });
  }
  lockButton.addEventListener('click', () => lock.lockNow().catch((e) => toast(tError(e), { kind: 'error' })));
  api.onVaultChanged(() => render());
  render();
  // The start found no keychain: the diary stays plain until a passphrase keeps its key.
  return { render, askToEncrypt: () => { if (!lock.status().encrypted && !dialog.open) open('set'); } };
}

// Settings → Data: export, import, backups and restore. The backend asks where in the native
// dialog and does the work; this module starts it, shows its progress (with Cancel) and says what
// came of it. One job at a time: the buttons wait while one runs.
import { api } from './api.js';
import { t, tError, currentLanguage } from './locale.js';
import { confirmDialog } from './confirm.js';
import { formatNight, formatTime } from './dates.js';
import { formatNumber } from './i18n.js';
import { isComposing } from './ime.js';
import { passphraseProblem } from './passphrase.js';

export function createDataSection({ keep, dataDir, flushDiary = async () => true }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const bar = q('data-progress');
  const meter = bar.querySelector('progress');
  const label = bar.querySelector('.data-progress-label');
  const result = q('data-result');
  const list = q('data-backups');
  const buttons = ['data-export-json', 'data-export-markdown', 'data-import', 'data-import-folder', 'data-backup-now'].map(q);
  let running = null; // the label key of the job running now
  let backups = [];
  let kept = keep;

  const n = (v) => formatNumber(currentLanguage(), v);
  const size = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`);

  function lock(on) {
    for (const b of buttons) b.disabled = on;
    for (const b of list.querySelectorAll('button')) b.disabled = on || b.dataset.unreadable === 'true';
  }

  api.onDataProgress(({ done, total }) => {
    if (!running || !total) return;
    meter.max = total;
    meter.value = done;
    label.textContent = `${t(running)} ${Math.floor((done * 100) / total)}%`;
  });
  q('data-cancel').addEventListener('click', () => api.dataCancel().catch(() => {}));

  // What a cancel left behind, by job.
  const afterCancel = {
    'data.running.export': 'data.cancelledExport',
    'data.running.markdown': 'data.cancelledMarkdown',
    'data.running.import': 'data.cancelledImport',
    'data.running.backup': 'data.cancelledBackup',
    'data.running.restore': 'data.cancelledImport',
  };

  // Runs one job; `describe(value)` says what it did. A closed dialog (null) leaves no trace.
  async function job(labelKey, run, describe) {
    if (running) return;
    running = labelKey;
    lock(true);
    meter.removeAttribute('value'); // indeterminate until the first figures arrive
    label.textContent = t(labelKey);
    bar.dataset.state = 'running';
    bar.hidden = false;
    q('data-cancel').hidden = false;
    result.textContent = '';
    result.dataset.state = 'idle';
    try {
      const value = await run();
      if (value == null) {
        bar.hidden = true;
        bar.dataset.state = 'idle';
      } else {
        meter.max = 1;
        meter.value = 1;
        label.textContent = t('data.finished');
        bar.dataset.state = 'done';
        result.textContent = describe(value);
        result.dataset.state = 'done';
      }
    } catch (err) {
      bar.dataset.state = 'error';
      meter.max = 1;
      meter.value = 0;
      label.textContent = t('data.failed');
      result.textContent = err?.kind === 'cancelled' ? t(afterCancel[labelKey]) : tError(err);
      result.dataset.state = 'error';
    } finally {
      running = null;
      q('data-cancel').hidden = true;
      lock(false);
      refreshBackups();
    }
  }

  // The passphrase for a sealed export (`twice`: a new one, typed again) or for opening one;
  // null when the user cancels. `problem` is shown at once (the last try was wrong).
  const ask = q('data-passphrase-dialog');
  const askFields = { pass: q('data-passphrase'), again: q('data-passphrase-again') };
  const askError = q('data-passphrase-error');
  function askPassphrase({ twice, problem = '' }) {
    ask.querySelector('#data-passphrase-title').textContent = t(twice ? 'data.sealTitle' : 'data.openTitle');
    ask.querySelector('#data-passphrase-note').textContent = t(twice ? 'data.sealNote' : 'data.openNote');
    q('data-passphrase-ok').textContent = t(twice ? 'data.sealOk' : 'data.openOk');
    q('data-passphrase-again-row').hidden = !twice;
    askFields.pass.value = '';
    askFields.again.value = '';
    askError.textContent = problem;
    askError.hidden = !problem;
    return new Promise((resolve) => {
      const done = (value) => {
        q('data-passphrase-ok').removeEventListener('click', ok);
        ask.removeEventListener('close', closed);
        for (const f of Object.values(askFields)) f.removeEventListener('keydown', enter);
        if (ask.open) ask.close();
        resolve(value);
      };
      const ok = () => {
        const p = askFields.pass.value;
        const wrong = twice ? passphraseProblem(p, askFields.again.value) : (p ? null : 'privacy.tooShort');
        if (wrong) { askError.textContent = t(wrong); askError.hidden = false; return; }
        done(p);
      };
      const closed = () => done(null);
      const enter = (e) => { if (e.key === 'Enter' && !isComposing(e)) { e.preventDefault(); ok(); } };
      q('data-passphrase-ok').addEventListener('click', ok);
      ask.addEventListener('close', closed);
      for (const f of Object.values(askFields)) f.addEventListener('keydown', enter);
      ask.showModal();
      askFields.pass.focus();
    });
  }
  q('data-passphrase-cancel').addEventListener('click', () => ask.close());

  // An import that meets a sealed file asks for its passphrase, again after a wrong one; the
  // backend keeps the file picked, so no dialog opens twice.
  async function importAsking(folder) {
    let passphrase = null;
    for (;;) {
      try {
        return await api.dataImport(folder, passphrase);
      } catch (err) {
        if (err?.kind !== 'passphrase_needed' && err?.kind !== 'wrong_file_passphrase') throw err;
        passphrase = await askPassphrase({ twice: false, problem: err.kind === 'wrong_file_passphrase' ? tError(err) : '' });
        if (passphrase == null) return null;
      }
    }
  }

  const exported = (r) => t('data.exported', { count: n(r.entries), path: r.path });
  const imported = (r) => [
    t('data.imported', { added: n(r.added), skipped: n(r.skipped), refused: n(r.refused) }),
    r.mediaSkipped ? t('data.mediaSkipped', { count: n(r.mediaSkipped) }) : '',
  ].filter(Boolean).join('\n');

  q('data-export-json').addEventListener('click', async () => {
    if (running) return;
    let passphrase = null;
    if (q('data-export-encrypt').checked) {
      passphrase = await askPassphrase({ twice: true });
      if (passphrase == null) return;
    }
    job('data.running.export', () => api.dataExportJson(passphrase), exported);
  });
  q('data-export-markdown').addEventListener('click', () => job('data.running.markdown', api.dataExportMarkdown, exported));
  q('data-import').addEventListener('click', () => job('data.running.import', () => importAsking(false), imported));
  q('data-import-folder').addEventListener('click', () => job('data.running.import', () => importAsking(true), imported));
  q('data-backup-now').addEventListener('click', () => job('data.running.backup', api.dataBackupNow,
    (w) => t('data.backedUp', { count: n(w.entries) })));

  async function restore(b) {
    const day = b.kind === 'beforeRestore'
      ? t('data.beforeRestoreOf', { day: formatNight(b.day, currentLanguage()), time: formatTime(b.takenAt, currentLanguage()) })
      : formatNight(b.day, currentLanguage());
    const yes = await confirmDialog({
      title: t('data.restoreTitle', { day }),
      body: t('data.restoreBody', { day, count: n(b.entries) }),
      yesLabel: t('data.restoreYes'),
      noLabel: t('confirm.no'),
    });
    if (!yes) return;
    // What is being typed goes into the diary first, so the copy kept aside holds it too; if it
    // cannot be saved, the restore does not go ahead.
    let flushed = false;
    try { flushed = await flushDiary(); } catch { flushed = false; }
    if (!flushed) {
      result.textContent = t('data.notSavedFirst');
      result.dataset.state = 'error';
      return;
    }
    await job('data.running.restore', () => api.dataRestore(b.name),
      (r) => t('data.restored', { count: n(r.entries), path: r.previous }));
  }

  function renderBackups() {
    q('data-backup-note').textContent = t('data.backupNote', { daily: n(kept.daily), weekly: n(kept.weekly), path: `${dataDir}/backups` });
    if (!backups.length) {
      const li = document.createElement('li');
      li.className = 'note';
      li.textContent = t('data.backupsEmpty');
      list.replaceChildren(li);
      return;
    }
    list.replaceChildren(...backups.map((b) => {
      const li = document.createElement('li');
      li.className = 'backup-item';
      li.dataset.testid = 'data-backup-item';
      li.dataset.name = b.name;
      li.dataset.day = b.day;
      li.dataset.entries = b.entries ?? '';
      const day = document.createElement('span');
      day.className = 'backup-day';
      li.dataset.kind = b.kind;
      day.textContent = formatNight(b.day, currentLanguage());
      const meta = document.createElement('span');
      meta.className = 'backup-meta';
      meta.textContent = [
        b.kind === 'beforeRestore' ? t('data.beforeRestore', { time: formatTime(b.takenAt, currentLanguage()) }) : '',
        b.entries == null ? t('data.backupUnreadable') : t('data.backupItem', { count: n(b.entries), size: size(b.bytes) }),
      ].filter(Boolean).join(' · ');
      const again = document.createElement('button');
      again.type = 'button';
      again.className = 'link';
      again.dataset.testid = 'data-restore';
      again.dataset.unreadable = String(b.entries == null);
      again.disabled = Boolean(running) || b.entries == null;
      again.textContent = t('data.restore');
      again.addEventListener('click', () => restore(b));
      li.append(day, meta, again);
      return li;
    }));
  }

  async function refreshBackups() {
    try { backups = await api.dataBackups(); } catch { backups = []; }
    renderBackups();
  }

  refreshBackups();
  return {
    refresh: refreshBackups,
    render: renderBackups,
    setKeep: (k) => { kept = k; renderBackups(); },
  };
}

// The settings view: language and theme apply at once; the provider, model, style and key are
// saved with "Save settings". The key goes straight to the keychain through Rust and is never read
// back: the view only learns whether one is stored.
import { api } from './api.js';
import { t, tError, setLanguage, onLanguageChange, currentLanguage } from './locale.js';
import { toast, toastError } from './toast.js';
import { applyTheme } from './theme.js';
import { acceleratorFromEvent, displayAccelerator } from './accelerator.js';
import { isLoopback, isLocalNetwork } from './net.js';
import { formatNight, formatTime, todayLocal } from './dates.js';
import { createDataSection } from './data.js';


export function createSettings(initial, info, presets, { flushDiary } = {}) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const f = {
    language: q('settings-language'), theme: q('settings-theme'), provider: q('settings-provider'),
    baseUrl: q('settings-base-url'), model: q('settings-model'), style: q('settings-style'),
    customPrompt: q('settings-custom-prompt'), answerLanguage: q('settings-answer-language'),
    timeoutSecs: q('settings-timeout'), maxAnswerKb: q('settings-max-answer'), shortcut: q('settings-shortcut'),
    authHeader: q('settings-auth-header'), allowInsecureHttp: q('settings-allow-insecure'),
    reminderEnabled: q('settings-reminder'), reminderTime: q('settings-reminder-time'),
    localOnly: q('privacy-local-only'), autolockMinutes: q('privacy-autolock'), autoBackup: q('data-auto-backup'), backupDaily: q('data-backup-daily'), backupWeekly: q('data-backup-weekly'),
  };
  const keyInput = q('settings-api-key');
  const keyStatus = q('settings-key-status');
  const unavailable = q('settings-keychain-unavailable');
  const byProvider = Object.fromEntries(presets.map((p) => [p.provider, p]));
  let current = { ...initial };
  let status = { state: 'missing' };
  let shownProvider = current.provider; // the provider the form shows, saved or not

  function fill(s) {
    for (const [k, el] of Object.entries(f)) {
      if (el.type === 'checkbox') el.checked = Boolean(s[k]);
      else el.value = s[k] ?? '';
    }
    setShortcut(s.shortcut);
    shownProvider = s.provider;
    showProvider();
  }

  function showProvider() {
    const p = byProvider[f.provider.value];
    q('settings-provider-note').textContent = p?.local ? t('settings.provider.localNote')
      : f.provider.value === 'azure' ? `${t('settings.azureNote')} ${t('settings.provider.cloudNote')}`
        : f.provider.value === 'custom' ? '' : t('settings.provider.cloudNote');
    q('settings-auth-header-field').hidden = f.provider.value !== 'custom';
    // Plain http:// to a remote server needs an explicit yes (shown only when it applies).
    q('settings-allow-insecure-field').hidden = !(/^http:\/\//i.test(f.baseUrl.value.trim()) && !isLocalNetwork(f.baseUrl.value.trim()))
      && !f.allowInsecureHttp.checked;
    q('settings-custom-prompt-field').hidden = f.style.value !== 'custom';
  }

  function showKey() {
    keyStatus.dataset.state = status.state;
    const needsKey = byProvider[f.provider.value]?.needsKey;
    keyStatus.textContent = status.state === 'stored'
      ? t(status.location === 'session' ? 'settings.keyStoredSession' : 'settings.keyStored')
      : t(needsKey ? 'settings.keyMissing' : 'settings.keyMissingOk');
    q('settings-key-delete').disabled = status.state !== 'stored';
  }

  async function refreshKey() {
    unavailable.hidden = true;
    try {
      status = await api.secretsStatus(f.provider.value);
    } catch (err) {
      status = { state: 'missing' };
      if (err?.kind === 'keychain_unavailable') unavailable.hidden = false;
    }
    showKey();
  }

  // Model suggestions from the server's own list; asked once per provider and address, quietly:
  // a server that does not answer simply offers none, and any typed model still works. A server on
  // this computer is asked as soon as it is chosen; a remote one only once the user tests the
  // connection, so merely looking at the settings sends nothing anywhere.
  const suggestions = q('settings-model-suggestions');
  let suggestedFor = '';
  async function suggestModels({ remoteToo = false } = {}) {
    const provider = f.provider.value;
    const baseUrl = f.baseUrl.value.trim();
    const key = `${provider} ${baseUrl}`;
    if (!baseUrl || key === suggestedFor || !(remoteToo || isLoopback(baseUrl))) return;
    suggestedFor = key;
    let models = [];
    try {
      models = await api.settingsModels(provider, baseUrl);
    } catch {
      suggestedFor = ''; // try again next time (the server may have been started meanwhile)
    }
    if (key !== `${f.provider.value} ${f.baseUrl.value.trim()}`) return; // the form moved on
    suggestions.replaceChildren(...models.map((m) => { const o = document.createElement('option'); o.value = m; return o; }));
  }

  // The quick window's shortcut: press the keys in the field; it is saved and registered at once.
  const shortcutStatus = q('settings-shortcut-status');
  let shortcut = { state: 'unsupported', shortcut: '' };
  function setShortcut(accel) {
    f.shortcut.dataset.accel = accel ?? '';
    f.shortcut.value = displayAccelerator(accel, navigator.platform);
  }
  function showShortcut() {
    shortcutStatus.dataset.state = shortcut.state;
    shortcutStatus.textContent = t(`settings.shortcut.${shortcut.state}`, { shortcut: displayAccelerator(shortcut.shortcut, navigator.platform) });
  }
  // Registered in the background after start-up and again on every change: the backend tells
  // each change (`tray:shortcut`); asking is only for where it stands when the view opens.
  let shortcutEvents = 0;
  const listening = api.onShortcutStatus((status) => { shortcutEvents += 1; shortcut = status; showShortcut(); })
    .catch(() => { /* the asked status still shows */ });
  async function refreshShortcut() {
    await listening; // no change can fall between the answer and the first event
    const before = shortcutEvents;
    let asked;
    try { asked = await api.trayShortcutStatus(); } catch { return; }
    // An event that came while asking is newer than the answer.
    if (shortcutEvents === before) { shortcut = asked; showShortcut(); }
  }
  async function saveShortcut(accel) {
    setShortcut(accel);
    try {
      await saveSettings({ shortcut: accel });
    } catch (err) {
      toastError(tError(err));
    }
    await refreshShortcut();
  }
  f.shortcut.addEventListener('keydown', (e) => {
    if (['Tab', 'Escape'].includes(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) return;
    e.preventDefault();
    const accel = acceleratorFromEvent(e, navigator.platform);
    if (accel) saveShortcut(accel);
  });
  q('settings-shortcut-reset').addEventListener('click', () => saveShortcut(info.defaultShortcut));

  function renderAbout() {
    q('about-version').textContent = t('settings.version', { version: info.version });
    const path = document.createElement('code');
    path.className = 'path';
    path.textContent = info.dataDir;
    const [before, after] = t('settings.dataDir', { path: '\u0000' }).split('\u0000');
    q('about-data-dir').replaceChildren(before, path, after ?? '');
  }

  const value = (el) => (el.type === 'checkbox' ? el.checked : el.dataset.accel !== undefined ? el.dataset.accel
    : el.type === 'number' ? Math.max(0, Math.min(Number(el.max), Math.round(Number(el.value) || 0)))
      : el.dataset.number !== undefined ? Number(el.value) : el.value);
  const form = () => Object.fromEntries(Object.entries(f).map(([k, el]) => [k, value(el)]));

  // Saves `values` over what is saved; the form is refilled (with the normalised address, …)
  // only for a full save, so a language switch never discards other fields being edited.
  // One save at a time, each built on what the one before it saved: saves that overlapped (the
  // reminder, then the theme) each started from the same `current` and undid each other.
  let saving = Promise.resolve();
  function saveSettings(values, { refill = false } = {}) {
    const run = saving.then(async () => {
      current = await api.settingsSet({ ...current, ...values });
      if (refill) fill(current);
      // Other parts of this window that show a setting (the local-only badge) follow it.
      document.dispatchEvent(new CustomEvent('haemong:settings', { detail: current }));
    });
    saving = run.catch(() => {});
    return run;
  }

  async function storeKey(sessionOnly) {
    const key = keyInput.value;
    if (!key.trim()) return true;
    try {
      status = await api.secretsSetApiKey(f.provider.value, key, sessionOnly);
      keyInput.value = '';
      unavailable.hidden = true;
      showKey();
      return true;
    } catch (err) {
      if (err?.kind === 'keychain_unavailable') unavailable.hidden = false;
      toastError(tError(err));
      return false; // the typed key stays in the field, so nothing is lost
    }
  }

  async function save() {
    try {
      await saveSettings(form(), { refill: true });
    } catch (err) {
      toastError(tError(err));
      return;
    }
    if (await storeKey(false)) toast(t('settings.saved'));
  }

  // The reminder applies as soon as it is turned on or its time is changed, like the language.
  const saveReminder = () => {
    // A half-typed or cleared time keeps the last whole one.
    const time = f.reminderTime.value || current.reminderTime;
    saveSettings({ reminderEnabled: f.reminderEnabled.checked, reminderTime: time })
      .then(() => {
        f.reminderTime.value = current.reminderTime;
        const [h, m] = current.reminderTime.split(':').map(Number);
        const at = formatTime(new Date(2000, 0, 1, h, m).getTime(), currentLanguage());
        toast(t(f.reminderEnabled.checked ? 'settings.reminderSet' : 'settings.reminderOff', { time: at }));
      })
      .catch((e) => toastError(tError(e)));
  };
  f.reminderEnabled.addEventListener('change', saveReminder);
  // Local-only mode applies at once: it decides where the next dream may go.
  f.localOnly.addEventListener('change', () => {
    saveSettings({ localOnly: f.localOnly.checked })
      .then(() => toast(t(current.localOnly ? 'privacy.localOnlyOn' : 'privacy.localOnlyOff')))
      .catch((e) => { f.localOnly.checked = current.localOnly; toastError(tError(e)); });
  });
  // So does the idle time before the diary locks itself.
  f.autolockMinutes.addEventListener('change', () => {
    saveSettings({ autolockMinutes: value(f.autolockMinutes) })
      .catch((e) => toastError(tError(e)))
      .finally(() => { f.autolockMinutes.value = String(current.autolockMinutes ?? 0); });
  });
  // Automatic backups and how many are kept apply at once too.
  f.autoBackup.addEventListener('change', () => {
    saveSettings({ autoBackup: f.autoBackup.checked })
      .then(() => toast(t(current.autoBackup ? 'data.autoBackupOn' : 'data.autoBackupOff')))
      .catch((e) => { f.autoBackup.checked = current.autoBackup; toastError(tError(e)); });
  });
  const saveKeep = () => {
    saveSettings({ backupDaily: value(f.backupDaily), backupWeekly: value(f.backupWeekly) })
      .then(() => data.setKeep({ daily: current.backupDaily, weekly: current.backupWeekly }))
      .catch((e) => toastError(tError(e)))
      .finally(() => { f.backupDaily.value = current.backupDaily; f.backupWeekly.value = current.backupWeekly; });
  };
  f.backupDaily.addEventListener('change', saveKeep);
  f.backupWeekly.addEventListener('change', saveKeep);
  f.reminderTime.addEventListener('change', saveReminder);
  q('settings-reminder-test').addEventListener('click', () => api.reminderPreview().catch((e) => toastError(tError(e))));
  f.language.addEventListener('change', () => { setLanguage(f.language.value); saveSettings({ language: f.language.value }).catch((e) => toastError(tError(e))); });
  f.theme.addEventListener('change', () => { applyTheme(f.theme.value); saveSettings({ theme: f.theme.value }).catch((e) => toastError(tError(e))); });
  f.provider.addEventListener('change', () => {
    const before = byProvider[shownProvider];
    const p = byProvider[f.provider.value];
    shownProvider = f.provider.value;
    if (p.baseUrl) f.baseUrl.value = p.baseUrl;
    // Keep a model the user typed; replace one that was only the previous preset's default.
    if (!f.model.value || f.model.value === before?.defaultModel) f.model.value = p.defaultModel;
    showProvider();
    refreshKey().then(() => suggestModels());
  });
  f.baseUrl.addEventListener('change', () => suggestModels());
  f.baseUrl.addEventListener('input', showProvider);
  f.model.addEventListener('focus', () => suggestModels());
  f.style.addEventListener('change', showProvider);
  q('settings-save').addEventListener('click', save);
  const testResult = q('settings-test-result');
  q('settings-test').addEventListener('click', async () => {
    testResult.dataset.state = 'testing';
    testResult.textContent = t('settings.testing');
    try {
      await saveSettings(form(), { refill: true });
      if (!(await storeKey(false))) throw { kind: 'keychain_unavailable' };
      const ok = await api.settingsTest();
      testResult.dataset.state = 'ok';
      testResult.textContent = t('settings.testOk', { model: ok.model });
      suggestModels({ remoteToo: true });
    } catch (err) {
      testResult.dataset.state = 'error';
      testResult.textContent = tError(err);
    }
  });
  q('settings-key-session').addEventListener('click', async () => {
    if (await storeKey(true)) toast(t('settings.saved'));
  });
  q('settings-key-delete').addEventListener('click', async () => {
    try {
      status = await api.secretsDeleteApiKey(f.provider.value);
      showKey();
      toast(t('settings.keyRemoved'));
    } catch (err) {
      toastError(tError(err));
    }
  });
  // The quick window's interpretations not filed into the diary: they hold dream text, so they are
  // listed here to be filed or deleted.
  const adhocList = q('adhoc-list');
  async function refreshAdhoc() {
    let items = [];
    try { items = await api.interpretAdhocList(); } catch { /* shown as empty; the rest works */ }
    const lang = currentLanguage();
    if (!items.length) {
      const li = document.createElement('li');
      li.className = 'note';
      li.textContent = t('settings.adhocEmpty');
      adhocList.replaceChildren(li);
      return;
    }
    adhocList.replaceChildren(...items.map((it) => {
      const li = document.createElement('li');
      li.className = 'adhoc-item';
      li.dataset.testid = 'adhoc-item';
      li.dataset.interpretationId = it.id;
      const meta = document.createElement('span');
      meta.className = 'adhoc-meta';
      meta.textContent = `${formatNight(todayLocal(new Date(it.startedAt)), lang)} ${formatTime(it.startedAt, lang)} · ${t(`interpret.style.${it.style}`)}`;
      const dream = document.createElement('span');
      dream.className = 'adhoc-dream';
      dream.textContent = it.dream ?? '';
      const actions = document.createElement('span');
      actions.className = 'adhoc-actions';
      const file = document.createElement('button');
      file.type = 'button';
      file.className = 'link';
      file.dataset.testid = 'adhoc-file';
      file.textContent = t('settings.adhocFile');
      file.addEventListener('click', async () => {
        try {
          await api.diaryFileQuick({ body: it.dream ?? '' }, it.id);
          toast(t('settings.adhocFiled'));
        } catch (err) { toastError(tError(err)); }
        refreshAdhoc();
      });
      const del = document.createElement('button');
      del.type = 'button';
      del.className = 'link danger';
      del.dataset.testid = 'adhoc-delete';
      del.textContent = t('settings.adhocDelete');
      del.addEventListener('click', async () => {
        try { await api.interpretDelete(it.id); toast(t('interpret.deleted')); } catch (err) { toastError(tError(err)); }
        refreshAdhoc();
      });
      actions.append(file, del);
      li.append(meta, dream, actions);
      return li;
    }));
  }

  const data = createDataSection({
    keep: { daily: current.backupDaily, weekly: current.backupWeekly }, dataDir: info.dataDir, flushDiary,
  });
  onLanguageChange(() => { renderAbout(); showProvider(); showKey(); showShortcut(); refreshAdhoc(); data.render(); });
  fill(current);
  renderAbout();
  refreshKey();
  refreshShortcut();
  return { refreshAdhoc, refreshData: data.refresh };
}

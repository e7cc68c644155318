// The settings view: language and theme apply at once and are saved; About shows where the diary lives.
import { api } from './api.js';
import { t, tError, setLanguage, onLanguageChange } from './locale.js';
import { toast, toastError } from './toast.js';

export function applyTheme(theme) {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

export function createSettings(initial, info) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const language = q('settings-language');
  const theme = q('settings-theme');
  let current = { ...initial };
  language.value = current.language;
  theme.value = current.theme;

  function renderAbout() {
    q('about-version').textContent = t('settings.version', { version: info.version });
    const path = document.createElement('code');
    path.className = 'path';
    path.textContent = info.dataDir;
    const [before, after] = t('settings.dataDir', { path: '\u0000' }).split('\u0000');
    q('about-data-dir').replaceChildren(before, path, after ?? '');
  }

  async function save({ quiet = false } = {}) {
    try {
      current = await api.settingsSet({ ...current, language: language.value, theme: theme.value });
      if (!quiet) toast(t('settings.saved'));
    } catch (err) {
      toastError(tError(err));
    }
  }

  language.addEventListener('change', () => { setLanguage(language.value); save({ quiet: true }); });
  theme.addEventListener('change', () => { applyTheme(theme.value); save({ quiet: true }); });
  q('settings-save').addEventListener('click', () => save());
  onLanguageChange(renderAbout);
  renderAbout();
}

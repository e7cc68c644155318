// The window's current language: translates static markup (data-i18n*) and tells views to re-render.
import { translate, resolveLanguage, errorMessage } from './i18n.js';

let lang = 'en';
const listeners = new Set();

export const t = (key, params) => translate(lang, key, params);
export const tError = (err) => errorMessage(lang, err);
export const currentLanguage = () => lang;
export const onLanguageChange = (fn) => listeners.add(fn);

/** Applies the `system`/`ko`/`en` setting. */
export function setLanguage(setting) {
  lang = resolveLanguage(setting, navigator.languages?.length ? navigator.languages : [navigator.language]);
  document.documentElement.lang = lang;
  applyTranslations(document);
  listeners.forEach((fn) => fn(lang));
}

export function applyTranslations(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  document.title = t('app.name');
}

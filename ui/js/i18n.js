// Translation lookup and language choice: pure functions, unit tested with node --test.
import en from './i18n/en.js';
import ko from './i18n/ko.js';

export const dictionaries = { en, ko };
export const supported = Object.keys(dictionaries);

/** The UI language: the user's choice, else the system's when we have it, else English. */
export function resolveLanguage(setting, systemLanguages = []) {
  if (supported.includes(setting)) return setting;
  for (const tag of systemLanguages) {
    const base = String(tag || '').toLowerCase().split(/[-_]/)[0];
    if (supported.includes(base)) return base;
  }
  return 'en';
}

/** `key` in `lang`, with `{name}` placeholders filled; falls back to English, then to the key. */
export function translate(lang, key, params = {}) {
  const text = dictionaries[lang]?.[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** The translated message for an error from a command (`{ kind, message }`) or anything thrown. */
export function errorMessage(lang, err) {
  const kind = err && typeof err === 'object' ? err.kind : undefined;
  // Figures travel as fields (`details`), formatted for the language here.
  const params = {};
  for (const [k, v] of Object.entries(err?.details ?? {})) params[k] = typeof v === 'number' ? formatNumber(lang, v) : v;
  const key = `error.${kind}`;
  if (!kind || !(key in en)) return translate(lang, 'error.unknown');
  // An import refused whole says why (`details.reason`), in the same language.
  const why = `import.reason.${err.details?.reason}`;
  const reason = kind === 'import_refused' && why in en ? ` ${translate(lang, why)}` : '';
  return translate(lang, key, params) + reason;
}

const numberFormats = new Map();
/** One Intl.NumberFormat per language, made once (WebKit keeps every ICU formatter it creates). */
export function formatNumber(lang, n) {
  const locale = lang === 'ko' ? 'ko-KR' : 'en-US';
  if (!numberFormats.has(locale)) numberFormats.set(locale, new Intl.NumberFormat(locale));
  return numberFormats.get(locale).format(n);
}

// Dates as the diary shows them. Nights are plain `YYYY-MM-DD` days with no time zone.
//
// One Intl.DateTimeFormat per language and pattern, made once: WebKit keeps every ICU formatter
// ever created, so making one per formatted date grew the web process by ~1 MiB an interpretation
// (issue 15's measurements; `make bench` keeps the soak figures).
const formatters = new Map();
function formatter(locale, pattern, options) {
  const key = `${locale} ${pattern}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** Today's date in local time as `YYYY-MM-DD`, the default night of a new entry. */
export function todayLocal(now = new Date()) {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** A night for the list: `2026년 3월 1일 (일)` or `Sun, Mar 1, 2026`. Invalid input comes back as is. */
export function formatNight(night, lang) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(night || '');
  if (!m) return night || '';
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (Number.isNaN(date.getTime())) return night;
  const locale = lang === 'ko' ? 'ko-KR' : 'en-US';
  return formatter(locale, 'night', {
    timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric', weekday: 'short',
  }).format(date);
}

/** A save time for the status line (`오후 3:04` / `3:04 PM`). */
export function formatTime(ms, lang) {
  const locale = lang === 'ko' ? 'ko-KR' : 'en-US';
  return formatter(locale, 'time', { hour: 'numeric', minute: '2-digit' }).format(new Date(ms));
}

/** A month's short name for a chart axis (`3월` / `Mar`), from `YYYY-MM-DD`. */
export function formatMonthShort(night, lang) {
  const m = /^(\d{4})-(\d{2})/.exec(night || '');
  if (!m) return night || '';
  if (lang === 'ko') return `${Number(m[2])}월`;
  return formatter('en-US', 'month', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1], +m[2] - 1, 1)));
}

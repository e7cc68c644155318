// The insights view: a calendar heatmap of the last 12 months, streaks, dreams per month by flag
// and by mood, the top symbols and tags of a range and the symbols that recur. Drawn as SVG and
// text nodes here (no library); a click on a day, a symbol or a tag filters the diary by it.
import { api } from './api.js';
import { t, tError, currentLanguage, onLanguageChange } from './locale.js';
import { formatNight, formatMonthShort } from './dates.js';
import { formatNumber } from './i18n.js';
import { MOODS, FLAGS } from './diary/kinds.js';
import { rangeFor, heatWeeks, level } from './insights-math.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

export function createInsights({ initialRange = '12m', onRange, onFilter }) {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  const range = q('insights-range');
  range.value = initialRange;
  let data = null;
  let seq = 0;

  async function refresh() {
    const mine = ++seq;
    try {
      const d = await api.diaryInsights(rangeFor(range.value, new Date()));
      if (mine !== seq) return;
      data = d;
      render();
    } catch (err) {
      q('insights-summary').textContent = tError(err);
    }
  }

  function render() {
    if (!data) return;
    const lang = currentLanguage();
    const n = (x) => formatNumber(lang, x);
    q('insights-summary').textContent = t('insights.summary', {
      total: n(data.total), from: formatNight(data.from, lang), to: formatNight(data.to, lang),
    });
    const streak = q('insights-streak');
    streak.dataset.current = data.streak.current;
    streak.dataset.longest = data.streak.longest;
    streak.textContent = t('insights.streak', { current: n(data.streak.current), longest: n(data.streak.longest) });
    renderHeatmap(lang);
    renderMonths(lang);
    renderRank(q('insights-symbols'), data.symbols, (s) => ({
      testid: 'insights-symbol', key: 'symbol', value: s.id, label: lang === 'ko' ? s.ko : s.en, count: s.count,
      click: () => onFilter({ symbol: s.id, symbolName: lang === 'ko' ? s.ko : s.en }),
    }));
    renderRank(q('insights-tags'), data.tags, (x) => ({
      testid: 'insights-tag', key: 'tag', value: x.tag, label: `#${x.tag}`, count: x.count, click: () => onFilter({ tag: x.tag }),
    }));
    const rec = q('insights-recurring');
    rec.replaceChildren(...(data.recurring.length ? data.recurring.map((s) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'symbol-chip';
      b.dataset.testid = 'insights-recurring-symbol';
      b.dataset.symbol = s.id;
      b.dataset.count = s.count;
      b.textContent = `${lang === 'ko' ? s.ko : s.en} · ${n(s.count)}`;
      b.addEventListener('click', () => onFilter({ symbol: s.id, symbolName: lang === 'ko' ? s.ko : s.en }));
      return b;
    }) : [Object.assign(document.createElement('p'), { className: 'note', textContent: t('insights.noRecurring') })]));
  }

  function renderHeatmap(lang) {
    const box = q('insights-heatmap');
    const counts = new Map(data.days.map((d) => [d.night, d.count]));
    const weeks = heatWeeks(data.to);
    const cell = 12;
    const gap = 3;
    const left = 22;
    const top = 16;
    const w = left + weeks.length * (cell + gap);
    const h = top + 7 * (cell + gap);
    const root = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': t('insights.calendar') });
    let lastMonth = '';
    weeks.forEach((week, x) => {
      week.forEach((night, y) => {
        if (!night) return;
        const count = counts.get(night) ?? 0;
        const r = svg('rect', {
          x: left + x * (cell + gap), y: top + y * (cell + gap), width: cell, height: cell, rx: 2,
          class: `day l${level(count)}`, 'data-testid': 'insights-day', 'data-date': night, 'data-count': count,
        });
        const title = svg('title');
        title.textContent = `${formatNight(night, lang)}: ${t('insights.dayCount', { count })}`;
        r.append(title);
        if (count > 0) r.addEventListener('click', () => onFilter({ from: night, to: night }));
        root.append(r);
        const month = night.slice(0, 7);
        if (y === 0 && month !== lastMonth && night.slice(8) <= '07') {
          lastMonth = month;
          const label = svg('text', { x: left + x * (cell + gap), y: 10, class: 'axis' });
          label.textContent = formatMonthShort(night, lang);
          root.append(label);
        }
      });
    });
    ['mon', 'wed', 'fri'].forEach((d, i) => {
      const label = svg('text', { x: 0, y: top + (1 + i * 2) * (cell + gap) + cell - 2, class: 'axis' });
      label.textContent = t(`insights.day.${d}`);
      root.append(label);
    });
    box.replaceChildren(root);
  }

  function renderMonths(lang) {
    const box = q('insights-months');
    const months = data.months;
    if (!months.length) { box.replaceChildren(Object.assign(document.createElement('p'), { className: 'note', textContent: t('insights.empty') })); return; }
    const max = Math.max(...months.map((m) => m.total), 1);
    const barW = 22;
    const gap = 10;
    const chartH = 120;
    const w = Math.max(months.length * (barW + gap) + 40, 200);
    const h = chartH + 40;
    const root = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': t('insights.months') });
    months.forEach((m, i) => {
      const x = 30 + i * (barW + gap);
      // The bar is the month's dreams, split by mood (dreams without a mood in grey).
      let y = chartH;
      const moodTotal = Object.values(m.moods).reduce((a, b) => a + b, 0);
      const parts = [...MOODS.filter((mood) => m.moods[mood]).map((mood) => [mood, m.moods[mood]]), ['none', m.total - moodTotal]];
      for (const [mood, count] of parts) {
        if (count <= 0) continue;
        const hh = (count / max) * (chartH - 10);
        y -= hh;
        const r = svg('rect', { x, y, width: barW, height: hh, class: `mood-${mood}`, 'data-month': m.month, 'data-mood': mood, 'data-count': count });
        const title = svg('title');
        title.textContent = `${m.month} · ${mood === 'none' ? t('insights.noMood') : t(`mood.${mood}`)}: ${count}`;
        r.append(title);
        root.append(r);
      }
      const total = svg('text', { x: x + barW / 2, y: y - 3, class: 'axis value', 'text-anchor': 'middle' });
      total.textContent = formatNumber(lang, m.total);
      const label = svg('text', { x: x + barW / 2, y: chartH + 14, class: 'axis', 'text-anchor': 'middle' });
      label.textContent = formatMonthShort(`${m.month}-01`, lang);
      const flags = svg('text', { x: x + barW / 2, y: chartH + 28, class: 'axis flags', 'text-anchor': 'middle' });
      flags.textContent = FLAGS.filter((f) => m[f]).map((f) => `${t(`flagIcon.${f}`)}${m[f]}`).join(' ');
      const ft = svg('title');
      ft.textContent = FLAGS.map((f) => `${t(`flag.${f}`)} ${m[f]}`).join(', ');
      flags.append(ft);
      root.append(total, label, flags);
    });
    const legend = document.createElement('p');
    legend.className = 'legend';
    for (const mood of [...MOODS, 'none']) {
      const s = document.createElement('span');
      s.className = `key mood-${mood}`;
      s.textContent = mood === 'none' ? t('insights.noMood') : `${t(`moodIcon.${mood}`)} ${t(`mood.${mood}`)}`;
      legend.append(s);
    }
    box.replaceChildren(root, legend);
  }

  function renderRank(ol, items, describe) {
    if (!items.length) {
      ol.replaceChildren(Object.assign(document.createElement('li'), { className: 'note', textContent: t('insights.none') }));
      return;
    }
    const max = Math.max(...items.map((i) => i.count));
    ol.replaceChildren(...items.map((item) => {
      const d = describe(item);
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'rank-item';
      b.dataset.testid = d.testid;
      b.dataset[d.key] = d.value;
      b.dataset.count = d.count;
      const name = document.createElement('span');
      name.className = 'rank-name';
      name.textContent = d.label;
      const bar = document.createElement('span');
      bar.className = 'rank-bar';
      bar.style.setProperty('--w', `${Math.round((d.count / max) * 100)}%`);
      const c = document.createElement('span');
      c.className = 'rank-count';
      c.textContent = formatNumber(currentLanguage(), d.count);
      b.append(name, bar, c);
      b.addEventListener('click', d.click);
      li.append(b);
      return li;
    }));
  }

  range.addEventListener('change', () => { onRange(range.value); refresh(); });
  onLanguageChange(render);
  return { refresh };
}

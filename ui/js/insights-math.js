// Dates for the insights view, pure (unit tested with node --test): the range a choice means, the
// weeks of the calendar heatmap, and a count's shade.

const iso = (d) => d.toISOString().slice(0, 10);
const utc = (s) => new Date(`${s}T00:00:00Z`);
const local = (now) => new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));

/** `12m`, `3m`, `year` or `all` as { from, to } nights (local today). */
export function rangeFor(choice, now = new Date()) {
  const today = local(now);
  const to = iso(today);
  const back = (days) => iso(new Date(today.getTime() - days * 86400000));
  switch (choice) {
    case '3m': return { from: back(90), to };
    case 'year': return { from: `${to.slice(0, 4)}-01-01`, to };
    case 'all': return { from: '1900-01-01', to };
    default: return { from: back(364), to };
  }
}

/**
 * The heatmap's columns: weeks (Monday first) covering the 365 days that end on `to`; each a list
 * of 7 nights, `null` outside the range.
 */
export function heatWeeks(to) {
  const end = utc(to);
  const start = new Date(end.getTime() - 364 * 86400000);
  const mondayOffset = (start.getUTCDay() + 6) % 7;
  const first = new Date(start.getTime() - mondayOffset * 86400000);
  const weeks = [];
  for (let d = first; d <= end;) {
    const week = [];
    for (let i = 0; i < 7; i++) {
      week.push(d >= start && d <= end ? iso(d) : null);
      d = new Date(d.getTime() + 86400000);
    }
    weeks.push(week);
  }
  return weeks;
}

/** A count's shade, 0 (none) to 4. */
export function level(count) {
  return count <= 0 ? 0 : count === 1 ? 1 : count === 2 ? 2 : count <= 4 ? 3 : 4;
}

// Display helpers: times in the browser's zone with the UTC time in the title, numbers with their units, states as
// words with a shape as well as a colour (never colour alone: the palette is Okabe-Ito, safe for colour blindness).

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function utc(iso) {
  return new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A <time> in local time with the UTC time on hover. */
export function time(iso) {
  if (!iso) return '<span class="none">–</span>';
  const d = new Date(iso);
  return `<time datetime="${esc(d.toISOString())}" title="${esc(utc(iso))}">${esc(dateTime.format(d))}</time>`;
}

export function ago(iso, now = Date.now()) {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function num(v, digits = 1, unit = '') {
  if (v === null || v === undefined || Number.isNaN(v)) return '<span class="none" title="no value">–</span>';
  return `${esc(v.toFixed(digits))}${unit ? '&nbsp;' + esc(unit) : ''}`;
}

export const States = ['excursion', 'warning', 'low_battery', 'silent', 'unknown', 'ok'];

const StateMark = { ok: '●', warning: '▲', excursion: '■', silent: '○', low_battery: '◆', unknown: '?' };
const StateText = { ok: 'ok', warning: 'warning', excursion: 'excursion', silent: 'silent', low_battery: 'low battery', unknown: 'unknown' };

export function stateText(state) {
  return StateText[state] ?? state;
}

export function stateBadge(state) {
  return `<span class="state s-${esc(state)}"><span aria-hidden="true">${StateMark[state] ?? '?'}</span> ${esc(stateText(state))}</span>`;
}

const SeverityMark = { info: 'i', warning: '▲', alarm: '■', critical: '✖' };

export function severityBadge(severity) {
  return `<span class="sev v-${esc(severity)}"><span aria-hidden="true">${SeverityMark[severity] ?? ''}</span> ${esc(severity)}</span>`;
}

export function containerHref(fleet, container) {
  return `#/c/${encodeURIComponent(fleet)}/${encodeURIComponent(container)}`;
}

/** The lowest battery voltage among the container's tags (null: none reported). */
export function battery(c) {
  let v = null;
  for (const t of c.tags ?? []) if (t.battery_v !== null && t.battery_v !== undefined && (v === null || t.battery_v < v)) v = t.battery_v;
  return v;
}

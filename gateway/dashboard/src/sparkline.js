// 24 h sparklines of the fleet table: fetched only for the rows on screen (a few at a time, cached for a while), drawn
// as SVG paths that break where the history has a gap (a bucket without readings is absent from the API's answer).
import { get } from './api.js';
import { esc } from './format.js';

const Ttl = 5 * 60 * 1000, Parallel = 4, Points = 48;
const cache = new Map(); // key -> { at, bucket, points: [[ms, temp]] } or { pending: true }
const queue = [];
let running = 0;
let onReady = () => {};

export function onSparklineReady(fn) { onReady = fn; }

function key(c) { return c.fleet + '/' + c.container; }

/** Asks for the sparklines of these containers (the visible rows); onReady is called as they arrive. */
export function want(containers) {
  const now = Date.now();
  for (const c of containers) {
    const k = key(c), hit = cache.get(k);
    if (hit && (hit.pending || now - hit.at < Ttl)) continue;
    cache.set(k, { ...(hit ?? {}), pending: true });
    queue.push(c);
  }
  pump();
}

function pump() {
  while (running < Parallel && queue.length > 0) {
    const c = queue.pop(); // newest wish first: the rows on screen now
    running++;
    const to = new Date(), from = new Date(to.getTime() - 24 * 3600 * 1000);
    get(`/api/v1/containers/${encodeURIComponent(c.container)}/readings?fleet=${encodeURIComponent(c.fleet)}`
      + `&from=${from.toISOString()}&to=${to.toISOString()}&max_points=${Points}`)
      .then(r => cache.set(key(c), { at: Date.now(), bucket: r.bucket_s * 1000, from: from.getTime(), to: to.getTime(),
        points: r.points.filter(p => p.temp_c_mean !== null).map(p => [new Date(p.time).getTime(), p.temp_c_mean]) }))
      .catch(() => cache.set(key(c), { at: Date.now(), failed: true, points: [] }))
      .finally(() => { running--; onReady(); pump(); });
  }
}

/** Adds a live reading to a cached sparkline. */
export function addReading(fleet, container, timeIso, temp) {
  const hit = cache.get(fleet + '/' + container);
  if (!hit || !hit.points || temp === null || temp === undefined) return;
  const t = new Date(timeIso).getTime();
  hit.points.push([t, temp]);
  if (t > hit.to) hit.to = t;
}

export function sparkline(c) {
  const hit = cache.get(key(c));
  if (!hit || !hit.points) return '<svg class="spark" aria-hidden="true"></svg>';
  if (hit.points.length === 0) return `<svg class="spark" aria-hidden="true"><title>${hit.failed ? 'history unavailable' : 'no readings in 24 h'}</title></svg>`;
  const w = 96, h = 22, pts = hit.points;
  let lo = Infinity, hi = -Infinity;
  for (const [, v] of pts) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (hi - lo < 0.5) { hi += 0.25; lo -= 0.25; }
  const x = t => ((t - hit.from) / (hit.to - hit.from)) * w;
  const y = v => h - 1 - ((v - lo) / (hi - lo)) * (h - 2);
  let d = '', prev = null;
  for (const [t, v] of pts) {
    d += `${prev === null || t - prev > 1.5 * hit.bucket ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    prev = t;
  }
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" role="img" aria-label="24 h: ${esc(lo.toFixed(1))} to ${esc(hi.toFixed(1))} °C">`
    + `<path d="${d}"/></svg>`;
}

// uPlot charts of a container's history: buckets of min / mean / max from the readings endpoint, gaps kept as gaps
// (a missing bucket becomes a null, which uPlot draws as a break), the profile's bands shaded behind the data and the
// excursions marked on top.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// Okabe-Ito: distinguishable with the common colour-vision deficiencies.
export const Palette = { blue: '#0072B2', orange: '#E69F00', vermillion: '#D55E00', green: '#009E73', purple: '#CC79A7', sky: '#56B4E9', grey: '#777777' };

/** Columns for uPlot from the API's buckets: x in seconds, then each field; a null row where a bucket is missing. */
export function columns(points, bucketS, fields) {
  const xs = [], cols = fields.map(() => []);
  const times = points.map(p => new Date(p.time).getTime() / 1000);
  // A gap is a step well beyond the data's own cadence: with buckets shorter than the tags' interval every other
  // bucket is empty, which is no gap. The cadence is the median step; a gap, over 2.5 of them (or 1.5 buckets).
  const steps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  const cadence = steps.length > 0 ? steps[Math.floor(steps.length / 2)] : bucketS;
  const gap = Math.max(1.5 * bucketS, 2.5 * cadence);
  let prev = null;
  for (const [k, p] of points.entries()) {
    const t = times[k];
    if (prev !== null && t - prev > gap) {
      xs.push(prev + bucketS);
      for (const c of cols) c.push(null);
    }
    xs.push(t);
    fields.forEach((f, i) => cols[i].push(p[f] ?? null));
    prev = t;
  }
  return [xs, ...cols];
}

/** The part of the value axis each band of the metric forbids: [from, to] with null for the plot's edge. */
export function forbidden(bands, metric) {
  const out = [];
  for (const b of bands ?? []) {
    if (b.metric !== metric) continue;
    if (b.kind === 'upper') out.push({ from: b.limit, to: null, band: b });
    else if (b.kind === 'lower') out.push({ from: null, to: b.limit, band: b });
    else if (b.kind === 'dual') { out.push({ from: b.high, to: null, band: b }); out.push({ from: null, to: b.low, band: b }); }
  }
  return out;
}

function limitsOf(zones) {
  return zones.flatMap(z => [z.from, z.to]).filter(v => v !== null);
}

/**
 * Draws one chart into the element. opts: title, unit, data (columns()), series [{label, color, dash?, points?}],
 * zones (forbidden()), spans [{from, to (s), label}] shaded as excursions, legs [{from, to (s)}] shaded as air legs,
 * marks [{t, label}] drawn as ticks.
 */
export function chart(el, opts) {
  const limits = limitsOf(opts.zones ?? []);
  const plugin = {
    hooks: {
      drawClear: [u => {
        const ctx = u.ctx, { left, top, width, height } = u.bbox;
        ctx.save();
        for (const z of opts.zones ?? []) {
          const y1 = z.to === null ? top : u.valToPos(z.to, 'y', true);
          const y2 = z.from === null ? top + height : u.valToPos(z.from, 'y', true);
          const a = Math.max(top, Math.min(y1, y2)), b = Math.min(top + height, Math.max(y1, y2));
          if (b <= a) continue;
          ctx.fillStyle = 'rgba(213, 94, 0, 0.12)';
          ctx.fillRect(left, a, width, b - a);
          // The limit itself as a dashed line, so the band reads without colour too.
          ctx.strokeStyle = Palette.vermillion;
          ctx.setLineDash([6, 4]);
          ctx.lineWidth = 1;
          const edge = z.to === null ? y2 : y1;
          ctx.beginPath(); ctx.moveTo(left, edge); ctx.lineTo(left + width, edge); ctx.stroke();
        }
        ctx.restore();
      }],
      draw: [u => {
        const ctx = u.ctx, { top, height } = u.bbox;
        ctx.save();
        for (const s of opts.spans ?? []) {
          const x1 = u.valToPos(s.from, 'x', true), x2 = u.valToPos(s.to ?? u.scales.x.max, 'x', true);
          ctx.fillStyle = 'rgba(213, 94, 0, 0.18)';
          ctx.fillRect(x1, top, Math.max(2, x2 - x1), height);
          ctx.fillStyle = Palette.vermillion;
          ctx.fillRect(x1, top, Math.max(2, x2 - x1), 4);
        }
        const drawn = [];
        for (const l of opts.legs ?? []) {
          // Air legs: a blue band with a dotted top edge and the word "air", so it reads without colour too.
          const x1 = u.valToPos(l.from, 'x', true), x2 = u.valToPos(l.to, 'x', true);
          const w = Math.max(2, x2 - x1);
          drawn.push([Math.round(x1), Math.round(x1 + w), Math.round(top), Math.round(top + height)]);
          ctx.fillStyle = 'rgba(86, 180, 233, 0.22)';
          ctx.fillRect(x1, top, w, height);
          ctx.strokeStyle = Palette.blue;
          ctx.lineWidth = 2;
          ctx.setLineDash([2, 3]);
          ctx.beginPath(); ctx.moveTo(x1, top + 1); ctx.lineTo(x1 + w, top + 1); ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = Palette.blue;
          ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
          ctx.fillText('air', x1 + 4, top + 14 * devicePixelRatio);
        }
        // For tests: where the legs were shaded, in canvas pixels [x1, x2, top, bottom].
        if (opts.legs) u.root.dataset.legsDrawn = JSON.stringify(drawn);
        for (const m of opts.marks ?? []) {
          const x = u.valToPos(m.t, 'x', true);
          ctx.strokeStyle = Palette.purple;
          ctx.lineWidth = 2;
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + 10); ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
  const width = Math.max(280, el.clientWidth || 600);
  const u = new uPlot({
    width,
    height: 220,
    plugins: [plugin],
    cursor: { sync: { key: 'container' } },
    scales: {
      x: { time: true },
      y: {
        range: (u, min, max) => {
          const lo = Math.min(min ?? 0, ...limits), hi = Math.max(max ?? 1, ...limits);
          const pad = Math.max(0.5, (hi - lo) * 0.08);
          return [lo - pad, hi + pad];
        },
      },
    },
    axes: [{}, { label: opts.unit, size: 56 }],
    series: [
      { label: 'time', value: (u, v) => (v === null ? '–' : new Date(v * 1000).toLocaleString()) },
      ...opts.series.map(s => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 1.5,
        dash: s.dash,
        spanGaps: false,
        points: s.points ? { show: true, size: 7, fill: s.color, stroke: s.color } : { show: false },
        paths: s.points ? () => null : undefined,
        value: (u, v) => (v === null ? '–' : `${v.toFixed(s.digits ?? 1)} ${opts.unit}`),
      })),
    ],
  }, opts.data, el);
  return u;
}

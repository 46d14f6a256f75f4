// The gateway's API (docs/api.md) from the browser: the operator token (kept in sessionStorage, so it goes with the tab)
// on every call, problem details turned into errors with their detail, and the event stream read with fetch (not
// EventSource, which cannot send the Authorization header that fleet-scoped tokens need on GETs too).

const TokenKey = 'tracking.token';

export function token() {
  return sessionStorage.getItem(TokenKey) ?? '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TokenKey, value);
  else sessionStorage.removeItem(TokenKey);
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

function headers(extra) {
  const h = { Accept: 'application/json', ...extra };
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

async function fail(response) {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body.detail) detail = body.detail;
    else if (body.title) detail = body.title;
  } catch { /* not problem details */ }
  return new ApiError(response.status, detail);
}

export async function get(path, signal) {
  const response = await fetch(path, { headers: headers(), signal });
  if (!response.ok) throw await fail(response);
  return response.json();
}

/** GET that answers null for a 404 (an endpoint this gateway does not have yet, or nothing known). */
export async function getOptional(path, signal) {
  try {
    return await get(path, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

async function send(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: headers({ 'Content-Type': 'application/json' }),
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await fail(response);
  return response.json();
}

export const post = (path, body) => send('POST', path, body);
export const put = (path, body) => send('PUT', path, body);

export function acknowledge(id, by, note) {
  const body = { by };
  if (note) body.note = note;
  return post(`/api/v1/alerts/${encodeURIComponent(id)}/ack`, body);
}

/**
 * Every container: a small first page (the most urgent, as the API sorts by state) so the table shows at once, then
 * every page of the largest size in parallel.
 */
export async function allContainers(onFirst) {
  const size = 1000, firstSize = 100;
  const first = await get(`/api/v1/containers?page_size=${firstSize}&page=1`);
  onFirst?.(first);
  if (first.total <= firstSize) return { counts: first.counts, containers: first.containers };
  const pages = await Promise.all(Array.from({ length: Math.ceil(first.total / size) },
    (_, i) => get(`/api/v1/containers?page_size=${size}&page=${i + 1}`)));
  return { counts: pages[0].counts, containers: [].concat(...pages.map(p => p.containers)) };
}

/**
 * A `names` event (docs/api.md: a fleet's container and tag names and its streams, [container index, tag index] pairs,
 * each at its index, sent at every connection before any `readings` event): sets the fleet's tables in `tables` (a Map
 * per connection, fleet -> {containers, tags, streams}).
 */
export function applyNames(tables, d) {
  tables.set(d.fleet, { containers: d.containers.slice(), tags: d.tags.slice(), streams: d.streams.slice() });
}

/**
 * Keeps the first `from` entries of `list` and appends `added` (a `readings` event's new names or streams; from 0: a new
 * table).
 */
function extendNames(list, from, added, what) {
  if (!(from >= 0 && from <= list.length)) throw new Error(`stream: ${what} continue from ${from}, ${list.length} known`);
  list.length = from;
  for (const n of added) list.push(n);
}

/**
 * A `readings` event (docs/api.md: a reading as [stream index, ms after the event's t0, temp_c, rh_pct, pressure_hpa,
 * peak_g], the stream a [container index, tag index] pair into the fleet's names; the event extends the fleet's tables
 * with what it introduces: containers_from/containers, tags_from/tags, streams_from/streams) as the pages take it: one
 * {fleet, container, tag, readings: [{time, temp_c, rh_pct, pressure_hpa, peak_g}]} per run of readings of the same
 * stream, in the event's order. `tables` is the connection's names (applyNames), updated here. Throws when the event
 * refers to names the connection never got.
 */
export function expandReadings(d, tables) {
  let names = tables.get(d.fleet);
  if (!names) tables.set(d.fleet, names = { containers: [], tags: [], streams: [] });
  extendNames(names.containers, d.containers_from, d.containers, 'containers');
  extendNames(names.tags, d.tags_from, d.tags, 'tags');
  extendNames(names.streams, d.streams_from, d.streams, 'streams');
  const out = [];
  let last = null;
  for (const [s, dt, temp, rh, p, g] of d.readings) {
    const ms = d.t0 + dt;
    const stream = names.streams[s];
    const container = stream && names.containers[stream[0]], tag = stream && names.tags[stream[1]];
    if (container === undefined || tag === undefined) throw new Error(`stream: reading of unknown stream ${s}`);
    if (!last || last.container !== container || last.tag !== tag) {
      last = { fleet: d.fleet, container, tag, readings: [] };
      out.push(last);
    }
    last.readings.push({ time: new Date(ms).toISOString(), temp_c: temp, rh_pct: rh, pressure_hpa: p, peak_g: g });
  }
  return out;
}

/**
 * Follows GET /api/v1/stream: calls onEvent(type, data) for each event (a `readings` event as one `reading` per
 * container and tag, expandReadings, with the connection's names from its `names` events), reconnects after a drop (or
 * an event it cannot name) with Last-Event-ID
 * (the server replays what was missed from its window, or sends `reset` when that is too far back), reports the
 * connection's state to onStatus. Returns a function that stops it.
 */
export function followStream(onEvent, onStatus) {
  let lastId = null;
  let stopped = false;
  let controller = null;
  let delay = 500;

  async function once() {
    controller = new AbortController();
    const h = headers({ Accept: 'text/event-stream' });
    if (lastId !== null) h['Last-Event-ID'] = lastId;
    const response = await fetch('/api/v1/stream', { headers: h, signal: controller.signal, cache: 'no-store' });
    if (!response.ok) throw await fail(response);
    onStatus('live');
    delay = 500;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    // Per connection: every connection starts with the names of its fleets.
    const tables = new Map();
    let buffer = '';
    let type = 'message', data = [], id = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (line === '') {
          if (data.length > 0) {
            let parsed = null;
            try { parsed = JSON.parse(data.join('\n')); } catch { /* ignore a malformed event */ }
            // Expanded before its id is taken: an event it cannot name ends the connection (expandReadings throws), and
            // the reconnect resumes before it, with the names the new connection brings.
            let readings = null;
            try {
              if (parsed !== null && type === 'readings') readings = expandReadings(parsed, tables);
            } catch (e) {
              controller.abort();
              throw e;
            }
            if (id !== null) lastId = id;
            if (parsed !== null && type === 'names') applyNames(tables, parsed);
            else if (readings !== null) for (const r of readings) onEvent('reading', r);
            else if (parsed !== null) onEvent(type, parsed);
          }
          type = 'message'; data = []; id = null;
        } else if (line.startsWith(':')) {
          // heartbeat or "connected"
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const v = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') type = v;
          else if (field === 'data') data.push(v);
          else if (field === 'id') id = v;
        }
      }
    }
  }

  (async () => {
    while (!stopped) {
      try {
        await once();
        if (!stopped) onStatus('reconnecting');
      } catch (e) {
        if (stopped) return;
        onStatus(e instanceof ApiError ? `stream refused: ${e.message}` : 'reconnecting');
      }
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
  })();

  return () => { stopped = true; controller?.abort(); };
}

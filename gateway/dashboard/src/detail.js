// Container detail: state and tag status, the history as uPlot charts (temperature with the profile's bands and the
// excursions, humidity, pressure, shocks), predictive warnings, the alert timeline with acknowledgement, the profile
// selector, the trip report links for the range, and the container's trips (start, end, each one's report). Kept current
// by the stream; the trips, which have no stream event, at each load of the page and after its own start and end calls.
import { ApiError, get, getOptional, post, put, token } from './api.js';
import { subscribe } from './bus.js';
import { chart, columns, forbidden, Palette } from './charts.js';
import { alertItem, wireAcknowledge } from './alertview.js';
import { esc, num, stateBadge, time } from './format.js';

const Ranges = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30 };

export function detailPage(main, fleet, container, params) {
  const range = Ranges[params.get('range')] ? params.get('range') : '24h';
  const q = `fleet=${encodeURIComponent(fleet)}`;
  const base = `/api/v1/containers/${encodeURIComponent(container)}`;
  const to = new Date(), from = new Date(to.getTime() - Ranges[range] * 3600 * 1000);
  const span = `from=${from.toISOString()}&to=${to.toISOString()}`;
  const plots = [];
  document.title = `Tracking: ${container}`;
  main.innerHTML = `
    <p><a href="#/">← Fleet</a></p>
    <h1><span id="title">${esc(container)}</span> <small>fleet ${esc(fleet)}</small> <span id="state"></span></h1>
    <div class="toolbar">
      <nav aria-label="Time range">${Object.keys(Ranges).map(r =>
        `<a href="#/c/${encodeURIComponent(fleet)}/${encodeURIComponent(container)}?range=${r}" ${r === range ? 'aria-current="true"' : ''}>${r}</a>`).join(' ')}</nav>
      <form id="profile-form" class="inline"><label>Profile <select id="profile"></select></label> <button type="submit">Assign</button>
        <span id="profile-msg" role="status"></span></form>
      <span class="report">Trip report (this range):
        <a id="report-html" href="${base}/report?${q}&${span}&format=html" target="_blank" rel="noopener">HTML</a>
        <a id="report-csv" href="${base}/report?${q}&${span}&format=csv" download>CSV</a>
        <a id="report-json" href="${base}/report?${q}&${span}&format=json" download>JSON</a>
        </span>
    </div>
    <section aria-labelledby="h-trips"><h2 id="h-trips">Trips</h2>
      <form id="trip-form" class="inline"><label>Reference <input id="trip-ref" name="reference" autocomplete="off"
        placeholder="booking or B/L number (optional)" size="28"></label> <button type="submit" id="trip-start">Start trip</button>
        <span id="trip-msg" role="status"></span></form>
      <div id="trips" class="scroll-x">…</div></section>
    <section aria-labelledby="h-warn"><h2 id="h-warn">Predictive warnings</h2><div id="warnings">…</div></section>
    <section aria-labelledby="h-charts"><h2 id="h-charts">History <small>(${range}; shaded: outside the profile's bands; gaps: no data)</small></h2>
      <figure id="fig-temp" class="chart"><figcaption>Temperature (°C): mean, with min and max of each bucket</figcaption><div class="plot"></div></figure>
      <figure id="fig-rh" class="chart"><figcaption>Humidity (%RH)</figcaption><div class="plot"></div></figure>
      <figure id="fig-p" class="chart"><figcaption>Pressure (hPa; shaded “air”: air legs)</figcaption><div class="plot"></div></figure>
      <figure id="fig-g" class="chart"><figcaption>Shock (peak g per bucket; ticks: shocks the rules counted)</figcaption><div class="plot"></div></figure>
      <p id="history-msg" role="status"></p>
    </section>
    <section aria-labelledby="h-alerts"><h2 id="h-alerts">Alerts</h2><ol id="alerts" class="timeline"></ol></section>
    <section aria-labelledby="h-tags"><h2 id="h-tags">Tags</h2><div id="tags" class="scroll-x"></div></section>`;
  const $ = id => main.querySelector('#' + id);
  let info = null, profile = null, summary = null;

  async function loadContainer() {
    const page = await get(`/api/v1/containers?${q}&q=${encodeURIComponent(container)}&page_size=1000`);
    info = page.containers.find(c => c.container === container) ?? null;
    $('state').innerHTML = info ? stateBadge(info.state) : stateBadge('unknown');
    $('tags').innerHTML = info ? tagTable(info.tags) : '<p>No data from this container yet.</p>';
    return info;
  }

  async function loadProfiles() {
    const [all, c] = [await get('/api/v1/profiles'), info];
    const current = c?.profile ?? '';
    $('profile').innerHTML = (current ? '' : '<option value="">(none)</option>')
      + all.map(p => `<option ${p.name === current ? 'selected' : ''}>${esc(p.name)}</option>`).join('');
    profile = all.find(p => p.name === current) ?? null;
  }

  async function loadHistory() {
    for (const p of plots.splice(0)) p.destroy();
    let r, legs;
    try {
      // The air legs come from the server (the rules' detector over the raw pressure, as the trip report finds them);
      // without them (an older gateway, or the database cannot answer) the pressure is drawn alone.
      [r, legs] = await Promise.all([get(`${base}/readings?${q}&${span}&max_points=1500`),
        getOptional(`${base}/legs?${q}&${span}`).catch(() => null)]);
    } catch (e) {
      $('history-msg').textContent = `History unavailable: ${e.message}`;
      return;
    }
    const airLegs = (legs?.legs ?? []).map(l => ({ from: new Date(l.start).getTime() / 1000, to: new Date(l.end).getTime() / 1000 }));
    $('history-msg').textContent = r.points.length === 0 ? 'No readings in this range.' : `${r.points.length} buckets of ${r.bucket_s} s.`;
    const bands = profile?.bands ?? [];
    const excursions = (summary?.tags ?? []).flatMap(t => t.excursions ?? []);
    const spans = excursions.filter(x => x.band.startsWith('temp_c'))
      .map(x => ({ from: new Date(x.start).getTime() / 1000, to: x.end ? new Date(x.end).getTime() / 1000 : null }));
    const zones = forbidden(bands, 'temp_c');
    const temp = columns(r.points, r.bucket_s, ['temp_c_mean', 'temp_c_min', 'temp_c_max']);
    // Buckets whose extreme is inside a forbidden zone: marked as points, so excursions show even without the summary.
    const outside = temp[3].map((max, i) => {
      const min = temp[2][i];
      if (max === null) return null;
      for (const z of zones) {
        if (z.to === null && max >= z.from) return max;
        if (z.from === null && min <= z.to) return min;
      }
      return null;
    });
    draw('fig-temp', {
      unit: '°C', zones, spans, data: [...temp, outside],
      series: [{ label: 'mean', color: Palette.blue, width: 2 }, { label: 'min', color: Palette.sky, dash: [4, 3] },
        { label: 'max', color: Palette.orange, dash: [4, 3] }, { label: 'outside band', color: Palette.vermillion, points: true }],
    }, { bands: zones.length, excursions: spans.length });
    draw('fig-rh', {
      unit: '%RH', zones: forbidden(bands, 'rh'), data: columns(r.points, r.bucket_s, ['rh_pct_mean', 'rh_pct_min', 'rh_pct_max']),
      series: [{ label: 'mean', color: Palette.green, width: 2 }, { label: 'min', color: Palette.sky, dash: [4, 3] }, { label: 'max', color: Palette.orange, dash: [4, 3] }],
    });
    draw('fig-p', {
      unit: 'hPa', legs: airLegs, data: columns(r.points, r.bucket_s, ['pressure_hpa_mean', 'pressure_hpa_min', 'pressure_hpa_max']),
      series: [{ label: 'mean', color: Palette.purple, width: 2, digits: 0 }, { label: 'min', color: Palette.sky, dash: [4, 3], digits: 0 },
        { label: 'max', color: Palette.orange, dash: [4, 3], digits: 0 }],
    }, { legs: airLegs.length });
    const shocks = (summary?.tags ?? []).flatMap(t => t.shocks ?? []).map(s => ({ t: new Date(s.time).getTime() / 1000 }));
    const limit = profile?.shock_g;
    draw('fig-g', {
      unit: 'g', marks: shocks, zones: limit ? [{ from: limit, to: null }] : [],
      data: columns(r.points, r.bucket_s, ['peak_g_max']), series: [{ label: 'peak', color: Palette.purple, points: true, digits: 2 }],
    }, { shocks: shocks.length });
  }

  function draw(id, opts, extra = {}) {
    const fig = $(id), el = fig.querySelector('.plot');
    el.innerHTML = '';
    const count = opts.data[1].filter(v => v !== null).length;
    // For tests and screen readers: what the chart shows, in numbers.
    fig.dataset.points = String(count);
    // Runs of two or more values in a row: the lines drawn, so a gap in the data is one more run.
    let segments = 0, run = 0;
    for (const v of [...opts.data[1], null]) {
      if (v !== null) { run++; continue; }
      if (run >= 2) segments++;
      run = 0;
    }
    fig.dataset.segments = String(segments);
    for (const [k, v] of Object.entries(extra)) fig.dataset[k] = String(v);
    fig.dataset.bands = String((opts.zones ?? []).length);
    plots.push(chart(el, opts));
  }

  async function loadSummary() {
    summary = await getOptional(`${base}/summary?${q}`);
  }

  async function loadWarnings() {
    let w;
    try {
      w = await getOptional(`${base}/warnings?${q}`);
    } catch (e) {
      $('warnings').textContent = `Warnings unavailable: ${e.message}`;
      return;
    }
    if (w === null) {
      // Older gateway without the endpoint (or no rules data): the fleet list's count is what there is.
      $('warnings').innerHTML = info?.warnings
        ? `<p class="warn">${info.warnings} predictive warning(s) in force (details need the gateway's /warnings endpoint).</p>`
        : '<p>None known.</p>';
      return;
    }
    showWarnings(w.warnings);
  }

  function showWarnings(list) {
    $('warnings').innerHTML = list.length === 0 ? '<p>None in force.</p>' : '<ul class="warnings">' + list.map(w =>
      `<li><strong>${esc(w.kind)}</strong> (${esc(w.band)}, ${esc(w.severity)}, tag ${esc(w.tag)}): alarm expected ${time(w.predicted_alarm)}`
      + (w.predicted_breach ? `, limit ${num(w.limit, 1)} reached ${time(w.predicted_breach)}` : '')
      + (w.slope_per_h !== undefined ? `; trend ${num(w.slope_per_h, 2)} per h, confidence ${num(w.confidence, 2)}` : '') + '</li>').join('') + '</ul>';
  }

  async function loadAlerts() {
    const list = await get(`/api/v1/alerts?${q}&container=${encodeURIComponent(container)}&limit=200`);
    $('alerts').innerHTML = list.length === 0 ? '<li>No alerts.</li>' : list.map(a => alertItem(a, false)).join('');
  }

  async function loadTrips() {
    let list;
    try {
      list = await getOptional(`${base}/trips?${q}`);
    } catch (e) {
      $('trips').textContent = `Trips unavailable: ${e.message}`;
      return;
    }
    if (list === null) {
      // A gateway without trips (before issue 12): nothing to list, and nothing to start.
      $('trips').innerHTML = '<p>Trips are not available on this gateway.</p>';
      $('trip-form').hidden = true;
      return;
    }
    $('trips').innerHTML = tripTable(list, id => `${base}/report?${q}&trip=${encodeURIComponent(id)}`);
  }

  // Start and end: the operator token is needed; what the API refuses (its problem details' detail) is said in the
  // section's status element; the list is read again after each call, also a refused one (another operator may have
  // changed the trips: the usual 409).
  async function changeTrip(button, call, done) {
    if (!token()) {
      $('trip-msg').textContent = 'Enter the operator token at the top first.';
      document.getElementById('token')?.focus();
      return;
    }
    button.disabled = true;
    try {
      const trip = await call();
      $('trip-msg').textContent = done(trip);
      return trip;
    } catch (err) {
      $('trip-msg').textContent = err instanceof ApiError ? `Refused: ${err.message}` : String(err);
    } finally {
      button.disabled = false;
      await loadTrips();
      // The end button goes with the row it was in: keep the keyboard in the section rather than on the page's start.
      if (!button.isConnected) $('trip-ref').focus();
    }
  }

  wireAcknowledge($('alerts'), () => loadAlerts());
  $('profile-form').addEventListener('submit', async e => {
    e.preventDefault();
    const name = $('profile').value;
    if (!name) return;
    if (!token()) { $('profile-msg').textContent = 'Enter the operator token at the top first.'; return; }
    try {
      await put(`${base}/profile`, { profile: name, fleet });
      $('profile-msg').textContent = `Assigned ${name}.`;
      await loadProfiles();
      await loadHistory();
    } catch (err) {
      $('profile-msg').textContent = err instanceof ApiError ? `Refused: ${err.message}` : String(err);
    }
  });

  $('trip-form').addEventListener('submit', async e => {
    e.preventDefault();
    const reference = $('trip-ref').value.trim();
    const started = await changeTrip($('trip-start'), () => post(`${base}/trips?${q}`, reference ? { reference } : {}),
      t => `Started trip ${t.id}${t.reference ? ` (${t.reference})` : ''}.`);
    if (started) $('trip-ref').value = '';
  });
  $('trips').addEventListener('click', e => {
    const button = e.target.closest('button.trip-end');
    if (!button) return;
    changeTrip(button, () => post(`${base}/trips/current/end?${q}`, {}), t => `Ended trip ${t.id}.`);
  });

  let historyTimer = 0, alertsTimer = 0;
  const unsubscribe = subscribe((type, d) => {
    const f = d.fleet ?? d.alert?.fleet, c = d.container ?? d.alert?.container;
    if (f !== fleet || c !== container) return;
    if (type === 'state') $('state').innerHTML = stateBadge(d.state);
    else if (type === 'warnings') showWarnings(d.warnings);
    else if (type === 'tag_status') {
      if (!info) { loadContainer(); return; }
      info.tags = (info.tags ?? []).filter(t => t.tag !== d.status.tag).concat([d.status]).sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
      $('tags').innerHTML = tagTable(info.tags);
    } else if (type === 'profile') {
      // The bands shaded are the profile's: redraw with the new one.
      const known = info ? Promise.resolve(info.profile = d.profile) : loadContainer();
      known.then(loadProfiles).then(loadHistory);
    }
    else if (type === 'alert') { clearTimeout(alertsTimer); alertsTimer = setTimeout(() => { loadAlerts(); loadContainer(); }, 300); }
    else if (type === 'reading') {
      clearTimeout(historyTimer);
      historyTimer = setTimeout(() => { loadSummary().then(loadHistory); loadContainer(); }, 5000);
    }
  });
  const resize = () => { for (const p of plots) p.setSize({ width: Math.max(280, p.root.parentElement.clientWidth), height: 220 }); };
  window.addEventListener('resize', resize);

  (async () => {
    try {
      await loadContainer();
      await Promise.all([loadProfiles(), loadSummary()]);
      await Promise.all([loadHistory(), loadWarnings(), loadAlerts(), loadTrips()]);
      main.dataset.loaded = 'true';
    } catch (e) {
      main.insertAdjacentHTML('afterbegin', `<p class="error" role="alert">Cannot load ${esc(container)}: ${esc(e.message)}</p>`);
    }
  })();

  return () => {
    unsubscribe();
    clearTimeout(historyTimer); clearTimeout(alertsTimer);
    window.removeEventListener('resize', resize);
    for (const p of plots) p.destroy();
  };
}

/** The trips, newest first as the API lists them; report(id) is the report's URL without its format. */
function tripTable(trips, report) {
  if (trips.length === 0) return '<p>No trips yet.</p>';
  return `<table class="tags trips"><thead><tr><th scope="col">Trip</th><th scope="col">Reference</th><th scope="col">Start</th>
    <th scope="col">End</th><th scope="col">Profile</th><th scope="col">Report</th></tr></thead><tbody>${trips.map(t => {
    const name = t.reference ? `trip ${t.id} (${t.reference})` : `trip ${t.id}`;
    const end = t.end
      ? time(t.end)
      : `<span class="in-progress">in progress</span> <button type="button" class="trip-end" aria-label="End ${esc(name)}">End trip</button>`;
    const r = esc(report(t.id));
    return `<tr data-trip="${esc(t.id)}" data-state="${esc(t.state)}"><th scope="row">${esc(t.id)}</th>
      <td class="reference">${t.reference ? esc(t.reference) : '<span class="none">–</span>'}</td><td class="start">${time(t.start)}</td>
      <td class="end">${end}</td><td>${t.profile ? esc(t.profile) : '<span class="none">–</span>'}</td>
      <td class="trip-report"><a class="trip-html" href="${r}&format=html" target="_blank" rel="noopener" aria-label="HTML report of ${esc(name)}">HTML</a>
        <a class="trip-csv" href="${r}&format=csv" download aria-label="CSV report of ${esc(name)}">CSV</a>
        <a class="trip-json" href="${r}&format=json" download aria-label="JSON report of ${esc(name)}">JSON</a></td></tr>`;
  }).join('')}</tbody></table>`;
}

function tagTable(tags) {
  if (!tags?.length) return '<p>No tag has reported yet.</p>';
  return `<table class="tags"><thead><tr><th scope="col">Tag</th><th scope="col">Online</th><th scope="col">Battery (V)</th>
    <th scope="col">RSSI (dBm)</th><th scope="col">Spool (readings)</th><th scope="col">Firmware</th><th scope="col">Report every (s)</th>
    <th scope="col">Last seen</th></tr></thead><tbody>${tags.map(t => `<tr data-tag="${esc(t.tag)}"><th scope="row">${esc(t.tag)}</th>
    <td>${t.online === null || t.online === undefined ? '–' : t.online ? 'yes' : 'no (connection lost)'}</td><td class="battery">${num(t.battery_v, 2)}</td>
    <td>${t.rssi_dbm ?? '–'}</td><td>${t.spool_depth ?? '–'}</td><td>${esc(t.firmware ?? '–')}</td><td>${t.report_s ?? '–'}</td>
    <td>${time(t.last_seen)}</td></tr>`).join('')}</tbody></table>`;
}

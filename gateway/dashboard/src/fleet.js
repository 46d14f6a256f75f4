// Fleet overview: counts by state, then every container in a virtualised table (only the rows on screen are in the
// DOM, so 10,000 containers scroll smoothly), sorted and filtered in the browser, kept current by the stream.
import { allContainers } from './api.js';
import { subscribe } from './bus.js';
import { ago, battery, containerHref, esc, num, stateBadge, stateText, States } from './format.js';
import { addReading, onSparklineReady, sparkline, want } from './sparkline.js';

const RowHeight = 36, Overscan = 4;
const StateRank = Object.fromEntries(States.map((s, i) => [s, i]));

const Columns = [
  { id: 'container', label: 'Container', value: c => c.container },
  { id: 'fleet', label: 'Fleet', value: c => c.fleet },
  { id: 'profile', label: 'Profile', value: c => c.profile ?? '' },
  { id: 'state', label: 'State', value: c => StateRank[c.state] ?? 99 },
  { id: 'temp', label: 'Temp. now (°C), 24 h', value: c => c.reading?.temp_c ?? null },
  { id: 'battery', label: 'Battery (V)', value: c => battery(c) },
  { id: 'last_seen', label: 'Last seen', value: c => (c.last_seen ? new Date(c.last_seen).getTime() : null) },
];

export function fleetPage(main, params) {
  const started = performance.now();
  const view = {
    all: [], index: new Map(), shown: [], sort: params.get('sort') ?? 'state', desc: false,
    q: params.get('q') ?? '', fleet: params.get('fleet') ?? '', state: params.get('state') ?? '', focus: 0,
  };
  main.innerHTML = `
    <h1>Fleet</h1>
    <div class="counts" role="group" aria-label="Containers by state (select to filter)" id="counts"></div>
    <div class="filters">
      <label>Find <input type="search" id="q" placeholder="container or tag" value="${esc(view.q)}"></label>
      <label>Fleet <select id="fleet"><option value="">all</option></select></label>
      <label>State <select id="state"><option value="">all</option>${States.map(s => `<option value="${s}">${esc(stateText(s))}</option>`).join('')}</select></label>
      <span id="shown" role="status" aria-live="polite"></span>
    </div>
    <div class="grid" role="table" aria-label="Containers" id="grid" aria-rowcount="1">
      <div role="rowgroup" class="head"><div role="row" class="row" aria-rowindex="1">${Columns.map(col =>
        `<div role="columnheader" class="cell c-${col.id}" data-col="${col.id}"><button type="button" data-sort="${col.id}">${esc(col.label)}</button></div>`).join('')}</div></div>
      <div role="rowgroup" class="viewport" id="viewport" tabindex="0" aria-label="Container rows: arrow keys move, Enter opens">
        <div class="spacer" id="spacer"><div class="rows" id="rows"></div></div>
      </div>
    </div>
    <p class="hint">Loading…</p>`;
  const $ = id => main.querySelector('#' + id);
  const viewport = $('viewport'), rows = $('rows'), spacer = $('spacer');
  $('state').value = view.state;

  function matches(c) {
    if (view.fleet && c.fleet !== view.fleet) return false;
    if (view.q) {
      const q = view.q.toLowerCase();
      if (!c.container.toLowerCase().includes(q) && !(c.tags ?? []).some(t => t.tag.toLowerCase().includes(q))) return false;
    }
    return true;
  }

  function refilter() {
    const counts = Object.fromEntries(States.map(s => [s, 0]));
    const shown = [];
    for (const c of view.all) {
      if (!matches(c)) continue;
      counts[c.state] = (counts[c.state] ?? 0) + 1;
      if (!view.state || c.state === view.state) shown.push(c);
    }
    const col = Columns.find(x => x.id === view.sort) ?? Columns[3];
    const dir = view.desc ? -1 : 1;
    shown.sort((a, b) => {
      const va = col.value(a), vb = col.value(b);
      if (va === vb) return a.container < b.container ? -1 : a.container > b.container ? 1 : 0;
      if (va === null) return 1; // no value last either way
      if (vb === null) return -1;
      return (va < vb ? -1 : 1) * dir;
    });
    view.shown = shown;
    $('counts').innerHTML = States.map(s => `<button type="button" class="count" data-state="${s}" aria-pressed="${view.state === s}">`
      + `${stateBadge(s)} <strong>${counts[s]}</strong></button>`).join('');
    $('shown').textContent = `${shown.length} of ${view.all.length} containers shown`;
    $('grid').setAttribute('aria-rowcount', String(shown.length + 1));
    spacer.style.height = `${shown.length * RowHeight}px`;
    for (const b of main.querySelectorAll('[data-sort]')) {
      const cell = b.parentElement;
      if (b.dataset.sort === view.sort) cell.setAttribute('aria-sort', view.desc ? 'descending' : 'ascending');
      else cell.removeAttribute('aria-sort');
    }
    view.focus = Math.min(view.focus, Math.max(0, shown.length - 1));
    render();
  }

  function rowHtml(c, i) {
    const t = c.reading?.temp_c;
    return `<a role="row" class="row${i === view.focus ? ' focus' : ''}" aria-rowindex="${i + 2}" data-i="${i}" tabindex="-1" href="${containerHref(c.fleet, c.container)}" data-container="${esc(c.container)}" data-state="${esc(c.state)}">`
      + `<span role="cell" class="cell c-container">${esc(c.container)}${c.alerts?.length ? ` <span class="alerts" title="${c.alerts.length} unresolved alert(s)">⚑${c.alerts.length}</span>` : ''}</span>`
      + `<span role="cell" class="cell c-fleet">${esc(c.fleet)}</span>`
      + `<span role="cell" class="cell c-profile">${esc(c.profile ?? '–')}</span>`
      + `<span role="cell" class="cell c-state">${stateBadge(c.state)}</span>`
      + `<span role="cell" class="cell c-temp"><span class="now">${num(t, 1, '°C')}</span>${sparkline(c)}</span>`
      + `<span role="cell" class="cell c-battery">${num(battery(c), 2, 'V')}</span>`
      + `<span role="cell" class="cell c-last_seen">${c.last_seen ? `<span title="${esc(new Date(c.last_seen).toISOString())}">${esc(ago(c.last_seen))}</span>` : '–'}</span>`
      + '</a>';
  }

  let sparkTimer = 0;
  function render() {
    const top = viewport.scrollTop, height = viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / RowHeight) - Overscan);
    const last = Math.min(view.shown.length, Math.ceil((top + height) / RowHeight) + Overscan);
    const visible = view.shown.slice(first, last);
    // Asked before the rows are replaced: replacing the focused row would move the focus to the body.
    const hadFocus = document.activeElement === viewport || viewport.contains(document.activeElement);
    rows.style.transform = `translateY(${first * RowHeight}px)`;
    rows.innerHTML = visible.map((c, k) => rowHtml(c, first + k)).join('');
    if (hadFocus) {
      rows.querySelector(`[data-i="${view.focus}"]`)?.focus({ preventScroll: true });
    }
    clearTimeout(sparkTimer);
    sparkTimer = setTimeout(() => want(visible), 150);
  }

  function moveFocus(to) {
    if (view.shown.length === 0) return;
    view.focus = Math.max(0, Math.min(view.shown.length - 1, to));
    const y = view.focus * RowHeight;
    if (y < viewport.scrollTop) viewport.scrollTop = y;
    else if (y + RowHeight > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = y + RowHeight - viewport.clientHeight;
    render();
    rows.querySelector(`[data-i="${view.focus}"]`)?.focus({ preventScroll: true });
  }

  let frame = 0;
  // One render per frame however many scroll events came in it.
  viewport.addEventListener('scroll', () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); }, { passive: true });
  viewport.addEventListener('keydown', e => {
    const page = Math.max(1, Math.floor(viewport.clientHeight / RowHeight) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) moveFocus(view.focus + moves[e.key]);
    else if (e.key === 'Home') moveFocus(0);
    else if (e.key === 'End') moveFocus(view.shown.length - 1);
    else return;
    e.preventDefault();
  });
  viewport.addEventListener('focus', () => rows.querySelector(`[data-i="${view.focus}"]`)?.focus({ preventScroll: true }));
  main.querySelector('.head').addEventListener('click', e => {
    const b = e.target.closest('[data-sort]');
    if (!b) return;
    if (view.sort === b.dataset.sort) view.desc = !view.desc;
    else { view.sort = b.dataset.sort; view.desc = false; }
    refilter();
  });
  $('counts').addEventListener('click', e => {
    const b = e.target.closest('[data-state]');
    if (!b) return;
    view.state = view.state === b.dataset.state ? '' : b.dataset.state;
    $('state').value = view.state;
    refilter();
  });
  $('state').addEventListener('change', e => { view.state = e.target.value; refilter(); });
  $('fleet').addEventListener('change', e => { view.fleet = e.target.value; refilter(); });
  $('q').addEventListener('input', e => { view.q = e.target.value.trim(); refilter(); });
  onSparklineReady(() => requestAnimationFrame(render));

  function fleets() {
    const names = [...new Set(view.all.map(c => c.fleet))].sort();
    $('fleet').innerHTML = '<option value="">all</option>' + names.map(f => `<option>${esc(f)}</option>`).join('');
    $('fleet').value = view.fleet;
  }

  function take(list) {
    view.all = list;
    view.index = new Map(list.map(c => [c.fleet + '/' + c.container, c]));
  }

  let loaded = false;
  async function load() {
    try {
      const first = await allContainers(page => {
        // The first page shows at once (the table is usable while the rest arrives).
        if (!loaded) { take(page.containers); refilter(); markVisible(); }
      });
      take(first.containers);
      loaded = true;
      fleets();
      refilter();
      main.querySelector('.hint').textContent = 'Live: rows change as readings, states, alerts, profiles and tag statuses arrive. Times in your time zone (UTC on hover).';
    } catch (e) {
      main.querySelector('.hint').textContent = `Cannot load the fleet: ${e.message}`;
      main.querySelector('.hint').classList.add('error');
    }
  }

  function markVisible() {
    if (document.body.dataset.tableVisibleMs) return;
    // For bench/ and the browser tests: time from the page's start to the first rows on screen.
    requestAnimationFrame(() => {
      document.body.dataset.tableVisibleMs = String(Math.round(performance.now()));
      document.body.dataset.tablePageMs = String(Math.round(performance.now() - started));
    });
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; refilter(); }, 250); // events come in bursts: one re-sort per quarter second
  }

  const unsubscribe = subscribe((type, d) => {
    if (type === 'reset') { load(); return; }
    if (!d.fleet && !(d.alert?.fleet)) return;
    const fleet = d.fleet ?? d.alert.fleet, container = d.container ?? d.alert.container;
    let c = view.index.get(fleet + '/' + container);
    if (!c) {
      if (type !== 'reading' && type !== 'state' && type !== 'tag_status') return;
      c = { fleet, container, profile: null, state: 'unknown', reading: null, last_seen: null, alerts: [], warnings: 0, tags: [] };
      view.all.push(c);
      view.index.set(fleet + '/' + container, c);
    }
    if (type === 'reading') {
      for (const r of d.readings) {
        if (!c.reading || new Date(r.time) >= new Date(c.reading.time)) c.reading = { tag: d.tag, ...r };
        addReading(fleet, container, r.time, r.temp_c);
      }
      c.last_seen = new Date().toISOString();
    } else if (type === 'state') {
      c.state = d.state;
    } else if (type === 'alert') {
      const a = d.alert;
      c.alerts = (c.alerts ?? []).filter(x => x.id !== a.id);
      if (a.state !== 'resolved') c.alerts.push({ id: a.id, kind: a.kind, band: a.band, severity: a.severity, state: a.state, since: a.since });
    } else if (type === 'warnings') {
      c.warnings = d.warnings.length;
    } else if (type === 'profile') {
      c.profile = d.profile;
    } else if (type === 'tag_status') {
      // The tag as the list shows it: battery, RSSI, spool depth, firmware, report interval, last seen.
      c.tags = (c.tags ?? []).filter(t => t.tag !== d.status.tag).concat([d.status]).sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
      if (!c.last_seen || new Date(d.status.last_seen) > new Date(c.last_seen)) c.last_seen = d.status.last_seen;
    }
    schedule();
  });

  load();
  return () => { unsubscribe(); clearTimeout(sparkTimer); };
}


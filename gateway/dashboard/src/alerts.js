// Alerts page: open, acknowledged or resolved alerts, filtered by fleet and severity, acknowledged from the list.
import { get } from './api.js';
import { subscribe } from './bus.js';
import { alertItem, wireAcknowledge } from './alertview.js';
import { esc } from './format.js';

const Severities = ['info', 'warning', 'alarm', 'critical'];

export function alertsPage(main, params) {
  document.title = 'Tracking: alerts';
  const view = { state: params.get('state') ?? 'open', fleet: params.get('fleet') ?? '', severity: params.get('severity') ?? '' };
  main.innerHTML = `
    <h1>Alerts</h1>
    <div class="filters">
      <label>State <select id="a-state"><option value="open">open</option><option value="acknowledged">acknowledged</option>
        <option value="resolved">resolved</option><option value="">all</option></select></label>
      <label>Fleet <input id="a-fleet" pattern="[A-Za-z0-9_-]{1,64}" placeholder="all" value="${esc(view.fleet)}" size="12"></label>
      <label>Severity <select id="a-sev"><option value="">all</option>${Severities.map(s => `<option>${s}</option>`).join('')}</select></label>
      <span id="a-count" role="status" aria-live="polite"></span>
    </div>
    <ol id="a-list" class="timeline"></ol>`;
  const $ = id => main.querySelector('#' + id);
  $('a-state').value = view.state;
  $('a-sev').value = view.severity;

  async function load() {
    const p = new URLSearchParams({ limit: '1000' });
    if (view.state) p.set('state', view.state);
    if (view.fleet) p.set('fleet', view.fleet);
    try {
      let list = await get('/api/v1/alerts?' + p);
      // The API filters by state and fleet; severity is filtered here.
      if (view.severity) list = list.filter(a => a.severity === view.severity);
      $('a-count').textContent = `${list.length} alert(s)`;
      $('a-list').innerHTML = list.length === 0 ? '<li>None.</li>' : list.map(a => alertItem(a, true)).join('');
    } catch (e) {
      $('a-count').textContent = `Cannot load alerts: ${e.message}`;
    }
  }

  $('a-state').addEventListener('change', e => { view.state = e.target.value; load(); });
  $('a-sev').addEventListener('change', e => { view.severity = e.target.value; load(); });
  $('a-fleet').addEventListener('change', e => { if (e.target.checkValidity()) { view.fleet = e.target.value.trim(); load(); } });
  wireAcknowledge($('a-list'), () => setTimeout(load, 200));
  let timer = 0;
  const unsubscribe = subscribe(type => {
    if (type !== 'alert' && type !== 'reset') return;
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
  load();
  return () => { unsubscribe(); clearTimeout(timer); };
}

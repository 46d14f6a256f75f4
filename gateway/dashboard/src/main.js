// The dashboard's shell: hash routes (#/, #/c/FLEET/CONTAINER, #/alerts) so the gateway serves one static page, the
// operator token field, and the one event stream every page listens to.
import './app.css';
import { followStream, setToken, token } from './api.js';
import { publish } from './bus.js';
import { alertsPage } from './alerts.js';
import { detailPage } from './detail.js';
import { fleetPage } from './fleet.js';

const main = document.getElementById('main');
let leave = () => {};

function route() {
  leave();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let nav = 'fleet';
  if (parts[0] === 'c' && parts.length === 3) {
    leave = detailPage(main, parts[1], parts[2], params);
    nav = '';
  } else if (parts[0] === 'alerts') {
    leave = alertsPage(main, params);
    nav = 'alerts';
  } else {
    document.title = 'Tracking: fleet';
    leave = fleetPage(main, params);
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

const input = document.getElementById('token');
input.value = token();
document.getElementById('token-form').addEventListener('submit', e => {
  e.preventDefault();
  setToken(input.value.trim());
  restartStream();
  route();
});

const live = document.getElementById('live');
let stop = () => {};
function restartStream() {
  stop();
  stop = followStream(publish, status => {
    live.textContent = status === 'live' ? '● live' : status;
    live.dataset.status = status;
  });
}

window.addEventListener('hashchange', route);
restartStream();
route();

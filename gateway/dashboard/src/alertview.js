// One alert as a list item (the container page's timeline and the alerts page), with an acknowledge form for open
// ones: who (remembered in this browser) and an optional note, sent with the operator token.
import { acknowledge, ApiError, token } from './api.js';
import { containerHref, esc, num, severityBadge, time } from './format.js';

const ByKey = 'tracking.by';

export function alertItem(a, showContainer) {
  const ack = a.acknowledged_by
    ? `<p class="ack">Acknowledged by <strong>${esc(a.acknowledged_by)}</strong> ${time(a.acknowledged_at)}${a.acknowledge_note ? `: “${esc(a.acknowledge_note)}”` : ''}</p>`
    : '';
  const form = a.state === 'open'
    ? `<form class="ack-form" data-id="${a.id}"><label>By <input name="by" required maxlength="128" value="${esc(localStorage.getItem(ByKey) ?? '')}"></label>
       <label>Note <input name="note" maxlength="2000"></label> <button type="submit">Acknowledge</button> <span class="msg" role="status"></span></form>`
    : '';
  return `<li class="alert a-${esc(a.state)}" data-alert="${a.id}" data-state="${esc(a.state)}">
    <div class="alert-head">${severityBadge(a.severity)} <strong>${esc(a.kind)}</strong>${a.band ? ` <code>${esc(a.band)}</code>` : ''}
      <span class="astate">${esc(a.state)}</span>
      ${showContainer ? `<a href="${containerHref(a.fleet, a.container)}">${esc(a.container)}</a> <small>(${esc(a.fleet)})</small>` : ''}</div>
    <p>Since ${time(a.since)}, raised ${time(a.raised_at)}${a.late_s ? ` (${Math.round(a.late_s / 60)} min late: data came late)` : ''}
      ${a.value !== null && a.value !== undefined ? `; value ${num(a.value, 2)}` : ''}${a.limit !== null && a.limit !== undefined ? `, limit ${num(a.limit, 2)}` : ''}
      ${a.escalations ? `; escalated ${a.escalations}×` : ''}${a.resolved_at ? `; resolved ${time(a.resolved_at)}` : ''}</p>
    <p class="message">${esc(a.message)}</p>${ack}${form}</li>`;
}

/** Handles the acknowledge forms inside root; onDone(alert) after a success. */
export function wireAcknowledge(root, onDone) {
  root.addEventListener('submit', async e => {
    const form = e.target.closest('.ack-form');
    if (!form) return;
    e.preventDefault();
    const msg = form.querySelector('.msg');
    if (!token()) {
      msg.textContent = 'Enter the operator token at the top first.';
      document.getElementById('token')?.focus();
      return;
    }
    const by = form.elements.by.value.trim(), note = form.elements.note.value.trim();
    localStorage.setItem(ByKey, by);
    form.querySelector('button').disabled = true;
    try {
      const a = await acknowledge(form.dataset.id, by, note);
      msg.textContent = `Acknowledged (${a.state}).`;
      onDone(a);
    } catch (err) {
      msg.textContent = err instanceof ApiError ? `Refused: ${err.message}` : String(err);
      form.querySelector('button').disabled = false;
    }
  });
}

// The approvals page: the waiting wait steps the caller may signal
// (GET /workflow-management/approvals), each linking to its execution.
// Live every 2 s while visible (pausable), like the other lists.

import { api, ApiError } from './api.js';
import { h, statusBadge, fmtTime, announce, snapshotUI, restoreUI, set } from './util.js';
import { errorBanner, poller } from './common.js';

function approversText(wf) {
	const roles = wf && wf.approvers && Array.isArray(wf.approvers.roles) ? wf.approvers.roles : [];
	let t = roles.length ? `roles: ${roles.join(', ')}` : 'the owner or an admin';
	if (wf && wf.approvers && wf.approvers.exclude_owner)
		t += ' (not the owner)';
	return t;
}

export function renderApprovals(main) {
	let alive = true, lastJson = '';
	const title = h('h1', { tabindex: '-1', id: 'appr-title' }, 'Approvals');
	const msg = h('div', { id: 'appr-msg' });
	const liveBtn = h('button', { type: 'button', id: 'live-toggle', 'aria-pressed': 'false' }, 'Pause live updates');
	const tbody = h('tbody', { id: 'appr-rows' });
	const table = h('div', { class: 'table-wrap' }, h('table', { id: 'appr-table' },
	    h('caption', { class: 'sr-only' }, 'Waiting steps you may approve, newest execution first'),
	    h('thead', {}, h('tr', {},
		h('th', { scope: 'col' }, 'Execution'),
		h('th', { scope: 'col' }, 'Step'),
		h('th', { scope: 'col' }, 'Signal'),
		h('th', { scope: 'col' }, 'Approvers'),
		h('th', { scope: 'col' }, 'Owner'),
		h('th', { scope: 'col' }, 'Execution status'),
		h('th', { scope: 'col' }, 'Waiting since'),
		h('th', { scope: 'col' }, 'Deadline'))),
	    tbody));
	set(main, title,
	    h('p', { class: 'muted' }, 'Steps waiting for a signal that you may send. Open one to approve it.'),
	    h('div', { class: 'toolbar' }, liveBtn), msg, table);
	title.focus();

	async function load() {
		let data;
		try {
			({ data } = await api('GET', '/workflow-management/approvals?limit=100'));
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			set(msg, errorBanner(e, 'Could not read the approvals'));
			return;
		}
		if (!alive)
			return;
		const json = JSON.stringify(data);
		if (json === lastJson)
			return;
		lastJson = json;
		const snap = snapshotUI(tbody);
		set(msg, data.items.length ? null : h('p', { id: 'appr-empty' }, 'Nothing is waiting for you.'));
		set(tbody, data.items.map((a) => {
			const key = `${a.execution_id}/${a.step_id}`;
			return h('tr', { 'data-id': a.execution_id, 'data-step': a.step_id },
			    h('td', {}, h('a', { href: `#/executions/${encodeURIComponent(a.execution_id)}`, id: `appr-${key.replace(/[^A-Za-z0-9_-]/g, '_')}` }, a.execution_id)),
			    h('td', { class: 'step' }, a.step_id),
			    h('td', { class: 'signal' }, a.waiting_for && a.waiting_for.signal ? a.waiting_for.signal : '—'),
			    h('td', { class: 'approvers' }, approversText(a.waiting_for)),
			    h('td', {}, a.user_id),
			    h('td', {}, statusBadge(a.execution_status)),
			    h('td', {}, fmtTime(a.waiting_since)),
			    h('td', { class: 'deadline' }, a.wait_deadline ? fmtTime(a.wait_deadline) : 'none'));
		}));
		restoreUI(tbody, snap);
	}

	const live = poller(load, 2000);
	liveBtn.addEventListener('click', () => {
		const p = !live.paused;
		live.setPaused(p);
		liveBtn.setAttribute('aria-pressed', String(p));
		liveBtn.textContent = p ? 'Resume live updates' : 'Pause live updates';
		announce(p ? 'Live updates paused.' : 'Live updates resumed.');
	});
	load();
	return () => { alive = false; live.stop(); };
}

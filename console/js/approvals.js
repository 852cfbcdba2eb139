// The approvals page: the waiting wait steps the caller may signal
// (GET /workflow-management/approvals), each linking to its execution.
// Cursor paging (Newer / Older, as the executions page) and live every
// 2 s while visible (pausable), like the other lists.

import { api, qs, ApiError } from './api.js';
import { h, statusBadge, fmtTime, announce, snapshotUI, restoreUI, set } from './util.js';
import { errorBanner, cursorPager, liveToggle } from './common.js';

function approversText(wf) {
	const roles = wf && wf.approvers && Array.isArray(wf.approvers.roles) ? wf.approvers.roles : [];
	let t = roles.length ? `roles: ${roles.join(', ')}` : 'the owner or an admin';
	if (wf && wf.approvers && wf.approvers.exclude_owner)
		t += ' (not the owner)';
	return t;
}

// Rows a page (the API's limit); the browser test reads it.
export const PAGE = 20;

export function renderApprovals(main) {
	let alive = true, lastJson = '';
	const pager = cursorPager({ prev: 'appr-prev', next: 'appr-next', info: 'appr-page' }, () => {
		lastJson = '';
		load(true);
	});
	const live = liveToggle(() => load(false), 2000);
	const title = h('h1', { tabindex: '-1', id: 'appr-title' }, 'Approvals');
	const msg = h('div', { id: 'appr-msg' });
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
	    h('div', { class: 'toolbar' }, live.btn), msg, table, pager.nav);
	title.focus();

	// The current page into the table; user: say how many (a click).
	async function load(user) {
		const asked = pager.ask();
		let data;
		try {
			({ data } = await api('GET', `/workflow-management/approvals${qs({ limit: PAGE, cursor: asked.cursor })}`));
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			set(msg, errorBanner(e, 'Could not read the approvals'));
			return;
		}
		// Gone, or another page asked for meanwhile: that one shows.
		if (!alive || !pager.current(asked))
			return;
		pager.shown(data.next_cursor);
		// A page may be short, even empty, with more after it: the
		// API reads at most 500 waiting steps a page.
		let empty = null;
		if (!data.items.length)
			empty = h('p', { id: 'appr-empty' }, pager.more ? 'None on this page; older ones may follow.'
			    : pager.depth > 1 ? 'No older steps are waiting for you.' : 'Nothing is waiting for you.');
		set(msg, empty);
		const json = JSON.stringify(data);
		if (json === lastJson)
			return;
		lastJson = json;
		const snap = snapshotUI(tbody);
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
		if (user)
			announce(`${data.items.length} waiting steps shown.`);
	}

	load(false);
	return () => { alive = false; live.stop(); };
}

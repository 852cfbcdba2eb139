// The approvals page: the waiting wait steps the caller may signal
// (GET /workflow-management/approvals), each linking to its execution.
// Cursor paging (Newer / Older, as the executions page) and live every
// 2 s while visible (pausable), like the other lists.

import { api, qs, ApiError } from './api.js';
import { h, statusBadge, fmtTime, announce, snapshotUI, restoreUI, set } from './util.js';
import { errorBanner, poller } from './common.js';

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
	let cursors = [null];	/* cursor of each page visited; last = current */
	let nextCursor = null;
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
	const prev = h('button', { type: 'button', id: 'appr-prev', disabled: true }, '← Newer');
	const next = h('button', { type: 'button', id: 'appr-next', disabled: true }, 'Older →');
	const pageInfo = h('span', { class: 'muted', id: 'appr-page' });
	set(main, title,
	    h('p', { class: 'muted' }, 'Steps waiting for a signal that you may send. Open one to approve it.'),
	    h('div', { class: 'toolbar' }, liveBtn), msg, table,
	    h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, pageInfo, next));
	title.focus();

	// The current page into the table; user: say how many (a click).
	async function load(user) {
		const depth = cursors.length, cur = cursors[depth - 1];
		let data;
		try {
			({ data } = await api('GET', `/workflow-management/approvals${qs({ limit: PAGE, cursor: cur })}`));
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			set(msg, errorBanner(e, 'Could not read the approvals'));
			return;
		}
		// Gone, or another page asked for meanwhile: that one shows.
		if (!alive || depth !== cursors.length || cur !== cursors[depth - 1])
			return;
		nextCursor = data.next_cursor || null;
		prev.disabled = depth <= 1;
		next.disabled = !nextCursor;
		// A button that went disabled under the focus hands it over.
		if (document.activeElement === next && next.disabled && !prev.disabled)
			prev.focus();
		else if (document.activeElement === prev && prev.disabled && !next.disabled)
			next.focus();
		pageInfo.textContent = `Page ${depth}`;
		// A page may be short, even empty, with more after it: the
		// API reads at most 500 waiting steps a page.
		let empty = null;
		if (!data.items.length)
			empty = h('p', { id: 'appr-empty' }, nextCursor ? 'None on this page; older ones may follow.'
			    : depth > 1 ? 'No older steps are waiting for you.' : 'Nothing is waiting for you.');
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

	prev.addEventListener('click', () => {
		if (cursors.length > 1) {
			cursors.pop();
			lastJson = '';
			load(true);
		}
	});
	next.addEventListener('click', () => {
		if (nextCursor) {
			cursors.push(nextCursor);
			lastJson = '';
			load(true);
		}
	});
	const live = poller(() => load(false), 2000);
	liveBtn.addEventListener('click', () => {
		const p = !live.paused;
		live.setPaused(p);
		liveBtn.setAttribute('aria-pressed', String(p));
		liveBtn.textContent = p ? 'Resume live updates' : 'Pause live updates';
		announce(p ? 'Live updates paused.' : 'Live updates resumed.');
	});
	load(false);
	return () => { alive = false; live.stop(); };
}

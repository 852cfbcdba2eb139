// The System page (admin): queue depth, executions by status, throughput
// over the last hour, supervisors and their heartbeats, from
// GET /workflow-management/system; live every 2 s while visible.
// Every state is a word next to any colour.

import { api, ApiError, isMissing } from './api.js';
import { h, fmtTime, banner, statusBadge, set } from './util.js';
import { errorBanner, liveToggle } from './common.js';

const STATUSES = ['pending', 'running', 'waiting', 'paused', 'completed', 'failed', 'cancelled', 'timed_out'];
const DONE = ['completed', 'failed', 'cancelled', 'timed_out'];
const STATE = {
	alive: ['st-completed', '✓'],
	stale: ['st-failed', '✗'],
	'no heartbeat': ['st-failed', '?'],
};

const n = (v) => (typeof v === 'number' ? v.toLocaleString('en') : '—');
const secs = (v) => (typeof v === 'number' ? `${v.toFixed(1)} s ago` : '—');
const hhmm = (t) => fmtTime(t).replace(/^\d{4}-\d{2}-\d{2} /, '').replace(/:00Z$/, 'Z');

function stateBadge(word) {
	const [cls, icon] = STATE[word] || ['st-pending', '•'];
	return h('span', { class: `status ${cls}` }, h('span', { 'aria-hidden': 'true' }, icon), String(word));
}

function table(id, caption, cols, rows, foot) {
	return h('div', { class: 'table-wrap' }, h('table', { id },
	    h('caption', { class: 'sr-only' }, caption),
	    h('thead', {}, h('tr', {}, cols.map(([c, cls]) => h('th', { scope: 'col', class: cls }, c)))),
	    h('tbody', {}, rows),
	    foot ? h('tfoot', {}, foot) : null));
}

function section(id, title, ...content) {
	return h('section', { 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), content);
}

function render(d) {
	const q = d.queue || {};
	const ex = d.executions || {};
	const tp = d.throughput || {};
	const sups = d.supervisors || [];
	const reps = d.replica_heartbeats || [];
	const queue = table('sys-queue', 'Queue depth', [['Queue'], ['Executions', 'num']], [
		h('tr', {}, h('th', { scope: 'row' }, 'Pending, runnable now'), h('td', { class: 'num', id: 'q-runnable' }, n(q.runnable))),
		h('tr', {}, h('th', { scope: 'row' }, 'Pending, delayed'), h('td', { class: 'num', id: 'q-delayed' }, n(q.delayed))),
	], h('tr', {}, h('th', { scope: 'row' }, 'Pending in all'), h('td', { class: 'num', id: 'q-pending' }, n(q.pending))));
	const byStatus = table('sys-status', 'Executions by status', [['Status'], ['Executions', 'num']],
	    STATUSES.map((st) => h('tr', {}, h('td', {}, statusBadge(st)), h('td', { class: 'num', id: `ex-count-${st}` }, n(ex[st])))),
	    h('tr', {}, h('th', { scope: 'row' }, 'Total'), h('td', { class: 'num', id: 'ex-count-total' }, n(ex.total))));
	const mins = Math.round((tp.bucket_seconds || 300) / 60);
	const tput = table('sys-throughput', `Executions finished per ${mins} minutes, oldest first`,
	    [['Minutes from (UTC)'], ...DONE.map((st) => [st, 'num'])],
	    (tp.buckets || []).map((b) => h('tr', {}, h('td', {}, hhmm(b.start)),
		DONE.map((st) => h('td', { class: 'num' }, n(b[st]))))),
	    h('tr', {}, h('th', { scope: 'row' }, 'Last hour'),
		DONE.map((st) => h('td', { class: 'num', id: `tp-total-${st}` }, n((tp.totals || {})[st])))));
	const supRows = sups.length ? sups.map((sp) => h('tr', {},
	    h('td', { class: 'wrap' }, sp.supervisor_id),
	    h('td', {}, stateBadge(sp.state)),
	    h('td', {}, sp.heartbeat_at ? [fmtTime(sp.heartbeat_at), h('br'), h('span', { class: 'muted' }, secs(sp.heartbeat_age_seconds))] : 'none'),
	    h('td', { class: 'wrap' }, sp.host ?? '—', sp.pid != null ? h('span', { class: 'muted' }, ` pid ${sp.pid}`) : null),
	    h('td', { class: 'opt' }, fmtTime(sp.started_at)),
	    h('td', { class: 'num' }, n(sp.running)),
	    h('td', {}, sp.lease_until ? fmtTime(sp.lease_until) : '—',
		sp.leases_expired ? [h('br'), `${sp.leases_expired} expired`] : null)))
	    : [h('tr', {}, h('td', { colspan: '7', class: 'muted' }, 'No supervisor has a heartbeat or holds an execution.'))];
	const supT = table('sys-supervisors', 'Supervisors and their heartbeats',
	    [['Supervisor'], ['State'], ['Heartbeat'], ['Host'], ['Started', 'opt'], ['Running', 'num'], ['Latest lease']], supRows);
	const repT = reps.length ? table('sys-replicas', 'Replica heartbeats', [['Host'], ['Beat'], ['Age']],
	    reps.map((r) => h('tr', {}, h('td', { class: 'wrap' }, r.host_id), h('td', {}, fmtTime(r.beat_at)), h('td', {}, secs(r.age_seconds)))))
	    : h('p', { class: 'muted', id: 'sys-no-replica' }, 'No replica heartbeat: supervisors write one only while a replica is configured.');
	return [
		h('p', { class: 'muted' }, `Database time ${fmtTime(d.now)}.`),
		h('div', { class: 'cols sys' },
		    section('sys-q', 'Queue', queue),
		    section('sys-e', 'Executions by status', byStatus)),
		section('sys-t', 'Throughput over the last hour', h('p', { class: 'hint muted' },
		    `Executions that finished in each ${mins}-minute period, by completion time.`), tput),
		section('sys-s', 'Supervisors', h('p', { class: 'hint muted' },
		    'Heartbeat: the time each supervisor last wrote its row (every third of the lease); stale after three leases.'), supT),
		section('sys-r', 'Replica heartbeats', repT),
	];
}

export function renderSystem(main) {
	let alive = true;
	const live = liveToggle(() => load(), 2000, 'sys-live');
	const updated = h('span', { class: 'muted', id: 'sys-updated' });
	const msg = h('div', { id: 'sys-msg' });
	const body = h('div', { id: 'page-body' }, h('p', { class: 'muted' }, 'Loading…'));
	set(main, h('h1', { tabindex: '-1' }, 'System'), h('div', { class: 'toolbar' }, live.btn, updated), msg, body);
	main.querySelector('h1').focus();
	document.title = 'System · wfm console';

	async function load() {
		let data;
		try {
			({ data } = await api('GET', '/workflow-management/system'));
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			const final = isMissing(e) || (e instanceof ApiError && e.status === 403);
			if (final) {
				/* asking again every 2 s cannot change the answer */
				live.stop();
				live.btn.hidden = true;
				set(body);
			}
			set(msg, isMissing(e) ? banner('info', 'This server does not provide the system view yet.')
			    : errorBanner(e, 'Could not read the system view'));
			return;
		}
		if (!alive)
			return;
		set(msg);
		updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
		set(body, ...render(data || {}));
	}
	load();
	return () => { alive = false; live.stop(); };
}

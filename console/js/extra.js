// Schedules: the list with cursor paging, next fire times and the last
// result, live every 2 s; pause, resume and trigger now for whoever has
// workflow:execute (the server decides: owner or admin, its 403 and 409
// sentences are shown as they are).

import { api, qs, ApiError, hasRole } from './api.js';
import { h, fmtTime, announce, statusBadge, safeId, set, snapshotUI, restoreUI, banner } from './util.js';
import { errorBanner, templateNames, forgetTemplates, cursorPager, liveToggle } from './common.js';

const SHOWN_NEXT = 3;	/* next fire times in a row (the API gives 5) */

function every(sc) {
	if (sc.cron)
		return `cron ${sc.cron}`;
	const n = sc.interval_seconds;
	if (typeof n !== 'number')
		return '—';
	if (n % 3600 === 0)
		return `every ${n / 3600} h`;
	if (n % 60 === 0)
		return `every ${n / 60} min`;
	return `every ${n} s`;
}

export function renderSchedules(main) {
	let alive = true;
	let lastJson = '';
	let items = [];
	let names = new Map();
	let namesRetried = false;
	// schedule_id -> { key, fire }: the last fire from the one-schedule
	// document (list items do not carry it), read again only when the
	// schedule's last execution changes.
	const fires = new Map();
	const can = hasRole('workflow:execute');

	const pager = cursorPager({ prev: 'page-prev', next: 'page-next', info: 'page-info' }, () => {
		lastJson = '';
		load(true);
	});
	const live = liveToggle(() => load(false), 2000);
	const updated = h('span', { class: 'muted', id: 'updated' });
	const msg = h('div', { id: 'sched-msg' });
	const listMsg = h('div', { id: 'list-msg' });
	const tbody = h('tbody', { id: 'sched-rows' });
	const table = h('table', { id: 'sched-table' },
	    h('caption', { class: 'sr-only' }, 'Schedules, newest first'),
	    h('thead', {}, h('tr', {},
		['Name', 'Template', 'Runs', 'State', 'Next fire times', 'Last fire', 'Last result']
		    .map((c) => h('th', { scope: 'col' }, c)),
		can ? h('th', { scope: 'col' }, 'Actions') : null)),
	    tbody);
	set(main, h('h1', { tabindex: '-1' }, 'Schedules'),
	    can ? null : h('p', { class: 'hint muted', id: 'sched-role-note' },
		'Pausing, resuming and triggering need the role workflow:execute.'),
	    h('div', { class: 'toolbar' }, live.btn, updated), msg, listMsg,
	    h('div', { class: 'table-wrap' }, table), pager.nav);
	main.querySelector('h1').focus();
	document.title = 'Schedules · wfm console';

	async function act(sc, kind, label) {
		const path = `/workflow-management/schedules/${encodeURIComponent(sc.schedule_id)}/${kind}`;
		let text, link = null;
		try {
			const { data } = await api('POST', path);
			if (kind === 'trigger') {
				text = `Triggered ${sc.name}: execution `;
				link = h('a', { href: `#/executions/${encodeURIComponent(data.execution_id)}`, id: 'sched-started' },
				    data.execution_name);
			} else
				text = `${label}d ${sc.name}.`;
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			set(msg, errorBanner(e, `${label} ${sc.name} failed`));
			announce(`${label} ${sc.name} failed.`);
			return;
		}
		if (!alive)
			return;
		set(msg, banner('ok', text, link, link ? ' started.' : null));
		announce(link ? `${text}${link.textContent} started.` : text);
		fires.delete(sc.schedule_id);
		lastJson = '';
		await load();
		// The button pressed may have become its opposite: keep the
		// focus on the row's first action.
		const again = document.getElementById(`sc-${kind === 'pause' ? 'resume' : kind === 'resume' ? 'pause' : kind}-${safeId(sc.schedule_id)}`);
		if (again)
			again.focus();
	}

	function button(sc, kind, label) {
		return h('button', {
			type: 'button', id: `sc-${kind}-${safeId(sc.schedule_id)}`,
			'aria-label': `${label} ${sc.name}`,
			onclick: () => act(sc, kind, label),
		}, label);
	}

	function lastFire(sc) {
		const f = fires.get(sc.schedule_id)?.fire;
		if (!f)
			return '—';
		return [fmtTime(f.actual_time || f.scheduled_time), f.manual ? ' (manual)' : null,
		    f.reason ? h('span', { class: 'muted' }, ` not started: ${f.reason}`) : null];
	}

	function row(sc) {
		const sid = safeId(sc.schedule_id);
		const tname = names.get(sc.template_id);
		const nextTimes = sc.next_fire_times || [];
		return h('tr', { 'data-id': sc.schedule_id },
		    h('td', { class: 'name' }, sc.name),
		    h('td', { class: 'wrap' }, h('a', { href: `#/templates/${encodeURIComponent(sc.template_id)}`, id: `stl-${sid}` },
			tname ?? sc.template_id)),
		    h('td', {}, every(sc), h('div', { class: 'muted' }, sc.timezone || 'UTC')),
		    h('td', { id: `state-${sid}` }, sc.paused ? statusBadge('paused') : 'active'),
		    h('td', { id: `next-${sid}` }, nextTimes.length
			? h('ul', { class: 'plain' }, nextTimes.slice(0, SHOWN_NEXT).map((t) => h('li', {}, h('time', { datetime: t }, fmtTime(t)))))
			: h('span', { class: 'muted' }, sc.paused ? 'none while paused' : 'none')),
		    h('td', { id: `fire-${sid}` }, lastFire(sc)),
		    h('td', { id: `last-${sid}` }, sc.last_execution_id
			? h('a', { href: `#/executions/${encodeURIComponent(sc.last_execution_id)}`, id: `sl-${sid}` },
			    statusBadge(sc.last_execution_status || 'unknown'))
			: '—'),
		    can ? h('td', {}, h('div', { class: 'actions' },
			sc.paused ? button(sc, 'resume', 'Resume') : button(sc, 'pause', 'Pause'),
			button(sc, 'trigger', 'Trigger now'))) : null);
	}

	function draw() {
		const snap = snapshotUI(tbody);
		set(tbody, ...(items.length ? items.map(row)
		    : [h('tr', {}, h('td', { colspan: can ? '8' : '7', class: 'muted' }, 'No schedules.'))]));
		restoreUI(tbody, snap);
	}

	// The last fire of every row whose last execution changed, one
	// request at a time; the rows are drawn again once known.
	async function readFires() {
		let changed = false;
		for (const sc of items) {
			const key = sc.last_execution_id ?? '';
			if (fires.get(sc.schedule_id)?.key === key)
				continue;
			try {
				const { data } = await api('GET', `/workflow-management/schedules/${encodeURIComponent(sc.schedule_id)}`);
				fires.set(sc.schedule_id, { key, fire: data.last_fire || null });
				changed = true;
			} catch (e) {
				if (e instanceof ApiError && e.status === 401)
					return;
				fires.set(sc.schedule_id, { key, fire: null });
			}
			if (!alive)
				return;
		}
		if (changed)
			draw();
	}

	async function load(user) {
		const asked = pager.ask();
		let data;
		try {
			({ data } = await api('GET', `/workflow-management/schedules${qs({ limit: 20, cursor: asked.cursor })}`));
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			set(listMsg, errorBanner(e, 'Could not list schedules'));
			return;
		}
		// Gone, or another page asked for meanwhile: that one shows.
		if (!alive || !pager.current(asked))
			return;
		set(listMsg);
		updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
		pager.shown(data.next_cursor);
		items = data.items || [];
		if (!namesRetried && items.some((sc) => !names.has(sc.template_id))) {
			// A template newer than the cached names.
			namesRetried = true;
			forgetTemplates();
			try {
				names = await templateNames();
			} catch {
				return;
			}
			lastJson = '';
		}
		const json = JSON.stringify(data);
		if (json !== lastJson) {
			lastJson = json;
			draw();
		}
		if (user)
			announce(`${items.length} schedules shown.`);
		await readFires();
	}

	(async () => {
		try {
			names = await templateNames();
		} catch {
			return;
		}
		if (alive)
			await load(false);
	})();

	return () => { alive = false; live.stop(); };
}

// Schedules: a page of the API's second milestone. Until the server has
// its endpoint (404/405), it says so and shows nothing else.

import { api, ApiError, hasRole, isMissing } from './api.js';
import { h, fmtTime, banner, announce, statusBadge, safeId, set } from './util.js';
import { errorBanner } from './common.js';

function page(main, title) {
	const body = h('div', { id: 'page-body' }, h('p', { class: 'muted' }, 'Loading…'));
	set(main, h('h1', { tabindex: '-1' }, title), body);
	main.querySelector('h1').focus();
	document.title = `${title} · wfm console`;
	return body;
}

function failed(body, e, what) {
	if (e instanceof ApiError && e.status === 401)
		return;
	set(body, isMissing(e)
	    ? banner('info', `This server does not provide ${what} yet.`)
	    : errorBanner(e, `Could not read ${what}`));
}

export function renderSchedules(main) {
	let alive = true;
	const body = page(main, 'Schedules');
	const msg = h('div', { id: 'sched-msg' });
	async function load() {
		let data;
		try {
			({ data } = await api('GET', '/workflow-management/schedules?limit=100'));
		} catch (e) {
			if (alive)
				failed(body, e, 'schedules');
			return;
		}
		if (!alive)
			return;
		const can = hasRole('workflow:execute');
		const act = (sc, kind, label) => h('button', {
			type: 'button', id: `sc-${kind}-${safeId(sc.schedule_id)}`,
			onclick: async () => {
				try {
					await api('POST', `/workflow-management/schedules/${encodeURIComponent(sc.schedule_id)}/${kind}`);
					set(msg, banner('ok', `${label}: ${sc.name}.`));
					announce(`${label}: ${sc.name}.`);
				} catch (e) {
					if (!(e instanceof ApiError && e.status === 401))
						set(msg, errorBanner(e, `${label} failed`));
				}
				load();
			},
		}, label);
		set(body, msg, h('div', { class: 'table-wrap' }, h('table', {},
		    h('thead', {}, h('tr', {}, ['Name', 'Template', 'Cron', 'Next fire', 'Last result', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
		    h('tbody', {}, (data.items || []).map((sc) => h('tr', {},
			h('td', { class: 'name' }, sc.name), h('td', { class: 'wrap' }, sc.template_id),
			h('td', {}, sc.cron ?? ''),
			h('td', {}, fmtTime((sc.next_fire_times || [])[0])),
			h('td', {}, sc.last_result ? (typeof sc.last_result === 'string' ? sc.last_result : JSON.stringify(sc.last_result)) : '—',
			    sc.paused ? [' ', statusBadge('paused')] : null),
			h('td', {}, can ? [sc.paused ? act(sc, 'resume', 'Resume') : act(sc, 'pause', 'Pause'), ' ', act(sc, 'trigger', 'Trigger now')] : '—')))))));
	}
	load();
	return () => { alive = false; };
}

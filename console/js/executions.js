// The executions page: filters, cursor paging, live updates every 2 s.

import { api, qs, ApiError } from './api.js';
import { h, statusBadge, fmtTime, fmtDur, durBetween, announce, snapshotUI, restoreUI, safeId, set } from './util.js';
import { errorBanner, templateNames, cursorPager, liveToggle } from './common.js';

const STATUSES = ['pending', 'running', 'waiting', 'paused', 'completed', 'failed', 'cancelled', 'timed_out'];
// Filters of the API's second milestone; offered once the list shows it
// has them, so that a filter the server would ignore is never shown as
// applied: name prefix and schedule when items carry template_name, the
// parent when they carry parent_execution_id.
const LATER = [['name_prefix', 'Name prefix', 'template_name'], ['parent_execution_id', 'Parent execution', 'parent_execution_id'], ['schedule', 'Schedule', 'template_name']];

export function render(main, query) {
	const params = new URLSearchParams(query);
	const filt = {};
	for (const k of ['status', 'template_id', ...LATER.map((l) => l[0])])
		if (params.get(k))
			filt[k] = params.get(k);
	let lastJson = '';
	let alive = true;
	let rendered = false;

	const statusSel = h('select', { id: 'f-status', name: 'status' },
	    h('option', { value: '' }, 'any'),
	    STATUSES.map((st) => h('option', { value: st, selected: filt.status === st }, st)));
	const tmplSel = h('select', { id: 'f-template', name: 'template_id' }, h('option', { value: '' }, 'any'));
	const later = LATER.map(([k, label, mark]) => {
		const inp = h('input', { id: `f-${k}`, name: k, value: filt[k] || '', disabled: true, size: '16' });
		return { k, label, inp, mark };
	});
	const laterNote = h('p', { class: 'hint muted', id: 'later-note' },
	    'Filtering by name prefix, parent and schedule needs a newer API than this server has.');
	const form = h('form', { class: 'filters', id: 'filters', role: 'search', 'aria-label': 'Filter executions' },
	    h('div', { class: 'field' }, h('label', { for: 'f-status' }, 'Status'), statusSel),
	    h('div', { class: 'field' }, h('label', { for: 'f-template' }, 'Template'), tmplSel),
	    later.map((l) => h('div', { class: 'field' }, h('label', { for: l.inp.id }, l.label), l.inp)),
	    h('button', { type: 'submit', id: 'f-apply' }, 'Apply filters'),
	    h('button', { type: 'button', id: 'f-clear', onclick: () => { location.hash = '#/executions'; } }, 'Clear'));
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		const q = {};
		for (const el of form.elements)
			if (el.name && !el.disabled && el.value)
				q[el.name] = el.value;
		const next = `#/executions${qs(q)}`;
		if (location.hash === next)
			load(true);
		else
			location.hash = next;
	});

	const pager = cursorPager({ prev: 'page-prev', next: 'page-next', info: 'page-info' }, () => {
		lastJson = '';
		load(true);
	});
	const live = liveToggle(() => load(false), 2000);
	const updated = h('span', { class: 'muted', id: 'updated' });
	const msg = h('div', { id: 'list-msg' });
	const tbody = h('tbody', { id: 'exec-rows' });
	const table = h('table', { id: 'exec-table' },
	    h('caption', { class: 'sr-only' }, 'Executions, newest first'),
	    h('thead', {}, h('tr', {},
		h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Name'),
		h('th', { scope: 'col' }, 'Template'), h('th', { scope: 'col', class: 'opt' }, 'Created'),
		h('th', { scope: 'col', class: 'opt' }, 'Duration'))),
	    tbody);
	set(main,
	    h('h1', { tabindex: '-1' }, 'Executions'), form, laterNote,
	    h('div', { class: 'toolbar' }, live.btn, updated), msg,
	    h('div', { class: 'table-wrap' }, table), pager.nav);
	main.querySelector('h1').focus();
	document.title = 'Executions · wfm console';

	let names = new Map();

	function row(it) {
		const tname = it.template_name || names.get(it.template_id);
		const dur = it.total_duration ?? durBetween(it.started_at || it.created_at, it.completed_at);
		return h('tr', { 'data-id': it.execution_id },
		    h('td', {}, statusBadge(it.status)),
		    h('td', { class: 'name' }, h('a', { href: `#/executions/${encodeURIComponent(it.execution_id)}`, id: `ex-${safeId(it.execution_id)}` }, it.execution_name)),
		    h('td', { class: 'wrap' }, h('a', { href: `#/templates/${encodeURIComponent(it.template_id)}`, id: `tl-${safeId(it.execution_id)}` },
			tname ?? it.template_id), h('span', { class: 'muted' }, ` v${it.template_version}`)),
		    h('td', { class: 'opt' }, fmtTime(it.created_at)),
		    h('td', { class: 'opt' }, it.completed_at ? fmtDur(dur) : '—'));
	}

	// The current page asked for: { asked, answer } (a promise).
	function fetchPage() {
		const asked = pager.ask();
		return { asked, answer: api('GET', `/workflow-management/executions${qs({ ...filt, limit: 20, cursor: asked.cursor })}`) };
	}

	// One page into the table; pending: that page already asked for.
	async function load(user, pending) {
		const { asked, answer } = pending || fetchPage();
		let data;
		try {
			({ data } = await answer);
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			set(msg, errorBanner(e, 'Could not list executions'));
			return;
		}
		// Gone, or another page asked for meanwhile: that one shows.
		if (!alive || !pager.current(asked))
			return;
		set(msg);
		updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
		for (const l of later)
			if (data.items.some((it) => l.mark in it))
				l.inp.disabled = false;
		const lacking = later.filter((l) => l.inp.disabled).map((l) => l.label.toLowerCase());
		if (data.items.length) {
			laterNote.hidden = !lacking.length;
			laterNote.textContent = `Filtering by ${lacking.join(', ')} needs a newer API than this server has.`;
		}
		const json = JSON.stringify(data);
		pager.shown(data.next_cursor);
		if (json === lastJson)
			return;
		lastJson = json;
		const snap = snapshotUI(tbody);
		set(tbody, ...(data.items.length ? data.items.map(row)
		    : [h('tr', {}, h('td', { colspan: '5', class: 'muted' }, 'No executions match.'))]));
		restoreUI(tbody, snap);
		if (!rendered) {
			// First page in the DOM: `make bench` reads this mark
			// (tests/bench/console_bench.py), time since navigation.
			rendered = true;
			performance.mark('wfm:executions-rendered');
		}
		if (user)
			announce(`${data.items.length} executions shown.`);
	}

	(async () => {
		// The rows show template names: both are asked for at once, so
		// that a first render waits for the slower, not for the sum.
		const first = fetchPage();
		first.answer.catch(() => {});	/* handled by load(), if it gets there */
		try {
			names = await templateNames();
		} catch {
			return;
		}
		if (!alive)
			return;
		for (const [id, name] of [...names].sort((a, b) => a[1].localeCompare(b[1])))
			tmplSel.append(h('option', { value: id, selected: filt.template_id === id }, name));
		if (filt.template_id && !names.has(filt.template_id))
			tmplSel.append(h('option', { value: filt.template_id, selected: true }, filt.template_id));
		await load(false, first);
	})();

	return () => { alive = false; live.stop(); };
}

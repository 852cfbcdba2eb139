// One execution: status, times, input and result, the DAG coloured by
// state, the timeline of attempts, a panel per step, and the actions the
// user's roles allow. Refreshed every 2 s while visible (pausable).

import { api, ApiError, hasRole, isMissing, claims } from './api.js';
import {
	h, statusBadge, fmtTime, fmtDur, jsonBlock, banner, announce,
	snapshotUI, restoreUI, safeId, TERMINAL, set } from './util.js';
import { drawDag } from './dag.js';
import { drawGantt } from './gantt.js';
import { errorBanner, liveToggle } from './common.js';

const unsupported = new Set();	/* actions the server answered 404/405 to */

// The dependencies of each step: from the execution document when it has
// them, else from the template at the version the execution ran.
async function stepDeps(doc) {
	if (doc.steps.every((st) => Array.isArray(st.depends_on)))
		return { deps: new Map(doc.steps.map((st) => [st.step_id, st.depends_on])), note: null };
	const base = `/workflow-management/templates/${encodeURIComponent(doc.template_id)}`;
	let def = null, note = null;
	try {
		const { data } = await api('GET', base);
		def = data;
		if (data.version !== doc.template_version) {
			try {
				({ data: def } = await api('GET', `${base}/versions/${doc.template_version}`));
			} catch (e) {
				if (e instanceof ApiError && e.status === 401)
					throw e;
				note = `Edges drawn from the template's current version ${data.version}; this execution ran version ${doc.template_version}.`;
			}
		}
	} catch (e) {
		if (e instanceof ApiError && e.status === 401)
			throw e;
		return { deps: new Map(), note: `The template could not be read (${e.message}): steps are drawn without their edges.` };
	}
	const deps = new Map();
	for (const st of def.steps || def.definition?.steps || [])
		deps.set(st.id, Array.isArray(st.depends_on) ? st.depends_on : []);
	return { deps, note, name: def.name };
}

function mapExtra(st) {
	if (typeof st.items_total === 'number') {
		// Done: every iteration that has ended, whichever way.
		const c = st.iteration_counts || {};
		const done = ['completed', 'failed', 'skipped', 'cancelled']
		    .reduce((n, k) => n + (typeof c[k] === 'number' ? c[k] : 0), 0);
		return `${done}/${st.items_total}`;
	}
	return null;
}

const ITER_LIMIT = 20;

// What a waiting step waits for, in words.
function waitingText(st) {
	const wf = st.waiting_for || {};
	if (wf.signal) {
		const roles = wf.approvers && Array.isArray(wf.approvers.roles) ? wf.approvers.roles : [];
		const xo = wf.approvers && wf.approvers.exclude_owner;
		const who = roles.length ? `a holder of ${roles.join(' or ')} (or an admin)` : (xo ? 'an admin' : 'the owner or an admin');
		return `the signal “${wf.signal}” from ${who}${xo ? ', not the owner' : ''}`;
	}
	if (wf.callback)
		return 'a callback from another system';
	if (wf.child_execution_id)
		return `its child execution ${wf.child_execution_id}`;
	return 'something';
}

// May the caller send this waiting wait step's signal (engine.md
// "Signals and approvers")? The server decides; this only hides a button
// that would answer 403.
function maySignal(doc, st) {
	const wf = st.waiting_for;
	if (!wf || !wf.signal)
		return false;
	const c = claims();
	const ap = wf.approvers || null;
	if (ap && ap.exclude_owner && c.sub === doc.user_id)
		return false;
	if (c.roles.includes('admin'))
		return true;
	const roles = ap && Array.isArray(ap.roles) ? ap.roles : [];
	if (roles.length)
		return roles.some((r) => c.roles.includes(r));
	return c.sub === doc.user_id && c.roles.includes('workflow:execute');
}

export function render(main, id) {
	let alive = true;
	let doc = null, lastJson = '', depInfo = null, tmplName = null;
	const path = `/workflow-management/executions/${encodeURIComponent(id)}`;
	const iters = new Map();	/* map step id -> {cursors, data, err} */

	const title = h('h1', { tabindex: '-1', id: 'exec-title' }, 'Execution');
	const statusLine = h('div', { id: 'exec-status', class: 'toolbar' });
	const actions = h('div', { class: 'actions', id: 'actions' });
	const dialog = h('div', { id: 'dialog' });
	const actionMsg = h('div', { id: 'action-msg' });
	const live = liveToggle(() => refresh(), 2000);
	const body = h('div', { id: 'exec-body' });
	set(main, 
	    h('p', {}, h('a', { href: '#/executions' }, '← All executions')),
	    title, statusLine, actions, dialog, actionMsg, body);
	title.focus();

	function selectStep(stepId) {
		const d = document.getElementById(`step-${safeId(stepId)}`);
		if (!d)
			return;
		d.open = true;
		const sum = d.querySelector('summary');
		sum.focus();
		sum.scrollIntoView({ block: 'nearest' });
	}

	async function act(kind, bodyObj, done) {
		set(actionMsg);
		try {
			const { data } = await api('POST', `${path}/${kind}`, bodyObj);
			set(actionMsg, banner('ok', done(data)));
			announce(done(data));
		} catch (e) {
			if (e instanceof ApiError && e.status === 401)
				return;
			if (isMissing(e)) {
				unsupported.add(kind);
				set(actionMsg, banner('info', `This server does not support “${kind}” yet.`));
			} else {
				set(actionMsg, errorBanner(e, `Could not ${kind}`));
			}
		}
		set(dialog);
		lastJson = '';
		await refresh();
		const first = actions.querySelector('button') || title;
		first.focus();
	}

	function openCancel() {
		const reason = h('textarea', { id: 'cancel-reason', rows: '2', maxlength: '256' });
		const form = h('form', { class: 'dialog', id: 'cancel-form', 'aria-labelledby': 'cancel-h' },
		    h('h2', { id: 'cancel-h' }, 'Cancel this execution?'),
		    h('p', {}, 'Running steps are stopped and later steps never start.'),
		    h('div', { class: 'field' }, h('label', { for: 'cancel-reason' }, 'Reason (optional, at most 256 characters)'), reason),
		    h('div', { class: 'actions' },
			h('button', { type: 'submit', class: 'danger', id: 'cancel-confirm' }, 'Cancel execution'),
			h('button', { type: 'button', id: 'cancel-dismiss', onclick: () => { set(dialog); document.getElementById('act-cancel')?.focus(); } }, 'Keep it running')));
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			const r = reason.value.trim();
			act('cancel', r ? { reason: r } : {}, (d) => `Cancelled ${d.execution_name}: it is now ${d.status}${r ? ` (reason: ${r})` : ''}.`);
		});
		set(dialog, form);
		reason.focus();
	}

	function openSignal(step) {
		const stepId = step.step_id;
		const name = h('input', { id: 'signal-name', required: true, pattern: '[A-Za-z0-9_.\\-]{1,64}', maxlength: '64', value: step.waiting_for.signal, 'aria-describedby': 'signal-name-hint' });
		const payload = h('textarea', { id: 'signal-payload', rows: '4', 'aria-describedby': 'signal-payload-hint signal-payload-err' });
		const err = h('div', { class: 'field-error', id: 'signal-payload-err' });
		const result = h('div', { id: 'signal-result' });
		const send = h('button', { type: 'submit', class: 'primary', id: 'signal-send' }, 'Approve');
		const close = () => {
			set(dialog);
			document.getElementById(`act-signal-${safeId(stepId)}`)?.focus();
		};
		const form = h('form', { class: 'dialog', id: 'signal-form', 'aria-labelledby': 'signal-h' },
		    h('h2', { id: 'signal-h' }, `Approve step ${stepId}`),
		    h('p', {}, `It waits for ${waitingText(step)}${step.wait_deadline ? `; it fails at ${fmtTime(step.wait_deadline)} without one` : ''}.`),
		    h('div', { class: 'field' }, h('label', { for: 'signal-name' }, 'Signal name'),
			h('div', { class: 'hint', id: 'signal-name-hint' }, 'The signal the step waits for.'), name),
		    h('div', { class: 'field' }, h('label', { for: 'signal-payload' }, 'Payload (JSON, optional)'),
			h('div', { class: 'hint', id: 'signal-payload-hint' }, 'Becomes the step\'s output; at most 256 KiB. Empty: null.'),
			payload, err),
		    result,
		    h('div', { class: 'actions' }, send,
			h('button', { type: 'button', id: 'signal-close', onclick: close }, 'Close')));
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			err.textContent = '';
			payload.removeAttribute('aria-invalid');
			set(result);
			let body = {};
			if (payload.value.trim() !== '') {
				try {
					body = { payload: JSON.parse(payload.value) };
				} catch (x) {
					err.textContent = `Not JSON: ${x.message}`;
					payload.setAttribute('aria-invalid', 'true');
					payload.focus();
					return;
				}
			}
			if (!name.checkValidity()) {
				set(result, banner('error', 'The signal name is 1 to 64 letters, digits, “_”, “.” or “-”.'));
				name.focus();
				return;
			}
			send.disabled = true;
			try {
				const { data: d } = await api('POST', `${path}/signals/${encodeURIComponent(name.value)}`, body);
				const m = `Signal ${d.signal} sent${d.consumed_by ? `: step ${d.consumed_by} is approved` : ', kept until a step waits for it'}.`;
				set(dialog);
				set(actionMsg, banner('ok', m));
				announce(m);
				lastJson = '';
				await refresh();
				(actions.querySelector('button') || title).focus();
				return;
			} catch (x) {
				if (x instanceof ApiError && x.status === 401)
					return;
				let m;
				if (x instanceof ApiError && x.status === 403)
					m = `Not allowed: ${x.message}. Only the approvers of this signal may send it.`;
				else if (x instanceof ApiError && x.status === 409)
					m = `Not sent: ${x.message} (HTTP 409).`;
				else if (x instanceof ApiError && x.status === 413) {
					m = `Too large: ${x.message} (HTTP 413).`;
					payload.setAttribute('aria-invalid', 'true');
				} else {
					m = null;
				}
				set(result, m ? banner('error', m) : errorBanner(x, 'Could not send the signal'));
				send.disabled = false;
				(x instanceof ApiError && x.status === 413 ? payload : send).focus();
			}
		});
		set(dialog, form);
		payload.focus();
	}

	function renderActions() {
		const snap = snapshotUI(actions);
		set(actions);
		const canExec = hasRole('workflow:execute');
		const st = doc.status;
		if (canExec && !TERMINAL.has(st))
			actions.append(h('button', { type: 'button', id: 'act-cancel', class: 'danger', onclick: openCancel }, 'Cancel…'));
		if (canExec && ['failed', 'cancelled', 'timed_out'].includes(st))
			actions.append(h('button', {
				type: 'button', id: 'act-retry', class: 'primary',
				onclick: () => act('retry', undefined, (d) => `Retry started: ${d.execution_name} is ${d.status} again; completed steps keep their results.`),
			}, 'Retry'));
		// Pause and resume: the owner or an admin with workflow:execute
		// (api.md); pending, running and waiting pause, paused resumes.
		const mine = hasRole('admin') || claims().sub === doc.user_id;
		if (canExec && mine && ['pending', 'running', 'waiting'].includes(st) && !unsupported.has('pause'))
			actions.append(h('button', { type: 'button', id: 'act-pause', onclick: () => act('pause', undefined, (d) => `Paused: ${d.execution_name} is ${d.status}.`) }, 'Pause'));
		if (canExec && mine && st === 'paused' && !unsupported.has('resume'))
			actions.append(h('button', { type: 'button', id: 'act-resume', onclick: () => act('resume', undefined, (d) => `Resumed: ${d.execution_name} is ${d.status}.`) }, 'Resume'));
		for (const step of doc.steps.filter((x) => x.status === 'waiting'))
			if (maySignal(doc, step))
				actions.append(h('button', { type: 'button', id: `act-signal-${safeId(step.step_id)}`, class: 'primary', onclick: () => openSignal(step) }, `Approve step ${step.step_id}…`));
		actions.append(live.btn);
		restoreUI(actions, snap);
	}

	// The iterations of a map step, one page, from what was last read.
	function iterView(stepId) {
		const sid = safeId(stepId);
		const t = iters.get(stepId);
		if (!t || (!t.data && !t.err))
			return h('p', { class: 'muted' }, 'Reading the iterations…');
		const out = [h('h3', { id: `iters-h-${sid}` }, `Iterations of ${stepId}`)];
		if (t.err)
			out.push(errorBanner(t.err, 'Could not read the iterations'));
		if (t.data) {
			const page = t.cursors.length;
			out.push(h('div', { class: 'table-wrap' }, h('table', { id: `iter-table-${sid}`, 'aria-labelledby': `iters-h-${sid}` },
			    h('thead', {}, h('tr', {},
				['Index', 'Status', 'Attempts', 'Started', 'Completed', 'Output or error'].map((c) => h('th', { scope: 'col' }, c)))),
			    h('tbody', { id: `iter-rows-${sid}` }, t.data.items.map((it) => h('tr', { 'data-index': String(it.index) },
				// A workflow iteration links its child execution.
				h('td', {}, String(it.index), it.child_execution_id ? [' ', h('a', { href: `#/executions/${encodeURIComponent(it.child_execution_id)}`, id: `iter-child-${sid}-${it.index}`, title: `Child execution ${it.child_execution_id}` }, 'child')] : null),
				h('td', {}, statusBadge(it.status)),
				h('td', {}, String(it.attempts)),
				h('td', {}, fmtTime(it.started_at)),
				h('td', {}, fmtTime(it.completed_at)),
				h('td', { class: 'iter-out' }, it.error ? `${it.error.type}: ${it.error.message}` : h('code', {}, JSON.stringify(it.output) ?? 'null'))))))));
			if (!t.data.items.length)
				out.push(h('p', { class: 'muted' }, 'No iteration yet.'));
			out.push(h('div', { class: 'toolbar' },
			    h('span', { id: `iter-page-${sid}`, tabindex: '-1' }, `Page ${page}`),
			    page > 1 ? h('button', { type: 'button', id: `iter-prev-${sid}`, onclick: () => { t.cursors.pop(); loadIters(stepId, `iter-prev-${sid}`); } }, 'Previous iterations') : null,
			    t.data.next_cursor ? h('button', { type: 'button', id: `iter-next-${sid}`, onclick: () => { t.cursors.push(t.data.next_cursor); loadIters(stepId, `iter-next-${sid}`); } }, 'Next iterations') : null));
		}
		return out;
	}

	async function loadIters(stepId, focusId) {
		let t = iters.get(stepId);
		if (!t) {
			t = { cursors: [null], data: null, err: null };
			iters.set(stepId, t);
		}
		const cur = t.cursors[t.cursors.length - 1];
		const q = `?limit=${ITER_LIMIT}${cur ? `&cursor=${encodeURIComponent(cur)}` : ''}`;
		try {
			const { data } = await api('GET', `${path}/steps/${encodeURIComponent(stepId)}/iterations${q}`);
			t.data = data;
			t.err = null;
		} catch (e) {
			if (e instanceof ApiError && e.status === 401)
				return;
			t.err = e;
		}
		if (!alive)
			return;
		const box = document.getElementById(`iters-${safeId(stepId)}`);
		if (!box)
			return;
		set(box, iterView(stepId));
		if (focusId)
			(document.getElementById(focusId) || document.getElementById(`iter-page-${safeId(stepId)}`))?.focus();
	}

	function stepPanel(st) {
		const sid = safeId(st.step_id);
		const extra = mapExtra(st);
		return h('details', { id: `step-${sid}`, 'data-key': `step-${st.step_id}` },
		    h('summary', { id: `sum-${sid}` }, `${st.step_id} `, statusBadge(st.status),
			h('span', { class: 'muted' }, ` ${st.type} · ${st.attempts} attempt${st.attempts === 1 ? '' : 's'}`)),
		    h('div', { class: 'body' },
			h('dl', { class: 'meta' },
			    h('dt', {}, 'Type'), h('dd', {}, st.type),
			    h('dt', {}, 'Attempts'), h('dd', {}, String(st.attempts)),
			    h('dt', {}, 'Started'), h('dd', {}, fmtTime(st.started_at)),
			    h('dt', {}, 'Completed'), h('dd', {}, fmtTime(st.completed_at)),
			    h('dt', {}, 'Duration'), h('dd', {}, fmtDur(st.duration)),
			    extra ? [h('dt', {}, 'Iterations'), h('dd', { id: `items-${sid}` }, `${extra} done`)] : null,
			    st.iteration_counts ? [h('dt', {}, 'By status'), h('dd', { id: `counts-${sid}` },
				Object.entries(st.iteration_counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none yet')] : null,
			    st.status === 'waiting' && st.waiting_for ? [h('dt', {}, 'Waiting for'), h('dd', { id: `wf-${sid}` }, waitingText(st))] : null,
			    st.status === 'waiting' && st.waiting_for ? [h('dt', {}, 'Deadline'), h('dd', { id: `wd-${sid}` }, st.wait_deadline ? fmtTime(st.wait_deadline) : 'none')] : null,
			    st.signalled_by ? [h('dt', {}, 'Signalled by'), h('dd', { id: `sb-${sid}` }, st.signalled_by)] : null,
			    st.child_execution_id ? [h('dt', {}, 'Child execution'), h('dd', {},
				h('a', { href: `#/executions/${encodeURIComponent(st.child_execution_id)}`, id: `child-${sid}` }, st.child_execution_id))] : null),
			st.type === 'map' ? h('div', { class: 'iters', id: `iters-${sid}` }, iterView(st.step_id)) : null,
			st.error ? banner('error', `${st.error.type}: ${st.error.message}`) : null,
			'input' in st ? jsonBlock(`Input of ${st.step_id}`, st.input, false, `in-${sid}`) : null,
			jsonBlock(`Output of ${st.step_id}`, st.output, false, `out-${sid}`),
			Array.isArray(st.attempt_history) ? jsonBlock(`Attempts of ${st.step_id}`, st.attempt_history, false, `att-${sid}`) : null));
	}

	function renderDoc() {
		title.textContent = doc.execution_name;
		document.title = `${doc.execution_name} · wfm console`;
		set(statusLine, h('span', {}, 'Status: '), statusBadge(doc.status),
		    doc.redrive_count ? h('span', { class: 'muted' }, ` retried ${doc.redrive_count}×`) : null);
		renderActions();
		const snap = snapshotUI(body);
		const nodes = doc.steps.map((st) => ({
			id: st.step_id, type: st.type, status: st.status,
			deps: depInfo.deps.get(st.step_id) || st.depends_on || [], extra: mapExtra(st),
		}));
		const gantt = drawGantt(doc);
		set(body, 
		    doc.error_details ? banner('error', `Failed at step ${doc.error_details.step_id ?? '?'}: ${doc.error_details.type ?? ''} ${doc.error_details.error ?? ''}`) : null,
		    doc.status === 'cancelled' && doc.cancelled_by ? banner('info', `Cancelled by ${doc.cancelled_by}${doc.cancel_reason ? `: ${doc.cancel_reason}` : ''}`) : null,
		    h('dl', { class: 'meta', id: 'exec-meta' },
			h('dt', {}, 'Execution id'), h('dd', {}, doc.execution_id),
			h('dt', {}, 'Template'), h('dd', {}, h('a', { href: `#/templates/${encodeURIComponent(doc.template_id)}`, id: 'tmpl-link' }, tmplName || doc.template_id), ` version ${doc.template_version}`),
			doc.parent_execution_id ? [h('dt', {}, 'Parent execution'), h('dd', {},
			    h('a', { href: `#/executions/${encodeURIComponent(doc.parent_execution_id)}`, id: 'parent-link' }, doc.parent_execution_id))] : null,
			h('dt', {}, 'User'), h('dd', {}, doc.user_id),
			h('dt', {}, 'Created'), h('dd', {}, fmtTime(doc.created_at)),
			h('dt', {}, 'Started'), h('dd', {}, fmtTime(doc.started_at)),
			h('dt', {}, 'Completed'), h('dd', {}, fmtTime(doc.completed_at)),
			h('dt', {}, 'Total duration'), h('dd', {}, fmtDur(doc.total_duration))),
		    h('div', { class: 'cols' },
			jsonBlock('Input', doc.input_data, false, 'input'),
			jsonBlock('Result', doc.final_result, false, 'result')),
		    h('h2', {}, 'Graph'),
		    depInfo.note ? h('p', { class: 'muted' }, depInfo.note) : null,
		    h('p', { class: 'muted' }, 'Select a step to open its panel below.'),
		    h('div', { class: 'graph', id: 'graph', role: 'region', 'aria-label': 'Graph' }, drawDag(nodes, { label: `Steps of ${doc.execution_name} by state`, onSelect: selectStep })),
		    h('h2', {}, 'Timeline'),
		    h('div', { class: 'gantt', id: 'gantt', tabindex: '0', role: 'region', 'aria-label': 'Timeline' }, gantt || h('p', { class: 'muted' }, 'No step has started yet.')),
		    h('h2', {}, 'Steps'),
		    h('div', { id: 'steps' }, doc.steps.map(stepPanel)));
		restoreUI(body, snap);
		// Map panels read their iterations once opened, and again on
		// every change of the execution while open.
		for (const st of doc.steps.filter((x) => x.type === 'map')) {
			const d = document.getElementById(`step-${safeId(st.step_id)}`);
			if (!d)
				continue;
			d.addEventListener('toggle', () => {
				if (d.open && !iters.has(st.step_id))
					loadIters(st.step_id);
			});
			if (d.open)
				loadIters(st.step_id);
		}
	}

	async function refresh() {
		let data;
		try {
			({ data } = await api('GET', path));
		} catch (e) {
			if (!alive || (e instanceof ApiError && e.status === 401))
				return;
			if (!doc)
				set(body, errorBanner(e, 'Could not read the execution'));
			return;
		}
		if (!alive)
			return;
		const json = JSON.stringify(data);
		if (json === lastJson)
			return;
		const before = doc && doc.status;
		lastJson = json;
		doc = data;
		if (!depInfo) {
			depInfo = await stepDeps(doc);
			tmplName = depInfo.name || null;
		}
		if (!alive)
			return;
		renderDoc();
		if (before && before !== doc.status)
			announce(`Execution is now ${doc.status}.`);
	}

	refresh();
	return () => { alive = false; live.stop(); };
}

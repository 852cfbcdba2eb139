// One execution: status, times, input and result, the DAG coloured by
// state, the timeline of attempts, a panel per step, and the actions the
// user's roles allow. Refreshed every 2 s while visible (pausable).

import { api, ApiError, hasRole, isMissing, claims } from './api.js';
import {
	h, statusBadge, fmtTime, fmtDur, jsonBlock, banner, announce,
	snapshotUI, restoreUI, safeId, TERMINAL, set } from './util.js';
import { drawDag } from './dag.js';
import { drawGantt } from './gantt.js';
import { errorBanner, poller } from './common.js';

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
		const done = st.items_completed ?? st.items_done ?? 0;
		return `${done}/${st.items_total}`;
	}
	return null;
}

export function render(main, id) {
	let alive = true;
	let doc = null, lastJson = '', depInfo = null, tmplName = null;
	const path = `/workflow-management/executions/${encodeURIComponent(id)}`;

	const title = h('h1', { tabindex: '-1', id: 'exec-title' }, 'Execution');
	const statusLine = h('div', { id: 'exec-status', class: 'toolbar' });
	const actions = h('div', { class: 'actions', id: 'actions' });
	const dialog = h('div', { id: 'dialog' });
	const actionMsg = h('div', { id: 'action-msg' });
	const liveBtn = h('button', { type: 'button', id: 'live-toggle', 'aria-pressed': 'false' }, 'Pause live updates');
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

	function openSignal(stepId) {
		const name = h('input', { id: 'signal-name', required: true, pattern: '[A-Za-z0-9_.\\-]{1,64}', value: 'approve' });
		const payload = h('textarea', { id: 'signal-payload', rows: '4' }, '{"approved": true}');
		const err = h('div', { class: 'field-error', id: 'signal-payload-err' });
		const form = h('form', { class: 'dialog', id: 'signal-form', 'aria-labelledby': 'signal-h' },
		    h('h2', { id: 'signal-h' }, `Send a signal (step ${stepId} is waiting)`),
		    h('div', { class: 'field' }, h('label', { for: 'signal-name' }, 'Signal name'), name),
		    h('div', { class: 'field' }, h('label', { for: 'signal-payload' }, 'Payload (JSON)'), payload, err),
		    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Send signal'),
			h('button', { type: 'button', onclick: () => set(dialog) }, 'Close')));
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			let p;
			try {
				p = JSON.parse(payload.value);
			} catch (x) {
				err.textContent = `Not JSON: ${x.message}`;
				payload.setAttribute('aria-invalid', 'true');
				return;
			}
			act(`signals/${encodeURIComponent(name.value)}`, { payload: p },
			    (d) => `Signal ${d.signal} sent${d.consumed_by ? `, consumed by step ${d.consumed_by}` : ', kept until a step waits for it'}.`);
		});
		set(dialog, form);
		name.focus();
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
			if (canExec)
				actions.append(h('button', { type: 'button', id: `act-signal-${safeId(step.step_id)}`, onclick: () => openSignal(step.step_id) }, `Approve / signal ${step.step_id}…`));
		actions.append(liveBtn);
		restoreUI(actions, snap);
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
			    extra ? [h('dt', {}, 'Iterations'), h('dd', {}, extra)] : null,
			    st.child_execution_id ? [h('dt', {}, 'Child execution'), h('dd', {},
				h('a', { href: `#/executions/${encodeURIComponent(st.child_execution_id)}` }, st.child_execution_id))] : null),
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

	const live = poller(refresh, 2000);
	liveBtn.addEventListener('click', () => {
		const p = !live.paused;
		live.setPaused(p);
		liveBtn.setAttribute('aria-pressed', String(p));
		liveBtn.textContent = p ? 'Resume live updates' : 'Pause live updates';
		announce(p ? 'Live updates paused.' : 'Live updates resumed.');
	});
	refresh();
	return () => { alive = false; live.stop(); };
}

// Templates: the list; one template with its DAG, a form generated from
// its input_schema to start an execution (422 errors next to their
// fields, a dry run), and its versions with a diff between any two.

import { api, ApiError, qs, hasRole, isMissing } from './api.js';
import { h, fmtTime, jsonBlock, banner, announce, field, setFieldError, safeId, set } from './util.js';
import { drawDag } from './dag.js';
import { errorBanner, forgetTemplates } from './common.js';

export function renderList(main) {
	let alive = true;
	const cursors = [null];
	let nextCursor = null;
	const msg = h('div', { id: 'list-msg' });
	const tbody = h('tbody', { id: 'tmpl-rows' });
	const prev = h('button', { type: 'button', id: 'page-prev', disabled: true }, '← Newer');
	const next = h('button', { type: 'button', id: 'page-next', disabled: true }, 'Older →');
	set(main, 
	    h('h1', { tabindex: '-1' }, 'Templates'), msg,
	    h('div', { class: 'table-wrap' }, h('table', { id: 'tmpl-table' },
		h('caption', { class: 'sr-only' }, 'Templates you may execute'),
		h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Version'),
		    h('th', { scope: 'col', class: 'opt' }, 'Owner'), h('th', { scope: 'col', class: 'opt' }, 'Public'),
		    h('th', { scope: 'col', class: 'opt' }, 'Updated'))), tbody)),
	    h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, next));
	main.querySelector('h1').focus();
	document.title = 'Templates · wfm console';
	async function load() {
		let data;
		try {
			({ data } = await api('GET', `/workflow-management/templates${qs({ limit: 50, cursor: cursors[cursors.length - 1] })}`));
		} catch (e) {
			if (alive && !(e instanceof ApiError && e.status === 401))
				set(msg, errorBanner(e, 'Could not list templates'));
			return;
		}
		if (!alive)
			return;
		nextCursor = data.next_cursor;
		prev.disabled = cursors.length <= 1;
		next.disabled = !nextCursor;
		set(tbody, ...(data.items.length ? data.items.map((t) => h('tr', {},
		    h('td', { class: 'name' }, h('a', { href: `#/templates/${encodeURIComponent(t.template_id)}`, id: `t-${safeId(t.template_id)}` }, t.name)),
		    h('td', {}, String(t.version)),
		    h('td', { class: 'opt wrap' }, t.owner_id),
		    h('td', { class: 'opt' }, t.is_public ? 'yes' : 'no'),
		    h('td', { class: 'opt' }, fmtTime(t.updated_at))))
		    : [h('tr', {}, h('td', { colspan: '5', class: 'muted' }, 'No templates.'))]));
	}
	prev.addEventListener('click', () => { cursors.pop(); load(); });
	next.addEventListener('click', () => { if (nextCursor) { cursors.push(nextCursor); load(); } });
	load();
	return () => { alive = false; };
}

const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

function isScalar(p) {
	return p && (Array.isArray(p.enum) || SCALARS.has(p.type));
}

// One control per property of the schema; collect() turns them back into
// input_data, with local errors (not a number, not JSON) by name.
function schemaForm(schema) {
	const props = schema && typeof schema.properties === 'object' ? schema.properties : null;
	const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
	const controls = new Map();
	const parts = [];
	if (!props) {
		const ta = h('textarea', { id: 'in-__all', rows: '6' }, '{}');
		controls.set('', { el: ta, get: () => JSON.parse(ta.value || '{}') });
		parts.push(field('Input data (JSON object)', ta));
		return { parts, controls, whole: true };
	}
	for (const [name, p] of Object.entries(props)) {
		const id = `in-${safeId(name)}`;
		const label = `${name}${required.has(name) ? ' (required)' : ''}`;
		const hintBits = [p.description, p.type && `type ${p.type}${p.type === 'array' && p.items?.type ? ` of ${p.items.type}` : ''}`,
		    p.pattern && `pattern ${p.pattern}`, p.minimum !== undefined && `min ${p.minimum}`, p.maximum !== undefined && `max ${p.maximum}`].filter(Boolean);
		const hint = hintBits.join('; ');
		let el, get;
		if (Array.isArray(p.enum)) {
			el = h('select', { id }, h('option', { value: '' }, '(not set)'),
			    p.enum.map((v, i) => h('option', { value: String(i) }, typeof v === 'string' ? v : JSON.stringify(v))));
			get = () => (el.value === '' ? undefined : p.enum[Number(el.value)]);
		} else if (p.type === 'boolean') {
			el = h('select', { id }, h('option', { value: '' }, '(not set)'), h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
			get = () => (el.value === '' ? undefined : el.value === 'true');
		} else if (p.type === 'integer' || p.type === 'number') {
			el = h('input', { id, type: 'number', step: p.type === 'integer' ? '1' : 'any', inputmode: 'decimal' });
			get = () => {
				if (el.value === '')
					return undefined;
				const n = Number(el.value);
				if (!Number.isFinite(n))
					throw new Error('Not a number');
				return n;
			};
		} else if (p.type === 'array' && isScalar(p.items)) {
			el = h('textarea', { id, rows: '3' });
			const it = p.items;
			get = () => {
				const lines = el.value.split('\n').map((x) => x.trim()).filter((x) => x !== '');
				if (!lines.length)
					return undefined;
				return lines.map((x) => {
					if (it.type === 'integer' || it.type === 'number') {
						const n = Number(x);
						if (!Number.isFinite(n))
							throw new Error(`“${x}” is not a number`);
						return n;
					}
					if (it.type === 'boolean')
						return x === 'true';
					return x;
				});
			};
			parts.push(field(label, el, { hint: `One item per line. ${hint}` }));
			controls.set(name, { el, get });
			continue;
		} else if (p.type === 'string' || (!p.type && !p.properties)) {
			el = h('input', { id, type: 'text', autocomplete: 'off', size: '40' });
			get = () => (el.value === '' ? undefined : el.value);
		} else {
			el = h('textarea', { id, rows: '4' });
			get = () => (el.value.trim() === '' ? undefined : JSON.parse(el.value));
			parts.push(field(label, el, { hint: `JSON. ${hint}` }));
			controls.set(name, { el, get });
			continue;
		}
		if (required.has(name))
			el.setAttribute('aria-required', 'true');
		parts.push(field(label, el, hint ? { hint } : {}));
		controls.set(name, { el, get });
	}
	return { parts, controls, whole: false };
}

function startForm(t) {
	const sf = schemaForm(t.input_schema);
	const nameIn = h('input', { id: 'run-name', type: 'text', autocomplete: 'off', size: '40' });
	const out = h('div', { id: 'run-result' });
	const submit = h('button', { type: 'submit', class: 'primary', id: 'run-submit' }, 'Start execution');
	const dry = h('button', { type: 'button', id: 'run-dry' }, 'Check (dry run)');
	const form = h('form', { id: 'run-form', novalidate: true, 'aria-labelledby': 'run-h' },
	    sf.parts,
	    field('Execution name (optional, the idempotency key)', nameIn, { hint: 'Letters, digits and . _ : -; generated when empty.' }),
	    h('div', { class: 'actions' }, submit, dry), out);

	async function go(dryRun) {
		set(out);
		for (const { el } of sf.controls.values())
			setFieldError(el, '');
		setFieldError(nameIn, '');
		const input = {};
		let bad = null;
		for (const [name, c] of sf.controls) {
			try {
				const v = c.get();
				if (sf.whole)
					Object.assign(input, v);
				else if (v !== undefined)
					input[name] = v;
			} catch (e) {
				setFieldError(c.el, e.message);
				bad ||= c.el;
			}
		}
		if (bad) {
			bad.focus();
			return;
		}
		const req = { template_id: t.template_id, input_data: input };
		if (nameIn.value.trim())
			req.execution_name = nameIn.value.trim();
		try {
			const { data } = await api('POST', `/workflow-management/execute${dryRun ? '?dry_run=true' : ''}`, req);
			if (dryRun) {
				set(out, banner('ok', `Valid: this input would start version ${data.template_version}.`));
				announce('The dry run found no problem.');
			} else {
				set(out, banner('ok', `Started ${data.execution_name} (${data.status}). `,
				    h('a', { href: `#/executions/${encodeURIComponent(data.execution_id)}`, id: 'started-link' }, 'Open the execution')));
				announce(`Started ${data.execution_name}.`);
				out.querySelector('a').focus();
			}
		} catch (e) {
			if (e instanceof ApiError && e.status === 401)
				return;
			if (e instanceof ApiError && e.status === 422 && Array.isArray(e.body?.detail)) {
				const other = [];
				let first = null;
				for (const d of e.body.detail) {
					const loc = Array.isArray(d.loc) ? d.loc : [];
					let el = null;
					if (loc[1] === 'input_data')
						el = sf.whole ? sf.controls.get('')?.el : sf.controls.get(String(loc[2]))?.el;
					else if (loc[1] === 'execution_name' || loc[1] === 'workflow_name')
						el = nameIn;
					if (el) {
						const prevMsg = document.getElementById(`${el.id}-err`)?.textContent;
						setFieldError(el, prevMsg ? `${prevMsg} ${d.msg}` : d.msg);
						first ||= el;
					} else {
						other.push(`${loc.join('.')}: ${d.msg}`);
					}
				}
				set(out, banner('error', `The server refused the input (${e.body.detail.length} problem${e.body.detail.length === 1 ? '' : 's'}); see the fields marked above.`,
				    other.length ? h('ul', {}, other.map((o) => h('li', {}, o))) : null));
				(first || out).focus?.();
			} else {
				set(out, errorBanner(e, dryRun ? 'The dry run failed' : 'Could not start the execution'));
			}
		}
	}
	form.addEventListener('submit', (e) => { e.preventDefault(); go(false); });
	dry.addEventListener('click', () => go(true));
	return form;
}

// Line diff (longest common subsequence) of two texts.
function diffLines(a, b) {
	const x = a.split('\n'), y = b.split('\n');
	if (x.length * y.length > 4e6)
		return null;
	const n = x.length, m = y.length;
	const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
	for (let i = n - 1; i >= 0; i--)
		for (let j = m - 1; j >= 0; j--)
			L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
	const out = [];
	let i = 0, j = 0;
	while (i < n && j < m) {
		if (x[i] === y[j]) { out.push([' ', x[i]]); i++; j++; }
		else if (L[i + 1][j] >= L[i][j + 1]) out.push(['-', x[i++]]);
		else out.push(['+', y[j++]]);
	}
	while (i < n) out.push(['-', x[i++]]);
	while (j < m) out.push(['+', y[j++]]);
	return out;
}

// The definition of a version document for a diff: keys sorted at every
// level, without the keys the server adds around it (top level only: a
// step or a schema may well have a "version" of its own).
function canon(v, top) {
	if (Array.isArray(v))
		return v.map((x) => canon(x, false));
	if (v && typeof v === 'object') {
		const o = {};
		for (const k of Object.keys(v).sort())
			if (!top || !['template_id', 'version', 'created_at', 'updated_at'].includes(k))
				o[k] = canon(v[k], false);
		return o;
	}
	return v;
}

function versionItem(v) {
	return h('li', {}, `version ${v.version}`,
	    v.created_at ? ` · ${fmtTime(v.created_at)}` : '',
	    v.name ? ` · ${v.name}` : '');
}

async function versionsSection(t, box) {
	const base = `/workflow-management/templates/${encodeURIComponent(t.template_id)}/versions`;
	const list = h('ul', { id: 'version-list' });
	const selA = h('select', { id: 'diff-a' });
	const selB = h('select', { id: 'diff-b' });
	const out = h('div', { id: 'diff-out' });
	const btn = h('button', { type: 'button', id: 'diff-go' }, 'Show the diff');
	const more = h('button', { type: 'button', id: 'versions-more', hidden: true }, 'Older versions');
	const pick = h('div', { class: 'filters', hidden: true },
	    h('div', { class: 'field' }, h('label', { for: 'diff-a' }, 'From'), selA),
	    h('div', { class: 'field' }, h('label', { for: 'diff-b' }, 'To'), selB), btn);
	let cursor = null, count = 0;
	// One page of versions (newest first), appended to the list and to
	// both choosers; false when it could not be read.
	async function page() {
		let data;
		try {
			({ data } = await api('GET', `${base}${qs({ limit: 100, cursor })}`));
		} catch (e) {
			if (e instanceof ApiError && e.status === 401)
				return false;
			set(box, isMissing(e)
			    ? h('p', { class: 'muted', id: 'versions-missing' }, `This server keeps no readable version history yet: this is version ${t.version}.`)
			    : errorBanner(e, 'Could not list the versions'));
			return false;
		}
		for (const v of data.items || []) {
			list.append(versionItem(v));
			selA.append(h('option', { value: v.version, selected: count === 1 || undefined }, `version ${v.version}`));
			selB.append(h('option', { value: v.version, selected: count === 0 || undefined }, `version ${v.version}`));
			count++;
		}
		cursor = data.next_cursor || null;
		more.hidden = !cursor;
		pick.hidden = count < 2;
		return true;
	}
	more.addEventListener('click', () => { page(); });
	btn.addEventListener('click', async () => {
		try {
			const [a, b] = await Promise.all([selA.value, selB.value].map((v) => api('GET', `${base}/${encodeURIComponent(v)}`)));
			const d = diffLines(JSON.stringify(canon(a.data, true), null, 2), JSON.stringify(canon(b.data, true), null, 2));
			if (!d) {
				set(out, banner('info', 'These versions are too large to compare here.'));
				return;
			}
			const changed = d.filter((l) => l[0] !== ' ').length;
			set(out, h('p', { role: 'status', id: 'diff-summary' }, changed ? `${changed} changed lines from version ${selA.value} to version ${selB.value}.` : 'The two versions are the same.'),
			    h('pre', { class: 'diff', tabindex: '0', 'aria-label': 'Diff' },
				d.map(([k, line]) => h('span', { class: k === '+' ? 'add' : k === '-' ? 'del' : 'same' }, `${k} ${line}`))));
		} catch (e) {
			if (!(e instanceof ApiError && e.status === 401))
				set(out, errorBanner(e, 'Could not read the versions'));
		}
	});
	if (await page())
		set(box, list, more, pick, out);
}

export function renderOne(main, id) {
	let alive = true;
	const title = h('h1', { tabindex: '-1' }, 'Template');
	const body = h('div', {});
	set(main, h('p', {}, h('a', { href: '#/templates' }, '← All templates')), title, body);
	title.focus();
	(async () => {
		let t;
		try {
			({ data: t } = await api('GET', `/workflow-management/templates/${encodeURIComponent(id)}`));
		} catch (e) {
			if (alive && !(e instanceof ApiError && e.status === 401))
				set(body, errorBanner(e, 'Could not read the template'));
			return;
		}
		if (!alive)
			return;
		forgetTemplates();
		title.textContent = t.name;
		document.title = `${t.name} · wfm console`;
		const nodes = (t.steps || []).map((st) => ({ id: st.id, type: st.type, deps: st.depends_on || [], status: null }));
		const versions = h('div', { id: 'versions' }, h('p', { class: 'muted' }, 'Loading…'));
		set(body, 
		    t.description ? h('p', {}, t.description) : null,
		    h('dl', { class: 'meta' },
			h('dt', {}, 'Template id'), h('dd', {}, t.template_id),
			h('dt', {}, 'Version'), h('dd', {}, String(t.version)),
			h('dt', {}, 'Owner'), h('dd', {}, t.owner_id),
			h('dt', {}, 'Public'), h('dd', {}, t.is_public ? 'yes' : 'no'),
			Array.isArray(t.shared_with) && t.shared_with.length ? [h('dt', {}, 'Shared with'), h('dd', {}, t.shared_with.join(', '))] : null,
			h('dt', {}, 'Updated'), h('dd', {}, fmtTime(t.updated_at))),
		    h('p', {}, h('a', { href: `#/executions?template_id=${encodeURIComponent(t.template_id)}` }, 'Executions of this template')),
		    h('h2', {}, 'Graph'),
		    h('div', { class: 'graph', id: 'graph', tabindex: '0', role: 'region', 'aria-label': 'Graph' }, drawDag(nodes, { label: `Steps of template ${t.name}` })),
		    jsonBlock('Definition', t, false, 'definition'),
		    h('h2', { id: 'run-h' }, 'Start an execution'),
		    hasRole('workflow:execute') ? startForm(t) : h('p', { class: 'muted' }, 'Starting an execution needs the role workflow:execute.'),
		    h('h2', {}, 'Versions'), versions);
		versionsSection(t, versions);
	})();
	return () => { alive = false; };
}

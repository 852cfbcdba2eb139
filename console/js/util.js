// DOM helpers. Every value from the API goes into the page as text
// (textContent, attribute values), never as markup.

const SVGNS = 'http://www.w3.org/2000/svg';

function fill(node, attrs, children) {
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k === 'text')
			node.textContent = String(v);
		else if (k.startsWith('on') && typeof v === 'function')
			node.addEventListener(k.slice(2), v);
		else if (k === 'dataset')
			Object.assign(node.dataset, v);
		else
			node.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of children.flat(Infinity)) {
		if (c === undefined || c === null || c === false)
			continue;
		node.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return node;
}

export function h(tag, attrs, ...children) {
	return fill(document.createElement(tag), attrs, children);
}

export function s(tag, attrs, ...children) {
	return fill(document.createElementNS(SVGNS, tag), attrs, children);
}

// Only characters that a bare Debian's fonts draw (fonts-dejavu-core,
// fontconfig's default font): U+29D7, U+23F8 and U+23F1 were empty
// boxes there (tests/console: t_glyphs_render).
export const STATUS_ICON = {
	pending: '○', running: '▶', waiting: '◔', paused: '‖',
	completed: '✓', failed: '✗', cancelled: '⊘', timed_out: '◷',
	skipped: '↷',
};
export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

// Status as icon (hidden from screen readers) and the API's own word.
export function statusBadge(st) {
	const word = String(st);
	return h('span', { class: `status st-${word.replace(/[^a-z_]/g, '')}` },
	    h('span', { 'aria-hidden': 'true' }, STATUS_ICON[word] || '•'), word);
}

export function fmtTime(t) {
	if (!t)
		return '—';
	const d = new Date(t);
	if (Number.isNaN(d.getTime()))
		return String(t);
	return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function fmtDur(sec) {
	if (sec === null || sec === undefined || Number.isNaN(sec))
		return '—';
	if (sec < 1)
		return `${Math.round(sec * 1000)} ms`;
	if (sec < 120)
		return `${(Math.round(sec * 10) / 10).toFixed(1)} s`;
	if (sec < 7200)
		return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;
	return `${(sec / 3600).toFixed(1)} h`;
}

export function durBetween(a, b) {
	if (!a || !b)
		return null;
	return (new Date(b) - new Date(a)) / 1000;
}

let announceTimer = 0;
// Polite announcement for screen readers (and a hook for the tests).
export function announce(msg) {
	const el = document.getElementById('announce');
	el.textContent = '';
	clearTimeout(announceTimer);
	announceTimer = setTimeout(() => { el.textContent = msg; }, 50);
}

export function banner(kind, ...content) {
	return h('div', { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...content);
}

// A collapsible JSON block with a copy button.
export function jsonBlock(title, value, open = false, id = undefined) {
	const text = value === undefined ? 'null' : JSON.stringify(value, null, 2);
	const msg = h('span', { class: 'muted', role: 'status' });
	const copy = h('button', {
		type: 'button',
		'aria-label': `Copy ${title} as JSON`,
		onclick: async () => {
			try {
				await navigator.clipboard.writeText(text);
				msg.textContent = 'Copied.';
			} catch {
				const range = document.createRange();
				range.selectNodeContents(pre);
				getSelection().removeAllRanges();
				getSelection().addRange(range);
				msg.textContent = 'Selected: press Ctrl+C to copy.';
			}
		},
	}, 'Copy');
	const pre = h('pre', { class: 'json', tabindex: '0', 'aria-label': `${title} (JSON)` }, text);
	return h('details', { open: open || undefined, id, 'data-key': id || title },
	    h('summary', {}, title),
	    h('div', { class: 'body' }, h('div', { class: 'toolbar' }, copy, msg), pre));
}

export function field(label, control, opts = {}) {
	const id = control.id;
	const err = h('div', { class: 'field-error', id: `${id}-err` });
	const hint = opts.hint ? h('div', { class: 'hint', id: `${id}-hint` }, opts.hint) : null;
	control.setAttribute('aria-describedby', [hint && `${id}-hint`, `${id}-err`].filter(Boolean).join(' '));
	return h('div', { class: 'field' }, h('label', { for: id }, label), hint, control, err);
}

export function setFieldError(control, msg) {
	const err = document.getElementById(`${control.id}-err`);
	if (err)
		err.textContent = msg || '';
	if (msg)
		control.setAttribute('aria-invalid', 'true');
	else
		control.removeAttribute('aria-invalid');
}

// Keep open <details> and the focused element across a re-render.
export function snapshotUI(root) {
	const open = new Set();
	root.querySelectorAll('details[data-key]').forEach((d) => {
		if (d.open)
			open.add(d.dataset.key);
	});
	const f = document.activeElement;
	return { open, focusId: f && root.contains(f) ? f.id : null };
}

export function restoreUI(root, snap) {
	root.querySelectorAll('details[data-key]').forEach((d) => {
		if (snap.open.has(d.dataset.key))
			d.open = true;
	});
	if (snap.focusId) {
		const el = document.getElementById(snap.focusId);
		if (el)
			el.focus({ preventScroll: true });
	}
}

export function safeId(str) {
	return String(str).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}

// Replace the children of el; null, undefined and false are skipped (the
// DOM's own replaceChildren would print them as text).
export function set(el, ...kids) {
	el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
	return el;
}

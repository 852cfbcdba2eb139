// Pieces shared by the pages.

import { ApiError, api } from './api.js';
import { announce, banner, h } from './util.js';

// An error as a banner; 403 names the missing role (the API says it).
export function errorBanner(err, what = 'The request failed') {
	if (err instanceof ApiError) {
		if (err.status === 403)
			return banner('error', `Not allowed: ${err.message}.`);
		if (err.status === 0)
			return banner('error', err.message);
		return banner('error', `${what}: ${err.message} (HTTP ${err.status}).`);
	}
	return banner('error', `${what}: ${err && err.message ? err.message : String(err)}`);
}

let tmplCache = null;
let tmplCacheAt = 0;

// id -> name of the templates the caller may read (first 100), cached 30 s.
export async function templateNames() {
	if (tmplCache && Date.now() - tmplCacheAt < 30000)
		return tmplCache;
	const m = new Map();
	try {
		const { data } = await api('GET', '/workflow-management/templates?limit=100');
		for (const t of data.items)
			m.set(t.template_id, t.name);
	} catch (e) {
		if (e instanceof ApiError && e.status === 401)
			throw e;
	}
	tmplCache = m;
	tmplCacheAt = Date.now();
	return m;
}

export function forgetTemplates() {
	tmplCache = null;
}

// Runs fn every ms while the page is visible and not paused.
export function poller(fn, ms) {
	let busy = false, paused = false, stopped = false;
	const tick = async () => {
		if (stopped || paused || busy || document.visibilityState !== 'visible')
			return;
		busy = true;
		try {
			await fn();
		} catch {
			/* the page shows its own errors */
		} finally {
			busy = false;
		}
	};
	const id = setInterval(tick, ms);
	const onVis = () => {
		if (document.visibilityState === 'visible')
			tick();
	};
	document.addEventListener('visibilitychange', onVis);
	return {
		stop() {
			stopped = true;
			clearInterval(id);
			document.removeEventListener('visibilitychange', onVis);
		},
		setPaused(p) { paused = p; },
		get paused() { return paused; },
	};
}

// The "Pause live updates" button (id) of a page that reloads itself
// every ms while visible (poller). stop() when the page goes.
export function liveToggle(reload, ms, id = 'live-toggle') {
	const live = poller(reload, ms);
	const btn = h('button', { type: 'button', id, 'aria-pressed': 'false' }, 'Pause live updates');
	btn.addEventListener('click', () => {
		const p = !live.paused;
		live.setPaused(p);
		btn.setAttribute('aria-pressed', String(p));
		btn.textContent = p ? 'Resume live updates' : 'Pause live updates';
		announce(p ? 'Live updates paused.' : 'Live updates resumed.');
	});
	return { btn, stop: () => live.stop() };
}

// Cursor paging of a list, newest first: the cursor of each page visited
// (the last one is the page shown), "← Newer", "Older →" and "Page N"
// with the ids of ids.prev, ids.next and ids.info. A button calls go()
// once the page changed. A load takes ask() before it asks the API and
// shows the answer only while current(asked) holds: a slow answer for a
// page the user has left meanwhile is dropped, not drawn over the one
// now asked for. shown(next_cursor) sets the buttons after a page was
// drawn (a button that went disabled under the focus hands it over).
export function cursorPager(ids, go) {
	const cursors = [null];
	let nextCursor = null;
	const prev = h('button', { type: 'button', id: ids.prev, disabled: true }, '← Newer');
	const next = h('button', { type: 'button', id: ids.next, disabled: true }, 'Older →');
	const info = h('span', { class: 'muted', id: ids.info });
	prev.addEventListener('click', () => {
		if (cursors.length > 1) {
			cursors.pop();
			go();
		}
	});
	next.addEventListener('click', () => {
		if (nextCursor) {
			cursors.push(nextCursor);
			go();
		}
	});
	return {
		nav: h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, info, next),
		ask: () => ({ depth: cursors.length, cursor: cursors[cursors.length - 1] }),
		current: (a) => a.depth === cursors.length && a.cursor === cursors[cursors.length - 1],
		shown(nc) {
			nextCursor = nc || null;
			prev.disabled = cursors.length <= 1;
			next.disabled = !nextCursor;
			if (document.activeElement === next && next.disabled && !prev.disabled)
				prev.focus();
			else if (document.activeElement === prev && prev.disabled && !next.disabled)
				next.focus();
			info.textContent = `Page ${cursors.length}`;
		},
		get depth() { return cursors.length; },
		get more() { return nextCursor !== null; },
	};
}

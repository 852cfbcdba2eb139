// Pieces shared by the pages.

import { ApiError, api } from './api.js';
import { banner } from './util.js';

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

// The only module that talks to the API. The token lives in
// sessionStorage (never a URL query, a cookie, localStorage or a log).

const KEY = 'wfm.token';
let base = '/api/v1';
let onAuthLost = () => {};

export class ApiError extends Error {
	constructor(status, body) {
		super(typeof body?.detail === 'string' ? body.detail : `HTTP ${status}`);
		this.status = status;
		this.body = body;
	}
}

export async function loadConfig() {
	try {
		const r = await fetch('config.json', { cache: 'no-cache', credentials: 'omit' });
		if (r.ok) {
			const c = await r.json();
			if (typeof c.base_path === 'string' && /^\/[A-Za-z0-9._/-]*$/.test(c.base_path))
				base = c.base_path.replace(/\/$/, '');
		}
	} catch {
		/* keep the default */
	}
	return base;
}

export function setAuthLostHandler(fn) {
	onAuthLost = fn;
}

export function getToken() {
	return sessionStorage.getItem(KEY);
}

export function setToken(t) {
	sessionStorage.setItem(KEY, t);
}

export function clearToken() {
	sessionStorage.removeItem(KEY);
}

// A #token=... fragment goes to sessionStorage and leaves the address bar
// and the history at once.
export function takeTokenFromFragment() {
	const m = /^#token=([^&]+)/.exec(location.hash);
	if (!m)
		return false;
	let tok = m[1];
	try {
		tok = decodeURIComponent(tok);
	} catch {
		/* use as is */
	}
	history.replaceState(null, '', `${location.pathname}${location.search}#/executions`);
	setToken(tok.trim());
	return true;
}

function b64url(str) {
	const t = str.replace(/-/g, '+').replace(/_/g, '/');
	const bin = atob(t + '='.repeat((4 - (t.length % 4)) % 4));
	return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

// The token's claims, for display and to decide which actions to show.
// The server checks every request: this is only a hint for the UI.
export function claims() {
	const t = getToken();
	try {
		const c = JSON.parse(b64url(t.split('.')[1]));
		let roles = Array.isArray(c.roles) ? c.roles.filter((r) => typeof r === 'string') : [];
		if (typeof c.scope === 'string')
			roles = roles.concat(c.scope.split(' ').filter(Boolean));
		return { sub: typeof c.sub === 'string' ? c.sub : '?', roles, exp: c.exp };
	} catch {
		return { sub: '?', roles: [], exp: undefined };
	}
}

export function hasRole(r) {
	const { roles } = claims();
	return roles.includes('admin') || roles.includes(r);
}

export async function api(method, path, body, opts = {}) {
	const tok = getToken();
	const headers = { Accept: 'application/json' };
	if (tok)
		headers.Authorization = `Bearer ${tok}`;
	const init = { method, headers, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' };
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	if (opts.signal)
		init.signal = opts.signal;
	let r;
	try {
		r = await fetch(base + path, init);
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new ApiError(0, { detail: 'The server could not be reached.' });
	}
	let data = null;
	const text = await r.text();
	if (text) {
		try {
			data = JSON.parse(text);
		} catch {
			data = { detail: `HTTP ${r.status}` };
		}
	}
	if (r.status === 401) {
		clearToken();
		onAuthLost(data && typeof data.detail === 'string' ? data.detail : 'The token was rejected.');
		throw new ApiError(401, data);
	}
	if (!r.ok)
		throw new ApiError(r.status, data);
	return { status: r.status, data };
}

export function qs(params) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null && v !== '')
			u.set(k, v);
	const q = u.toString();
	return q ? `?${q}` : '';
}

// 404 or 405 from a route: the server does not have this feature yet
// (an unknown object says "... not found", an unknown route "Not Found").
export function isMissing(e) {
	if (!(e instanceof ApiError))
		return false;
	if (e.status === 405)
		return true;
	return e.status === 404 && (!e.body || e.body.detail === 'Not Found');
}

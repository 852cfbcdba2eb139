// The console: sign-in, navigation and the hash router.

import {
	loadConfig, takeTokenFromFragment, getToken, setToken, clearToken,
	setAuthLostHandler, claims, hasRole, api, ApiError,
} from './api.js';
import { h, banner, announce, set } from './util.js';
import * as executions from './executions.js';
import * as execution from './execution.js';
import * as templates from './templates.js';
import * as extra from './extra.js';
import * as system from './system.js';
import * as approvals from './approvals.js';

const main = document.getElementById('main');
let cleanup = null;

function stopPage() {
	if (cleanup) {
		try {
			cleanup();
		} catch {
			/* nothing to do */
		}
	}
	cleanup = null;
}

function setChrome(signedIn) {
	document.getElementById('nav').hidden = !signedIn;
	document.getElementById('signout').hidden = !signedIn;
	const who = document.getElementById('who');
	if (!signedIn) {
		who.textContent = '';
		return;
	}
	const c = claims();
	who.textContent = `Signed in as ${c.sub}`;
	document.querySelector('[data-admin]').hidden = !hasRole('admin');
}

function showSignIn(message) {
	stopPage();
	setChrome(false);
	document.title = 'Sign in · wfm console';
	const ta = h('textarea', {
		id: 'token', name: 'token', rows: '5', autocomplete: 'off',
		spellcheck: 'false', required: true, 'aria-describedby': 'token-hint',
	});
	const msg = message ? banner('error', message) : null;
	const status = h('div', { id: 'signin-status' });
	const form = h('form', { class: 'signin', id: 'signin-form', novalidate: true },
	    h('div', { class: 'field' },
		h('label', { for: 'token' }, 'Bearer token (JWT)'),
		h('div', { class: 'hint', id: 'token-hint' },
		    'Paste the token you were given. It is kept in this tab only (sessionStorage) and sent only to the API.'),
		ta),
	    h('button', { type: 'submit', class: 'primary', id: 'signin-submit' }, 'Sign in'),
	    status);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		const tok = ta.value.trim().replace(/^Bearer\s+/i, '');
		set(status);
		if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(tok)) {
			status.append(banner('error', 'That is not a JWT (three base64url parts separated by dots).'));
			ta.focus();
			return;
		}
		setToken(tok);
		try {
			await api('GET', '/workflow-management/executions?limit=1');
		} catch (err) {
			if (err instanceof ApiError && err.status === 401)
				return;	/* the auth-lost handler shows the form again */
			if (!(err instanceof ApiError && err.status === 403)) {
				status.append(banner('error', err.message));
				return;
			}
		}
		if (location.hash.startsWith('#/') && location.hash !== '#/')
			route();
		else
			location.hash = '#/executions';
	});
	set(main, h('h1', { tabindex: '-1' }, 'Sign in'), msg, form);
	(msg ? main.querySelector('h1') : ta).focus();
	if (message)
		announce(message);
}

const routes = [
	[/^#\/executions\/([^/]+)$/, (m) => execution.render(main, decodeURIComponent(m[1])), 'executions'],
	[/^#\/executions(?:\?(.*))?$/, (m) => executions.render(main, m[1] || ''), 'executions'],
	[/^#\/templates\/([^/]+)$/, (m) => templates.renderOne(main, decodeURIComponent(m[1])), 'templates'],
	[/^#\/templates$/, () => templates.renderList(main), 'templates'],
	[/^#\/schedules$/, () => extra.renderSchedules(main), 'schedules'],
	[/^#\/system$/, () => system.renderSystem(main), 'system'],
	[/^#\/approvals$/, () => approvals.renderApprovals(main), 'approvals'],
];

function route() {
	if (takeTokenFromFragment()) {
		/* replaceState moved us to #/executions */
	}
	if (!getToken()) {
		showSignIn(null);
		return;
	}
	const c = claims();
	if (typeof c.exp === 'number' && c.exp * 1000 < Date.now()) {
		clearToken();
		showSignIn('Your token has expired. Sign in with a new one.');
		return;
	}
	stopPage();
	setChrome(true);
	const hash = location.hash || '#/executions';
	for (const [re, fn, nav] of routes) {
		const m = re.exec(hash);
		if (!m)
			continue;
		document.querySelectorAll('[data-nav]').forEach((a) => {
			if (a.dataset.nav === nav)
				a.setAttribute('aria-current', 'page');
			else
				a.removeAttribute('aria-current');
		});
		cleanup = fn(m) || null;
		return;
	}
	location.replace('#/executions');
}

setAuthLostHandler((detail) => {
	showSignIn(`You are signed out: the server refused the token (${detail}). Sign in again.`);
});

document.getElementById('signout').addEventListener('click', () => {
	clearToken();
	showSignIn(null);
	announce('Signed out.');
});

window.addEventListener('hashchange', route);
await loadConfig();
route();

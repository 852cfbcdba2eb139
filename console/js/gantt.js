// The timeline of an execution's steps (a Gantt chart): one bar per step
// from its first start to its end; a step that took more than one attempt
// says so next to its bar and its bar is marked with the retry sign.

import { s, fmtDur, STATUS_ICON } from './util.js';

const LABEL = 170, CHART = 640, ROW = 26, TOP = 24, RIGHT = 190;

export function drawGantt(exec, now = Date.now()) {
	const steps = exec.steps.filter((st) => st.started_at);
	if (!steps.length)
		return null;
	const t = (v) => new Date(v).getTime();
	const t0 = Math.min(...steps.map((st) => t(st.started_at)),
	    exec.started_at ? t(exec.started_at) : Infinity);
	const end = (st) => (st.completed_at ? t(st.completed_at) : now);
	const t1 = Math.max(...steps.map(end), t0 + 1);
	const span = t1 - t0;
	const width = LABEL + CHART + RIGHT, height = TOP + steps.length * ROW + 6;
	const svg = s('svg', {
		width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
		'aria-label': `Timeline of ${steps.length} started steps over ${fmtDur(span / 1000)}`,
	});
	for (let i = 0; i <= 4; i++) {
		const x = LABEL + (CHART * i) / 4;
		svg.append(s('line', { x1: x, x2: x, y1: TOP - 6, y2: height, class: 'axis' }),
		    s('text', { x: Math.min(x, LABEL + CHART - 30), y: 14 }, `+${fmtDur((span * i) / 4000)}`));
	}
	steps.forEach((st, i) => {
		const y = TOP + i * ROW;
		const x = LABEL + ((t(st.started_at) - t0) / span) * CHART;
		const w = Math.max(3, ((end(st) - t(st.started_at)) / span) * CHART);
		const dur = st.duration ?? (end(st) - t(st.started_at)) / 1000;
		const retried = st.attempts > 1;
		svg.append(
		    s('text', { x: 4, y: y + 16 }, st.step_id.length > 22 ? `${st.step_id.slice(0, 21)}…` : st.step_id),
		    s('rect', {
			x, y: y + 4, width: w, height: ROW - 10, rx: 3,
			class: `bar st-${st.status}${retried ? ' retried' : ''}`,
		    }, s('title', {}, `${st.step_id}: ${st.status}, ${fmtDur(dur)}, ${st.attempts} attempt(s)`)),
		    s('text', { x: Math.min(x + w + 6, LABEL + CHART + 4), y: y + 16 },
			`${STATUS_ICON[st.status] || ''} ${st.status} ${fmtDur(dur)}${retried ? ` ↻ ${st.attempts} attempts` : ''}`));
	});
	return svg;
}

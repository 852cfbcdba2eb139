// The timeline of an execution's steps (a Gantt chart): one row per step,
// one bar per attempt from the step's attempt_history (failed attempts
// marked with the retry sign and their error, the gaps between them are
// the retry waits); an attempt still running is drawn from the end of
// the last recorded one to now. A server without attempt_history gets
// one bar per step from its first start to its end.

import { s, fmtDur, STATUS_ICON } from './util.js';

const LABEL = 170, CHART = 640, ROW = 26, TOP = 24, RIGHT = 190;

// The bars of one step: {from, to, status, title} in ms.
function attempts(st, t, now) {
	const hist = Array.isArray(st.attempt_history) ? st.attempt_history : [];
	const bars = hist.filter((a) => a.started_at && a.completed_at).map((a, i, all) => ({
		from: t(a.started_at), to: t(a.completed_at),
		status: a.error ? 'failed' : (i === all.length - 1 ? st.status : 'completed'),
		title: `${st.step_id}: attempt ${a.attempt}, ${a.error ? `failed (${a.error.type}: ${a.error.message})` : 'succeeded'}, ${fmtDur((t(a.completed_at) - t(a.started_at)) / 1000)}`,
		attempt: a.attempt,
	}));
	if (!bars.length) {
		const to = st.completed_at ? t(st.completed_at) : now;
		return [{ from: t(st.started_at), to, status: st.status,
		    title: `${st.step_id}: ${st.status}, ${fmtDur(st.duration ?? (to - t(st.started_at)) / 1000)}, ${st.attempts} attempt(s)` }];
	}
	const last = hist[hist.length - 1];
	if (!st.completed_at && st.attempts > last.attempt) {
		const from = bars[bars.length - 1].to;
		bars.push({ from, to: Math.max(now, from), status: st.status,
		    title: `${st.step_id}: attempt ${st.attempts}, ${st.status}`, attempt: st.attempts });
	}
	return bars;
}

export function drawGantt(exec, now = Date.now()) {
	const steps = exec.steps.filter((st) => st.started_at);
	if (!steps.length)
		return null;
	const t = (v) => new Date(v).getTime();
	const rows = steps.map((st) => ({ st, bars: attempts(st, t, now) }));
	const t0 = Math.min(...rows.flatMap((r) => r.bars.map((b) => b.from)),
	    exec.started_at ? t(exec.started_at) : Infinity);
	const t1 = Math.max(...rows.flatMap((r) => r.bars.map((b) => b.to)), t0 + 1);
	const span = t1 - t0;
	const width = LABEL + CHART + RIGHT, height = TOP + steps.length * ROW + 6;
	const nAtt = rows.reduce((n, r) => n + r.bars.length, 0);
	const svg = s('svg', {
		width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
		'aria-label': `Timeline of ${steps.length} started steps, ${nAtt} attempts, over ${fmtDur(span / 1000)}`,
	});
	for (let i = 0; i <= 4; i++) {
		const x = LABEL + (CHART * i) / 4;
		svg.append(s('line', { x1: x, x2: x, y1: TOP - 6, y2: height, class: 'axis' }),
		    s('text', { x: Math.min(x, LABEL + CHART - 30), y: 14 }, `+${fmtDur((span * i) / 4000)}`));
	}
	const xOf = (ms) => LABEL + ((ms - t0) / span) * CHART;
	rows.forEach(({ st, bars }, i) => {
		const y = TOP + i * ROW;
		const retried = st.attempts > 1;
		const first = bars[0].from, lastTo = bars[bars.length - 1].to;
		const dur = st.duration ?? (lastTo - first) / 1000;
		svg.append(s('text', { x: 4, y: y + 16 }, st.step_id.length > 22 ? `${st.step_id.slice(0, 21)}…` : st.step_id));
		for (const b of bars) {
			const x = xOf(b.from);
			const w = Math.max(3, ((b.to - b.from) / span) * CHART);
			svg.append(s('rect', {
				x, y: y + 4, width: w, height: ROW - 10, rx: 3,
				class: `bar st-${b.status}${b.status === 'failed' && bars.length > 1 ? ' retried' : ''}`,
				'data-step': st.step_id, 'data-attempt': b.attempt ?? '',
			}, s('title', {}, b.title)));
		}
		const xe = xOf(lastTo);
		svg.append(s('text', { x: Math.min(xe + 6, LABEL + CHART + 4), y: y + 16 },
		    `${STATUS_ICON[st.status] || ''} ${st.status} ${fmtDur(dur)}${retried ? ` ↻ ${st.attempts} attempts` : ''}`));
	});
	return svg;
}

// The DAG of a template or an execution, drawn as SVG: a layered layout
// (longest path from the roots gives the column, a few barycentre sweeps
// order each column), left to right. Nodes are coloured by state and carry
// the state as text, so that colour is never the only sign.

import { s, STATUS_ICON, safeId } from './util.js';

const W = 168, H = 46, GX = 56, GY = 18, PAD = 12;

export function layout(nodes) {
	const byId = new Map(nodes.map((n) => [n.id, n]));
	const layer = new Map();
	const visiting = new Set();
	const depth = (n) => {
		if (layer.has(n.id))
			return layer.get(n.id);
		if (visiting.has(n.id))
			return 0;		/* a cycle: the server refuses these */
		visiting.add(n.id);
		let d = 0;
		for (const p of n.deps)
			if (byId.has(p))
				d = Math.max(d, depth(byId.get(p)) + 1);
		visiting.delete(n.id);
		layer.set(n.id, d);
		return d;
	};
	nodes.forEach(depth);
	const cols = [];
	for (const n of nodes) {
		const d = layer.get(n.id);
		(cols[d] ||= []).push(n);
	}
	const children = new Map(nodes.map((n) => [n.id, []]));
	for (const n of nodes)
		for (const p of n.deps)
			if (children.has(p))
				children.get(p).push(n.id);
	const pos = new Map();
	const index = () => cols.forEach((c) => c.forEach((n, i) => pos.set(n.id, i)));
	index();
	const bary = (ids, self) => {
		const v = ids.filter((i) => pos.has(i)).map((i) => pos.get(i));
		return v.length ? v.reduce((a, b) => a + b, 0) / v.length : pos.get(self);
	};
	for (let sweep = 0; sweep < 4; sweep++) {
		const down = sweep % 2 === 0;
		const order = down ? cols.keys() : [...cols.keys()].reverse();
		for (const c of order) {
			if (!cols[c])
				continue;
			const key = new Map(cols[c].map((n) => [n.id,
			    bary(down ? n.deps : children.get(n.id), n.id)]));
			cols[c].sort((a, b) => key.get(a.id) - key.get(b.id));
			cols[c].forEach((n, i) => pos.set(n.id, i));
		}
	}
	const tallest = Math.max(...cols.map((c) => (c ? c.length : 0)));
	const place = new Map();
	cols.forEach((c, ci) => {
		if (!c)
			return;
		const off = ((tallest - c.length) * (H + GY)) / 2;
		c.forEach((n, i) => place.set(n.id, {
			x: PAD + ci * (W + GX), y: PAD + off + i * (H + GY),
		}));
	});
	return {
		place,
		width: PAD * 2 + cols.length * (W + GX) - GX,
		height: PAD * 2 + tallest * (H + GY) - GY,
	};
}

function clip(t, n) {
	return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

// nodes: [{id, deps: [ids], status|null, type, extra}]; onSelect(id).
export function drawDag(nodes, { label = 'Graph of the steps', onSelect } = {}) {
	const L = layout(nodes);
	const svg = s('svg', {
		width: L.width, height: L.height, viewBox: `0 0 ${L.width} ${L.height}`,
		role: 'group', 'aria-label': label,
	});
	const defs = s('defs', {}, s('marker', {
		id: 'dag-arrow', viewBox: '0 0 10 10', refX: '10', refY: '5',
		markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse',
	}, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' })));
	svg.append(defs);
	const edges = s('g', { 'aria-hidden': 'true' });
	for (const n of nodes) {
		const b = L.place.get(n.id);
		for (const p of n.deps) {
			const a = L.place.get(p);
			if (!a)
				continue;
			const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x - 2, y2 = b.y + H / 2;
			const mx = (x1 + x2) / 2;
			edges.append(s('path', {
				class: 'edge', d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`,
				'marker-end': 'url(#dag-arrow)',
			}));
		}
	}
	svg.append(edges);
	for (const n of nodes) {
		const p = L.place.get(n.id);
		const st = n.status || 'none';
		const stateText = n.status ? `${STATUS_ICON[n.status] || '•'} ${n.status}${n.extra ? ` · ${n.extra}` : ''}` : n.type;
		const g = s('g', {
			class: `node st-${st.replace(/[^a-z_]/g, '')}`,
			id: `node-${safeId(n.id)}`,
			transform: `translate(${p.x},${p.y})`,
			'data-step': n.id,
			'data-status': n.status || '',
			tabindex: onSelect ? '0' : undefined,
			role: onSelect ? 'button' : 'img',
			'aria-label': `Step ${n.id} (${n.type})${n.status ? `: ${n.status}` : ''}${n.extra ? `, ${n.extra}` : ''}`,
		},
		s('title', {}, `${n.id} (${n.type})${n.status ? `: ${n.status}` : ''}`),
		s('rect', { width: W, height: H, rx: 6 }),
		s('text', { x: 8, y: 18, 'aria-hidden': 'true' }, clip(n.id, 22)),
		s('text', { x: 8, y: 36, class: 'nstate', 'aria-hidden': 'true' }, clip(stateText, 26)));
		if (onSelect) {
			g.addEventListener('click', () => onSelect(n.id));
			g.addEventListener('keydown', (e) => {
				if (e.key === 'Enter' || e.key === ' ') {
					e.preventDefault();
					onSelect(n.id);
				}
			});
		}
		svg.append(g);
	}
	return svg;
}

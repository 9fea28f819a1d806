// The web stepper's page: it draws the state the session sends (src/trace/web/api.ts) and asks the
// session to move; it decides nothing about the run itself. Plain script, no build, no network.
'use strict';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
let state = null;
const diagrams = new Map(); // machine id -> Promise<string> (the SVG text)
const cards = new Map(); // "node/actor" -> { card, machine }

async function call(path, body) {
  const response = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) {
    $('message').textContent = answer.error || `HTTP ${response.status}`;
    return;
  }
  show(answer);
}

const goto = (index) => call('/api/goto', { index });
const nodeName = (id) => (id === 0 ? 'client' : `n${id}`);

function show(next) {
  state = next;
  document.title = `${state.title} · kspec`;
  $('title').textContent = state.title;
  const step = state.current;
  $('position').textContent = `${step === null ? 'before step 1' : `step ${step.step} of ${state.lastStep}`}  t=${state.now}ms`;
  $('fork').hidden = !state.forked;
  $('message').textContent = state.message || (state.unavailable === null ? '' : `live state unavailable: ${state.unavailable}`);
  const slider = $('slider');
  slider.min = String(state.first);
  slider.max = String(Math.max(state.first, state.total - 1));
  slider.value = String(state.cursor);
  showCurrent();
  showPending();
  showVerdicts();
  showLane();
  showMachines();
}


function list(items, className) {
  const ul = document.createElement('ul');
  for (const text of items) {
    const li = document.createElement('li');
    li.textContent = text;
    if (className) li.className = className;
    ul.append(li);
  }
  return ul;
}

function showCurrent() {
  const box = $('current');
  box.replaceChildren();
  if (state.current === null) {
    box.textContent = 'The run has not started: next takes the first step.';
    return;
  }
  const head = document.createElement('div');
  head.className = 'head';
  head.textContent = state.current.head;
  box.append(head, list(state.current.effects.map((e) => `-> ${e}`)), list(state.current.changes.map((c) => `~ ${c}`)), list(state.current.violations.map((v) => `VIOLATION ${v}`), 'violation'));
}

function showPending() {
  const ol = $('pending');
  ol.replaceChildren();
  for (const p of state.pending) {
    const li = document.createElement('li');
    const number = document.createElement('span');
    number.className = 'number';
    number.textContent = String(p.number);
    const take = document.createElement('button');
    take.textContent = p.number === 1 ? 'next' : 'take';
    take.title = p.number === 1 ? 'the queue\'s next event' : 'take this event next: the run forks here';
    take.dataset.pending = String(p.number);
    take.addEventListener('click', () => call('/api/take', { pending: p.number }));
    const text = document.createElement('span');
    text.textContent = `t=${p.time} ${p.description}`;
    li.append(number, take, text);
    ol.append(li);
  }
  if (state.pending.length === 0) ol.textContent = state.unavailable === null ? 'nothing is pending' : 'unavailable here';
}

function showVerdicts() {
  const ul = $('verdicts');
  ul.replaceChildren();
  for (const v of state.verdicts) {
    const li = document.createElement('li');
    li.className = v.status;
    li.dataset.clause = v.id;
    li.textContent = v.status === 'pass' ? v.id : v.status === 'fail' ? v.detail : `${v.id} (${v.detail})`;
    ul.append(li);
  }
}

// ---- the message sequence lane ------------------------------------------------------------------

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function showLane() {
  const nodes = [...new Set([...state.machines.map((m) => m.node), ...state.lane.flatMap((s) => [s.from, s.to, s.node].filter((n) => n !== undefined))])].sort((a, b) => a - b);
  const left = 110;
  const gap = 70;
  const rowHeight = 18;
  const top = 22;
  const labelX = left + gap * Math.max(0, nodes.length - 1) + 24;
  const width = labelX + 520;
  const height = top + rowHeight * state.lane.length + 6;
  const x = (node) => left + gap * nodes.indexOf(node);
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'message sequence' });
  const defs = svg('defs', {});
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#45617f' }));
  defs.append(marker);
  root.append(defs);
  for (const node of nodes) {
    root.append(svg('text', { x: x(node), y: 14, 'text-anchor': 'middle' }, nodeName(node)));
    root.append(svg('line', { x1: x(node), y1: top - 4, x2: x(node), y2: height, stroke: '#c0ccd8', 'stroke-dasharray': '3 3' }));
  }
  state.lane.forEach((s, row) => {
    const y = top + row * rowHeight + rowHeight / 2;
    const g = svg('g', { class: `row${s.index === state.cursor ? ' current' : ''}${s.chosen ? ' chosen' : ''}${s.violations.length > 0 ? ' violation' : ''}`, 'data-index': s.index });
    g.append(svg('rect', { class: 'band', x: 0, y: y - rowHeight / 2, width, height: rowHeight, fill: 'transparent' }));
    g.append(svg('text', { x: 4, y: y + 4 }, `${s.step} t=${s.time}`));
    if (s.from !== undefined && s.to !== undefined && s.from !== s.to) {
      g.append(svg('line', { x1: x(s.from), y1: y, x2: x(s.to), y2: y, stroke: '#45617f', 'stroke-width': 1.4, 'marker-end': 'url(#arrow)' }));
    } else if (s.node !== undefined || s.to !== undefined) {
      g.append(svg('circle', { cx: x(s.node ?? s.to), cy: y, r: 4, fill: s.kind === 'fault' ? '#c62828' : '#45617f' }));
    }
    g.append(svg('text', { class: 'label', x: labelX, y: y + 4 }, s.label.length > 80 ? `${s.label.slice(0, 79)}…` : s.label));
    g.addEventListener('click', () => goto(s.index));
    root.append(g);
  });
  $('lane').replaceChildren(root);
}

// ---- the machines -----------------------------------------------------------------------------------

function diagram(machine) {
  if (!diagrams.has(machine)) diagrams.set(machine, fetch(`/api/diagram/${encodeURIComponent(machine)}`).then((r) => (r.ok ? r.text() : '')));
  return diagrams.get(machine);
}

/**
 * Graphviz titles each state's box with its path joined by '_', each compound state's cluster with
 * 'cluster_' before it. The boxes are indexed once per drawing, and only the boxes whose highlight
 * changes are touched (a diagram has hundreds of elements; restyling them all makes a step slow).
 */
function highlight(card, active) {
  if (card.boxes === undefined) {
    const boxes = new Map();
    for (const g of card.querySelectorAll('svg g.node, svg g.cluster')) {
      const title = g.querySelector(':scope > title');
      if (title !== null) boxes.set(title.textContent, g);
    }
    if (boxes.size === 0) return;
    card.boxes = boxes;
    card.lit = [];
  }
  const wanted = [
    ...active.map((path) => [path.split('.').join('_'), 'active']),
    ...active.flatMap((path) => path.split('.').slice(0, -1).map((_, i, parts) => [`cluster_${parts.slice(0, i + 1).join('_')}`, 'active-parent'])),
  ].flatMap(([title, className]) => (card.boxes.has(title) ? [[card.boxes.get(title), className]] : []));
  const same = wanted.length === card.lit.length && wanted.every(([g, c], i) => card.lit[i][0] === g && card.lit[i][1] === c);
  if (same) return;
  for (const [g, className] of card.lit) g.classList.remove(className);
  for (const [g, className] of wanted) g.classList.add(className);
  card.lit = wanted;
}

function showMachines() {
  const box = $('machines');
  const byNode = new Map();
  for (const m of state.machines) {
    if (!byNode.has(m.node)) byNode.set(m.node, []);
    byNode.get(m.node).push(m);
  }
  const seen = new Set();
  for (const [node, machines] of [...byNode].sort((a, b) => a[0] - b[0])) {
    let details = box.querySelector(`details[data-node="${node}"]`);
    if (details === null) {
      details = document.createElement('details');
      details.className = 'node';
      details.dataset.node = String(node);
      details.open = true;
      const summary = document.createElement('summary');
      summary.textContent = nodeName(node);
      const holder = document.createElement('div');
      holder.className = 'cards';
      details.append(summary, holder);
      box.append(details);
    }
    const holder = details.querySelector('.cards');
    for (const m of machines) {
      const key = `${m.node}/${m.actor}`;
      seen.add(key);
      let entry = cards.get(key);
      if (entry === undefined || entry.machine !== m.machine) {
        const card = entry?.card ?? document.createElement('div');
        card.className = 'card';
        card.dataset.node = String(m.node);
        card.dataset.actor = m.actor;
        card.replaceChildren(document.createElement('h3'), document.createElement('div'));
        entry = { card, machine: m.machine };
        cards.set(key, entry);
        holder.append(card);
        const drawn = entry;
        diagram(m.machine).then((text) => {
          if (cards.get(key) !== drawn) return;
          card.lastChild.innerHTML = text;
          card.boxes = undefined;
          highlight(card, JSON.parse(card.dataset.active || '[]'));
          card.dataset.drawn = 'true';
        });
      }
      entry.card.dataset.active = JSON.stringify(m.active);
      const heading = entry.card.firstChild;
      heading.replaceChildren(`${nodeName(m.node)} ${m.actor}: `);
      const name = document.createElement('span');
      name.className = 'active-name';
      name.textContent = m.active.join(' + ');
      heading.append(name);
      highlight(entry.card, m.active);
    }
  }
  for (const [key, entry] of cards) {
    if (!seen.has(key)) {
      entry.card.remove();
      cards.delete(key);
    }
  }
  for (const details of box.querySelectorAll('details.node')) if (details.querySelector('.card') === null) details.remove();
}

// ---- controls ---------------------------------------------------------------------------------------

$('back').addEventListener('click', () => state && state.cursor > state.first && goto(state.cursor - 1));
$('next').addEventListener('click', () => state && goto(state.cursor + 1));
$('slider').addEventListener('change', (event) => goto(Number(event.target.value)));
$('time-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('time').value;
  if (value !== '') call('/api/time', { timeMs: Number(value) });
});
$('save-form').addEventListener('submit', (event) => {
  event.preventDefault();
  call('/api/save', { file: $('save-file').value });
});
document.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.ctrlKey || event.metaKey || event.altKey || state === null) return;
  if (event.key === 'n' || event.key === 'ArrowRight') goto(state.cursor + 1);
  else if ((event.key === 'b' || event.key === 'ArrowLeft') && state.cursor > state.first) goto(state.cursor - 1);
});

call('/api/state');

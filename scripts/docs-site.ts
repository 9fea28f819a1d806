/**
 * The documentation site (docs/site/, or any directory): a page per machine with its diagram as
 * SVG, its states, transitions (each linked to its line in the source and to the clauses it
 * serves) and timers; a page per spec clause with its statement, source, checks, and the tests and
 * scenarios that exercise it; a walkthrough per scenario with its message sequence diagram; a
 * learner's index; the source files the pages link to, with line anchors; the API reference
 * (typedoc, docs-api.ts). Everything is derived from the code on each build: nothing to keep in
 * step by hand. Pages link relatively, so the site opens from disk or any server path.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { allClauses } from '../spec/index.js';
import type { Clause } from '../spec/clause.js';
import { parseScript, type ScriptBlock } from '../src/scenario/script.js';
import { clausesOf, clauseRules, matches } from './docs-clause-map.js';
import { renderDot, stateAnchor, toDot } from './docs-graphviz.js';
import { anchor, escapeHtml, FAVICON, href, page, STYLE, table } from './docs-html.js';
import { concepts } from './docs-learn.js';
import { discoverMachines, machineModel, type DiscoveredMachine, type MachineModel, type TransitionInfo } from './docs-machines.js';
import { sequenceSvg } from './docs-sequence.js';
import { machineTexts, plainSummary } from './docs-texts.js';

export interface SiteOptions {
  readonly root: string;
  readonly outDir: string;
}

interface Documented extends DiscoveredMachine {
  readonly model: MachineModel;
  readonly page: string;
  readonly title: string;
  readonly summary: string;
}

interface Scenario {
  readonly file: string;
  readonly page: string;
  readonly svg: string;
  readonly blocks: readonly ScriptBlock[];
  readonly title: string;
}

export interface SiteResult {
  readonly files: readonly string[];
  readonly machines: number;
  readonly clauses: number;
  readonly scenarios: number;
  readonly sources: number;
}

const clausePage = (id: string): string => `spec/${id}.html`;
const sourcePage = (file: string): string => `source/${file}.html`;
const transitionAnchor = (index: number): string => `t-${index}`;

function filesUnder(root: string, directory: string, extension: string): string[] {
  const full = join(root, directory);
  return readdirSync(full)
    .sort()
    .flatMap((name) => {
      const path = join(full, name);
      if (statSync(path).isDirectory()) return filesUnder(root, relative(root, path), extension);
      return path.endsWith(extension) ? [relative(root, path).split('\\').join('/')] : [];
    });
}

/** Builds the site; returns what it wrote. The API reference is docs-api.ts's (slower) job. */
export async function buildSite(options: SiteOptions): Promise<SiteResult> {
  const { root, outDir } = options;
  const written = new Map<string, string>();
  const write = (path: string, text: string): void => void written.set(path, text);
  const sources = new Set<string>();
  const link = (from: string, file: string, line?: number): string => {
    sources.add(file);
    const target = line === undefined ? sourcePage(file) : `${sourcePage(file)}#L${line}`;
    return `<a href="${href(from, target)}"><code>${escapeHtml(file)}${line === undefined ? '' : `:${line}`}</code></a>`;
  };
  const texts = (file: string): string => readFileSync(join(root, file), 'utf8');

  const machines: Documented[] = (await discoverMachines(root)).map((m) => {
    const override = machineTexts[m.id];
    return {
      ...m,
      model: machineModel(m.machine, texts(m.file), m.file),
      page: `machines/${m.name}.html`,
      title: override?.title ?? `The ${m.id} machine`,
      summary: override?.summary ?? m.moduleSummary,
    };
  });
  const clauseIds = allClauses.map((c) => c.id);
  const exercising = exercisingFiles(root, clauseIds);
  const scenarios = filesUnder(root, 'scenarios', '.txt').map((file) => scenarioOf(root, file));
  const checks = checkLocations(root, allClauses);

  const context: PageContext = { machines, clauseIds, exercising, scenarios, checks, link };
  for (const machine of machines) await machinePages(context, machine, write);
  write('machines/index.html', machinesIndex(machines));
  for (const clause of allClauses) write(clausePage(clause.id), clausePageHtml(context, clause));
  write('spec/index.html', specIndex(context));
  for (const scenario of scenarios) {
    write(scenario.svg, sequenceSvg(scenario.blocks));
    write(scenario.page, scenarioPage(context, scenario));
  }
  write('scenarios/index.html', scenariosIndex(scenarios));
  write('index.html', learnerIndex(context));
  write('style.css', STYLE.trimStart());
  write('favicon.svg', FAVICON);
  for (const file of [...sources].sort()) write(sourcePage(file), sourcePageHtml(file, texts(file)));
  if (!written.has('api/index.html')) write('api/index.html', apiPlaceholder());

  rmSync(outDir, { recursive: true, force: true });
  for (const [path, text] of written) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), text);
  }
  return { files: [...written.keys()].sort(), machines: machines.length, clauses: allClauses.length, scenarios: scenarios.length, sources: sources.size };
}

interface PageContext {
  readonly machines: readonly Documented[];
  readonly clauseIds: readonly string[];
  readonly exercising: ReadonlyMap<string, readonly string[]>;
  readonly scenarios: readonly Scenario[];
  readonly checks: ReadonlyMap<string, readonly { file: string; line: number; role: string }[]>;
  readonly link: (from: string, file: string, line?: number) => string;
}

const shorten = (text: string, max = 200): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function clauseLinks(from: string, ids: readonly string[]): string {
  return ids.map((id) => `<a href="${href(from, clausePage(id))}">${id}</a>`).join(' ');
}

async function machinePages(context: PageContext, m: Documented, write: (path: string, text: string) => void): Promise<void> {
  const svgPath = `machines/${m.name}.svg`;
  const svg = await renderDot(toDot(m.id, m.model, transitionAnchor));
  write(svgPath, svg);
  const from = m.page;
  const served = (t: TransitionInfo): string[] => clausesOf(m.id, t, context.clauseIds);
  const allServed = context.clauseIds.filter((id) => m.model.transitions.some((t) => served(t).includes(id)));
  const stateRows = m.model.states.map((s) => [
    `<code>${escapeHtml(s.path.join('.'))}</code>${s.initial ? ' <span class="tag">initial</span>' : ''}`,
    escapeHtml(s.type),
    escapeHtml(s.description),
    context.link(from, m.file, s.line),
  ]);
  const transitionRows = m.model.transitions.map((t, i) => [
    `<a href="#${transitionAnchor(i)}">#${i}</a>`,
    t.source.length === 0 ? '(any)' : `<a href="#${stateAnchor(t.source)}">${escapeHtml(t.source.join('.'))}</a>`,
    `<code>${escapeHtml(t.event)}</code>`,
    escapeHtml(t.guard).replace(/\b\w+\b/g, (word) => (m.model.guards.some((g) => g.name === word) ? `<a href="#guard-${anchor(word)}">${word}</a>` : word)),
    t.targets.length === 0 ? '<span class="muted">(stays)</span>' : t.targets.map((p) => `<a href="#${stateAnchor(p)}">${escapeHtml(p.join('.'))}</a>`).join(', '),
    escapeHtml(t.actions.join(', ')),
    escapeHtml(t.description),
    clauseLinks(from, served(t)),
    context.link(from, m.file, t.line),
  ]);
  const timerRows = m.model.timers.map((timer) => {
    const rules = m.model.transitions.filter((t) => t.eventKey === `after:${timer.delay}`);
    return [
      `<code>${escapeHtml(timer.delay)}</code>`,
      timer.duration === undefined ? '' : `<code>${escapeHtml(shorten(timer.duration))}</code>`,
      timer.states.map((s) => `<a href="#${stateAnchor(s.split('.'))}">${escapeHtml(s)}</a>`).join(', '),
      escapeHtml(rules.map((t) => t.description).filter((d) => d !== '').join(' ')),
      timer.line === undefined ? '' : context.link(from, m.file, timer.line),
    ];
  });
  const events = [...new Set(m.model.transitions.map((t) => t.event))];
  const eventRows = events.map((event) => {
    const handlers = m.model.transitions.map((t, i) => ({ t, i })).filter(({ t }) => t.event === event);
    const states = [...new Set(handlers.map(({ t }) => t.source.join('.') || '(any)'))];
    return [`<code>${escapeHtml(event)}</code>`, states.map((s) => escapeHtml(s)).join(', '), handlers.map(({ i }) => `<a href="#${transitionAnchor(i)}">#${i}</a>`).join(' ')];
  });
  const guardRows = m.model.guards.map((guard) => {
    const users = m.model.transitions.map((t, i) => ({ t, i })).filter(({ t }) => new RegExp(`\\b${guard.name}\\b`).test(t.guard));
    return [`<code>${escapeHtml(guard.name)}</code>`, `<code>${escapeHtml(shorten(guard.definition))}</code>`, users.map(({ i }) => `<a href="#${transitionAnchor(i)}">#${i}</a>`).join(' ') || '<span class="muted">(unused)</span>', context.link(from, m.file, guard.line)];
  });
  const body = `
<h1>${escapeHtml(m.title)}</h1>
<p>${summaryHtml(context, from, m.summary)}</p>
<p class="muted">Defined in ${context.link(from, m.file)} by <code>${escapeHtml(m.factory)}</code>; XState id <code>${escapeHtml(m.id)}</code>. ${m.model.states.length} states, ${m.model.transitions.length} transitions, ${m.model.timers.length} timers. Types: <a href="${href(from, 'api/index.html')}">API reference</a>.</p>
<h2 id="diagram">Diagram</h2>
<p class="muted">Substates are drawn inside their parent; an arrow to a compound state enters it at its initial dot. Rules written on the machine itself start from <em>any state</em>. Click a state or an arrow for its row below. <a href="${href(from, svgPath)}">SVG file</a>.</p>
<div class="diagram">${svg}</div>
<h2 id="states">States</h2>
${table(['state', 'kind', 'description', 'source'], stateRows, m.model.states.map((s) => stateAnchor(s.path)))}
<h2 id="transitions">Transitions</h2>
<p class="muted">A handler on an outer state applies in every state inside it unless an inner state handles the event first; handlers of one event are tried in order, the first whose guard holds wins.</p>
${table(['#', 'in state', 'event', 'guard', 'to', 'actions', 'rule', 'clauses', 'source'], transitionRows, m.model.transitions.map((_, i) => transitionAnchor(i)))}
<h2 id="events">Events</h2>
${table(['event', 'handled in', 'transitions'], eventRows)}
<h2 id="guards">Guards</h2>
${guardRows.length === 0 ? '<p class="muted">No named guards.</p>' : table(['guard', 'definition', 'used by', 'source'], guardRows, m.model.guards.map((g) => `guard-${anchor(g.name)}`))}
<h2 id="timers">Timers</h2>
<p class="muted">XState <code>after</code> delays: the shell schedules each on its clock when the state is entered and cancels it when the state is left.</p>
${timerRows.length === 0 ? '<p class="muted">No timers: this machine is driven by events alone.</p>' : table(['delay', 'duration', 'armed in', 'rule', 'source'], timerRows)}
<h2 id="clauses">Clauses</h2>
${allServed.length === 0 ? '<p class="muted">No clause names a rule of this machine.</p>' : `<ul>${allServed.map((id) => `<li><a href="${href(from, clausePage(id))}">${id}</a>: ${escapeHtml(allClauses.find((c) => c.id === id)!.title)}</li>`).join('\n')}</ul>`}
`;
  write(from, page(from, m.title, body));
}

/** A summary written in Markdown: its links to the guides (`../quorum.md`) become links to their source pages. */
function summaryHtml(context: PageContext, from: string, summary: string): string {
  const parts = summary.split(/(\[[^\]]*\]\([^)]*\))/);
  return parts
    .map((part) => {
      const md = /^\[([^\]]*)\]\(\.\.\/([^)]*)\)$/.exec(part);
      return md === null ? escapeHtml(part) : context.link(from, `docs/${md[2]}`);
    })
    .join('');
}

function machinesIndex(machines: readonly Documented[]): string {
  const from = 'machines/index.html';
  const rows = machines.map((m) => [`<a href="${href(from, m.page)}">${escapeHtml(m.title)}</a>`, `<code>${escapeHtml(m.id)}</code>`, String(m.model.states.length), String(m.model.transitions.length), String(m.model.timers.length), escapeHtml(plainSummary(m.summary))]);
  return page(from, 'Machines', `<h1>Machines</h1>\n<p>Every XState machine under <code>src/machines</code>, found in the source: each is driven only through XState's pure <code>transition()</code>.</p>\n${table(['machine', 'id', 'states', 'transitions', 'timers', 'what it is'], rows)}`);
}

function servingTransitions(context: PageContext, clauseId: string): { machine: Documented; index: number; t: TransitionInfo }[] {
  return context.machines.flatMap((machine) =>
    machine.model.transitions.flatMap((t, index) => ((clauseRules[clauseId] ?? []).some((matcher) => matches(matcher, machine.id, t)) ? [{ machine, index, t }] : [])),
  );
}

function clausePageHtml(context: PageContext, clause: Clause): string {
  const from = clausePage(clause.id);
  const users = context.exercising.get(clause.id) ?? [];
  const tests = users.filter((f) => !f.startsWith('scenarios/'));
  const scenarios = context.scenarios.filter((s) => users.includes(s.file));
  const checks = context.checks.get(clause.id) ?? [];
  const serving = servingTransitions(context, clause.id);
  const list = (items: readonly string[], none: string): string => (items.length === 0 ? `<p class="muted">${none}</p>` : `<ul>\n${items.map((i) => `<li>${i}</li>`).join('\n')}\n</ul>`);
  const body = `
<h1>${clause.id}: ${escapeHtml(clause.title)}</h1>
<p>${escapeHtml(clause.statement)}</p>
<table><tbody>
<tr><th>kind</th><td>${clause.kind}</td></tr>
<tr><th>anomaly reported</th><td>${clause.anomaly === undefined ? '—' : `<code>${escapeHtml(clause.anomaly)}</code>`}</td></tr>
<tr><th>Kafka source</th><td>${escapeHtml(clause.source)}</td></tr>
</tbody></table>
<h2>Checks</h2>
${list(checks.map((c) => `${c.role}: ${context.link(from, c.file, c.line)}`), 'Judged by the runs of its model; no check names it in the source.')}
<h2>Rules that serve it</h2>
${list(serving.map(({ machine, index, t }) => `<a href="${href(from, `${machine.page}#${transitionAnchor(index)}`)}">${escapeHtml(machine.id)}: ${escapeHtml(t.source.join('.') || '(any)')} on <code>${escapeHtml(t.event)}</code>${t.guard === '' ? '' : ` [${escapeHtml(t.guard)}]`}</a>`), 'No machine rule is mapped to this clause.')}
<h2>Tests</h2>
${list(tests.map((f) => context.link(from, f)), 'No test names this clause.')}
<h2>Scenarios</h2>
${list(scenarios.map((s) => `<a href="${href(from, s.page)}">${escapeHtml(s.file)}</a>: ${escapeHtml(s.title)}`), 'No scenario names this clause.')}
`;
  return page(from, clause.id, body);
}

function specIndex(context: PageContext): string {
  const from = 'spec/index.html';
  const rows = allClauses.map((c) => {
    const users = context.exercising.get(c.id) ?? [];
    return [`<a href="${href(from, clausePage(c.id))}">${c.id}</a>`, c.kind, escapeHtml(c.title), escapeHtml(c.source), String(users.filter((u) => !u.startsWith('scenarios/')).length), String(users.filter((u) => u.startsWith('scenarios/')).length)];
  });
  return page(from, 'Spec clauses', `<h1>Spec clauses</h1>\n<p>Every clause of the spec (<code>spec/</code>): a rule in plain words, where it comes from in Kafka, and the executable check that judges it. Invariants are checked after every step, liveness clauses once faults heal, history clauses over what clients were told and saw.</p>\n${table(['id', 'kind', 'clause', 'Kafka source', 'tests', 'scenarios'], rows, allClauses.map((c) => anchor(c.id)))}`);
}

const NARRATION: Readonly<Record<string, string>> = {
  cluster: 'Start a controller quorum of the given size; the seed fixes every random choice (election jitter, network delays).',
  run: 'Let virtual time pass; every message delivered and every timer fired is one step of one machine.',
  'run-until-leader': 'Run until the quorum has elected a leader.',
  propose: 'The leader appends proposals (metadata records) to its log; they commit once a majority has them.',
  crash: 'Crash the node: it loses everything but its durable state (and, for a broker, its flushed log).',
  restart: 'Restart the crashed node from its durable state.',
  'power-loss': 'Crash the node and lose the unflushed tail of its logs too.',
  pause: 'Pause the node: it keeps its state but handles nothing (a long GC pause).',
  resume: 'Resume the paused node; its timers fire late.',
  isolate: 'Cut every link to and from the node.',
  split: 'Split the network in two.',
  'one-way': 'Cut the link in one direction only.',
  heal: 'Restore every link.',
  skew: 'Make the node\'s clock run faster or slower.',
  drop: 'Drop every message of a type (optionally between two nodes).',
  'clear-drops': 'Stop dropping messages.',
  status: 'Show each node\'s role and offsets.',
  log: 'Show a node\'s log.',
  pending: 'Show the messages in flight and the timers armed.',
  check: 'Judge every clause on the run so far.',
  brokers: 'Start a cluster: a KRaft controller and brokers, with a topic of the given partitions, replication factor and min.insync.replicas.',
  start: 'Boot the cluster: brokers register with the controller and are unfenced once caught up.',
  'create-topic': 'CreateTopics: the controller places the replicas and elects a leader per partition.',
  produce: 'Producer writes (Produce requests to each partition\'s leader) with the given acks.',
  send: 'Records through the producer machine (batching, retries, idempotence); each callback is printed.',
  consume: 'A consumer fetches from the leaders.',
  consumers: 'Start consumers in a group: they find the coordinator, join, get an assignment and consume.',
  'kill-consumer': 'Kill a consumer without leaving the group: the coordinator notices by the session timeout.',
  'restart-consumer': 'Restart a consumer; it joins the group again.',
  group: 'Show the group as the coordinator holds it.',
};

function scenarioOf(root: string, file: string): Scenario {
  const text = readFileSync(join(root, file), 'utf8');
  const blocks = parseScript(text);
  const header = blocks[0]?.comments.map((c) => c.replace(/^#\s?/, '')).join(' ') ?? '';
  const title = scenarioTitle(file, header);
  const base = file.replace(/^scenarios\//, '').replace(/\.txt$/, '');
  return { file, page: `scenarios/${base}.html`, svg: `scenarios/${base}.svg`, blocks, title };
}

const CLAUSE_ID = /\b(?:QUORUM|REPL|PROD|CGH|CG|CONS)-[A-Z0-9]+(?:-[0-9]+)?\b/g;

/** `election: three controllers elect one leader`: the file's name and the header's first sentence, clause ids left out. */
export function scenarioTitle(file: string, header: string): string {
  const name = file.split('/').pop()!.replace(/\.txt$/, '');
  const prose = header.replace(CLAUSE_ID, '').replace(/^[\s,:;]+/, '').trim();
  const sentence = prose.split(/(?<=[.;])\s/)[0]?.replace(/[.;:]$/, '').trim() ?? '';
  if (sentence === '') return name;
  return `${name}: ${sentence.length > 110 ? `${sentence.slice(0, 109)}…` : sentence}`;
}

const linkClauseIds = (from: string, text: string): string =>
  escapeHtml(text).replace(/\b((?:QUORUM|REPL|PROD|CGH|CG|CONS)-[A-Z0-9]+(?:-[0-9]+)?)\b/g, (id) => (allClauses.some((c) => c.id === id) ? `<a href="${href(from, clausePage(id))}">${id}</a>` : id));

function scenarioPage(context: PageContext, s: Scenario): string {
  const from = s.page;
  const intro = (s.blocks[0]?.comments ?? []).map((c) => c.replace(/^#\s?/, '')).join(' ');
  const steps = s.blocks.map((block, i) => {
    const command = [block.command, ...block.words].join(' ');
    const note = i === 0 ? '' : block.comments.map((c) => c.replace(/^#\s?/, '')).join(' ');
    return `<div class="step" id="step-${i + 1}">
<h3>${i + 1}. <code>${escapeHtml(command)}</code></h3>
<p>${escapeHtml(NARRATION[block.command] ?? '')}${note === '' ? '' : ` ${linkClauseIds(from, note)}`}</p>
${block.expected.length === 0 ? '<p class="muted">(no output)</p>' : `<pre>${linkClauseIds(from, block.expected.join('\n'))}</pre>`}
</div>`;
  });
  const named = context.clauseIds.filter((id) => new RegExp(`\\b${id}\\b`).test(s.blocks.flatMap((b) => [...b.comments, ...b.expected]).join('\n')));
  const body = `
<h1>${escapeHtml(s.title)}</h1>
<p>${linkClauseIds(from, intro)}</p>
<p class="muted">Script ${context.link(from, s.file)}; run it with <code>npx kspec scenario ${escapeHtml(s.file)}</code> (the output must match, line for line). Clauses: ${clauseLinks(from, named) || 'none named'}.</p>
<h2>Message sequence</h2>
<p class="muted">From the transcript: arrows are messages the script prints, notes are what happened on the nodes they name. <a href="${href(from, s.svg)}">SVG file</a>.</p>
<div class="diagram"><img src="${href(from, s.svg)}" alt="message sequence of ${escapeHtml(s.file)}"></div>
<h2>Walkthrough</h2>
${steps.join('\n')}
`;
  return page(from, s.title, body);
}

function scenariosIndex(scenarios: readonly Scenario[]): string {
  const from = 'scenarios/index.html';
  const rows = scenarios.map((s) => [`<a href="${href(from, s.page)}">${escapeHtml(s.file.replace(/^scenarios\//, ''))}</a>`, String(s.blocks.length), escapeHtml(s.title)]);
  return page(from, 'Scenarios', `<h1>Scenarios</h1>\n<p>Scripts in etcd raft's data-driven style: a command, then the exact output the run must print. Each is a narrated walkthrough here; <code>npx kspec scenario FILE</code> runs one.</p>\n${table(['scenario', 'steps', 'what it shows'], rows)}`);
}

function learnerIndex(context: PageContext): string {
  const from = 'index.html';
  const byId = new Map(context.machines.map((m) => [m.id, m]));
  const sections = concepts.map((c) => {
    const machines = c.machines.flatMap((id) => (byId.has(id) ? [`<a href="${href(from, byId.get(id)!.page)}">${escapeHtml(byId.get(id)!.title)}</a>`] : []));
    const scenarios = c.scenarios.flatMap((file) => {
      const s = context.scenarios.find((x) => x.file === file);
      return s === undefined ? [] : [`<a href="${href(from, s.page)}">${escapeHtml(file.replace(/^scenarios\//, ''))}</a>`];
    });
    const clauses = c.clauses.filter((id) => context.clauseIds.includes(id));
    return `<section class="concept" id="${c.id}">
<h2>${escapeHtml(c.term)}</h2>
${c.explanation.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<p><strong>Machine:</strong> ${machines.join(', ') || '—'} · <strong>Clauses:</strong> ${clauseLinks(from, clauses) || '—'} · <strong>Step through:</strong> ${scenarios.join(', ') || '—'}</p>
</section>`;
  });
  const body = `
<h1>Kafka, one machine at a time</h1>
<p>kspec is an executable specification of Apache Kafka: every moving part is an explicit state machine, a deterministic simulator runs them under faults, and the spec's clauses judge every step. This page walks through a cluster in Kafka's terms; each part links to the machine that implements it, the clauses that judge it and a scenario to step through.</p>
<p>Start with <a href="#kraft">the KRaft controller</a> and <a href="#brokers">brokers</a>, then follow a record: <a href="#producers-acks">produced</a> to a <a href="#leader-follower">leader</a>, <a href="#replication">replicated</a> to the <a href="#isr">ISR</a>, read by a <a href="#consumer-groups">consumer group</a> that <a href="#offsets">commits offsets</a>.</p>
${sections.join('\n')}
<h2>Everything else</h2>
<ul>
<li><a href="${href(from, 'machines/index.html')}">Machines</a>: ${context.machines.length} state machines with their diagrams and rules.</li>
<li><a href="${href(from, 'spec/index.html')}">Spec clauses</a>: ${context.clauseIds.length} clauses and where they are checked.</li>
<li><a href="${href(from, 'scenarios/index.html')}">Scenarios</a>: ${context.scenarios.length} narrated walkthroughs.</li>
<li><a href="${href(from, 'api/index.html')}">API reference</a>: the machines' inputs, events, effects and views, and the node layer.</li>
</ul>`;
  return page(from, 'Learn Kafka', body);
}

function sourcePageHtml(file: string, text: string): string {
  const path = sourcePage(file);
  const lines = text.replace(/\n$/, '').split('\n');
  const body = `<h1><code>${escapeHtml(file)}</code></h1>\n<ol class="source">\n${lines.map((line, i) => `<li id="L${i + 1}">${escapeHtml(line)}</li>`).join('\n')}\n</ol>`;
  return page(path, file, body);
}

function apiPlaceholder(): string {
  return page('api/index.html', 'API reference', '<h1>API reference</h1>\n<p>The API reference is built by typedoc with the rest of the site: run <code>npm run docs</code> (about half a minute). This build left it out.</p>');
}

/** For each clause id, the test and scenario files that name it (as spec/INDEX.md lists them). */
function exercisingFiles(root: string, ids: readonly string[]): Map<string, string[]> {
  const files = [...filesUnder(root, 'test', '.ts'), ...filesUnder(root, 'scenarios', '.txt')].sort();
  const contents = files.map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
  return new Map(ids.map((id) => [id, contents.filter(({ text }) => new RegExp(`\\b${id}\\b`).test(text)).map(({ file }) => file)]));
}

/**
 * Where each clause is checked: in spec/ (and the shells that judge liveness), the lines that
 * hand the clause's constant to a check (`clause: Name`, `Name.id`), and its definition.
 */
function checkLocations(root: string, clauses: readonly Clause[]): Map<string, { file: string; line: number; role: string }[]> {
  const files = [...filesUnder(root, 'spec', '.ts'), ...filesUnder(root, 'src', '.ts')];
  const found = new Map<string, { file: string; line: number; role: string }[]>(clauses.map((c) => [c.id, []]));
  const names = new Map<string, string>();
  const contents = files.map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n') }));
  for (const { file, lines } of contents) {
    lines.forEach((line, i) => {
      const id = /^\s*id: '([A-Z0-9-]+)'/.exec(line)?.[1];
      const declared = /^export const (\w+): Clause = \{/.exec(lines[i - 1] ?? '')?.[1];
      if (id !== undefined && declared !== undefined && found.has(id)) {
        names.set(declared, id);
        found.get(id)!.push({ file, line: i, role: 'the clause' });
      }
    });
  }
  for (const { file, lines } of contents) {
    lines.forEach((line, i) => {
      for (const match of line.matchAll(/\bclause: (\w+)\b|\b(\w+)\.id\b/g)) {
        const id = names.get(match[1] ?? match[2] ?? '');
        if (id !== undefined && !found.get(id)!.some((l) => l.file === file && l.line === i + 1)) found.get(id)!.push({ file, line: i + 1, role: 'its check' });
      }
    });
  }
  return found;
}

/**
 * The documentation site, built fresh into a temporary directory (without the typedoc API
 * reference, which `npm run docs` adds): every machine, clause and scenario has its page, every
 * link inside the site resolves (anchors included), diagrams draw substates inside their parent
 * with no orphan node, and each transition's source link lands on the line that writes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { DomUtils, parseDocument } from 'htmlparser2';
import { allClauses } from '../spec/index.js';
import { buildSite, type SiteResult } from '../scripts/docs-site.js';
import { discoverMachines, machineModel, type DiscoveredMachine, type MachineModel } from '../scripts/docs-machines.js';
import { clauseRules, matches } from '../scripts/docs-clause-map.js';
import { concepts } from '../scripts/docs-learn.js';
import { serveSite } from '../src/cli/commands/docs.js';
import { sequenceRows } from '../scripts/docs-sequence.js';
import { parseScript } from '../src/scenario/script.js';

const CHROMIUM = '/usr/bin/chromium';

const { findAll, getAttributeValue, textContent } = DomUtils;
type Element = ReturnType<typeof findAll>[number];

const ROOT = process.cwd();
let out: string;
let site: SiteResult;
let machines: DiscoveredMachine[];
const models = new Map<string, MachineModel>();
const modelOf = (m: DiscoveredMachine): MachineModel => {
  if (!models.has(m.id)) models.set(m.id, machineModel(m.machine, readFileSync(m.file, 'utf8'), m.file));
  return models.get(m.id)!;
};

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'kspec-site-'));
  site = await buildSite({ root: ROOT, outDir: out });
  machines = await discoverMachines(ROOT);
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const read = (path: string): string => readFileSync(join(out, path), 'utf8');
const elements = (html: string): Element[] => findAll(() => true, parseDocument(html, { xmlMode: false }).children);

describe('the documentation site', () => {
  it('has a page per machine, per clause and per scenario, and the learner\'s index', () => {
    expect(machines.length).toBeGreaterThanOrEqual(7);
    for (const m of machines) expect(site.files, m.id).toContain(`machines/${m.name}.html`);
    for (const m of machines) expect(site.files, m.id).toContain(`machines/${m.name}.svg`);
    for (const clause of allClauses) expect(site.files, clause.id).toContain(`spec/${clause.id}.html`);
    expect(site.files.filter((f) => /^scenarios\/.+\/.+\.html$/.test(f))).toHaveLength(site.scenarios);
    expect(site.scenarios).toBeGreaterThan(20);
    for (const path of ['index.html', 'machines/index.html', 'spec/index.html', 'scenarios/index.html', 'api/index.html', 'style.css']) expect(site.files).toContain(path);
  });

  it('every link and image inside the site resolves, anchors included', () => {
    const ids = new Map<string, Set<string>>();
    const idsOf = (path: string): Set<string> => {
      if (!ids.has(path)) ids.set(path, new Set(elements(read(path)).map((e) => getAttributeValue(e, 'id')).filter((id): id is string => id !== undefined)));
      return ids.get(path)!;
    };
    const broken: string[] = [];
    let checked = 0;
    for (const page of site.files.filter((f) => f.endsWith('.html'))) {
      for (const element of elements(read(page))) {
        const target = getAttributeValue(element, 'href') ?? getAttributeValue(element, 'src') ?? getAttributeValue(element, 'xlink:href');
        if (target === undefined || /^[a-z]+:/.test(target)) continue;
        const [path, hash] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? page : posix.normalize(posix.join(posix.dirname(page), path));
        checked++;
        if (!existsSync(join(out, resolved))) broken.push(`${page}: ${target} (no ${resolved})`);
        else if (hash !== undefined && resolved.endsWith('.html') && !idsOf(resolved).has(decodeURIComponent(hash))) broken.push(`${page}: ${target} (no #${hash})`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(2000);
  });

  it('a machine\'s diagram draws every state once, substates inside their parent, and no node without an edge', () => {
    for (const m of machines) {
      const svg = read(`machines/${m.name}.svg`);
      const model = modelOf(m);
      const groups = elements(svg).filter((e) => e.name === 'g');
      const titled = (cls: string) => groups.filter((g) => getAttributeValue(g, 'class') === cls).map((g) => ({ g, title: textContent(findAll((e) => e.name === 'title', [g])[0]!) }));
      const nodes = titled('node');
      const clusters = titled('cluster');
      const edges = titled('edge').map((e) => e.title);
      const box = (g: Element): [number, number, number, number] => {
        const shape = findAll((e) => e.name === 'polygon' || e.name === 'path' || e.name === 'ellipse', [g])[0]!;
        const numbers = (getAttributeValue(shape, 'points') ?? getAttributeValue(shape, 'd') ?? '').match(/-?\d+(\.\d+)?/g)!.map(Number);
        if (shape.name === 'ellipse') {
          const [cx, cy, rx, ry] = ['cx', 'cy', 'rx', 'ry'].map((a) => Number(getAttributeValue(shape, a)));
          return [cx! - rx!, cy! - ry!, cx! + rx!, cy! + ry!];
        }
        const xs = numbers.filter((_, i) => i % 2 === 0);
        const ys = numbers.filter((_, i) => i % 2 === 1);
        return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      };
      for (const state of model.states) {
        const id = state.path.join('_');
        const compound = state.children.length > 0;
        const found = compound ? clusters.filter((c) => c.title === `cluster_${id}`) : nodes.filter((n) => n.title === id);
        expect(found, `${m.id}: ${state.path.join('.')} drawn once`).toHaveLength(1);
        if (state.path.length > 1) {
          const parent = clusters.find((c) => c.title === `cluster_${state.path.slice(0, -1).join('_')}`)!;
          const [x1, y1, x2, y2] = box(found[0]!.g);
          const [px1, py1, px2, py2] = box(parent.g);
          expect(x1 >= px1 && y1 >= py1 && x2 <= px2 && y2 <= py2, `${m.id}: ${state.path.join('.')} inside its parent`).toBe(true);
        }
      }
      for (const node of nodes) {
        if (node.title.endsWith('__initial') && getAttributeValue(findAll((e) => e.name === 'ellipse' || e.name === 'polygon', [node.g])[0]!, 'fill') === 'none') continue;
        expect(edges.some((e) => e.split('->').includes(node.title)), `${m.id}: node ${node.title} has an edge`).toBe(true);
      }
    }
  });

  it('each guarded transition, guard and timer links to the source line that names it', () => {
    let checked = 0;
    for (const m of machines) {
      const lines = readFileSync(m.file, 'utf8').split('\n');
      for (const t of modelOf(m).transitions) {
        if (t.guard === '') continue;
        const firstGuard = t.guard.replace(/^not /, '').split(' ')[0]!;
        expect(lines[t.line - 1], `${m.id} ${t.source.join('.')} ${t.event} [${t.guard}] at line ${t.line}`).toContain(firstGuard);
        checked++;
      }
      for (const guard of modelOf(m).guards) expect(lines[guard.line - 1], `${m.id} guard ${guard.name}`).toContain(guard.name);
      for (const timer of modelOf(m).timers) {
        expect(timer.line, `${m.id} timer ${timer.delay} found in setup's delays`).toBeDefined();
        expect(lines[timer.line! - 1], `${m.id} timer ${timer.delay}`).toContain(timer.delay);
      }
      const page = read(`machines/${m.name}.html`);
      expect(page).toContain(`source/${m.file}.html#L`);
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('every matcher of the clause map still matches a transition (a renamed guard or event fails here)', () => {
    const stale: string[] = [];
    for (const [id, matchers] of Object.entries(clauseRules)) {
      expect(allClauses.map((c) => c.id), id).toContain(id);
      for (const matcher of matchers) {
        const hit = machines.some((m) => modelOf(m).transitions.some((t) => matches(matcher, m.id, t)));
        if (!hit) stale.push(`${id}: ${JSON.stringify({ ...matcher, event: String(matcher.event), guard: String(matcher.guard), action: String(matcher.action) })}`);
      }
    }
    expect(stale).toEqual([]);
  });

  it('a clause page lists its checks, tests and scenarios; a machine page links the clauses its rules serve', () => {
    // The replication high-watermark invariant, found by its family rather than named (the spec
    // index lists the files naming a clause as its tests, and this one does not exercise it).
    const hwClause = allClauses.find((c) => c.id.startsWith('REPL-HW-') && c.kind === 'invariant')!;
    const hw = read(`spec/${hwClause.id}.html`);
    expect(hw).toContain('spec/replication/clauses.ts');
    expect(hw).toMatch(/href="\.\.\/scenarios\/replication\/[a-z-]+\.html"/);
    expect(hw).toContain('test/spec/replication-clauses.test.ts');
    expect(hw).toMatch(/href="\.\.\/machines\/replica\.html#t-\d+"/);
    const quorum = read('machines/quorum.html');
    const row = elements(quorum).find((e) => e.name === 'tr' && /canGrantVote/.test(textContent(e)))!;
    expect(textContent(row)).toMatch(/QUORUM-VOTE-\d/);
  });

  it('the learner\'s index explains each part of the cluster and links its machine, clauses and a scenario', () => {
    const index = elements(read('index.html'));
    for (const concept of concepts) {
      const section = index.find((e) => e.name === 'section' && getAttributeValue(e, 'id') === concept.id);
      expect(section, concept.id).toBeDefined();
      const links = findAll((e) => e.name === 'a', [section!]).map((a) => getAttributeValue(a, 'href') ?? '');
      expect(links.some((l) => l.startsWith('machines/')), `${concept.id} links a machine`).toBe(true);
      expect(links.some((l) => l.startsWith('spec/')), `${concept.id} links a clause`).toBe(true);
      expect(links.some((l) => l.startsWith('scenarios/')), `${concept.id} links a scenario`).toBe(true);
    }
    for (const term of ['Brokers', 'ISR', 'acks', 'Idempotence', 'Consumer groups', 'Offsets', 'Retention', 'KRaft']) expect(read('index.html')).toContain(term);
  });

  it('a sequence diagram draws a client\'s writes to the partition\'s leader of the moment, and reads from it', () => {
    const script = [
      'create-topic', '----', 't=1 user_activity-0: replicas [3,1,2], leader 3, ISR [3,1,2]', '',
      'produce key=user-1', '----', 'write v1 key=user-1 user_activity-0 acks=all: ok offset=0', '',
      'run ms=100', '----', 't=2 user_activity-0: leader 3 -> 1 (leader epoch 0 -> 1), ISR [1,2]', '',
      'produce key=user-1', '----', 'write v2 key=user-1 user_activity-0 acks=all: ok offset=1', '',
      'consume', '----', 'consumed user_activity-0 offset=0 v1', '',
    ].join('\n');
    const arrows = sequenceRows(parseScript(script)).flatMap((row) => (row.kind === 'arrow' ? [`${row.from}->${row.to} ${row.text.split(' ').slice(0, 2).join(' ')}`] : []));
    expect(arrows).toEqual(['script->n3 write v1', 'script->n1 write v2', 'n1->script consumed user_activity-0']);
  });

  it('a scenario\'s sequence diagram draws the messages of its transcript', () => {
    const svg = read('scenarios/quorum/election.svg');
    const arrows = elements(svg).filter((e) => e.name === 'line' && getAttributeValue(e, 'marker-end') !== undefined);
    const labels = arrows.map((a) => textContent(a));
    expect(labels.filter((l) => /VoteRequest/.test(l))).toHaveLength(2);
    expect(labels.some((l) => /n1->n2|BeginQuorumEpochResponse/.test(l))).toBe(true);
  });
});

describe.skipIf(!existsSync(CHROMIUM))(`the site in Chromium (${CHROMIUM}; skipped when it is not installed: .ci/run installs it)`, () => {
  it('serves on 127.0.0.1 and every kind of page opens without a console error, a failed request or a script error', async () => {
    const { chromium } = await import('playwright-core');
    const server = await serveSite(out, 0);
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`${page.url()}: console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
      page.on('requestfailed', (request) => {
        // ERR_ABORTED is the browser cancelling a request when the test navigates on (the icon, say), not a failure.
        const reason = request.failure()?.errorText ?? 'failed';
        if (reason !== 'net::ERR_ABORTED') problems.push(`${request.url()}: ${reason}`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.url()}: HTTP ${response.status()}`);
      });
      const scenario = site.files.find((f) => /^scenarios\/.+\/.+\.html$/.test(f))!;
      const pages = ['index.html', 'machines/index.html', ...machines.map((m) => `machines/${m.name}.html`), 'spec/index.html', `spec/${allClauses[0]!.id}.html`, 'scenarios/index.html', scenario, 'api/index.html'];
      for (const path of pages) {
        const response = await page.goto(base + path, { waitUntil: 'load' });
        expect(response?.status(), path).toBe(200);
        expect(await page.title(), path).toMatch(/· kspec$/);
      }
      // A machine's diagram is drawn (not an empty box), and a state in it links to its row.
      await page.goto(`${base}machines/quorum.html`, { waitUntil: 'load' });
      const diagram = await page.locator('.diagram svg').boundingBox();
      expect(diagram!.width).toBeGreaterThan(300);
      await page.locator('.diagram svg g.node a').first().click();
      expect(new URL(page.url()).hash).toMatch(/^#state-/);
      // The sequence diagram image loads with a size.
      await page.goto(base + scenario, { waitUntil: 'load' });
      expect(await page.locator('.diagram img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(200);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((done) => server.close(done));
    }
  }, 120_000);
});

describe('the machines the site documents are found, not listed', () => {
  it('a machine added under src/machines (a factory or an exported value) is found, its rules placed on their lines', async () => {
    const root = join(ROOT, 'test', 'fixtures', 'docs-root');
    const found = await discoverMachines(root);
    expect(found.map((m) => `${m.id} ${m.name} ${m.factory}`)).toEqual(['signal signal createSignalMachine()', 'blinker signal blinkerMachine']);
    const file = found[0]!.file;
    const source = readFileSync(join(root, file), 'utf8').split('\n');
    const model = machineModel(found[0]!.machine, source.join('\n'), file);
    const lineOf = (text: string): number => source.findIndex((l) => l.includes(text)) + 1;
    const at = (state: string, event: string, index = 0) => model.transitions.find((t) => t.source.join('.') === state && t.eventKey === event && t.index === index)!.line;
    // The handler list kept in a const is followed to its declaration, element by element.
    expect(at('', 'Power', 0)).toBe(lineOf("{ guard: 'hasPower'"));
    expect(at('', 'Power', 1)).toBe(lineOf("{ target: '.Off' }"));
    expect(at('On.Green', 'after:greenTime')).toBe(lineOf('after: { greenTime'));
    expect(at('On.Yellow', 'after:yellowTime')).toBe(lineOf('after: { yellowTime'));
    expect(model.states.find((s) => s.path.join('.') === 'On.Red')!.line).toBe(lineOf('Red: {}'));
    expect(model.timers.map((t) => `${t.delay}@${t.line}`)).toEqual([`greenTime@${lineOf('greenTime: 3000')}`, `yellowTime@${lineOf('yellowTime: ({')}`]);
    expect(model.guards.map((g) => `${g.name}@${g.line}`)).toEqual([`hasPower@${lineOf('hasPower: ({')}`]);
  });
});

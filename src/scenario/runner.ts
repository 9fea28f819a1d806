/**
 * Runs a scenario script against a scripted simulation (no random workload, no automatic
 * healing, a reliable network unless the script says otherwise) and produces each command's
 * output. The output is stable for a given script: the simulation is seeded.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { Simulation } from '../sim/simulator.js';
import { optionsFromSeed } from '../sim/options.js';
import type { Fault } from '../sim/faults.js';
import { electedLeader, quorumClauses } from '../../spec/quorum/clauses.js';
import { findVariant } from '../variants.js';
import { argsFor, ScriptError, type ScriptBlock } from './script.js';

const NodeName = new t.Type<number, string, unknown>(
  'node (n1, n2, ...)',
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'string' && /^n?\d+$/.test(u) ? t.success(Number(u.replace(/^n/, ''))) : t.failure(u, c)),
  (n) => `n${n}`,
);
const Count = new t.Type<number, string, unknown>(
  'non-negative integer',
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'string' && /^\d+$/.test(u) ? t.success(Number(u)) : t.failure(u, c)),
  String,
);
const Flag = t.union([t.literal('verbose'), t.literal('quiet')]);
/** Exactly `count` positional words, each decoded by `item`. */
function positional<A>(count: number, item: t.Type<A, string, unknown>): t.Type<A[], string[], unknown> {
  return new t.Type<A[], string[], unknown>(
    count === 0 ? 'no positional words' : `${count} positional word(s): ${item.name}`,
    (u): u is A[] => Array.isArray(u),
    (u, c) => {
      if (!Array.isArray(u) || u.length !== count) return t.failure(u, c);
      const out: A[] = [];
      for (const word of u) {
        const decoded = item.validate(word, c);
        if (isLeft(decoded)) return decoded;
        out.push(decoded.right);
      }
      return t.success(out);
    },
    (a) => a.map((x) => item.encode(x)),
  );
}
const None = positional(0, NodeName);
const OneNode = positional(1, NodeName);
const Bare = <C extends t.Mixed>(items: C) => t.type({ _: items });

const commands = {
  cluster: t.intersection([t.type({ _: None }), t.partial({ voters: Count, observers: Count, seed: Count, variant: t.string, delay: Count })]),
  run: t.intersection([t.type({ ms: Count }), t.partial({ _: t.array(Flag) })]),
  'run-until-leader': t.intersection([t.partial({ max: Count }), t.partial({ _: t.array(Flag) })]),
  propose: t.intersection([Bare(OneNode), t.partial({ count: Count })]),
  crash: Bare(OneNode),
  restart: Bare(OneNode),
  pause: Bare(OneNode),
  resume: Bare(OneNode),
  isolate: Bare(OneNode),
  split: Bare(t.array(NodeName)),
  'one-way': t.type({ _: None, from: NodeName, to: NodeName }),
  heal: Bare(None),
  skew: t.type({ _: OneNode, factor: t.string }),
  drop: t.intersection([t.type({ _: None, type: t.string }), t.partial({ from: NodeName, to: NodeName })]),
  'clear-drops': Bare(None),
  status: Bare(None),
  log: Bare(OneNode),
  pending: Bare(None),
  check: Bare(None),
} as const;
type Commands = typeof commands;
type Args<K extends keyof Commands> = t.TypeOf<Commands[K]>;

export class ScenarioRunner {
  private sim: Simulation | null = null;
  private printedSteps = 0;

  execute(block: ScriptBlock): string[] {
    const name = block.command as keyof Commands;
    const codec = commands[name];
    if (codec === undefined) throw new ScriptError(`line ${block.line}: unknown command '${block.command}'; known: ${Object.keys(commands).join(', ')}`);
    const decoded = (codec as t.Mixed).decode(argsFor(block, codec as t.Mixed));
    if (isLeft(decoded)) {
      const first = decoded.left[0];
      const field = first?.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k)).pop() ?? 'arguments';
      const value = first?.value === undefined ? 'nothing' : JSON.stringify(first.value);
      throw new ScriptError(`line ${block.line}: command '${block.command}': field '${field === '_' ? 'positional' : field}' is invalid (got ${value}; expected ${first?.context[first.context.length - 1]?.type.name ?? '?'})`);
    }
    if (name !== 'cluster' && this.sim === null) throw new ScriptError(`line ${block.line}: '${block.command}' before 'cluster': start the script with a cluster command`);
    try {
      return this.dispatch(name, decoded.right);
    } catch (error) {
      if (error instanceof ScriptError) throw error;
      throw new ScriptError(`line ${block.line}: '${block.command}': ${(error as Error).message}`);
    }
  }

  private dispatch(name: keyof Commands, args: unknown): string[] {
    switch (name) {
      case 'cluster':
        return this.cluster(args as Args<'cluster'>);
      case 'run':
        return this.run((args as Args<'run'>).ms, (args as Args<'run'>)._ ?? []);
      case 'run-until-leader':
        return this.runUntilLeader((args as Args<'run-until-leader'>).max ?? 30_000, (args as Args<'run-until-leader'>)._ ?? []);
      case 'propose': {
        const a = args as Args<'propose'>;
        for (let i = 0; i < (a.count ?? 1); i++) this.simulation.propose(a._[0] as number);
        return this.newSteps(['verbose']);
      }
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
      case 'isolate':
        return this.fault({ kind: name, node: (args as Args<'crash'>)._[0] as number });
      case 'split':
        return this.fault({ kind: 'split', side: (args as Args<'split'>)._ });
      case 'one-way':
        return this.fault({ kind: 'one-way', from: (args as Args<'one-way'>).from, to: (args as Args<'one-way'>).to });
      case 'heal':
        return this.fault({ kind: 'heal' });
      case 'skew': {
        const a = args as Args<'skew'>;
        const factor = Number(a.factor);
        if (!(factor > 0)) throw new ScriptError(`skew: field 'factor' must be a positive number, got '${a.factor}'`);
        return this.fault({ kind: 'clock-skew', node: a._[0] as number, factor });
      }
      case 'drop': {
        const a = args as Args<'drop'>;
        this.simulation.filterMessages({ kind: 'call', call: 'drop', messageType: a.type, ...(a.from === undefined ? {} : { from: a.from }), ...(a.to === undefined ? {} : { to: a.to }) });
        this.newSteps([]);
        return [`dropping ${a.type}${a.from === undefined ? '' : ` from n${a.from}`}${a.to === undefined ? '' : ` to n${a.to}`}`];
      }
      case 'clear-drops':
        this.simulation.filterMessages({ kind: 'call', call: 'clear-drops' });
        this.newSteps([]);
        return ['no message filters'];
      case 'status':
        return this.status();
      case 'log': {
        const node = this.simulation.view().nodes.find((n) => n.nodeId === (args as Args<'log'>)._[0]);
        if (node === undefined) throw new ScriptError(`no node n${(args as Args<'log'>)._[0]}`);
        return node.log.length === 0 ? ['(empty)'] : node.log.map((r) => `${r.offset} e${r.epoch} ${r.value}${r.offset < node.highWatermark ? '' : ' (uncommitted)'}`);
      }
      case 'pending':
        return this.simulation.pending().map((p) => `t=${p.time} ${p.description}`);
      case 'check':
        return this.check();
    }
  }

  /** The script's simulation (the stepper opens a scenario through it). */
  get simulation(): Simulation {
    if (this.sim === null) throw new ScriptError('no cluster yet');
    return this.sim;
  }

  private cluster(args: Args<'cluster'>): string[] {
    const variant = findVariant(args.variant ?? 'kraft').name;
    const base = optionsFromSeed(args.seed ?? 1, { variant, voters: args.voters ?? 3, observers: args.observers ?? 0 });
    const delay = args.delay ?? 5;
    const options = {
      ...base,
      network: { delayMinMs: delay, delayMeanMs: 0, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
      faults: { ...base.faults, meanIntervalMs: 0 },
    };
    this.sim = new Simulation({ options, faults: [], scripted: true, recordTrace: true });
    this.printedSteps = 0;
    const observers = options.observers === 0 ? '' : ` and ${options.observers} observer(s)`;
    return [`${options.voters} voters${observers}, seed ${options.seed}, variant ${variant}, network delay ${delay}ms`];
  }

  private run(ms: number, flags: readonly string[]): string[] {
    this.simulation.runUntil(this.simulation.now + ms);
    return [...this.newSteps(flags), `t=${this.simulation.now}`];
  }

  private runUntilLeader(maxMs: number, flags: readonly string[]): string[] {
    const sim = this.simulation;
    sim.runUntil(sim.now + maxMs, () => typeof electedLeader(sim.view()) !== 'string');
    const elected = electedLeader(sim.view());
    return [...this.newSteps(flags), typeof elected === 'string' ? `t=${sim.now} no leader: ${elected}` : `t=${sim.now} leader n${elected.leaderId} epoch ${elected.epoch}`];
  }

  private fault(fault: Fault): string[] {
    this.simulation.injectFault(fault);
    return this.newSteps(['verbose']);
  }

  /** The steps since the last command: role changes (and every effect when verbose), and violations. */
  private newSteps(flags: readonly string[]): string[] {
    const trace = this.simulation.trace ?? [];
    const steps = trace.slice(1 + this.printedSteps);
    this.printedSteps += steps.length;
    const verbose = flags.includes('verbose');
    const out: string[] = [];
    for (const line of steps) {
      if (line.kind !== 'step') continue;
      if (verbose) for (const effect of line.effects) out.push(`t=${line.time} ${effect}`);
      else for (const effect of line.effects) if (/ (reply|truncate) /.test(effect)) out.push(`t=${line.time} ${effect}`);
      for (const [node, change] of Object.entries(line.changes)) {
        if (!('role' in change || 'epoch' in change || 'leaderId' in change || 'up' in change)) continue;
        const view = this.roleAt(Number(node), change);
        out.push(`t=${line.time} n${node} ${view}`);
      }
      for (const violation of line.violations ?? []) out.push(`t=${line.time} VIOLATION ${violation}`);
    }
    return out;
  }

  private roleAt(node: number, change: Record<string, unknown>): string {
    return Object.entries(change)
      .filter(([key]) => ['up', 'role', 'epoch', 'leaderId', 'votedFor'].includes(key))
      .map(([key, value]) => (key === 'role' ? String(value) : `${key}=${value === null ? 'none' : value}`))
      .join(' ');
  }

  private status(): string[] {
    const view = this.simulation.view();
    const rows = view.nodes.map((n) => [
      view.voters.includes(n.nodeId) ? `n${n.nodeId}` : `n${n.nodeId}(observer)`, n.up ? n.role : 'down', String(n.epoch), n.leaderId === null ? '-' : `n${n.leaderId}`,
      n.votedFor === null ? '-' : `n${n.votedFor}`, String(n.highWatermark), String(n.log.length),
    ]);
    const header = ['node', 'role', 'epoch', 'leader', 'voted', 'hw', 'leo'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] as number)).join(' ').trimEnd());
  }

  private check(): string[] {
    const failed = new Map(this.simulation.violations.map((v) => [v.clauseId, v]));
    return quorumClauses
      .filter((c) => c.kind === 'invariant')
      .map((c) => `${failed.has(c.id) ? 'FAIL' : 'PASS'} ${c.id}${failed.has(c.id) ? `: ${failed.get(c.id)?.message}` : ''}`);
  }
}

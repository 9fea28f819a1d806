/**
 * The deterministic simulator. One seeded PRNG split into streams, a virtual clock, one event
 * queue ordered by (time, sequence); `step()` takes exactly one item (deliver a message, fire a
 * timer, run a client call, inject a fault) and records it. Machines are driven only through
 * XState's pure `transition()`: the simulator interprets the returned actions itself — emitted
 * `send` effects go to the network, delayed raises become timers on its clock, cancels remove them.
 *
 * A run has two phases (TigerBeetle's VOPR): a safety phase with faults and a workload, then
 * everything heals and the quorum must converge within a bound (QUORUM-LIVE-1).
 */
import { drive, type Drivable } from './drive.js';
import { Random, streamSeed } from '../core/prng.js';
import { EventQueue, type Scheduled } from './event-queue.js';
import { Network } from './network.js';
import { faultScheduleFromSeed, renderFault, type Fault, type TimedFault } from './faults.js';
import type { SimOptions } from './options.js';
import type { StepInput, TraceHeader, TraceStep } from './trace.js';
import { TRACE_VERSION } from './trace.js';
import { MemoryLogStore } from '../log/log-store.js';
import type { ControllerProgram, ControllerSnapshot, MachineAction, ControllerEffect } from '../cluster/controller.js';
import { controllerProgram } from '../cluster/controller.js';
import { renderMessage } from '../protocol/quorum/render.js';
import type { QuorumMessage } from '../protocol/quorum/messages.js';
import type { Violation, InvariantCheck } from '../../spec/clause.js';
import type { ProposeOperation, QuorumClusterView, QuorumNodeView } from '../../spec/quorum/view.js';
import { checkAcknowledgedProposals, converged, electedLeader, ElectionLiveness, ObserversFindLeader, observersNotFollowing, quorumInvariantChecks } from '../../spec/quorum/clauses.js';

/** An item of the event queue: what a step takes (traces record it as the step's `event`). */
export type QueueItem =
  | { kind: 'deliver'; from: number; to: number; message: QuorumMessage }
  | { kind: 'timer'; node: number; incarnation: number; id: string; event: Record<string, unknown> }
  | { kind: 'client'; node: number | null }
  | { kind: 'fault'; fault: Fault };

/**
 * A scenario's change of the network's message filters (`drop`, `clear-drops`): no queue item, a
 * step of its own so that the trace replays with the filters in force when they were.
 */
export type FilterCall =
  | { kind: 'call'; call: 'drop'; messageType: string; from?: number; to?: number }
  | { kind: 'call'; call: 'clear-drops' };

interface NodeRuntime {
  readonly id: number;
  up: boolean;
  paused: boolean;
  skew: number;
  incarnation: number;
  snapshot: ControllerSnapshot | null;
  durable: unknown;
  readonly store: MemoryLogStore;
  readonly timers: Map<string, Scheduled<QueueItem>>;
  /** Items that arrived while paused, delivered in order on resume. */
  readonly backlog: QueueItem[];
  /** Log end offset when the node's view was last taken (the store's array is shared). */
  lastLogEndOffset: number;
}

export interface RunResult {
  readonly options: SimOptions;
  readonly violations: Violation[];
  readonly steps: number;
  readonly transitions: number;
  readonly virtualTimeMs: number;
  readonly history: ProposeOperation[];
  /** Virtual time at which the quorum converged after healing, or null. */
  readonly convergedAtMs: number | null;
  readonly trace: (TraceHeader | TraceStep)[] | null;
}

export interface SimulationSetup {
  readonly options: SimOptions;
  /** Explicit fault schedule (exploration, scenarios); by default derived from the seed. */
  readonly faults?: TimedFault[];
  readonly recordTrace?: boolean;
  /** Scenarios drive the clock themselves and want no client workload or automatic healing. */
  readonly scripted?: boolean;
  readonly program?: ControllerProgram;
}

const FETCH_RECORDS_MAX = 16;
/** Time the run keeps going after convergence, so the last proposals can commit. */
const SETTLE_MS = 3_000;
const PROPOSALS_MAX = 2_000;

export class Simulation implements Drivable {
  readonly options: SimOptions;
  readonly voters: number[];
  /** Voters first, then observers. */
  readonly nodeIds: number[];
  readonly network: Network;
  readonly faults: TimedFault[];
  readonly history: ProposeOperation[] = [];
  readonly violations: Violation[] = [];
  readonly trace: (TraceHeader | TraceStep)[] | null;
  private readonly program: ControllerProgram;
  private readonly nodes = new Map<number, NodeRuntime>();
  private readonly queue = new EventQueue<QueueItem>();
  private readonly workload: Random;
  private readonly checks: InvariantCheck<QuorumClusterView>[];
  private readonly nodeViews: QuorumNodeView[];
  private readonly scripted: boolean;
  private nowMs = 0;
  private stepCount = 0;
  private transitionCount = 0;
  private proposals = 0;
  private leaderHint: number | null = null;
  private convergedAt: number | null = null;
  private healedAt: number | null = null;
  /** Effects and changes of the step in progress. */
  private stepEffects: string[] = [];
  private stepChanged = new Set<number>();
  /** What the step in progress took (the queue item, or a scripted call), and whether it was chosen over the queue's next. */
  private stepEvent: unknown = null;
  private stepChosen = false;
  /** The step's event is no queue item: a scenario applied it (a fault, a proposal, a filter). */
  private stepInjected = false;

  constructor(setup: SimulationSetup) {
    this.options = setup.options;
    this.program = setup.program ?? controllerProgram(setup.options.variant);
    this.scripted = setup.scripted ?? false;
    this.voters = Array.from({ length: this.options.voters }, (_, i) => i + 1);
    this.nodeIds = Array.from({ length: this.options.voters + this.options.observers }, (_, i) => i + 1);
    this.network = new Network(this.options.network, Random.stream(this.options.seed, 'network'));
    this.workload = Random.stream(this.options.seed, 'workload');
    this.faults = setup.faults ?? faultScheduleFromSeed(this.options);
    this.checks = quorumInvariantChecks();
    this.trace = setup.recordTrace ? [] : null;
    for (const id of this.nodeIds) {
      this.nodes.set(id, {
        id, up: true, paused: false, skew: 1, incarnation: 0, snapshot: null, durable: undefined,
        store: new MemoryLogStore(), timers: new Map(), backlog: [], lastLogEndOffset: 0,
      });
    }
    this.trace?.push({ kind: 'header', version: TRACE_VERSION, options: this.options, faults: this.faults, scripted: this.scripted });
    this.nodeViews = this.nodeIds.map((id) => this.viewOf(this.node(id)));
    for (const timed of this.faults) this.queue.push(timed.atMs, { kind: 'fault', fault: timed.fault });
    if (!this.scripted) {
      this.queue.push(this.options.safetyPhaseMs, { kind: 'fault', fault: { kind: 'heal-all' } });
      this.queue.push(this.nextProposalDelay(), { kind: 'client', node: null });
    }
    // Start every node (step 0 is not a queue item: it is the cluster's boot).
    this.beginStep();
    for (const id of this.nodeIds) this.boot(this.node(id));
    this.endStep(null);
  }

  get now(): number {
    return this.nowMs;
  }

  get steps(): number {
    return this.stepCount;
  }

  view(): QuorumClusterView {
    return { voters: this.voters, nodes: this.nodeViews };
  }

  /** The pending items, in the order they will happen (for scenario output and the stepper). */
  pending(): { time: number; description: string }[] {
    return this.queue.pending().map((e) => ({ time: e.time, description: describeItem(e.item) }));
  }

  nextTime(): number | undefined {
    return this.queue.peek()?.time;
  }

  /** The pending entries themselves, in queue order (replay and the stepper take one with {@link take}). */
  pendingEntries(): readonly Scheduled<QueueItem>[] {
    return this.queue.pending();
  }

  /** Describe a pending item in one line. */
  describePending(item: QueueItem): string {
    return describeItem(item);
  }

  /**
   * Take one pending entry as the next step, the queue's next or another (the stepper's fork; a
   * replay of a forked trace). The clock never goes back: an item taken late happens now.
   */
  take(entry: Scheduled<QueueItem>): void {
    this.stepChosen = this.queue.peek() !== entry;
    this.queue.cancel(entry);
    this.nowMs = Math.max(this.nowMs, entry.time);
    this.apply(entry.item);
  }

  /** Every node's quorum machine snapshot (null while down), for the stepper. */
  machineSnapshots(): { node: number; snapshot: unknown }[] {
    return this.nodeIds.map((id) => ({ node: id, snapshot: this.node(id).snapshot }));
  }

  halted(): boolean {
    return this.violations.length > 0;
  }

  /** Take one item off the queue. Returns false when nothing is left. */
  step(): boolean {
    const entry = this.queue.pop();
    if (entry === undefined) return false;
    this.nowMs = Math.max(this.nowMs, entry.time);
    this.apply(entry.item);
    return true;
  }

  /** Run to completion: the safety phase, healing, convergence (or the liveness bound). */
  run(): RunResult {
    const deadline = this.options.safetyPhaseMs + this.options.livenessBoundMs;
    drive(this, deadline, (time) => this.stepCount >= this.options.maxSteps || (this.convergedAt !== null && time > this.convergedAt + SETTLE_MS));
    this.finish();
    return this.result();
  }

  /** Run until virtual time `untilMs` (inclusive), for scenarios. */
  runUntil(untilMs: number, stopWhen?: () => boolean): void {
    if (drive(this, untilMs, () => false, stopWhen)) return;
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  /** Inject a fault now, as its own step (scenarios and the stepper). */
  injectFault(fault: Fault): void {
    this.stepInjected = true;
    this.apply({ kind: 'fault', fault });
  }

  /** A client call now, as its own step. */
  propose(node: number): void {
    this.stepInjected = true;
    this.apply({ kind: 'client', node });
  }

  /** Install or clear a message filter now, as its own step (scenarios: "drop every Fetch"). */
  filterMessages(call: FilterCall): void {
    this.stepCount++;
    this.beginStep();
    this.stepEvent = call;
    this.stepInjected = true;
    if (call.call === 'clear-drops') {
      this.network.filters.length = 0;
      this.stepEffects.push('no message filters');
    } else {
      this.network.filters.push({ messageType: call.messageType, ...(call.from === undefined ? {} : { from: call.from }), ...(call.to === undefined ? {} : { to: call.to }) });
      this.stepEffects.push(`dropping ${call.messageType}${call.from === undefined ? '' : ` from n${call.from}`}${call.to === undefined ? '' : ` to n${call.to}`}`);
    }
    this.endStep({ kind: 'network', filters: this.network.filters.length });
  }

  result(): RunResult {
    return {
      options: this.options,
      violations: this.violations,
      steps: this.stepCount,
      transitions: this.transitionCount,
      virtualTimeMs: this.nowMs,
      history: this.history,
      convergedAtMs: this.convergedAt,
      trace: this.trace,
    };
  }

  /** End-of-run checks: liveness and the history. */
  finish(): void {
    if (this.violations.length > 0) return;
    if (!this.scripted && this.convergedAt === null) {
      const elected = electedLeader(this.view());
      if (typeof elected === 'string') {
        this.violate(ElectionLiveness.id, ElectionLiveness.anomaly, `no convergence within ${this.options.livenessBoundMs}ms of healing: ${elected}`);
      } else {
        const lagging = observersNotFollowing(this.view(), elected);
        this.violate(ObserversFindLeader.id, ObserversFindLeader.anomaly, `within ${this.options.livenessBoundMs}ms of healing, observers ${lagging.map((n) => `n${n}`).join(', ')} do not follow leader n${elected.leaderId} of epoch ${elected.epoch}`);
      }
      return;
    }
    for (const op of this.history) if (op.type === 'invoke' && !this.answered.has(op.value)) this.history.push({ type: 'info', value: op.value, node: op.node, time: this.nowMs });
    const result = checkAcknowledgedProposals(this.history, this.view());
    if (result.verdict === 'invalid') this.violate(result.clauseId, 'lost-write', result.anomalies.join('; '));
  }

  private readonly answered = new Set<string>();

  // ---- applying one item ------------------------------------------------------------------

  private apply(item: QueueItem): void {
    this.stepCount++;
    this.beginStep();
    this.stepEvent = item;
    const input = this.applyItem(item);
    this.endStep(input);
  }

  private applyItem(item: QueueItem): StepInput {
    switch (item.kind) {
      case 'deliver': {
        const node = this.node(item.to);
        if (!node.up || this.network.isCut(item.from, item.to)) {
          return { kind: 'drop', from: item.from, to: item.to, reason: node.up ? 'partition' : 'crashed', message: item.message };
        }
        if (node.paused) {
          node.backlog.push(item);
          return { kind: 'drop', from: item.from, to: item.to, reason: 'paused (held)', message: item.message };
        }
        this.transition(node, { ...item.message, from: item.from });
        return { kind: 'deliver', from: item.from, to: item.to, message: item.message };
      }
      case 'timer': {
        const node = this.node(item.node);
        node.timers.delete(item.id);
        if (node.paused) {
          node.backlog.push(item);
          return { kind: 'timer', node: item.node, id: `${item.id} (held: paused)`, event: item.event };
        }
        this.transition(node, item.event);
        return { kind: 'timer', node: item.node, id: item.id, event: item.event };
      }
      case 'client':
        return this.clientCall(item.node);
      case 'fault':
        return this.applyFault(item.fault);
    }
  }

  private clientCall(requested: number | null): StepInput {
    if (!this.scripted && this.nowMs < this.options.safetyPhaseMs + this.options.livenessBoundMs && this.proposals < PROPOSALS_MAX) {
      this.queue.push(this.nowMs + this.nextProposalDelay(), { kind: 'client', node: null });
    }
    const up = this.voters.filter((id) => this.node(id).up && !this.node(id).paused);
    const target = requested ?? (this.leaderHint !== null && up.includes(this.leaderHint) ? this.leaderHint : up.length > 0 ? this.workload.pick(up) : null);
    const value = `v${++this.proposals}`;
    if (target === null || !this.node(target).up) return { kind: 'client', node: target ?? -1, value: `${value} (no node up)` };
    this.history.push({ type: 'invoke', value, node: target, time: this.nowMs });
    this.transition(this.node(target), { type: 'Propose', value, from: -1 });
    return { kind: 'client', node: target, value };
  }

  private applyFault(fault: Fault): StepInput {
    this.stepEffects.push(renderFault(fault));
    switch (fault.kind) {
      case 'crash':
      // The quorum model's schedules never lose a voter for good; a script that does gets a crash.
      case 'crash-for-good':
      case 'power-loss': {
        const node = this.node(fault.node);
        if (node.up) this.crash(node);
        return { kind: 'fault', fault };
      }
      case 'restart': {
        const node = this.node(fault.node);
        if (!node.up) this.restart(node);
        return { kind: 'fault', fault };
      }
      case 'pause':
        this.node(fault.node).paused = true;
        this.stepChanged.add(fault.node);
        return { kind: 'fault', fault };
      case 'resume':
        this.resume(this.node(fault.node));
        return { kind: 'fault', fault };
      case 'isolate':
        this.network.isolate(fault.node, this.nodeIds);
        return { kind: 'fault', fault };
      case 'split':
        this.network.split(fault.side, this.nodeIds);
        return { kind: 'fault', fault };
      case 'one-way':
        this.network.cutLink(fault.from, fault.to);
        return { kind: 'fault', fault };
      case 'heal':
        this.network.heal();
        return { kind: 'fault', fault };
      case 'clock-skew':
        this.node(fault.node).skew = fault.factor;
        return { kind: 'fault', fault };
      case 'heal-all':
        return this.healAll(fault);
    }
  }

  private healAll(fault: Fault): StepInput {
    this.network.heal();
    this.healedAt = this.nowMs;
    for (const node of this.nodes.values()) {
      node.skew = 1;
      if (node.paused) this.resume(node);
      if (!node.up) this.restart(node);
    }
    return { kind: 'fault', fault };
  }

  private crash(node: NodeRuntime): void {
    node.durable = node.snapshot === null ? node.durable : this.program.durable(node.snapshot);
    node.up = false;
    node.paused = false;
    node.snapshot = null;
    node.backlog.length = 0;
    for (const timer of node.timers.values()) this.queue.cancel(timer);
    node.timers.clear();
    // The quorum's log is flushed before every acknowledgement (KRaft fsyncs the metadata log), so
    // the store survives a crash whole.
    this.stepChanged.add(node.id);
  }

  private resume(node: NodeRuntime): void {
    node.paused = false;
    this.stepChanged.add(node.id);
    const held = node.backlog.splice(0);
    for (const item of held) {
      if (item.kind === 'timer') node.timers.set(item.id, this.queue.push(this.nowMs, item));
      else this.queue.push(this.nowMs, item);
    }
  }

  private restart(node: NodeRuntime): void {
    node.up = true;
    node.incarnation++;
    this.boot(node);
  }

  /** Start a node's machine from its durable state; each incarnation's PRNG seed derives from the run's seed. */
  private boot(node: NodeRuntime): void {
    const randomSeed = streamSeed(this.options.seed, `node-${node.id}/incarnation-${node.incarnation}`);
    const started = this.program.start({ nodeId: node.id, voters: this.voters, durable: node.durable, randomSeed });
    this.transitionCount++;
    node.snapshot = started.snapshot;
    this.stepChanged.add(node.id);
    this.interpret(node, started.actions);
  }

  private transition(node: NodeRuntime, event: Record<string, unknown>): void {
    if (node.snapshot === null) throw new Error(`transition on crashed node ${node.id}`);
    const next = this.program.step(node.snapshot, event);
    this.transitionCount++;
    node.snapshot = next.snapshot;
    this.stepChanged.add(node.id);
    this.interpret(node, next.actions);
  }

  /** Carry out a transition's actions: the simulator is the machines' only shell. */
  private interpret(node: NodeRuntime, actions: readonly MachineAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'xstate.emit':
          this.perform(node, (action.params as { event: ControllerEffect }).event);
          break;
        case 'xstate.raise': {
          const params = action.params as { event: Record<string, unknown>; id?: string; delay?: number };
          if (params.delay === undefined) throw new Error(`undelayed raise escaped the machine on node ${node.id}`);
          const id = params.id ?? String(params.event['type']);
          const existing = node.timers.get(id);
          if (existing !== undefined) this.queue.cancel(existing);
          const due = this.nowMs + Math.max(0, Math.round(params.delay * node.skew));
          node.timers.set(id, this.queue.push(due, { kind: 'timer', node: node.id, incarnation: node.incarnation, id, event: params.event }));
          break;
        }
        case 'xstate.cancel': {
          const id = (action.params as { sendId: string }).sendId;
          const existing = node.timers.get(id);
          if (existing !== undefined) {
            this.queue.cancel(existing);
            node.timers.delete(id);
          }
          break;
        }
        default:
          throw new Error(`the simulator does not know action '${action.type}' (node ${node.id})`);
      }
    }
  }

  private perform(node: NodeRuntime, effect: ControllerEffect): void {
    switch (effect.type) {
      case 'send': {
        let message = effect.message;
        if (effect.attachRecordsFrom !== undefined && message.type === 'FetchResponse') {
          message = { ...message, records: node.store.read(effect.attachRecordsFrom, FETCH_RECORDS_MAX) };
        }
        this.send(node.id, effect.to, message);
        break;
      }
      case 'log.append':
        node.store.append(effect.records);
        this.stepEffects.push(`n${node.id} append ${effect.records.map((r: { value: string; offset: number; epoch: number }) => `${r.value}@${r.offset}/e${r.epoch}`).join(' ')}`);
        break;
      case 'log.truncate':
        this.stepEffects.push(`n${node.id} truncate to ${effect.toOffset} (log end offset was ${node.store.logEndOffset()})`);
        node.store.truncateTo(effect.toOffset);
        break;
      case 'client.reply': {
        const reply = effect.message;
        this.answered.add(reply.value);
        if (reply.leaderId >= 0) this.leaderHint = reply.leaderId;
        if (reply.errorCode === 0) this.history.push({ type: 'ok', value: reply.value, node: node.id, time: this.nowMs, offset: reply.offset });
        else this.history.push({ type: 'fail', value: reply.value, node: node.id, time: this.nowMs, error: String(reply.errorCode) });
        this.stepEffects.push(`n${node.id} reply ${reply.value} error=${reply.errorCode} offset=${reply.offset}`);
        break;
      }
    }
  }

  private send(from: number, to: number, message: QuorumMessage): void {
    const decision = this.network.send(from, to, message.type, this.nowMs);
    const line = renderMessage(from, to, message);
    if ('dropped' in decision) {
      this.stepEffects.push(`${line} (${decision.dropped})`);
      return;
    }
    this.stepEffects.push(decision.deliverAt.length > 1 ? `${line} (duplicated)` : line);
    for (const at of decision.deliverAt) this.queue.push(at, { kind: 'deliver', from, to, message });
  }

  // ---- per-step bookkeeping: views, checks, trace --------------------------------------------

  private beginStep(): void {
    this.stepEffects = [];
    this.stepChanged = new Set();
  }

  /** The recorded step's event: the item taken, and `chosen` when the stepper took it out of queue order. */
  private stepEventFields(): { event?: unknown; chosen?: true; injected?: true } {
    const fields = { ...(this.stepEvent === null ? {} : { event: this.stepEvent }), ...(this.stepChosen ? { chosen: true as const } : {}), ...(this.stepInjected ? { injected: true as const } : {}) };
    this.stepEvent = null;
    this.stepChosen = false;
    this.stepInjected = false;
    return fields;
  }

  private endStep(input: StepInput | null): void {
    const changes: Record<string, Record<string, number | string | boolean | null>> = {};
    for (const id of this.stepChanged) {
      const before = this.nodeViews[id - 1] as QuorumNodeView;
      const after = this.viewOf(this.node(id));
      this.nodeViews[id - 1] = after;
      const diff = diffViews(before, after);
      const node = this.node(id);
      if (after.log.length !== node.lastLogEndOffset) diff['logEndOffset'] = after.log.length;
      node.lastLogEndOffset = after.log.length;
      if (Object.keys(diff).length > 0) changes[String(id)] = diff;
    }
    const moment = { step: this.stepCount, time: this.nowMs, changedNodes: [...this.stepChanged] };
    const found: string[] = [];
    for (const check of this.checks) {
      for (const message of check.observe(this.view(), moment)) {
        found.push(`${check.clause.id}: ${message}`);
        this.violate(check.clause.id, check.clause.anomaly, message);
      }
    }
    if (this.healedAt !== null && this.convergedAt === null && converged(this.view())) this.convergedAt = this.nowMs;
    if (this.trace !== null && input !== null) {
      this.trace.push({ kind: 'step', step: this.stepCount, time: this.nowMs, ...this.stepEventFields(), input, effects: this.stepEffects, changes, ...(found.length > 0 ? { violations: found } : {}) });
    }
  }

  private violate(clauseId: string, anomaly: string | undefined, message: string): void {
    this.violations.push({ clauseId, message, step: this.stepCount, time: this.nowMs, ...(anomaly === undefined ? {} : { anomaly }) });
  }

  private viewOf(node: NodeRuntime): QuorumNodeView {
    const log = node.store.all();
    if (node.snapshot !== null) {
      const v = this.program.view(node.snapshot);
      return { nodeId: node.id, up: true, incarnation: node.incarnation, role: v.role, epoch: v.epoch, votedFor: v.votedFor, leaderId: v.leaderId, highWatermark: v.highWatermark, log };
    }
    const durable = node.durable === undefined ? null : this.program.durableView(node.durable);
    return {
      nodeId: node.id, up: false, incarnation: node.incarnation, role: 'Unattached',
      epoch: durable?.epoch ?? 0, votedFor: durable?.votedFor ?? null, leaderId: null, highWatermark: 0, log,
    };
  }

  private node(id: number): NodeRuntime {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id} (nodes: ${this.nodeIds.join(', ')})`);
    return node;
  }

  private nextProposalDelay(): number {
    return this.workload.int(1, 2 * this.options.proposeIntervalMs);
  }
}

function diffViews(before: QuorumNodeView, after: QuorumNodeView): Record<string, number | string | boolean | null> {
  const diff: Record<string, number | string | boolean | null> = {};
  const fields = ['up', 'role', 'epoch', 'votedFor', 'leaderId', 'highWatermark'] as const;
  for (const field of fields) if (before[field] !== after[field]) diff[field] = after[field];
  return diff;
}

function describeItem(item: QueueItem): string {
  switch (item.kind) {
    case 'deliver':
      return renderMessage(item.from, item.to, item.message);
    case 'timer':
      return `n${item.node} timer ${item.id}`;
    case 'client':
      return item.node === null ? 'client propose' : `client propose to n${item.node}`;
    case 'fault':
      return renderFault(item.fault);
  }
}

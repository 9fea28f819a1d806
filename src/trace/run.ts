/**
 * A run of either model behind one interface, for replay and the stepper: start it from a trace
 * header, list its pending events, take the next one or any other (a fork), apply a scenario's
 * call, read its machines. The simulators own the rules; this only adapts their two shapes.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AnyStateMachine } from 'xstate';
import { Simulation, type FilterCall, type QueueItem as QuorumItem } from '../sim/simulator.js';
import { ClusterSimulation, type ClusterCall, type QueueItem as ClusterItem } from '../sim/cluster/simulation.js';
import type { Scheduled } from '../sim/event-queue.js';
import type { Fault } from '../sim/faults.js';
import type { Violation } from '../../spec/clause.js';
import { createQuorumMachine } from '../machines/quorum/index.js';
import { findVariant } from '../variants.js';
import type { TraceHeader } from './format.js';
import type { TracedRun } from './write.js';

/** An event the run could take next: queued messages, timers, client calls, scheduled faults. */
export interface PendingEvent {
  readonly time: number;
  /** The queue item as data (what a trace's step records as its `event`). */
  readonly event: unknown;
  readonly description: string;
}

/** One machine of one node, as the stepper shows it. */
export interface MachineState {
  readonly node: number;
  readonly actor: string;
  readonly machine: AnyStateMachine;
  /** XState's state value: a name, or nested objects for substates. */
  readonly value: unknown;
}

export interface ModelRun {
  readonly traced: TracedRun;
  readonly scripted: boolean;
  now(): number;
  steps(): number;
  violations(): readonly Violation[];
  pending(): readonly PendingEvent[];
  /** Take the queue's next event; false when nothing is pending. */
  next(): boolean;
  /** Take pending event `index` (0 is the queue's next). */
  take(index: number): void;
  /** Apply an event that is no queue item (a scenario's call or fault); false if this model cannot. */
  call(event: unknown): boolean;
  /**
   * Let time pass to `timeMs` without a step, as a scenario's `run` does between commands; only
   * when nothing is due by then (otherwise it is not what the scenario did).
   */
  idleUntil(timeMs: number): void;
  finish(): void;
  machines(): readonly MachineState[];
  /** The last step line recorded. */
  lastStep(): unknown;
}

export function startRun(header: TraceHeader): ModelRun {
  findVariant(header.options.variant);
  if (header.model === 'quorum') {
    return quorumRun(new Simulation({ options: header.options, faults: header.faults, scripted: header.scripted, recordTrace: true }));
  }
  const setup = (header.setup ?? {}) as Partial<Pick<ConstructorParameters<typeof ClusterSimulation>[0], 'replicaConfig' | 'brokerConfig' | 'groupCoordinatorConfig'>>;
  return clusterRun(new ClusterSimulation({ ...setup, options: header.options, faults: header.faults, scripted: header.scripted, recordTrace: true }));
}

/** What either simulator offers a run: its queue, its clock, its trace and its faults. */
interface Steppable<Item> {
  readonly trace: readonly { kind: string; scripted?: boolean }[] | null;
  readonly violations: readonly Violation[];
  readonly now: number;
  readonly steps: number;
  pendingEntries(): readonly Scheduled<Item>[];
  describePending(item: Item): string;
  nextTime(): number | undefined;
  step(): boolean;
  take(entry: Scheduled<Item>): void;
  injectFault(fault: Fault): void;
  runUntil(untilMs: number): void;
  halted(): boolean;
  finish(): void;
}

/** What differs between the models: the calls a scenario makes besides faults, and the machines a node runs. */
interface ModelParts {
  readonly traced: TracedRun;
  /** Apply a scenario's call (not a fault); false if this model has no such call. */
  call(event: { kind?: string; [field: string]: unknown }): boolean;
  machines(): readonly MachineState[];
}

function modelRun<Item>(sim: Steppable<Item>, parts: ModelParts): ModelRun {
  const entries = (): readonly Scheduled<Item>[] => sim.pendingEntries();
  return {
    traced: parts.traced,
    scripted: sim.trace?.[0]?.scripted ?? false,
    now: () => sim.now,
    steps: () => sim.steps,
    violations: () => sim.violations,
    pending: () => entries().map((e) => ({ time: e.time, event: e.item, description: sim.describePending(e.item) })),
    next: () => sim.step(),
    take: (index) => sim.take(entryAt(entries(), index)),
    call: (event) => {
      const e = event as { kind?: string; fault?: Fault };
      if (e.kind === 'fault' && e.fault !== undefined) sim.injectFault(e.fault);
      else return parts.call(e);
      return true;
    },
    idleUntil: (timeMs) => idleUntil(sim, timeMs),
    finish: () => sim.finish(),
    machines: () => parts.machines(),
    lastStep: () => sim.trace?.[sim.trace.length - 1],
  };
}

export function quorumRun(sim: Simulation): ModelRun {
  const machine = createQuorumMachine(findVariant(sim.options.variant).quorum);
  return modelRun(sim, {
    traced: { model: 'quorum', sim },
    call: (e) => {
      if (e.kind === 'client' && typeof e['node'] === 'number') sim.propose(e['node']);
      else if (e.kind === 'call' && (e['call'] === 'drop' || e['call'] === 'clear-drops')) sim.filterMessages(e as FilterCall);
      else return false;
      return true;
    },
    machines: () => sim.machineSnapshots().flatMap(({ node, snapshot }) => (snapshot === null ? [] : [{ node, actor: 'quorum', machine, value: (snapshot as { value: unknown }).value }])),
  });
}

export function clusterRun(sim: ClusterSimulation): ModelRun {
  return modelRun(sim, {
    traced: { model: 'replication', sim },
    call: (e) => {
      if (e.kind !== 'call') return false;
      sim.call(e as unknown as ClusterCall);
      return true;
    },
    machines: () => sim.placeIds().flatMap((node) => [...sim.actorsOf(node)].map(([actor, a]) => ({ node, actor, machine: a.machine, value: (a.snapshot as { value: unknown }).value }))),
  });
}

function idleUntil(sim: Steppable<unknown>, timeMs: number): void {
  const next = sim.nextTime();
  // A halted run (a violation) takes no more items, but a script's `run` still lets its time pass.
  if (timeMs > sim.now && (sim.halted() || next === undefined || next > timeMs)) sim.runUntil(timeMs);
}

function entryAt<T>(entries: readonly Scheduled<T>[], index: number): Scheduled<T> {
  const entry = entries[index];
  if (entry === undefined) throw new RangeError(`no pending event ${index} (${entries.length} pending)`);
  return entry;
}

/** A value as it reads back from JSON (undefined fields gone), for comparing with a trace line. */
export const asJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** The index of the pending event equal to `event` happening at `time` (or, failing that, at any time); -1 if none. */
export function findPending(pending: readonly PendingEvent[], event: unknown, time: number, now: number): number {
  const matches = pending.map((p, i) => ({ p, i })).filter(({ p }) => isDeepStrictEqual(asJson(p.event), event));
  return (matches.find(({ p }) => Math.max(now, p.time) === time) ?? matches[0])?.i ?? -1;
}

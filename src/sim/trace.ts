/**
 * The quorum simulator's in-memory trace: a header with everything the run depends on, then one
 * line per step with the event it took, what it did with it (its input), the effects it produced
 * (messages rendered one per line) and the resulting changes of each touched node's observable
 * state. The file format (src/trace/format.ts) is written from it by src/trace/write.ts.
 */
import * as t from 'io-ts';
import { SimOptions } from './options.js';
import { TimedFault, Fault } from './faults.js';
import { QuorumMessage } from '../protocol/quorum/messages.js';

export const TRACE_VERSION = 1;

export const TraceHeader = t.type({
  kind: t.literal('header'),
  version: t.literal(TRACE_VERSION),
  options: SimOptions,
  faults: t.array(TimedFault),
  /** Whether the run was a scenario (no workload, no automatic healing). */
  scripted: t.boolean,
});
export type TraceHeader = t.TypeOf<typeof TraceHeader>;

const NodeChange = t.record(t.string, t.union([t.number, t.string, t.boolean, t.null]));

export const StepInput = t.union([
  t.type({ kind: t.literal('deliver'), from: t.number, to: t.number, message: QuorumMessage }),
  t.type({ kind: t.literal('timer'), node: t.number, id: t.string, event: t.UnknownRecord }),
  t.type({ kind: t.literal('client'), node: t.number, value: t.string }),
  t.type({ kind: t.literal('fault'), fault: Fault }),
  t.type({ kind: t.literal('drop'), from: t.number, to: t.number, reason: t.string, message: QuorumMessage }),
  /** A scenario changed the network's message filters; `filters` is how many are in force. */
  t.type({ kind: t.literal('network'), filters: t.number }),
]);
export type StepInput = t.TypeOf<typeof StepInput>;

export const TraceStep = t.intersection([
  t.type({
    kind: t.literal('step'),
    step: t.number,
    time: t.number,
    input: StepInput,
    /** What the step did, one rendered line each (messages sent, log writes, replies). */
    effects: t.array(t.string),
    /** node id -> field -> new value, for each node whose observable state changed. */
    changes: t.record(t.string, NodeChange),
  }),
  t.partial({
    /** The queue item (or scripted call) the step took, as data: what a replay takes again. */
    event: t.unknown,
    /** The stepper took this item out of queue order (a fork). */
    chosen: t.literal(true),
    /** The event is no queue item: a scenario applied it (a replay applies it again, at its time). */
    injected: t.literal(true),
    violations: t.array(t.string),
  }),
]);
export type TraceStep = t.TypeOf<typeof TraceStep>;

export type TraceLine = TraceHeader | TraceStep;

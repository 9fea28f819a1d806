/**
 * Traces: JSON lines, a header with everything the run depends on, then one line per step with
 * the step's input (the event delivered, the timer fired, the fault injected, the client call),
 * the effects it produced (messages rendered one per line) and the resulting changes of each
 * touched node's observable state. `kspec sim --replay FILE` re-applies every step's input to
 * fresh machines and must reproduce every effect and change exactly.
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
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
  t.partial({ violations: t.array(t.string) }),
]);
export type TraceStep = t.TypeOf<typeof TraceStep>;

export type TraceLine = TraceHeader | TraceStep;

/** Decode a whole trace file; a malformed line is reported with its line number and field path. */
export function parseTrace(text: string): { header: TraceHeader; steps: TraceStep[] } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new TraceError('the trace is empty: expected a header line');
  const header = decodeLine(TraceHeader, lines[0] as string, 1);
  const steps = lines.slice(1).map((line, i) => decodeLine(TraceStep, line, i + 2));
  return { header, steps };
}

export class TraceError extends Error {}

function decodeLine<A>(codec: t.Type<A, unknown, unknown>, line: string, lineNumber: number): A {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new TraceError(`line ${lineNumber}: not JSON (${(error as Error).message})`);
  }
  const result = codec.decode(json);
  if (isLeft(result)) {
    const first = result.left[0];
    const path = first === undefined ? '' : first.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k)).join('.');
    const got = first === undefined ? '' : JSON.stringify(first.value);
    throw new TraceError(`line ${lineNumber}: field '${path || '(root)'}' is invalid (got ${got === undefined ? 'nothing' : got.slice(0, 80)})`);
  }
  return result.right;
}

/**
 * kspec's trace format, version 2: the single definition (docs/trace-format.md explains each
 * field for implementers). A trace is JSON lines:
 *
 *   line 1      the header: the model, the seed, every option the run depends on, the fault
 *               schedule, the kspec version that wrote it;
 *   lines 2..   one line per step: the event the step took (a queue item: a message delivered,
 *               a timer fired, a client call, a fault; or a scenario's call), what the model did
 *               with it (`input`), the effects it produced, the observable changes per node and
 *               the clause violations it caused;
 *   last line   the end: how many steps, whether the run ended (end-of-run checks ran), every
 *               violation of the run.
 *
 * A replay starts the model from the header and takes each step's event again: the trace is a
 * pure function of its header and its events, and everything else on a line is checked against
 * what the model does. Messages are checked by the message registry's codecs (src/protocol).
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { SimOptions } from '../sim/options.js';
import { ClusterOptions } from '../sim/cluster/options.js';
import { Fault, TimedFault } from '../sim/faults.js';
import { decodeMessage, type Message } from '../protocol/registry.js';

export const TRACE_FORMAT = 'kspec-trace';
export const TRACE_FORMAT_VERSION = 2;

/** Which simulator wrote the trace: the controller quorum alone, or the cluster (replication, producer, groups). */
export const TraceModel = t.union([t.literal('quorum'), t.literal('replication')]);
export type TraceModel = t.TypeOf<typeof TraceModel>;

/** A message in a trace: decoded by the registry's codec for its type. */
export const TraceMessage = new t.Type<Message, Message, unknown>(
  'Message',
  (u): u is Message => typeof u === 'object' && u !== null && typeof (u as { type?: unknown }).type === 'string',
  (u, c) => {
    const decoded = decodeMessage(u);
    return decoded.ok ? t.success(u as Message) : t.failure(u, c, decoded.error);
  },
  (m) => m,
);

/** Node ids are small non-negative integers (clients 0 and 90+, brokers 1+, controllers 101+). */
const NodeId = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 0 && n <= 10_000, 'NodeId');
const Scalar = t.union([t.number, t.string, t.boolean, t.null]);

/** A queue item or a scripted call: what a step takes. */
export const TraceEvent = t.union([
  t.type({ kind: t.literal('deliver'), from: NodeId, to: NodeId, message: TraceMessage }),
  t.intersection([
    t.type({ kind: t.literal('timer'), node: NodeId, incarnation: t.number, id: t.string, event: t.UnknownRecord }),
    /** The actor on the node whose timer it is (cluster traces; the quorum model has one actor per node). */
    t.partial({ actor: t.string }),
  ]),
  /** The workload's next call (cluster: `op`; quorum: `node`, null for "whoever leads"). */
  t.intersection([t.type({ kind: t.literal('client') }), t.partial({ op: t.string, node: t.union([NodeId, t.null]) })]),
  t.type({ kind: t.literal('consumer'), consumer: NodeId, op: t.string }),
  t.type({ kind: t.literal('fault'), fault: Fault }),
  /** A scenario's direct call (no queue item): create, metadata, consume, produce, send. */
  t.intersection([t.type({ kind: t.literal('call'), call: t.string }), t.UnknownRecord]),
]);
export type TraceEvent = t.TypeOf<typeof TraceEvent>;

const CommonHeader = t.type({
  kind: t.literal('header'),
  format: t.literal(TRACE_FORMAT),
  version: t.literal(TRACE_FORMAT_VERSION),
  /** The kspec version that wrote the trace (a replay by another version may differ and says so). */
  kspec: t.string,
  seed: t.number,
  /** A scenario's run: no workload or automatic healing; its calls are steps of kind `call`. */
  scripted: t.boolean,
  /** The fault schedule the run was given (heal-all and the workload are the simulator's own). */
  faults: t.array(TimedFault),
});

export const TraceHeader = t.union([
  t.intersection([CommonHeader, t.type({ model: t.literal('quorum'), options: SimOptions })]),
  t.intersection([
    CommonHeader,
    t.type({ model: t.literal('replication'), options: ClusterOptions }),
    /** Configs a scenario set besides the options: replicaConfig, brokerConfig, groupCoordinatorConfig. */
    t.partial({ setup: t.UnknownRecord }),
  ]),
]);
export type TraceHeader = t.TypeOf<typeof TraceHeader>;

export const TraceStep = t.intersection([
  t.type({
    kind: t.literal('step'),
    /** 1, 2, ... (the cluster's boot is step 0: the nodes start; it has no event). */
    step: t.number,
    /** Virtual time in milliseconds when the step ran. */
    time: t.number,
    /** What the model did with the event: handled (by which actor), dropped and why, held while paused. */
    input: t.intersection([t.type({ kind: t.string }), t.UnknownRecord]),
    /** What the step did, one line each: messages sent (with drops), log writes, replies, faults. */
    effects: t.array(t.string),
    /** node id -> field -> new value, for each node whose observable state changed. */
    changes: t.record(t.string, t.record(t.string, Scalar)),
  }),
  t.partial({
    event: TraceEvent,
    /** The event was taken out of queue order (a fork made in the stepper). */
    chosen: t.literal(true),
    /** The event is no queue item: a scenario applied it (a call or a fault); a replay applies it again at its time. */
    injected: t.literal(true),
    /** `CLAUSE-ID: message` for each clause this step violated. */
    violations: t.array(t.string),
  }),
]);
export type TraceStep = t.TypeOf<typeof TraceStep>;

export const TraceEnd = t.type({
  kind: t.literal('end'),
  /** The number of step lines. */
  steps: t.number,
  /** The run ended (its end-of-run checks ran); false for a run cut short (a stepper's saved fork). */
  finished: t.boolean,
  /** Every violation of the run, `CLAUSE-ID: message`, in order (end-of-run checks included). */
  violations: t.array(t.string),
});
export type TraceEnd = t.TypeOf<typeof TraceEnd>;

export interface TraceFile {
  readonly header: TraceHeader;
  readonly steps: readonly TraceStep[];
  readonly end: TraceEnd;
}

/** A trace that cannot be read: one line, naming the line of the file and the field. */
export class TraceFormatError extends Error {}

/** The limits a header's options must keep (a forged header must not ask for a million voters). */
export function headerProblem(header: TraceHeader): string | null {
  const within = (what: string, n: number, min: number, max: number): string | null =>
    Number.isInteger(n) && n >= min && n <= max ? null : `${what} must be an integer from ${min} to ${max} (got ${n})`;
  const o = header.options;
  if (header.model === 'quorum') {
    const q = o as SimOptions;
    return within('options.voters', q.voters, 1, 9) ?? within('options.observers', q.observers, 0, 9) ?? within('options.maxSteps', q.maxSteps, 1, 100_000_000);
  }
  const c = o as ClusterOptions;
  return within('options.brokers', c.brokers, 1, 32)
    ?? within('options.controllers', c.controllers, 1, 9)
    ?? within('options.topic.partitions', c.topic.partitions, 1, 64)
    ?? within('options.topic.replicationFactor', c.topic.replicationFactor, 1, c.brokers)
    ?? (c.group === null ? null : within('options.group.consumers', c.group.consumers, 1, 9) ?? within('options.group.offsetsTopicPartitions', c.group.offsetsTopicPartitions, 1, 50))
    ?? within('options.maxSteps', c.maxSteps, 1, 100_000_000);
}

/** Read a whole trace: a header, steps numbered one after another, an end line that counts them. */
export function parseTraceFile(text: string): TraceFile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new TraceFormatError('the trace is empty: expected a header line');
  const first = parsed(lines[0] as string) as { kind?: unknown; format?: unknown; version?: unknown } | undefined;
  if (first?.kind === 'header' && first.version !== TRACE_FORMAT_VERSION) throw new TraceFormatError(`line 1: a trace of format version ${String(first.version)}: this kspec reads version ${TRACE_FORMAT_VERSION}`);
  const header = decodeLine(TraceHeader, lines[0] as string, 1, 'header');
  const problem = headerProblem(header);
  if (problem !== null) throw new TraceFormatError(`line 1: ${problem}`);
  const steps: TraceStep[] = [];
  let end: TraceEnd | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (end !== null) throw new TraceFormatError(`line ${i + 1}: a line after the end line`);
    if (kindOf(line) === 'end') {
      end = decodeLine(TraceEnd, line, i + 1, 'end');
      continue;
    }
    const step = decodeLine(TraceStep, line, i + 1, 'step');
    // The cluster's boot is its step 0; the quorum model records steps from 1.
    const expected = steps.length === 0 ? (header.model === 'replication' ? 0 : 1) : (steps[steps.length - 1] as TraceStep).step + 1;
    if (step.step !== expected) {
      const later = lines.slice(i + 1).some((l) => l.includes(`"step":${expected},`));
      throw new TraceFormatError(later || step.step < expected
        ? `line ${i + 1}: step ${step.step} where step ${expected} belongs: the steps are out of order`
        : `line ${i + 1}: step ${step.step} follows step ${expected - 1}: step ${expected} is missing`);
    }
    steps.push(step);
  }
  if (end === null) throw new TraceFormatError(`the trace has no end line after its last step (${steps.length === 0 ? 'none' : `step ${(steps[steps.length - 1] as TraceStep).step}`}): it was cut short`);
  if (end.steps !== steps.length) throw new TraceFormatError(`the end line counts ${end.steps} steps, the trace has ${steps.length}: steps were removed or added`);
  return { header, steps, end };
}

function parsed(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

const kindOf = (line: string): unknown => (parsed(line) as { kind?: unknown } | undefined)?.kind;

function decodeLine<A>(codec: t.Type<A, unknown, unknown>, line: string, lineNumber: number, what: string): A {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new TraceFormatError(`line ${lineNumber}: not JSON (${(error as Error).message})`);
  }
  const result = codec.decode(json);
  if (!isLeft(result)) return result.right;
  // The deepest failure names the field best (a union reports one failure per branch).
  const deepest = [...result.left].sort((a, b) => b.context.length - a.context.length)[0];
  if (deepest === undefined) throw new TraceFormatError(`line ${lineNumber}: not a valid ${what} line`);
  const path = deepest.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k)).join('.');
  const got = JSON.stringify(deepest.value);
  const why = deepest.message === undefined ? '' : `: ${deepest.message}`;
  throw new TraceFormatError(`line ${lineNumber}: ${what} field '${path || '(root)'}' is invalid (got ${got === undefined ? 'nothing' : got.slice(0, 80)})${why}`);
}

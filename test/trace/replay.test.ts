/**
 * Traces replay for every model (issue 12): a trace the simulator writes replays identically, and
 * a trace changed in any way (a step edited, removed, reordered, invented, its time moved, the file
 * cut short) is refused naming the first step that differs. Runs are kept short (a few seconds of
 * virtual time) so the file stays fast.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/sim/simulator.js';
import { optionsFromSeed } from '../../src/sim/options.js';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed, type GroupSpec } from '../../src/sim/cluster/options.js';
import { replayTraceText } from '../../src/trace/replay.js';
import { parseTraceFile, TraceFormatError } from '../../src/trace/format.js';
import { memoryTraceText, runTraceText } from '../../src/trace/write.js';

const quorumTrace = (seed: number): string => {
  const result = new Simulation({ options: optionsFromSeed(seed), recordTrace: true }).run();
  return memoryTraceText('quorum', result.trace ?? [], result.violations, true);
};

const GROUP: GroupSpec = { groupId: 'readers', consumers: 2, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: true, pollIntervalMs: 100 };

/** A short cluster run (cut at `untilMs`, not finished): the producer machine, and a consumer group when asked. */
const clusterTrace = (seed: number, group: GroupSpec | null, untilMs = 2_500): string => {
  const options = { ...clusterOptionsFromSeed(seed, { producer: 'idempotent', group, brokers: 3, controllers: 1 }), safetyPhaseMs: 2_000 };
  const sim = new ClusterSimulation({ options, recordTrace: true });
  sim.runUntil(untilMs);
  return runTraceText({ model: 'replication', sim }, false);
};

const lines = (text: string): string[] => text.trimEnd().split('\n');
const join = (ls: readonly string[]): string => ls.join('\n') + '\n';
const edit = (text: string, index: number, change: (step: Record<string, any>) => void): string => {
  const ls = lines(text);
  const step = JSON.parse(ls[index]!);
  change(step);
  ls[index] = JSON.stringify(step);
  return join(ls);
};
/** The index of the first step line with a delivered message and an effect, past `from`. */
const busyStep = (text: string, from = 5): number => lines(text).findIndex((l, i) => i >= from && l.includes('"kind":"deliver"') && !l.includes('"effects":[]') && l.startsWith('{"kind":"step"'));

const quorum = quorumTrace(5);
const producer = clusterTrace(3, null);
const group = clusterTrace(4, GROUP, 3_000);

describe.each([
  ['quorum', quorum],
  ['replication with the idempotent producer', producer],
  ['replication with a consumer group', group],
])('a %s trace', (_name, text) => {
  it('replays identically', () => {
    expect(replayTraceText(text)).toMatchObject({ identical: true });
  });

  it('an edited effect is reported at its step', () => {
    const index = busyStep(text);
    const step = JSON.parse(lines(text)[index]!).step as number;
    const outcome = replayTraceText(edit(text, index, (s) => (s.effects[0] = `${s.effects[0]} (tampered)`)));
    expect(outcome).toMatchObject({ identical: false, step });
    expect(outcome.identical === false && outcome.difference).toMatch(/effect 1 differs/);
  });

  it('an edited time is reported at its step', () => {
    const index = busyStep(text);
    const step = JSON.parse(lines(text)[index]!).step as number;
    expect(replayTraceText(edit(text, index, (s) => (s.time += 1)))).toMatchObject({ identical: false, step });
  });

  it('an edited message in an event is reported at its step', () => {
    const index = busyStep(text);
    const step = JSON.parse(lines(text)[index]!).step as number;
    const outcome = replayTraceText(edit(text, index, (s) => (s.event.from = s.event.to)));
    expect(outcome).toMatchObject({ identical: false, step });
  });

  it('two steps swapped and renumbered: the first of them differs', () => {
    const index = busyStep(text);
    const ls = lines(text);
    const a = JSON.parse(ls[index]!);
    const b = JSON.parse(ls[index + 1]!);
    [a.step, b.step] = [b.step, a.step];
    ls[index] = JSON.stringify(b);
    ls[index + 1] = JSON.stringify(a);
    expect(replayTraceText(join(ls))).toMatchObject({ identical: false, step: b.step });
  });

  it('a removed step, steps out of order, a cut end are malformed, each named', () => {
    const index = busyStep(text);
    const ls = lines(text);
    const step = JSON.parse(ls[index]!).step as number;
    expect(() => parseTraceFile(join([...ls.slice(0, index), ...ls.slice(index + 1)]))).toThrow(new RegExp(`step ${step} is missing`));
    expect(() => parseTraceFile(join([...ls.slice(0, index), ls[index + 1]!, ls[index]!, ...ls.slice(index + 2)]))).toThrow(/out of order/);
    expect(() => parseTraceFile(join(ls.slice(0, -1)))).toThrow(/no end line .* cut short/);
    expect(() => parseTraceFile(join(ls.slice(0, -3)))).toThrow(/no end line/);
    expect(() => parseTraceFile(text.slice(0, -20))).toThrow(/not JSON/);
  });

  it('an invented step at the end is refused', () => {
    const ls = lines(text);
    const last = JSON.parse(ls[ls.length - 2]!);
    const end = JSON.parse(ls[ls.length - 1]!);
    const invented = { ...last, step: last.step + 1, event: { kind: 'fault', fault: { kind: 'heal' } }, input: { kind: 'fault', fault: 'heal' }, effects: ['heal'], changes: {} };
    const outcome = replayTraceText(join([...ls.slice(0, -1), JSON.stringify(invented), JSON.stringify({ ...end, steps: end.steps + 1 })]));
    expect(outcome).toMatchObject({ identical: false, step: invented.step });
  });
});

describe('malformed traces: one line naming the line and the field', () => {
  it('a bad field, bad JSON, an empty file', () => {
    expect(() => parseTraceFile(edit(quorum, 2, (s) => (s.time = 'soon')))).toThrow(/line 3: step field 'time'/);
    expect(() => parseTraceFile('{not json')).toThrow(/line 1: not JSON/);
    expect(() => parseTraceFile('')).toThrow(/empty/);
  });

  it('a header asking for a huge cluster is refused before anything starts', () => {
    const forged = edit(quorum, 0, (h) => (h.options.voters = 1_000_000));
    expect(() => parseTraceFile(forged)).toThrow(/line 1: options.voters must be an integer from 1 to 9/);
    expect(() => parseTraceFile(edit(producer, 0, (h) => (h.options.brokers = -1)))).toThrow(/options.brokers/);
  });

  it('a message the registry does not know, in an event, is refused with its line', () => {
    const index = busyStep(producer);
    expect(() => parseTraceFile(edit(producer, index, (s) => (s.event.message = { type: 'NoSuchRequest' })))).toThrow(new RegExp(`line ${index + 1}: step field 'event.message'.*unknown message type 'NoSuchRequest'`));
  });

  it('the errors are TraceFormatErrors (the CLI prints them as one line, exit 2)', () => {
    expect(() => parseTraceFile('{}')).toThrow(TraceFormatError);
  });
});

describe('the end line', () => {
  it('a trace of a run with a violation replays it (the end line lists it)', () => {
    const result = new Simulation({ options: optionsFromSeed(3, { variant: 'vote-twice' }), recordTrace: true }).run();
    const text = memoryTraceText('quorum', result.trace ?? [], result.violations, true);
    const outcome = replayTraceText(text);
    expect(outcome).toMatchObject({ identical: true });
    expect(outcome.identical && outcome.violations.length).toBe(result.violations.length);
  });

  it('a changed verdict on the end line is reported at the end', () => {
    const ls = lines(quorum);
    const end = JSON.parse(ls[ls.length - 1]!);
    ls[ls.length - 1] = JSON.stringify({ ...end, violations: ['QUORUM-VOTE-1: invented'] });
    expect(replayTraceText(join(ls))).toMatchObject({ identical: false, step: 'end' });
  });
});

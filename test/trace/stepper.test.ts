/**
 * The stepper without a terminal: the pure core turns keys into requests and a screen that fits
 * 80x24; the session moves a run along a trace, back (by replaying, exactly), past its end, and
 * off it (a fork whose saved trace replays).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { initialState, press, render, withRun, type RunView, type StepperState } from '../../src/trace/stepper.js';
import { StepSession, scenarioTraceText } from '../../src/trace/session.js';
import { parseTraceFile, type TraceStep } from '../../src/trace/format.js';
import { replayTraceText } from '../../src/trace/replay.js';

const step = (n: number, extra: Partial<TraceStep> = {}): TraceStep => ({
  kind: 'step', step: n, time: n * 10, event: { kind: 'deliver', from: 1, to: 2, message: { type: 'VoteRequest', candidateEpoch: 1, candidateId: 1, lastOffsetEpoch: 0, lastOffset: 0 } } as NonNullable<TraceStep['event']>,
  input: { kind: 'deliver' }, effects: [`effect of ${n}`], changes: { 2: { role: 'Voted' } }, ...extra,
});
const VIEW: RunView = { now: 0, pending: [{ time: 5, description: 'n1->n2 VoteRequest' }, { time: 7, description: 'n3 timer after electionTimeout' }], machines: [], unavailable: null };
const CLAUSES = [{ id: 'QUORUM-VOTE-1', kind: 'invariant' }, { id: 'QUORUM-LIVE-1', kind: 'liveness' }];
const fresh = (steps = [step(1), step(2), step(3)], cursor = 0): StepperState => initialState('kspec step t', CLAUSES, steps, cursor, VIEW);
const keys = (state: StepperState, text: string) => [...text].reduce<{ state: StepperState; request?: unknown }>((acc, key) => press(acc.state, key), { state });

describe('the stepper core: keys', () => {
  it('n and b ask for the next and the previous step; b at the first step says so', () => {
    expect(press(fresh(), 'n').request).toEqual({ kind: 'goto', index: 1 });
    expect(press(fresh(undefined, 2), 'b').request).toEqual({ kind: 'goto', index: 1 });
    const atFirst = press(fresh(undefined, -1), 'b');
    expect(atFirst.request).toBeUndefined();
    expect(atFirst.state.message).toMatch(/first step/);
  });

  it('g N Enter goes to step N; t T Enter to time T; digits take a pending event (1-based), out of range is refused', () => {
    expect(keys(fresh(), 'g3\r').request).toEqual({ kind: 'goto', index: 2 });
    expect(keys(fresh(), 't250\r').request).toEqual({ kind: 'goto-time', timeMs: 250 });
    expect(press(fresh(), '2').request).toEqual({ kind: 'take', pending: 1 });
    expect(keys(fresh(), 'c2\r').request).toEqual({ kind: 'take', pending: 1 });
    const refused = press(fresh(), '7');
    expect(refused.request).toBeUndefined();
    expect(refused.state.message).toMatch(/no pending event 7 \(1 to 2\)/);
  });

  it('a prompt takes Backspace and Escape; a bad number is a message, never a request', () => {
    expect(keys(fresh(), 'g39\x7f\r').request).toEqual({ kind: 'goto', index: 2 });
    const cancelled = keys(fresh(), 'g3\x1b');
    expect(cancelled.request).toBeUndefined();
    expect(cancelled.state.prompt).toBeNull();
    expect(keys(fresh(), 'gx\r').state.message).toMatch(/not a step number/);
  });

  it('the type filter moves n and b between steps of that type', () => {
    const steps = [step(1), step(2, { event: { kind: 'fault', fault: { kind: 'heal' } } }), step(3), step(4, { event: { kind: 'fault', fault: { kind: 'heal' } } })];
    const filtered = keys(fresh(steps, 0), '/fault\r').state;
    expect(filtered.typeFilter).toBe('fault');
    expect(press(filtered, 'n').request).toEqual({ kind: 'goto', index: 1 });
    expect(press({ ...filtered, cursor: 1 }, 'n').request).toEqual({ kind: 'goto', index: 3 });
    expect(keys(filtered, '/\r').state.typeFilter).toBeNull();
  });

  it('f NODE toggles following a node; v shows verdicts so far; q quits', () => {
    const following = keys(fresh(), 'f3\r').state;
    expect(following.follow).toEqual([3]);
    expect(keys(following, 'fn3\r').state.follow).toEqual([]);
    const violated = fresh([step(1), step(2, { violations: ['QUORUM-VOTE-1: n2 voted twice'] })], 1);
    const screen = render(press(violated, 'v').state, { columns: 80, rows: 24 }).join('\n');
    expect(screen).toMatch(/FAIL step 2: QUORUM-VOTE-1: n2 voted twice/);
    expect(screen).toMatch(/---- QUORUM-LIVE-1 \(liveness: judged at the end\)/);
    expect(render(press(fresh(), 'v').state, { columns: 80, rows: 24 }).join('\n')).toMatch(/PASS QUORUM-VOTE-1/);
    expect(press(fresh(), 'q').state.quit).toBe(true);
  });

  it('the screen never exceeds its size, whatever is on it (80x24 over ssh)', () => {
    const line = fc.string({ maxLength: 200 });
    fc.assert(fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 40 }), fc.integer({ min: 40, max: 120 }), fc.integer({ min: 12, max: 50 }), (effects, pending, columns, rows) => {
      const view: RunView = { now: 0, pending: pending.map((description, i) => ({ time: i, description })), machines: [{ node: 2, actor: 'quorum', states: ['Unattached', 'Voted', 'Leader'], active: 'Voted', transitions: ['after electionTimeout -> Candidate'] }], unavailable: null };
      const state = withRun(fresh(), [step(1, { effects })], 0, view);
      const screen = render(state, { columns, rows });
      expect(screen.length).toBeLessThanOrEqual(rows);
      for (const l of screen) expect(l.length).toBeLessThanOrEqual(columns);
    }), { numRuns: 200 });
  });

  it('the screen marks the active state of the machines of the current step and numbers the pending events', () => {
    const view: RunView = { ...VIEW, machines: [{ node: 2, actor: 'quorum', states: ['Unattached', 'Voted', 'Leader'], active: 'Voted', transitions: ['after electionTimeout -> Candidate'] }] };
    const screen = render(withRun(fresh(), [step(1)], 0, view), { columns: 80, rows: 24 }).join('\n');
    expect(screen).toMatch(/n2 quorum: Unattached \[Voted\] Leader/);
    expect(screen).toMatch(/after electionTimeout -> Candidate/);
    expect(screen).toMatch(/^ {2}1 t=5 n1->n2 VoteRequest$/m);
    expect(screen).toMatch(/^ {2}2 t=7 n3 timer after electionTimeout$/m);
  });
});

const election = parseTraceFile(scenarioTraceText(readFileSync('scenarios/quorum/election.txt', 'utf8')));
const leaderFailover = parseTraceFile(scenarioTraceText(readFileSync('scenarios/replication/leader-failover.txt', 'utf8')));

describe('the session: a run moved along a trace', () => {
  it.each([['a quorum scenario', election], ['a replication scenario', leaderFailover]])('%s: a step reached going back is the step reached going forward', (_name, trace) => {
    const session = new StepSession(trace.header, trace.steps);
    const target = Math.min(5, trace.steps.length - 2);
    expect(session.goto(target + 1)).toBe('');
    const forward = session.view();
    session.goto(target + 2);
    session.goto(target + 1);
    expect(session.view()).toEqual(forward);
    expect(session.view().unavailable).toBeNull();
    expect(session.view().machines.length).toBeGreaterThan(0);
  });

  it('taking a pending event other than the next forks the run; the saved fork replays, the original does not match it', () => {
    const session = new StepSession(election.header, election.steps);
    session.goto(0);
    const pending = session.view().pending;
    expect(pending.length).toBeGreaterThan(1);
    expect(session.take(1)).toMatch(/the run forks here/);
    expect(session.forked).toBe(true);
    const taken = session.steps[session.cursor]!;
    expect(taken.chosen).toBe(true);
    expect(session.steps.length).toBe(session.cursor + 1);
    session.goto(session.cursor + 3);
    const saved = session.save();
    expect(replayTraceText(saved)).toMatchObject({ identical: true, steps: session.cursor + 1 });
    // The fork is not the trace's run: without its chosen mark the replay refuses it.
    expect(replayTraceText(saved.replace('"chosen":true,', ''))).toMatchObject({ identical: false, step: taken.step });
  });

  it('past the end of a trace the run goes on with its own steps; time jumps land on the last step at or before T', () => {
    const session = new StepSession(election.header, election.steps);
    const last = election.steps.length - 1;
    session.goto(last + 3);
    expect(session.cursor).toBe(last + 3);
    expect(session.steps.length).toBe(last + 4);
    session.gotoTime(election.steps[2]!.time);
    expect(session.steps[session.cursor]!.time).toBeLessThanOrEqual(election.steps[2]!.time);
    expect(session.steps[session.cursor + 1]!.time).toBeGreaterThan(election.steps[2]!.time);
  });

  it('a trace the model does not reproduce is shown line by line, without live state from the step that differs', () => {
    const steps = election.steps.map((s, i) => (i === 3 ? { ...s, effects: ['invented'] } : s));
    const session = new StepSession(election.header, steps);
    expect(session.goto(2)).toBe('');
    expect(session.goto(4)).toMatch(/does not reproduce/);
    expect(session.view().unavailable).toMatch(/step 4: effect 1 differs/);
    session.goto(1);
    expect(session.view().unavailable).toBeNull();
  });
});

describe('scenario traces replay', () => {
  it('a group scenario: its consumer commands are steps, and time a script lets pass between commands is kept', () => {
    const text = scenarioTraceText(readFileSync('scenarios/groups/kip848-reconciliation.txt', 'utf8'));
    expect(text).toMatch(/"call":"start-consumer"/);
    expect(replayTraceText(text)).toMatchObject({ identical: true });
  });
});

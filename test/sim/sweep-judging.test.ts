/**
 * The sweep judges each seed on its own: a simulation that throws fails that seed with its error
 * (the sweep goes on), and a seed counts under every clause it violates.
 */
import { describe, expect, it } from 'vitest';
import { distinctClauses, modelOfSeed, runOneSeed } from '../../src/sim/sweep-worker.js';

describe('sweep judging', () => {
  it('a seed whose simulation throws is a failed seed with its error, not an exception', () => {
    const outcome = runOneSeed(7, { variant: 'no-such-variant', maxSteps: 10, model: 'replication', unclean: false });
    expect(outcome.seed).toBe(7);
    expect(outcome.error).toMatch(/unknown variant 'no-such-variant'/);
    expect(outcome.violations).toEqual([]);
  });

  it('every clause a seed violates is reported, once each, first message kept', () => {
    const v = (clauseId: string, message: string) => ({ clauseId, message, step: 1, time: 0 });
    expect(distinctClauses([v('A', 'a1'), v('B', 'b1'), v('A', 'a2')])).toEqual([{ clauseId: 'A', message: 'a1' }, { clauseId: 'B', message: 'b1' }]);
  });

  it('a replication sweep hands every quorumEvery-th seed to the quorum model, and only then', () => {
    const job = { variant: 'kraft', maxSteps: 10, model: 'replication' as const, unclean: false, quorumEvery: 5 };
    expect([1, 2, 5, 10, 11].map((s) => modelOfSeed(s, job))).toEqual(['replication', 'replication', 'quorum', 'quorum', 'replication']);
    expect(modelOfSeed(5, { ...job, quorumEvery: 0 })).toBe('replication');
    expect(modelOfSeed(1, { ...job, model: 'quorum' })).toBe('quorum');
  });
});

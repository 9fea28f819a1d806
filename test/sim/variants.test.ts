/**
 * The checks can fail: each broken protocol variant is caught, with the clause it breaks, by the
 * same sweep and exploration that the reference protocol (kraft) passes.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/sim/simulator.js';
import { optionsFromSeed } from '../../src/sim/options.js';
import { explore } from '../../src/sim/explore.js';
import { replayTraceText } from '../../src/trace/replay.js';
import { memoryTraceText } from '../../src/trace/write.js';
import { findVariant } from '../../src/variants.js';
import { budget } from '../support/budget.js';

const SEEDS = Array.from({ length: 12 }, (_, i) => 100 + i);
const firstViolation = (seed: number, variant: string) => new Simulation({ options: optionsFromSeed(seed, { variant }) }).run().violations[0];

describe('broken variants are caught by the sweep, the reference passes the same seeds', () => {
  it('kraft passes every seed of the sweep', () => {
    for (const seed of SEEDS) expect(firstViolation(seed, 'kraft'), `seed ${seed}`).toBeUndefined();
  });

  it('vote-without-log-check breaks QUORUM-COMMIT-1 (a leader without a committed record)', () => {
    const caught = SEEDS.map((seed) => firstViolation(seed, 'vote-without-log-check')).filter((v) => v !== undefined);
    expect(caught.length).toBeGreaterThan(0);
    expect(new Set(caught.map((v) => v.clauseId))).toEqual(new Set([findVariant('vote-without-log-check').breaks]));
  });

  it('vote-twice breaks QUORUM-VOTE-1 (a voter votes for two candidates in one epoch)', () => {
    const caught = SEEDS.map((seed) => firstViolation(seed, 'vote-twice')).filter((v) => v !== undefined);
    expect(caught.length).toBeGreaterThan(0);
    expect(new Set(caught.map((v) => v.clauseId))).toEqual(new Set(['QUORUM-VOTE-1']));
  });
});

describe('exploration finds and shrinks a counterexample for a broken variant, and none for kraft', () => {
  it('vote-without-log-check: a minimal fault schedule, written as a trace that replays', () => {
    const outcome = explore({ variant: 'vote-without-log-check', runs: 60, seed: 1, voters: 3 });
    expect(outcome.counterexample).not.toBeNull();
    const { faults, result } = outcome.counterexample!;
    expect(result.violations[0]?.clauseId).toBe('QUORUM-COMMIT-1');
    expect(faults.length).toBeLessThanOrEqual(3);
    const trace = memoryTraceText('quorum', result.trace ?? [], result.violations, true);
    expect(replayTraceText(trace)).toMatchObject({ identical: true });
  });

  it('kraft survives the same exploration', () => {
    const outcome = explore({ variant: 'kraft', runs: budget(20, 60), seed: 1, voters: 3 });
    expect(outcome.counterexample).toBeNull();
  });
});

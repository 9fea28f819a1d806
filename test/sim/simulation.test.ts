/**
 * The simulator's promises: the same seed gives the same trace, byte for byte (replay: test/trace/);
 * the reference protocol keeps every quorum clause over random seeds with faults.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation } from '../../src/sim/simulator.js';
import { optionsFromSeed } from '../../src/sim/options.js';
import { faultScheduleFromSeed } from '../../src/sim/faults.js';
import { reproduceOptions } from '../../src/sim/reproduce.js';
import { budget } from '../support/budget.js';

const traceText = (seed: number, variant = 'kraft'): string => {
  const result = new Simulation({ options: optionsFromSeed(seed, { variant }), recordTrace: true }).run();
  return (result.trace ?? []).map((l) => JSON.stringify(l)).join('\n');
};

describe('determinism', () => {
  it('the same seed gives an identical trace', () => {
    for (const seed of [3, 11]) expect(traceText(seed)).toBe(traceText(seed));
  });

  it('different seeds give different runs', () => {
    expect(traceText(3)).not.toBe(traceText(4));
  });

  it('options and fault schedules derive from the seed alone', () => {
    expect(optionsFromSeed(99)).toEqual(optionsFromSeed(99));
    expect(faultScheduleFromSeed(optionsFromSeed(99))).toEqual(faultScheduleFromSeed(optionsFromSeed(99)));
  });
});

describe('the KRaft quorum keeps every clause under faults (property over random seeds)', () => {
  it('random seeds with crashes, partitions, pauses, clock skew, loss, duplication and reordering', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const result = new Simulation({ options: optionsFromSeed(seed) }).run();
        if (result.violations.length > 0) {
          const v = result.violations[0]!;
          throw new Error(`seed ${seed} violates ${v.clauseId} at step ${v.step}: ${v.message}\nreproduce with: ${reproduceOptions('quorum', result.options)}`);
        }
        expect(result.convergedAtMs).not.toBeNull();
      }),
      { numRuns: budget(40, 100), seed: Number(process.env['KSPEC_PROPERTY_SEED'] ?? 20261124) },
    );
  });

  it('a run makes progress: proposals are acknowledged', () => {
    const result = new Simulation({ options: optionsFromSeed(12) }).run();
    expect(result.history.filter((h) => h.type === 'ok').length).toBeGreaterThan(10);
  });
});

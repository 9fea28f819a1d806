/**
 * The sweep alone catches the known-broken brokers of issue 18: each variant below, run on a seed
 * known to catch it, breaks the clause it names. (The reference passes these seeds in the sweep;
 * `npx kspec sweep --variant NAME --seeds 100` gives the counts.) Seeds are picked for a short run.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';
import { findVariant } from '../../src/variants.js';

function clausesBroken(variant: string, seed: number): string[] {
  const result = new ClusterSimulation({ options: clusterOptionsFromSeed(seed, { variant }) }).run();
  return [...new Set(result.violations.map((v) => v.clauseId))];
}

describe('broken brokers the sweep catches on its own', () => {
  it('producer-state-one-batch: a retry of a batch the leader holds is answered OUT_OF_ORDER_SEQUENCE_NUMBER (PROD-DEDUP-1)', () => {
    expect(clausesBroken('producer-state-one-batch', 5)).toContain(findVariant('producer-state-one-batch').breaks);
  }, 60_000);

  it('no-generation-bump: a classic join phase completes without a new generation (CG-GEN-1)', () => {
    expect(clausesBroken('no-generation-bump', 10)).toContain(findVariant('no-generation-bump').breaks);
  }, 60_000);
});

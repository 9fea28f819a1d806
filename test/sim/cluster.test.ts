/**
 * The replication simulator: determinism, a short property sweep over random seeds with every
 * fault, the clauses catching a historical variant, and unclean election reported as allowed loss.
 * Long sweeps run behind `npx kspec sweep` (REPL-LIVE-1 and the history clauses are judged there
 * for thousands of seeds).
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';
import { clusterExploreOptions } from '../../src/sim/cluster/run.js';
import { reproduceOptions } from '../../src/sim/reproduce.js';
import { budget } from '../support/budget.js';

const SWEEP_SEEDS = budget(4, 16, 'KSPEC_TEST_CLUSTER_SEEDS');

describe('replication simulator', () => {
  it('is deterministic: the same seed gives the same trace', () => {
    const run = () => new ClusterSimulation({ options: clusterOptionsFromSeed(5), recordTrace: true }).run();
    const a = run();
    const b = run();
    expect(a.steps).toBe(b.steps);
    expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
    expect(a.steps).toBeGreaterThan(1000);
  });

  it(`property: ${SWEEP_SEEDS} random seeds with crashes, partitions, pauses, loss and clock skew hold every replication clause`, () => {
    for (let seed = 1000; seed < 1000 + SWEEP_SEEDS; seed++) {
      const result = new ClusterSimulation({ options: clusterOptionsFromSeed(seed) }).run();
      const first = result.violations[0];
      // A failure names the seed and the command that reproduces it.
      expect(first === undefined ? 'ok' : `${first.clauseId}: ${first.message}; reproduce with: ${reproduceOptions('replication', result.options)}`).toBe('ok');
      expect(result.convergedAtMs).not.toBeNull();
      expect(result.produced.acked).toBeGreaterThan(0);
      expect(result.consumedRecords).toBeGreaterThan(0);
    }
  }, 120_000);

  it('REPL-HW-1 catches truncate-to-high-watermark on the explored counterexample; the current protocol passes it', () => {
    const faults = [{ atMs: 2712, fault: { kind: 'crash' as const, node: 1 } }];
    const broken = new ClusterSimulation({ options: clusterExploreOptions(990218, 'truncate-to-high-watermark'), faults }).run();
    expect(broken.violations[0]?.clauseId).toBe('REPL-HW-1');
    const fixed = new ClusterSimulation({ options: clusterExploreOptions(990218, 'kraft'), faults }).run();
    expect(fixed.violations).toEqual([]);
  });

  it('with unclean leader election on, losses appear as allowed lost writes and break no clause (seed 96)', () => {
    const result = new ClusterSimulation({ options: clusterOptionsFromSeed(96, { unclean: true }) }).run();
    expect(result.violations).toEqual([]);
    expect(result.allowedLostWrites.length).toBeGreaterThan(0);
    const strict = new ClusterSimulation({ options: clusterOptionsFromSeed(96) }).run();
    expect(strict.violations).toEqual([]);
    expect(strict.allowedLostWrites).toEqual([]);
  });
});

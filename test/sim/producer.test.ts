/**
 * The producer machine inside the cluster simulation: with idempotence (Kafka's default) random
 * seeds with every fault hold PROD-IDEM-1/2; with idempotence off (acks=all, retries, 5 in flight)
 * the same checks find duplicates and reordering — why idempotence exists. The long version of
 * both is `npx kspec sweep --seeds N [--no-idempotence]`.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';
import { reproduceOptions } from '../../src/sim/reproduce.js';
import { budget } from '../support/budget.js';

const SEEDS = budget(2, 8, 'KSPEC_TEST_PRODUCER_SEEDS');

describe('producer machine in the cluster simulation', () => {
  it(`property: ${SEEDS} random seeds with faults, written by the idempotent producer, hold every clause`, () => {
    let acked = 0;
    for (let seed = 2000; seed < 2000 + SEEDS; seed++) {
      const result = new ClusterSimulation({ options: clusterOptionsFromSeed(seed, { producer: 'idempotent' }) }).run();
      const first = result.violations[0];
      expect(first === undefined ? 'ok' : `${first.clauseId}: ${first.message}; reproduce with: ${reproduceOptions('replication', result.options)}`).toBe('ok');
      expect(result.producerFindings.duplicates + result.producerFindings.reorders).toBe(0);
      acked += result.produced.acked;
    }
    expect(acked).toBeGreaterThan(SEEDS * 100);
  }, 120_000);

  it('without idempotence the same kind of seeds break PROD-IDEM-1 (duplicates) and PROD-IDEM-2 (reordering)', () => {
    const clauses = new Set<string>();
    let duplicates = 0;
    let reorders = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = new ClusterSimulation({ options: clusterOptionsFromSeed(seed, { producer: 'plain' }) }).run();
      for (const v of result.violations) clauses.add(v.clauseId);
      duplicates += result.producerFindings.duplicates;
      reorders += result.producerFindings.reorders;
      // Nothing else breaks: the anomalies are the producer's, not the replication protocol's.
      expect(result.violations.filter((v) => !v.clauseId.startsWith('PROD-IDEM'))).toEqual([]);
      expect(result.producerFindings.allowedDuplicates + result.producerFindings.allowedReorders).toBe(0);
    }
    expect(clauses).toEqual(new Set(['PROD-IDEM-1', 'PROD-IDEM-2']));
    expect(duplicates).toBeGreaterThan(0);
    expect(reorders).toBeGreaterThan(0);
  }, 120_000);

  it('is deterministic with the producer machine: the same seed gives the same trace', () => {
    const run = () => new ClusterSimulation({ options: clusterOptionsFromSeed(7, { producer: 'idempotent', maxSteps: 15_000 }), recordTrace: true }).run();
    expect(JSON.stringify(run().trace)).toBe(JSON.stringify(run().trace));
  });
});

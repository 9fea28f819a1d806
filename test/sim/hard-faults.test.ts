/**
 * Faults the random schedule never draws (issue 18 items 6 and 7): a broker lost for good stays
 * down through healing, and the rest of the cluster must still converge and take writes.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterExploreOptions } from '../../src/sim/cluster/run.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';
import { lostBrokerFaults, withHardFaults } from '../../src/sim/cluster/hard-faults.js';

describe('a broker lost for good', () => {
  it('the seed draws it for about a fifth of the seeds with faults, after the topic exists, and never without faults', () => {
    const drawn = Array.from({ length: 200 }, (_, i) => clusterOptionsFromSeed(i + 1)).filter((o) => lostBrokerFaults(o).length > 0);
    expect(drawn.length).toBeGreaterThan(20);
    expect(drawn.length).toBeLessThan(60);
    for (const o of drawn) {
      expect(o.faults.meanIntervalMs).toBeGreaterThan(0);
      expect(lostBrokerFaults(o)[0]!.atMs).toBeGreaterThanOrEqual(5_000);
    }
    const schedule = withHardFaults(drawn[0]!, [{ atMs: 0, fault: { kind: 'heal' } }, { atMs: 99_999, fault: { kind: 'heal' } }]);
    expect(schedule.map((f) => f.atMs)).toEqual([...schedule.map((f) => f.atMs)].sort((a, b) => a - b));
  });

  it('half the time it is lost as the last ISR member: the others crash first and restart at the moment it is lost', () => {
    const patterned = Array.from({ length: 100 }, (_, i) => clusterOptionsFromSeed(i + 1)).map((o) => ({ o, faults: lostBrokerFaults(o) })).filter(({ faults }) => faults.length > 1);
    expect(patterned.length).toBeGreaterThan(2);
    for (const { o, faults } of patterned) {
      const lost = faults.find((f) => f.fault.kind === 'crash-for-good')!;
      const node = (lost.fault as { node: number }).node;
      const others = Array.from({ length: o.brokers }, (_, i) => i + 1).filter((b) => b !== node);
      expect(faults.filter((f) => f.fault.kind === 'crash').map((f) => [(f.fault as { node: number }).node, f.atMs])).toEqual(others.map((b) => [b, lost.atMs - 3_000]));
      expect(faults.filter((f) => f.fault.kind === 'restart').map((f) => [(f.fault as { node: number }).node, f.atMs])).toEqual(others.map((b) => [b, lost.atMs]));
    }
  });

  it('stays down through healing; the others elect, shrink the ISR to themselves and acknowledge writes (REPL-LIVE-1, REPL-LIVE-2)', () => {
    const options = { ...clusterExploreOptions(7, 'kraft'), safetyPhaseMs: 8_000 };
    const simulation = new ClusterSimulation({ options, faults: [{ atMs: 4_000, fault: { kind: 'crash-for-good', node: 1 } }, { atMs: 6_000, fault: { kind: 'restart', node: 1 } }] });
    const result = simulation.run();
    expect(result.violations).toEqual([]);
    expect(result.convergedAtMs).not.toBeNull();
    const partition = simulation.view().partitions.get('user_activity-0');
    expect(partition?.isr).not.toContain(1);
    expect(partition?.leader).toBeGreaterThan(1);
  }, 30_000);
});

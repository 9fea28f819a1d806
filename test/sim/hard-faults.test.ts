/**
 * Faults the random schedule never draws (issue 18 items 6 and 7): a broker lost for good stays
 * down through healing, and the rest of the cluster must still converge and take writes.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterExploreOptions } from '../../src/sim/cluster/run.js';
import { clusterOptionsFromSeed } from '../../src/sim/cluster/options.js';
import { lastIsrMemberCrashFaults, lostBrokerFaults, withHardFaults } from '../../src/sim/cluster/hard-faults.js';
import { zombiePlan, zombieVictims } from '../../src/sim/cluster/zombies.js';

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

describe('the last ISR member crashes (and comes back)', () => {
  const seeds = Array.from({ length: 100 }, (_, i) => clusterOptionsFromSeed(i + 1));
  it('a fair share of the seeds with faults draw it, never with a broker lost for good: the others go down 3 s before it and are back when it crashes', () => {
    const drawn = seeds.filter((o) => lastIsrMemberCrashFaults(o).length > 0);
    expect(drawn.length).toBeGreaterThan(15);
    for (const o of drawn) {
      const faults = lastIsrMemberCrashFaults(o);
      const crashes = faults.filter((f) => f.fault.kind === 'crash');
      const last = crashes.at(-1)!;
      const node = (last.fault as { node: number }).node;
      const others = Array.from({ length: o.brokers }, (_, i) => i + 1).filter((b) => b !== node);
      expect(crashes.slice(0, -1).map((f) => [(f.fault as { node: number }).node, f.atMs])).toEqual(others.map((b) => [b, last.atMs - 3_000]));
      const restarts = faults.filter((f) => f.fault.kind === 'restart').map((f) => [(f.fault as { node: number }).node, f.atMs - last.atMs]);
      expect(restarts.slice(0, -1)).toEqual(others.map((b) => [b, 0]));
      expect(restarts.at(-1)![0]).toBe(node);
      expect(restarts.at(-1)![1]).toBeGreaterThanOrEqual(2_000);
      expect(restarts.at(-1)![1]).toBeLessThanOrEqual(4_000);
    }
    for (const o of seeds.filter((s) => lostBrokerFaults(s).length > 0)) expect(withHardFaults(o, []).some((f) => f.fault.kind === 'crash-for-good')).toBe(true);
    expect(seeds.filter((o) => lostBrokerFaults(o).length > 0 && withHardFaults(o, []).filter((f) => f.fault.kind === 'restart').length > o.brokers - 1)).toEqual([]);
  });
});

describe('zombie consumers', () => {
  it('most group seeds pause one consumer or all of them past the session timeout, after the group formed and waking before the safety phase ends', () => {
    const withGroup = Array.from({ length: 100 }, (_, i) => clusterOptionsFromSeed(i + 1)).filter((o) => o.group !== null);
    const planned = withGroup.map((o) => ({ o, plan: zombiePlan(o, 1_500) })).filter(({ plan }) => plan !== null);
    expect(planned.length).toBeGreaterThan(withGroup.length / 2);
    expect(planned.some(({ plan }) => plan!.wholeHost)).toBe(true);
    expect(planned.some(({ plan }) => !plan!.wholeHost)).toBe(true);
    for (const { o, plan } of planned) {
      expect(plan!.pauseMs).toBeGreaterThan(1_500);
      expect(plan!.atMs).toBeGreaterThanOrEqual(5_000);
      expect(plan!.atMs + plan!.pauseMs).toBeLessThanOrEqual(o.safetyPhaseMs);
    }
  });

  it('a lone zombie is a consumer that holds partitions when it stops; a whole host stops every consumer', () => {
    const lone = { atMs: 6_000, pauseMs: 2_000, wholeHost: false };
    // Consumer 91 owns nothing (3 consumers, 1 partition): a pick among all would often choose it.
    for (const pick of [0, 0.4, 0.99]) expect(zombieVictims({ ...lone, pick }, [91, 92, 93], [93])).toEqual([93]);
    expect(zombieVictims({ ...lone, pick: 0.99 }, [91, 92, 93], [92, 93])).toEqual([93]);
    expect(zombieVictims({ ...lone, pick: 0 }, [91, 92, 93], [92, 93])).toEqual([92]);
    expect(zombieVictims({ ...lone, pick: 0.5 }, [91, 92], [])).toEqual([91]);
    expect(zombieVictims({ ...lone, wholeHost: true, pick: 0.5 }, [91, 92, 93], [92])).toEqual([91, 92, 93]);
  });
});

/**
 * REPL-ACK-1's power-loss allowance: a lost acks=all write is explained only when every ISR
 * member lost power at one moment after the acknowledgement, with the write above its recovery point.
 */
import { describe, expect, it } from 'vitest';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterExploreOptions } from '../../src/sim/cluster/run.js';
import { PowerLossWatch } from '../../src/sim/cluster/power-loss.js';
import { checkDurability } from '../../spec/replication/clauses.js';
import type { ProduceOperation, ReplicationView } from '../../spec/replication/view.js';

const P = 'user_activity-0';
const note = (watch: PowerLossWatch, atMs: number, node: number, isr: number[], recoveryPoint: number): void => watch.note({ atMs, node, partitions: new Map([[P, { isr, recoveryPoint }]]) });

describe('PowerLossWatch', () => {
  it('explains a loss when the whole ISR lost power at once after the acknowledgement, above every recovery point', () => {
    const watch = new PowerLossWatch();
    note(watch, 100, 1, [1, 2], 5);
    note(watch, 100, 2, [1, 2], 3);
    expect(watch.allowance(P, 7, 90)).toMatch(/every ISR member \[1,2\] lost power at 100ms/);
    // Flushed on broker 1: its disk keeps offset 4.
    expect(watch.allowance(P, 4, 90)).toBeNull();
    // Acknowledged after the power loss: written again since.
    expect(watch.allowance(P, 7, 110)).toBeNull();
  });

  it('does not explain it when one ISR member kept its page cache (it lost power at another moment, or not at all)', () => {
    const watch = new PowerLossWatch();
    note(watch, 100, 1, [1, 2], 0);
    note(watch, 200, 2, [1, 2], 0);
    expect(watch.allowance(P, 7, 90)).toBeNull();
    const single = new PowerLossWatch();
    note(single, 100, 1, [1], 0);
    expect(single.allowance(P, 7, 90)).toMatch(/\[1\]/);
  });

  it('checkDurability files an explained loss as allowed, with its reason, and the rest as violations', () => {
    const view = {
      partitions: new Map([[P, { key: P, replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 1, partitionEpoch: 1 }]]),
      replicas: [{ broker: 1, key: P, role: 'Leader', leaderEpoch: 1, isr: [1, 2], highWatermark: 0, logStartOffset: 0, logEndOffset: 0 }],
      fencedBrokers: [], registeredBrokers: [1, 2], uncleanPartitions: new Set<string>(), recordAt: () => undefined, logEndOffsetOf: () => 0, elections: [], uncleanElectionEnabled: () => false,
    } as ReplicationView;
    const acked = (value: string, offset: number, time: number): ProduceOperation => ({ type: 'ok', key: 'k', value, partition: P, acks: -1, time, offset });
    const result = checkDurability([acked('a', 0, 50), acked('b', 1, 150)], [], view, (_p, _o, ackedAtMs) => (ackedAtMs < 100 ? 'power' : null));
    expect(result.lost.map((l) => [l.value, l.allowed, l.reason ?? null])).toEqual([['a', true, 'power'], ['b', false, null]]);
    expect(result.acked.anomalies).toHaveLength(1);
  });

  it('a follower that loses power and restarts at once passes every clause: REPL-HW-1 knows it may sit in the ISR below the high watermark (it failed before)', () => {
    const options = { ...clusterExploreOptions(7, 'kraft'), safetyPhaseMs: 8_000 };
    const simulation = new ClusterSimulation({ options, faults: [{ atMs: 4_000, fault: { kind: 'power-loss', node: 2 } }, { atMs: 4_300, fault: { kind: 'restart', node: 2 } }] });
    const result = simulation.run();
    expect(result.violations).toEqual([]);
    expect(result.produced.acked).toBeGreaterThan(100);
    expect(result.allowedLostWrites).toEqual([]);
  }, 60_000);
});

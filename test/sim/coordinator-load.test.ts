/**
 * Loading as a state (issue 13): a broker that becomes leader of a __consumer_offsets partition
 * replays it before it serves its groups (CoordinatorRuntime.scheduleLoadOperation), and answers
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile. In the simulator: crash the coordinator; the consumers find
 * the new one while it loads, are told so, back off and retry on it (AbstractCoordinator), and the
 * group goes on there in its generation.
 */
import { describe, expect, it } from 'vitest';
import { clusterOptionsFromSeed, type GroupSpec } from '../../src/sim/cluster/options.js';
import { ClusterSimulation, simulatedGroupCoordinatorConfig } from '../../src/sim/cluster/simulation.js';
import { defaultBrokerConfig } from '../../src/machines/broker/machine.js';
import type { ClusterTraceStep } from '../../src/sim/cluster/simulation.js';

/** A partition slow to replay (a large __consumer_offsets partition): the consumers' heartbeats find it loading. */
const LOAD_MS = 600;

function failover() {
  const base = clusterOptionsFromSeed(1, { brokers: 3, controllers: 1, producer: 'raw', group: null });
  const options = {
    ...base,
    topic: { name: 'user_activity', partitions: 2, replicationFactor: 3, configs: { 'min.insync.replicas': '1' } },
    network: { delayMinMs: 2, delayMeanMs: 3, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
  };
  const sim = new ClusterSimulation({
    options, faults: [], scripted: true, recordTrace: true,
    brokerConfig: { ...defaultBrokerConfig, offsetsTopicNumPartitions: 1, offsetsTopicReplicationFactor: 3 },
    groupCoordinatorConfig: { ...simulatedGroupCoordinatorConfig, offsetsTopicNumPartitions: 1, shardLoadBaseMs: LOAD_MS },
  });
  sim.runUntil(20_000, () => sim.view().registeredBrokers.length === 3 && sim.view().fencedBrokers.length === 0);
  sim.clientOp('create');
  sim.runUntil(sim.now + 2_000);
  const group: GroupSpec = { groupId: 'readers', consumers: 2, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: false, pollIntervalMs: 100 };
  sim.startConsumer(91, group, 100);
  sim.startConsumer(92, group, 100);
  sim.runUntil(sim.now + 5_000);
  const before = sim.groupsView().shards[0];
  const crashedAtMs = sim.now;
  sim.injectFault({ kind: 'crash', node: before?.broker as number });
  sim.runUntil(sim.now + 5_000);
  const loadInProgress = (sim.trace ?? []).filter((s): s is ClusterTraceStep => s.kind === 'step' && s.time > crashedAtMs && JSON.stringify(s.input).includes('COORDINATOR_LOAD_IN_PROGRESS'));
  return { sim, before, after: sim.groupsView().shards[0], loadInProgress };
}

describe('a coordinator loading its partition', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS to the consumers that find it early; they retry on it and the group carries on there', () => {
    const { sim, before, after, loadInProgress } = failover();
    expect(before?.classic[0]?.state).toBe('Stable');
    expect(loadInProgress.length).toBeGreaterThan(0);
    expect(after?.broker).not.toBe(before?.broker);
    expect(after?.classic[0]).toMatchObject({ state: 'Stable', generationId: before?.classic[0]?.generationId });
    sim.finish();
    expect(sim.violations).toEqual([]);
  }, 60_000);
});

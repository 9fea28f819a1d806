/**
 * The node layer driven by the simulator: the actor host's outputs, the nodes' crash/restart
 * durability, and a regression of the simulator's fault mapping (healing restarted a crashed
 * consumer process as if it were a broker).
 */
import { describe, expect, it } from 'vitest';
import { Actor, RecordingSink } from '../../src/cluster/actor-host.js';
import { createQuorumMachine, defaultQuorumConfig } from '../../src/machines/quorum/index.js';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed, type GroupSpec } from '../../src/sim/cluster/options.js';
import { route } from '../../src/cluster/router.js';

const group: GroupSpec = { groupId: 'readers', consumers: 1, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: 1, consumerCrashes: false, pollIntervalMs: 100 };

describe('the actor host', () => {
  it('turns a quorum voter\'s start into a timer request with an id, and its timeout into a Vote to each peer', () => {
    const sink = new RecordingSink();
    const actor = Actor.start('quorum', createQuorumMachine(), { nodeId: 1, voters: [1, 2, 3], config: defaultQuorumConfig, randomSeed: 7 }, sink);
    expect(actor.state).toBe('Unattached');
    const [election] = sink.scheduled;
    expect(election?.delayMs).toBeGreaterThanOrEqual(defaultQuorumConfig.electionTimeoutMs);
    sink.clear();
    actor.step({ ...(election?.event ?? { type: 'none' }), from: 1, nowMs: election?.delayMs ?? 0 }, sink);
    expect(actor.state).toBe('Candidate');
    const votes = sink.effects.filter((e) => e.type === 'send' && (e['message'] as { type: string }).type === 'VoteRequest').map((e) => e['to']);
    expect(votes.sort()).toEqual([2, 3]);
  });
});

describe('the router', () => {
  it('sends group requests to a broker\'s coordinator and never to a controller', () => {
    const heartbeat = { type: 'Heartbeat' } as never;
    expect(route('broker', () => false, heartbeat)).toBe('coordinator');
    expect(route('controller', () => true, heartbeat)).toBeNull();
  });

  it('sends a partition request to the replica the node hosts, else to the broker to refuse it', () => {
    const fetch = { type: 'Fetch', topic: 't', topicId: 'T', partition: 2 } as never;
    expect(route('broker', (a) => a === 'replica:t-2', fetch)).toBe('replica:t-2');
    expect(route('broker', () => false, fetch)).toBe('broker');
    expect(route('controller', () => false, fetch)).toBeNull();
  });
});

describe('crash and restart through the node layer', () => {
  it('regression: healing the cluster while a consumer process is down does not start Kafka machines on it; its own restart brings it back', () => {
    const options = clusterOptionsFromSeed(1, { brokers: 3, controllers: 1, producer: 'raw', group });
    const sim = new ClusterSimulation({ options, scripted: true });
    const consumer = 91;
    sim.startConsumer(consumer, group, 10);
    sim.runUntil(2_000);
    sim.crashConsumer(consumer);
    sim.injectFault({ kind: 'heal-all' });
    sim.runUntil(4_000);
    expect(sim.view().registeredBrokers).not.toContain(consumer);
    sim.restartConsumer(consumer);
    expect(sim.consumerRunning(consumer)).toBe(true);
  });

  it('a restarted broker keeps its partition logs and high watermarks (storage), and its replicas start from them', () => {
    const options = clusterOptionsFromSeed(2, { brokers: 3, controllers: 1, producer: 'raw', group: null });
    const sim = new ClusterSimulation({ options, faults: [] });
    sim.runUntil(6_000);
    const broker = sim.brokers[0] as number;
    const before = sim.view().replicas.filter((r) => r.broker === broker).map((r) => [r.key, r.logEndOffset] as const);
    expect(before.some(([, end]) => end > 0)).toBe(true);
    sim.injectFault({ kind: 'crash', node: broker });
    expect(sim.view().replicas.some((r) => r.broker === broker)).toBe(false);
    sim.injectFault({ kind: 'restart', node: broker });
    sim.runUntil(8_000);
    for (const [key, end] of before) expect(sim.logOf(broker, key)?.logEndOffset ?? 0, key).toBeGreaterThanOrEqual(end);
  });
});

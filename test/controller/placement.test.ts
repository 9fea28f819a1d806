/**
 * Replica placement (StripedReplicaPlacer's rules) and CreateTopics validation, with Kafka's
 * error names: TOPIC_ALREADY_EXISTS, INVALID_REPLICATION_FACTOR, INVALID_TOPIC_EXCEPTION,
 * INVALID_PARTITIONS.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { placeReplicas, type UsableBroker } from '../../src/machines/controller/placement.js';
import { checkCreateTopic } from '../../src/machines/controller/topics.js';

const brokersArb = fc
  .uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 40 }), rack: fc.constantFrom(null, 'a', 'b', 'c'), fenced: fc.boolean() }), { minLength: 1, maxLength: 9, selector: (b) => b.id })
  .filter((bs) => bs.some((b) => !b.fenced));

describe('replica placement', () => {
  it('no broker twice in a partition, the leader is unfenced, and replicas spread over racks', () => {
    fc.assert(
      fc.property(brokersArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (brokers, partitions, rf, seed) => {
        fc.pre(rf <= brokers.length);
        const result = placeReplicas(brokers, partitions, rf, seed >>> 0);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const byId = new Map(brokers.map((b) => [b.id, b]));
        expect(result.assignments).toHaveLength(partitions);
        for (const replicas of result.assignments) {
          expect(replicas).toHaveLength(rf);
          expect(new Set(replicas).size).toBe(rf);
          expect(byId.get(replicas[0]!)?.fenced).toBe(false);
          const racks = new Set(brokers.map((b) => b.rack));
          const usedRacks = new Set(replicas.map((id) => byId.get(id)!.rack));
          // Replicas take one rack each in turn: a partition spans as many racks as it can.
          expect(usedRacks.size).toBe(Math.min(rf, racks.size));
        }
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('spreads leaders evenly: with P = k·N partitions on N unfenced brokers in one rack, each leads k', () => {
    const brokers: UsableBroker[] = [1, 2, 3].map((id) => ({ id, rack: null, fenced: false }));
    const result = placeReplicas(brokers, 6, 3, 42);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const leaders = result.assignments.map((r) => r[0]);
    for (const id of [1, 2, 3]) expect(leaders.filter((l) => l === id)).toHaveLength(2);
  });

  it('is a pure function of its inputs and seed', () => {
    const brokers: UsableBroker[] = [1, 2, 3, 4].map((id) => ({ id, rack: id % 2 === 0 ? 'a' : 'b', fenced: false }));
    expect(placeReplicas(brokers, 8, 3, 5)).toEqual(placeReplicas(brokers, 8, 3, 5));
  });

  it('refuses what Kafka refuses, with INVALID_REPLICATION_FACTOR', () => {
    const brokers: UsableBroker[] = [{ id: 1, rack: null, fenced: false }, { id: 2, rack: null, fenced: true }];
    expect(placeReplicas(brokers, 1, 3, 1)).toMatchObject({ ok: false, error: 'INVALID_REPLICATION_FACTOR', message: expect.stringMatching(/only 2 broker\(s\) are registered/) });
    expect(placeReplicas(brokers, 1, 0, 1)).toMatchObject({ ok: false, error: 'INVALID_REPLICATION_FACTOR' });
    expect(placeReplicas([{ id: 1, rack: null, fenced: true }], 1, 1, 1)).toMatchObject({ ok: false, message: 'All brokers are currently fenced.' });
    // A fenced broker may hold a follower replica, never the leader.
    expect(placeReplicas(brokers, 4, 2, 1)).toMatchObject({ ok: true, assignments: [[1, 2], [1, 2], [1, 2], [1, 2]] });
  });
});

describe('CreateTopics validation', () => {
  it('accepts a legal topic and resolves defaults', () => {
    expect(checkCreateTopic({ name: 'user_activity', numPartitions: 6, replicationFactor: 3 }, [])).toEqual({ ok: true, numPartitions: 6, replicationFactor: 3 });
    expect(checkCreateTopic({ name: 't', numPartitions: -1, replicationFactor: -1 }, [])).toEqual({ ok: true, numPartitions: 1, replicationFactor: 1 });
  });

  it('refuses illegal names with INVALID_TOPIC_EXCEPTION', () => {
    for (const name of ['', '.', '..', 'a b', 'ünïcode', 'x'.repeat(250)]) {
      expect(checkCreateTopic({ name, numPartitions: 1, replicationFactor: 1 }, [])).toMatchObject({ ok: false, error: 'INVALID_TOPIC_EXCEPTION' });
    }
    expect(checkCreateTopic({ name: 'x'.repeat(249), numPartitions: 1, replicationFactor: 1 }, [])).toMatchObject({ ok: true });
  });

  it('refuses an existing topic with TOPIC_ALREADY_EXISTS and a colliding one with INVALID_TOPIC_EXCEPTION', () => {
    expect(checkCreateTopic({ name: 'a.b', numPartitions: 1, replicationFactor: 1 }, ['a.b'])).toMatchObject({ error: 'TOPIC_ALREADY_EXISTS' });
    expect(checkCreateTopic({ name: 'a.b', numPartitions: 1, replicationFactor: 1 }, ['a_b'])).toMatchObject({ error: 'INVALID_TOPIC_EXCEPTION', message: expect.stringMatching(/collides with existing topic: a_b/) });
  });

  it('refuses non-positive partitions and replication factors', () => {
    expect(checkCreateTopic({ name: 't', numPartitions: 0, replicationFactor: 1 }, [])).toMatchObject({ error: 'INVALID_PARTITIONS' });
    expect(checkCreateTopic({ name: 't', numPartitions: -2, replicationFactor: 1 }, [])).toMatchObject({ error: 'INVALID_PARTITIONS' });
    expect(checkCreateTopic({ name: 't', numPartitions: 1, replicationFactor: 0 }, [])).toMatchObject({ error: 'INVALID_REPLICATION_FACTOR' });
  });
});

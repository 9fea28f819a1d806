/**
 * The controller's partition changes: leader election from the ISR in replica order, fencing and
 * unfencing brokers, unclean election when a topic allows it, and AlterPartition's checks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyRecords, emptyImage, type MetadataImage } from '../../src/common/metadata-image.js';
import { NO_LEADER, type MetadataRecord } from '../../src/protocol/metadata/records.js';
import { alterPartition, balancePartitionLeaders, electLeader, fenceBroker, unfenceBroker } from '../../src/machines/controller/partition-change.js';

/** Brokers 1..3 unfenced, topic T with one partition on [1, 2, 3], leader 1, ISR [1, 2, 3]. */
function cluster(): MetadataImage {
  const records: MetadataRecord[] = [
    ...[1, 2, 3].map((brokerId) => ({ type: 'RegisterBrokerRecord' as const, brokerId, brokerEpoch: 10 + brokerId, rack: null, fenced: false })),
    { type: 'TopicRecord', name: 'orders', topicId: 'T' },
    { type: 'PartitionRecord', topicId: 'T', partitionId: 0, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, leaderEpoch: 0, partitionEpoch: 0 },
  ];
  return applyRecords(emptyImage, records);
}
const partitionOf = (image: MetadataImage) => image.topics['T']!.partitions[0]!;

describe('leader election and fencing', () => {
  it('fencing the leader elects the next ISR member in replica order and bumps both epochs', () => {
    const image = applyRecords(cluster(), fenceBroker(cluster(), 1));
    expect(partitionOf(image)).toEqual({ replicas: [1, 2, 3], isr: [2, 3], leader: 2, leaderEpoch: 1, partitionEpoch: 1 });
    expect(image.brokers['1']?.fenced).toBe(true);
  });

  it('fencing a follower shrinks the ISR without a new leader epoch', () => {
    const image = applyRecords(cluster(), fenceBroker(cluster(), 3));
    expect(partitionOf(image)).toMatchObject({ isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 1 });
  });

  it('the ISR never empties: the last member stays and the partition goes leaderless until it returns', () => {
    let image = cluster();
    for (const b of [3, 2, 1]) image = applyRecords(image, fenceBroker(image, b));
    expect(partitionOf(image)).toMatchObject({ isr: [1], leader: NO_LEADER });
    image = applyRecords(image, unfenceBroker(image, 2));
    expect(partitionOf(image)).toMatchObject({ isr: [1], leader: NO_LEADER });
    image = applyRecords(image, unfenceBroker(image, 1));
    expect(partitionOf(image)).toMatchObject({ isr: [1], leader: 1 });
  });

  it('unclean election, when the topic allows it, elects an out-of-sync replica and resets the ISR to it', () => {
    let image = cluster();
    for (const b of [3, 2, 1]) image = applyRecords(image, fenceBroker(image, b));
    image = applyRecords(image, unfenceBroker(image, 3, { uncleanLeaderElection: () => true }));
    expect(partitionOf(image)).toMatchObject({ isr: [3], leader: 3 });
    expect(electLeader({ partition: partitionOf(cluster()), targetIsr: [], usable: () => false, uncleanLeaderElection: true }).leader).toBe(NO_LEADER);
  });
});

describe('AlterPartition', () => {
  const request = { brokerId: 1, brokerEpoch: 11, topicId: 'T', partitionIndex: 0, leaderEpoch: 0, newIsr: [1, 2], partitionEpoch: 0 };

  it('writes the new ISR with the next partition epoch', () => {
    const result = alterPartition(cluster(), request);
    expect(result).toEqual({ error: 'NONE', record: { type: 'PartitionChangeRecord', topicId: 'T', partitionId: 0, isr: [1, 2], leader: -2 } });
    if (result.error === 'NONE' && result.record !== null) expect(partitionOf(applyRecords(cluster(), [result.record]))).toMatchObject({ isr: [1, 2], partitionEpoch: 1, leaderEpoch: 0 });
  });

  it('rejects as Kafka does, in Kafka\'s order', () => {
    const image = cluster();
    expect(alterPartition(image, { ...request, brokerEpoch: 99 })).toEqual({ error: 'STALE_BROKER_EPOCH' });
    expect(alterPartition(image, { ...request, partitionIndex: 7 })).toEqual({ error: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(alterPartition(image, { ...request, leaderEpoch: 1 })).toEqual({ error: 'NOT_CONTROLLER' });
    const moved = applyRecords(image, fenceBroker(image, 3));
    expect(alterPartition(moved, { ...request, partitionEpoch: 0 })).toEqual({ error: 'INVALID_UPDATE_VERSION' });
    const newLeader = applyRecords(image, fenceBroker(image, 1));
    expect(alterPartition(newLeader, { ...request, brokerId: 2, brokerEpoch: 12, partitionEpoch: 1 })).toEqual({ error: 'FENCED_LEADER_EPOCH' });
    expect(alterPartition(image, { ...request, brokerId: 2, brokerEpoch: 12 })).toEqual({ error: 'INVALID_REQUEST' });
    expect(alterPartition(image, { ...request, newIsr: [2, 3] })).toEqual({ error: 'INVALID_REQUEST' });
    expect(alterPartition(image, { ...request, newIsr: [1, 4] })).toEqual({ error: 'INVALID_REQUEST' });
    expect(alterPartition(moved, { ...request, partitionEpoch: 1, newIsr: [1, 2, 3] })).toEqual({ error: 'INELIGIBLE_REPLICA' });
  });

  it('KIP-903: an ISR member named with a broker epoch other than its registration\'s is INELIGIBLE_REPLICA; -1 is not checked', () => {
    const image = cluster();
    const withEpochs = (epochOf2: number) => ({ ...request, newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: 11 }, { brokerId: 2, brokerEpoch: epochOf2 }] });
    // Broker 2 restarted and registered again (epoch 12 → 40); the leader still saw its old incarnation's fetches.
    const restarted = applyRecords(image, [{ type: 'RegisterBrokerRecord', brokerId: 2, brokerEpoch: 40, rack: null, fenced: false }]);
    expect(alterPartition(restarted, withEpochs(12))).toEqual({ error: 'INELIGIBLE_REPLICA' });
    expect(alterPartition(restarted, withEpochs(40))).toMatchObject({ error: 'NONE' });
    expect(alterPartition(restarted, withEpochs(-1))).toMatchObject({ error: 'NONE' });
  });
});

describe('partition invariants under any sequence of fences, unfences and ISR changes', () => {
  it('leader in ISR (or none), ISR within replicas and never empty, epochs only grow, leaders unfenced', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('fence' as const), broker: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('unfence' as const), broker: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('alter' as const), isr: fc.subarray([1, 2, 3]) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.boolean(), (steps, unclean) => {
        let image = cluster();
        const policy = { uncleanLeaderElection: () => unclean };
        for (const s of steps) {
          const before = partitionOf(image);
          if (s.kind === 'fence') image = applyRecords(image, fenceBroker(image, s.broker, policy));
          else if (s.kind === 'unfence') image = applyRecords(image, unfenceBroker(image, s.broker, policy));
          else {
            const leader = image.brokers[String(before.leader)];
            const result = alterPartition(image, { brokerId: before.leader, brokerEpoch: leader?.brokerEpoch ?? -1, topicId: 'T', partitionIndex: 0, leaderEpoch: before.leaderEpoch, newIsr: s.isr, partitionEpoch: before.partitionEpoch });
            if (result.error === 'NONE' && result.record !== null) image = applyRecords(image, [result.record]);
          }
          const after = partitionOf(image);
          expect(after.isr.length).toBeGreaterThan(0);
          expect(after.isr.every((r) => after.replicas.includes(r))).toBe(true);
          if (after.leader !== NO_LEADER) {
            expect(after.isr).toContain(after.leader);
            expect(image.brokers[String(after.leader)]?.fenced).toBe(false);
          }
          expect(after.leaderEpoch).toBeGreaterThanOrEqual(before.leaderEpoch);
          expect(after.partitionEpoch).toBeGreaterThanOrEqual(before.partitionEpoch);
          if (after.leader !== before.leader) expect(after.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
        }
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('preferred leader election (auto.leader.rebalance.enable)', () => {
  /** Broker 1 was fenced (leadership moved to 2) and has come back; `rejoined` puts it back in the ISR. */
  function afterFailover(rejoined: boolean): MetadataImage {
    let image = applyRecords(cluster(), fenceBroker(cluster(), 1));
    image = applyRecords(image, unfenceBroker(image, 1));
    if (rejoined) image = applyRecords(image, [{ type: 'PartitionChangeRecord', topicId: 'T', partitionId: 0, isr: [2, 3, 1], leader: -2 }]);
    return image;
  }

  it('gives leadership back to the preferred replica once it is in the ISR, with a new leader epoch and the same ISR', () => {
    const image = afterFailover(true);
    const records = balancePartitionLeaders(image, 1_000);
    expect(records).toEqual([{ type: 'PartitionChangeRecord', topicId: 'T', partitionId: 0, isr: null, leader: 1 }]);
    expect(partitionOf(applyRecords(image, records))).toMatchObject({ leader: 1, isr: [2, 3, 1], leaderEpoch: 2 });
  });

  it('leaves the partition alone while the preferred replica is out of the ISR, fenced, or already leads', () => {
    expect(balancePartitionLeaders(afterFailover(false), 1_000)).toEqual([]);
    const rejoined = afterFailover(true);
    const fencedAgain = applyRecords(rejoined, [{ type: 'BrokerRegistrationChangeRecord', brokerId: 1, brokerEpoch: 11, fenced: 1 }]);
    expect(balancePartitionLeaders(fencedAgain, 1_000)).toEqual([]);
    expect(balancePartitionLeaders(cluster(), 1_000)).toEqual([]);
  });

  it('writes at most maxElections changes per pass', () => {
    expect(balancePartitionLeaders(afterFailover(true), 0)).toEqual([]);
  });
});

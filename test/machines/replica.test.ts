/**
 * The replica machine on its own, on the actor host as the nodes run it: a leader with two
 * followers, produce with each acks setting, fetch checks in Kafka's order, the high watermark,
 * ISR changes, and the follower's truncation on divergence.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HostedMachine } from '../support/hosted-machine.js';
import { createReplicaMachine, currentReplication, defaultReplicaConfig, recordTimestamps, type ReplicationVariant } from '../../src/machines/replica/machine.js';
import type { ReplicaEffect } from '../../src/machines/replica/effects.js';
import { followerTruncationOffset, isCaughtUp, leaderHighWatermark, updateFollowerFetchState } from '../../src/machines/replica/logic.js';
import { errorCode } from '../../src/protocol/errors.js';
import type { PartitionRegistration } from '../../src/protocol/metadata/records.js';

const address = { topic: 'user_activity', topicId: 'ua', partition: 0 };

function replica(brokerId: number, options: { variant?: ReplicationVariant; log?: { logStartOffset: number; logEndOffset: number; epochCache: { epoch: number; startOffset: number }[] }; hw?: number } = {}) {
  const host = new HostedMachine<ReturnType<typeof createReplicaMachine>, ReplicaEffect>(createReplicaMachine(), {
    brokerId, address, config: defaultReplicaConfig, variant: options.variant ?? currentReplication,
    log: { producers: {}, ...(options.log ?? { logStartOffset: 0, logEndOffset: 0, epochCache: [] }) }, highWatermarkCheckpoint: options.hw ?? 0,
  });
  let now = 0;
  const effects = (): ReplicaEffect[] => host.effects();
  const h = {
    get context() { return host.context; },
    get state() { return JSON.stringify(host.snapshot.value); },
    effects,
    sent: () => effects().flatMap((e) => (e.type === 'send' || e.type === 'send.controller' ? [e.message] : [])),
    timers: () => host.timers(),
    at(ms: number) { now = ms; return h; },
    send(event: Record<string, unknown>) {
      host.send({ from: 0, nowMs: now, ...event } as never);
      return h;
    },
    metadata(partition: Partial<PartitionRegistration>, minInsyncReplicas = 1) {
      return h.send({ type: 'PartitionMetadata', partition: { replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, leaderEpoch: 0, partitionEpoch: 0, ...partition }, brokerEpoch: 10, minInsyncReplicas, ineligible: [] });
    },
    produce(acks: number, correlationId = 1, values = ['a'], producer: { producerId?: number; producerEpoch?: number; baseSequence?: number } = {}) {
      return h.send({ type: 'Produce', ...address, from: 99, correlationId, acks, timeoutMs: 1000, records: values.map((v) => ({ key: 'k', value: v })), ...producer });
    },
    fetch(replicaId: number, fetchOffset: number, extra: Record<string, unknown> = {}) {
      return h.send({ type: 'Fetch', ...address, from: replicaId < 0 ? 99 : replicaId, correlationId: 5, replicaId, replicaEpoch: 1, currentLeaderEpoch: 0, fetchOffset, lastFetchedEpoch: -1, logStartOffset: 0, ...extra });
    },
  };
  return h;
}

const produceAnswers = (h: ReturnType<typeof replica>) => h.sent().filter((m) => m.type === 'ProduceResponse') as { errorCode: number; baseOffset: number }[];

describe('replica machine: the leader', () => {
  it('becomes leader on metadata naming it, and records where its epoch starts', () => {
    const h = replica(1).metadata({});
    expect(h.state).toMatch(/Leader/);
    expect(h.effects()).toContainEqual({ type: 'log.assignEpochStartOffset', epoch: 0, offset: 0 });
  });

  it('acks=1 answers after the leader append; acks=0 never answers; other acks are INVALID_REQUIRED_ACKS', () => {
    const h = replica(1).metadata({});
    h.produce(1);
    expect(h.effects().some((e) => e.type === 'log.append')).toBe(true);
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: 0, baseOffset: 0 })]);
    h.produce(0, 2);
    expect(h.effects().some((e) => e.type === 'log.append')).toBe(true);
    expect(produceAnswers(h)).toEqual([]);
    h.produce(2, 3);
    expect(h.effects().some((e) => e.type === 'log.append')).toBe(false);
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('INVALID_REQUIRED_ACKS'));
  });

  it('acks=all is refused with NOT_ENOUGH_REPLICAS before appending when the ISR is under min.insync.replicas', () => {
    const h = replica(1).metadata({ isr: [1] }, 2);
    h.produce(-1);
    expect(h.effects().some((e) => e.type === 'log.append')).toBe(false);
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('NOT_ENOUGH_REPLICAS'));
  });

  it('acks=all is answered only once every ISR follower has fetched past the batch (high watermark)', () => {
    const h = replica(1).metadata({});
    h.produce(-1, 7, ['a', 'b']);
    expect(produceAnswers(h)).toEqual([]);
    h.fetch(2, 2);
    expect(produceAnswers(h)).toEqual([]);
    expect(h.context.highWatermark).toBe(0);
    h.fetch(3, 1);
    expect(h.context.highWatermark).toBe(1);
    expect(produceAnswers(h)).toEqual([]);
    h.fetch(3, 2);
    expect(h.context.highWatermark).toBe(2);
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: 0, baseOffset: 0 })]);
  });

  it('KAFKA-15583: an acks=all write whose ISR shrinks under min.insync.replicas waits with the frozen high watermark and times out (no NOT_ENOUGH_REPLICAS_AFTER_APPEND)', () => {
    const h = replica(1).metadata({}, 2);
    h.produce(-1, 7, ['a']);
    h.metadata({ isr: [1, 2], partitionEpoch: 1 }, 3);
    h.fetch(2, 1);
    h.fetch(3, 1);
    expect(h.context.highWatermark).toBe(0);
    expect(produceAnswers(h)).toEqual([]);
    h.send({ type: 'ProduceTimeout', client: 99, correlationId: 7 });
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: errorCode('REQUEST_TIMED_OUT') })]);
  });

  it('acks=all times out with REQUEST_TIMED_OUT when followers never fetch', () => {
    const h = replica(1).metadata({});
    h.produce(-1, 9);
    const timer = h.timers().find((t) => t.id.startsWith('produce-timeout'));
    expect(timer?.delayMs).toBe(1000);
    h.send(timer?.event as Record<string, unknown>);
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('REQUEST_TIMED_OUT'));
  });

  it('fences fetches by leader epoch: older → FENCED_LEADER_EPOCH, newer → UNKNOWN_LEADER_EPOCH', () => {
    const h = replica(1).metadata({ leaderEpoch: 3 });
    h.fetch(2, 0, { currentLeaderEpoch: 2 });
    expect(h.sent()[0]).toMatchObject({ type: 'FetchResponse', errorCode: errorCode('FENCED_LEADER_EPOCH') });
    h.fetch(2, 0, { currentLeaderEpoch: 4 });
    expect(h.sent()[0]).toMatchObject({ errorCode: errorCode('UNKNOWN_LEADER_EPOCH') });
  });

  it('answers a follower whose last fetched epoch ends earlier here with the diverging epoch, and no data', () => {
    // This log: epoch 0 at [0, 5), epoch 2 from 5; the follower has epoch 1 records up to offset 7.
    const h = replica(1, { log: { logStartOffset: 0, logEndOffset: 8, epochCache: [{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 5 }] } }).metadata({ leaderEpoch: 3 });
    h.fetch(2, 7, { currentLeaderEpoch: 3, lastFetchedEpoch: 1 });
    expect(h.sent()[0]).toMatchObject({ errorCode: 0, divergingEpoch: { epoch: 0, endOffset: 5 } });
    expect(h.effects()[0]).not.toHaveProperty('read');
  });

  it('Partition.readRecords: a follower fetch below the log start offset is OFFSET_OUT_OF_RANGE even when its epoch diverges', () => {
    // This log starts at 4: epoch 0 at [.., 5), epoch 2 from 5; the follower has epoch 1 records up to offset 3.
    const h = replica(1, { log: { logStartOffset: 4, logEndOffset: 8, epochCache: [{ epoch: 0, startOffset: 4 }, { epoch: 2, startOffset: 5 }] } }).metadata({ leaderEpoch: 3 });
    h.fetch(2, 3, { currentLeaderEpoch: 3, lastFetchedEpoch: 1 });
    expect(h.sent()[0]).toMatchObject({ errorCode: errorCode('OFFSET_OUT_OF_RANGE'), divergingEpoch: null });
  });

  it('Partition.followerReplicaOrThrow: a replica outside the assignment gets UNKNOWN_LEADER_EPOCH (NOT_LEADER_OR_FOLLOWER without a leader epoch)', () => {
    const h = replica(1).metadata({});
    h.fetch(4, 0, { currentLeaderEpoch: 0 });
    expect(h.sent()[0]).toMatchObject({ errorCode: errorCode('UNKNOWN_LEADER_EPOCH') });
    h.fetch(4, 0, { currentLeaderEpoch: -1 });
    expect(h.sent()[0]).toMatchObject({ errorCode: errorCode('NOT_LEADER_OR_FOLLOWER') });
  });

  it('consumers read up to the high watermark; outside [log start, log end] is OFFSET_OUT_OF_RANGE', () => {
    const h = replica(1).metadata({});
    h.produce(1, 1, ['a', 'b', 'c']);
    h.fetch(-1, 0);
    expect(h.effects()[0]).toMatchObject({ read: { fromOffset: 0, maxOffset: 0 } });
    h.fetch(-1, 4);
    expect(h.sent()[0]).toMatchObject({ errorCode: errorCode('OFFSET_OUT_OF_RANGE') });
  });

  it('proposes removing a follower that has not caught up within replica.lag.time.max.ms', () => {
    const h = replica(1).at(0).metadata({});
    h.produce(1, 1, ['a']);
    h.at(100).fetch(2, 1);
    h.at(100).fetch(3, 0);
    h.at(defaultReplicaConfig.replicaLagTimeMaxMs + 500);
    h.send({ type: 'xstate.after.isrCheckInterval.replica.Leader.Serving' });
    const alter = h.sent().find((m) => m.type === 'AlterPartition');
    expect(alter).toMatchObject({ newIsr: [1, 2], leaderEpoch: 0, partitionEpoch: 0 });
  });

  it('proposes adding a follower back once it reaches the high watermark and this epoch\'s start', () => {
    const h = replica(1).metadata({ isr: [1, 2] });
    h.produce(1, 1, ['a']);
    h.fetch(2, 1);
    expect(h.context.highWatermark).toBe(1);
    h.fetch(3, 1);
    expect(h.sent().find((m) => m.type === 'AlterPartition')).toMatchObject({ newIsr: [1, 2, 3] });
    expect(h.context.pendingIsr?.newIsr).toEqual([1, 2, 3]);
  });

  it('KIP-903: the ISR it proposes carries each member\'s broker epoch as its fetches gave it (-1 for one not heard from)', () => {
    const h = replica(1).metadata({ isr: [1, 2] });
    h.produce(1, 1, ['a']);
    h.fetch(3, 1, { replicaEpoch: 33 });
    expect(h.sent().find((m) => m.type === 'AlterPartition')).toMatchObject({
      newIsr: [1, 2, 3], newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: 10 }, { brokerId: 2, brokerEpoch: -1 }, { brokerId: 3, brokerEpoch: 33 }],
    });
  });

  it('KIP-903: a fetch from an older incarnation of a follower than one already heard from is NOT_LEADER_OR_FOLLOWER and moves nothing (Replica.updateFetchStateOrThrow)', () => {
    const h = replica(1).metadata({ isr: [1, 2] });
    h.produce(1, 1, ['a', 'b']);
    h.fetch(3, 0, { replicaEpoch: 40 });
    // A fetch sent by broker 3 before it restarted (epoch 31) arrives late, claiming the whole log.
    h.fetch(3, 2, { replicaEpoch: 31 });
    expect(h.sent()).toEqual([expect.objectContaining({ type: 'FetchResponse', errorCode: errorCode('NOT_LEADER_OR_FOLLOWER') })]);
    expect(h.context.followers['3']).toMatchObject({ logEndOffset: 0, brokerEpoch: 40 });
  });
});

describe('replica machine: record timestamps (log.message.timestamp.type, LogValidator)', () => {
  const appended = (h: ReturnType<typeof replica>) => h.effects().find((e) => e.type === 'log.append') as { batch: { maxTimestamp: number; records: { timestamp: number }[] } } | undefined;
  const produceAt = (h: ReturnType<typeof replica>, timestamps: number[]) => h.send({ type: 'Produce', ...address, from: 99, correlationId: 1, acks: 1, timeoutMs: 1000, records: timestamps.map((timestamp, i) => ({ key: 'k', value: `v${i}`, timestamp })) });

  it('CreateTime (the default) keeps the producer\'s timestamps; the batch\'s max timestamp is the largest of them', () => {
    const h = replica(1).metadata({}).at(50_000);
    produceAt(h, [10_000, 30_000, 20_000]);
    expect(appended(h)?.batch.records.map((r) => r.timestamp)).toEqual([10_000, 30_000, 20_000]);
    expect(appended(h)?.batch.maxTimestamp).toBe(30_000);
  });

  it('LogAppendTime writes the leader\'s clock into every record', () => {
    expect(recordTimestamps({ ...defaultReplicaConfig, messageTimestampType: 'LogAppendTime' }, [{ timestamp: 10 }, { timestamp: 20 }], 50_000)).toEqual([50_000, 50_000]);
  });

  it('a CreateTime further ahead than log.message.timestamp.after.max.ms (or behind than before.max.ms) is INVALID_TIMESTAMP, and nothing is appended', () => {
    const h = replica(1).metadata({}).at(50_000);
    produceAt(h, [50_000 + defaultReplicaConfig.messageTimestampAfterMaxMs + 1]);
    expect(h.effects().some((e) => e.type === 'log.append')).toBe(false);
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('INVALID_TIMESTAMP'));
    expect(recordTimestamps({ ...defaultReplicaConfig, messageTimestampBeforeMaxMs: 1_000 }, [{ timestamp: 48_999 }], 50_000)).toBe('INVALID_TIMESTAMP');
    expect(recordTimestamps({ ...defaultReplicaConfig, messageTimestampBeforeMaxMs: 1_000 }, [{ timestamp: 49_000 }], 50_000)).toEqual([49_000]);
  });
});

describe('replica machine: the high watermark waits for a follower about to join the ISR (Partition.maybeIncrementLeaderHW)', () => {
  // ISR [1]; follower 2's addition is pending, so follower 3, caught up too, cannot be proposed yet.
  function leaderWithPendingExpansion(ineligible: number[] = []) {
    const h = replica(1).at(10_000);
    h.send({ type: 'PartitionMetadata', partition: { replicas: [1, 2, 3], isr: [1], leader: 1, leaderEpoch: 0, partitionEpoch: 0 }, brokerEpoch: 10, minInsyncReplicas: 1, ineligible });
    h.fetch(2, 0);
    expect(h.context.pendingIsr?.newIsr).toEqual([1, 2]);
    h.fetch(3, 0);
    expect(h.context.pendingIsr?.newIsr).toEqual([1, 2]);
    h.produce(1, 1, ['a', 'b']);
    return h;
  }

  it('a caught-up, eligible follower outside the ISR holds the high watermark at its end', () => {
    const h = leaderWithPendingExpansion();
    h.fetch(2, 2);
    expect(h.context.highWatermark).toBe(0);
    h.fetch(3, 1);
    expect(h.context.highWatermark).toBe(1);
  });

  it('... but not once it has not caught up within replica.lag.time.max.ms', () => {
    const h = leaderWithPendingExpansion();
    h.at(10_000 + defaultReplicaConfig.replicaLagTimeMaxMs + 1).fetch(2, 2);
    expect(h.context.highWatermark).toBe(2);
  });

  it('... nor when it may not join the ISR (fenced)', () => {
    const h = leaderWithPendingExpansion([3]);
    h.fetch(2, 2);
    expect(h.context.highWatermark).toBe(2);
  });

  it('a follower outside the ISR that never fetched in this epoch does not hold it, even at simulated time 0', () => {
    const h = replica(1).at(0).metadata({ isr: [1, 2] });
    h.produce(1, 1, ['a']);
    h.fetch(2, 1);
    expect(h.context.highWatermark).toBe(1);
  });
});

describe('replica machine: AlterPartition answers', () => {
  it('regression (replication sweep, seeds 742, 888, 1344): INVALID_UPDATE_VERSION keeps the proposed ISR counting for the high watermark', () => {
    // The expansion may have been applied (a resend or duplicate of it is what came back stale):
    // dropping it would let the high watermark pass a replica the controller has in the ISR.
    const h = replica(1).metadata({ isr: [1] });
    h.produce(1, 1, ['a', 'b']);
    h.fetch(2, 2);
    const expand = h.sent().find((m) => m.type === 'AlterPartition') as { correlationId: number; newIsr: readonly number[] };
    expect(expand.newIsr).toEqual([1, 2]);
    h.produce(1, 2, ['c', 'd']);
    expect(h.context.highWatermark).toBe(2);
    h.send({ type: 'AlterPartitionResponse', ...address, correlationId: expand.correlationId, errorCode: errorCode('INVALID_UPDATE_VERSION'), leaderId: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1 });
    expect(h.context.pendingIsr?.newIsr).toEqual([1, 2]);
    expect(h.context.highWatermark).toBe(2);
    // Not resent: the partition moved on; metadata will settle it.
    h.at(10_000).send({ type: 'xstate.after.isrCheckInterval.replica.Leader.Serving' });
    expect(h.sent().filter((m) => m.type === 'AlterPartition')).toEqual([]);
    h.metadata({ isr: [1, 2], partitionEpoch: 1 });
  });

  function pendingExpansion() {
    const h = replica(1).metadata({ isr: [1], leaderEpoch: 2, partitionEpoch: 4 });
    h.produce(1, 1, ['a']);
    h.fetch(2, 1, { currentLeaderEpoch: 2 });
    const expand = h.sent().find((m) => m.type === 'AlterPartition') as { correlationId: number };
    expect(h.context.pendingIsr?.newIsr).toEqual([1, 2]);
    return { h, correlationId: expand.correlationId };
  }
  const answer = (correlationId: number, fields: Record<string, unknown>) => ({ type: 'AlterPartitionResponse', ...address, correlationId, errorCode: 0, leaderId: 1, leaderEpoch: 2, isr: [1, 2], partitionEpoch: 5, ...fields });

  it('Partition.handleAlterPartitionUpdate: a successful answer for another leader epoch, or an older partition epoch, is ignored and the change stays pending (not resent)', () => {
    for (const stale of [{ leaderEpoch: 1 }, { partitionEpoch: 3 }]) {
      const { h, correlationId } = pendingExpansion();
      h.send(answer(correlationId, stale));
      expect(h.context.pendingIsr?.newIsr).toEqual([1, 2]);
      expect(h.context.partition).toMatchObject({ isr: [1], partitionEpoch: 4 });
      h.at(10_000).send({ type: 'xstate.after.isrCheckInterval.replica.Leader.Serving' });
      expect(h.sent().filter((m) => m.type === 'AlterPartition')).toEqual([]);
    }
  });

  it('a successful answer with the same partition epoch (nothing to change) commits the answer\'s ISR', () => {
    const { h, correlationId } = pendingExpansion();
    h.send(answer(correlationId, { partitionEpoch: 4 }));
    expect(h.context.partition).toMatchObject({ isr: [1, 2], partitionEpoch: 4 });
  });

  it('INVALID_REQUEST is not resent: the leader waits for metadata (Partition.handleAlterPartitionError)', () => {
    const { h, correlationId } = pendingExpansion();
    h.send(answer(correlationId, { errorCode: errorCode('INVALID_REQUEST'), leaderId: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1 }));
    expect(h.context.pendingIsr?.newIsr).toEqual([1, 2]);
    h.at(10_000).send({ type: 'xstate.after.isrCheckInterval.replica.Leader.Serving' });
    expect(h.sent().filter((m) => m.type === 'AlterPartition')).toEqual([]);
  });

  it('INELIGIBLE_REPLICA: the change was not applied, back to the committed ISR', () => {
    const h = replica(1).metadata({ isr: [1] });
    h.produce(1, 1, ['a']);
    h.fetch(2, 1);
    const expand = h.sent().find((m) => m.type === 'AlterPartition') as { correlationId: number };
    h.produce(1, 2, ['b']);
    expect(h.context.highWatermark).toBe(1);
    // Answered after replica.lag.time.max.ms: follower 2 no longer counts as caught up, so nothing holds the high watermark.
    h.at(defaultReplicaConfig.replicaLagTimeMaxMs + 1);
    h.send({ type: 'AlterPartitionResponse', ...address, correlationId: expand.correlationId, errorCode: errorCode('INELIGIBLE_REPLICA'), leaderId: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1 });
    expect(h.context.highWatermark).toBe(2);
  });
});

describe('replica machine: the follower', () => {
  it('fetches from the leader with its leader epoch and last fetched epoch', () => {
    const h = replica(2, { log: { logStartOffset: 0, logEndOffset: 4, epochCache: [{ epoch: 1, startOffset: 0 }] } }).metadata({ leader: 1, leaderEpoch: 2 });
    expect(h.sent()[0]).toMatchObject({ type: 'Fetch', fetchOffset: 4, currentLeaderEpoch: 2, lastFetchedEpoch: 1, replicaId: 2 });
  });

  it('truncates on a diverging epoch, waits for the log to report, then fetches from the new end', () => {
    const h = replica(2, { log: { logStartOffset: 0, logEndOffset: 8, epochCache: [{ epoch: 0, startOffset: 0 }, { epoch: 1, startOffset: 5 }] } }).metadata({ leader: 1, leaderEpoch: 2 });
    const correlationId = (h.sent()[0] as { correlationId: number }).correlationId;
    h.send({ type: 'FetchResponse', ...address, from: 1, correlationId, errorCode: 0, highWatermark: 5, logStartOffset: 0, logEndOffset: 9, divergingEpoch: { epoch: 0, endOffset: 5 }, currentLeader: null, batches: [] });
    expect(h.effects()).toEqual([{ type: 'log.truncate', toOffset: 5 }]);
    expect(h.state).toMatch(/Truncating/);
    h.send({ type: 'LogState', logStartOffset: 0, logEndOffset: 5, epochCache: [{ epoch: 0, startOffset: 0 }], producers: {} });
    expect(h.sent()[0]).toMatchObject({ type: 'Fetch', fetchOffset: 5, lastFetchedEpoch: 0 });
  });

  it('before KIP-101 (variant), truncates to its own high watermark on becoming follower', () => {
    const h = replica(2, { variant: { truncation: 'high-watermark', epochFencing: false }, hw: 3, log: { logStartOffset: 0, logEndOffset: 8, epochCache: [{ epoch: 0, startOffset: 0 }] } }).metadata({ leader: 1, leaderEpoch: 1 });
    expect(h.effects()).toContainEqual({ type: 'log.truncate', toOffset: 3 });
  });

  it('REPL-RET-1 regression (reference seed 136): a new leader\'s lagging high watermark never takes a follower\'s below its own log start (UnifiedLog.updateHighWatermark)', () => {
    const h = replica(3, { hw: 106, log: { logStartOffset: 106, logEndOffset: 124, epochCache: [{ epoch: 3, startOffset: 0 }] } }).metadata({ leader: 1, leaderEpoch: 4 });
    const correlationId = (h.sent()[0] as { correlationId: number }).correlationId;
    h.send({ type: 'FetchResponse', ...address, from: 1, correlationId, errorCode: 0, highWatermark: 103, logStartOffset: 100, logEndOffset: 124, divergingEpoch: null, currentLeader: null, batches: [] });
    expect(h.context.highWatermark).toBe(106);
    expect(h.context.log.logStartOffset).toBe(106);
  });

  it('UnifiedLog.maybeIncrementLogStartOffset: a follower takes the leader\'s log start offset only up to its own high watermark', () => {
    const h = replica(3, { log: { logStartOffset: 0, logEndOffset: 20, epochCache: [{ epoch: 0, startOffset: 0 }] } }).metadata({ leader: 1, leaderEpoch: 1 });
    const correlationId = (h.sent()[0] as { correlationId: number }).correlationId;
    h.send({ type: 'FetchResponse', ...address, from: 1, correlationId, errorCode: 0, highWatermark: 12, logStartOffset: 15, logEndOffset: 30, divergingEpoch: null, currentLeader: null, batches: [] });
    expect(h.context.highWatermark).toBe(12);
    expect(h.context.log.logStartOffset).toBe(12);
    expect(h.effects()).toContainEqual({ type: 'log.raiseLogStartOffset', offset: 12 });
  });

  it('AbstractFetcherThread.fetchOffsetAndTruncate: OFFSET_OUT_OF_RANGE from a leader whose log ends below this one truncates to the leader\'s end, even below this log\'s start (regression: reference seed 128)', () => {
    // The leader lost power and restarted with an empty log; this follower's records had all been deleted by
    // retention (log [18, 18)). Kafka truncates to the leader's end, 0, and UnifiedLog.truncateTo starts the log over
    // there; stopping at this log's start kept it asking for offset 18 for ever, outside the ISR.
    const h = replica(3, { hw: 18, log: { logStartOffset: 18, logEndOffset: 18, epochCache: [] } }).metadata({ leader: 2, leaderEpoch: 3, isr: [2] });
    const correlationId = (h.sent()[0] as { correlationId: number }).correlationId;
    h.send({ type: 'FetchResponse', ...address, from: 2, correlationId, errorCode: errorCode('OFFSET_OUT_OF_RANGE'), highWatermark: 0, logStartOffset: 0, logEndOffset: 0, divergingEpoch: null, currentLeader: null, batches: [] });
    expect(h.effects()).toEqual([{ type: 'log.truncate', toOffset: 0 }]);
    h.send({ type: 'LogState', logStartOffset: 0, logEndOffset: 0, epochCache: [], producers: {} });
    expect(h.sent()[0]).toMatchObject({ type: 'Fetch', fetchOffset: 0, logStartOffset: 0 });
    expect(h.context.highWatermark).toBe(0);
  });

  it('OFFSET_OUT_OF_RANGE below the leader\'s log start: start over at the leader\'s log start', () => {
    const h = replica(3, { log: { logStartOffset: 0, logEndOffset: 5, epochCache: [{ epoch: 0, startOffset: 0 }] } }).metadata({ leader: 1, leaderEpoch: 1 });
    const correlationId = (h.sent()[0] as { correlationId: number }).correlationId;
    h.send({ type: 'FetchResponse', ...address, from: 1, correlationId, errorCode: errorCode('OFFSET_OUT_OF_RANGE'), highWatermark: 40, logStartOffset: 30, logEndOffset: 40, divergingEpoch: null, currentLeader: null, batches: [] });
    expect(h.effects()).toEqual([{ type: 'log.truncateFullyAndStartAt', offset: 30 }]);
  });

  it('a produce to a follower is NOT_LEADER_OR_FOLLOWER', () => {
    const h = replica(2).metadata({ leader: 1 });
    h.produce(-1);
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('NOT_LEADER_OR_FOLLOWER'));
  });
});

describe('replication rules as functions', () => {
  it('a follower is caught up at the leader\'s end or within the lag time', () => {
    let state = updateFollowerFetchState(undefined, 5, 1000, 5);
    expect(state.lastCaughtUpTimeMs).toBe(1000);
    state = updateFollowerFetchState(state, 5, 2000, 9);
    expect(state.lastCaughtUpTimeMs).toBe(1000);
    state = updateFollowerFetchState(state, 9, 2500, 12);
    // At or past where the leader ended at the previous fetch: caught up as of that fetch.
    expect(state.lastCaughtUpTimeMs).toBe(2000);
    expect(isCaughtUp(state, 12, 4000, 3000)).toBe(true);
    expect(isCaughtUp(state, 12, 5001, 3000)).toBe(false);
  });

  it('the high watermark is the smallest end offset in the maximal ISR, never lower, held under min ISR', () => {
    const followers = { '2': { logEndOffset: 7, lastCaughtUpTimeMs: 0, lastFetchTimeMs: 0, lastFetchLeaderLogEndOffset: 0, brokerEpoch: -1 }, '3': { logEndOffset: -1, lastCaughtUpTimeMs: 0, lastFetchTimeMs: 0, lastFetchLeaderLogEndOffset: 0, brokerEpoch: -1 } };
    const base = { highWatermark: 4, leaderLogEndOffset: 9, leaderId: 1, replicas: [1, 2, 3], isrSize: 2, effectiveMinIsr: 1, followers, nowMs: 10_000, replicaLagTimeMaxMs: 3_000, isIsrEligible: () => true };
    expect(leaderHighWatermark({ ...base, maximalIsr: [1, 2] })).toBe(7);
    expect(leaderHighWatermark({ ...base, maximalIsr: [1, 2, 3] })).toBe(4);
    expect(leaderHighWatermark({ ...base, maximalIsr: [1, 2], effectiveMinIsr: 3 })).toBe(4);
  });

  it('property: the high watermark never exceeds the leader\'s end nor any known ISR end, and never decreases', () => {
    fc.assert(fc.property(fc.nat(50), fc.nat(50), fc.array(fc.integer({ min: -1, max: 60 }), { maxLength: 4 }), (hw, extra, ends) => {
      const leaderEnd = hw + extra;
      const followers = Object.fromEntries(ends.map((e, i) => [String(i + 2), { logEndOffset: e, lastCaughtUpTimeMs: 0, lastFetchTimeMs: 0, lastFetchLeaderLogEndOffset: 0, brokerEpoch: -1 }]));
      const isr = [1, ...ends.map((_, i) => i + 2)];
      const next = leaderHighWatermark({ highWatermark: hw, leaderLogEndOffset: leaderEnd, leaderId: 1, replicas: isr, maximalIsr: isr, isrSize: isr.length, effectiveMinIsr: 1, followers, nowMs: 0, replicaLagTimeMaxMs: 3_000, isIsrEligible: () => true });
      expect(next).toBeGreaterThanOrEqual(hw);
      if (next > hw) {
        expect(next).toBeLessThanOrEqual(leaderEnd);
        for (const e of ends) expect(next).toBeLessThanOrEqual(e);
      }
    }));
  });

  it('truncation for a diverging epoch: the same epoch here → the smaller end; an older one → this log\'s end of it, and ask again', () => {
    const cache = [{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 5 }, { epoch: 3, startOffset: 8 }];
    expect(followerTruncationOffset(cache, 10, 4, { epoch: 2, endOffset: 7 })).toEqual({ offset: 7, done: true, nextEpoch: -1 });
    expect(followerTruncationOffset(cache, 10, 4, { epoch: 1, endOffset: 6 })).toEqual({ offset: 5, done: false, nextEpoch: 0 });
    expect(followerTruncationOffset(cache, 10, 4, { epoch: -1, endOffset: -1 })).toEqual({ offset: 4, done: true, nextEpoch: -1 });
  });
});

describe('replica machine: idempotent produce (protocol-rules A.3)', () => {
  const pid = (producerEpoch: number, baseSequence: number) => ({ producerId: 4000, producerEpoch, baseSequence });

  it('the leader answers a retried batch with its original offset and appends nothing; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch INVALID_PRODUCER_EPOCH', () => {
    const h = replica(1).metadata({ isr: [1] });
    h.produce(1, 1, ['a', 'b'], pid(0, 0));
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: 0, baseOffset: 0 })]);
    h.produce(1, 2, ['c'], pid(0, 2));
    h.produce(1, 3, ['a', 'b'], pid(0, 0));
    expect(h.effects().some((e) => e.type === 'log.append')).toBe(false);
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: 0, baseOffset: 0 })]);
    expect(h.context.log.logEndOffset).toBe(3);
    h.produce(1, 4, ['e'], pid(0, 5));
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    h.produce(1, 5, ['f'], pid(1, 0));
    expect(produceAnswers(h)[0]).toMatchObject({ errorCode: 0, baseOffset: 3 });
    h.produce(1, 6, ['c'], pid(0, 2));
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('INVALID_PRODUCER_EPOCH'));
    expect(h.context.log.logEndOffset).toBe(4);
  });

  it('retention keeps the producer state: a retry of a batch retention deleted is still a duplicate, and a gap still OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const h = replica(1).metadata({ isr: [1] });
    h.produce(1, 1, ['a', 'b'], pid(0, 0));
    // Retention deleted the producer's only batch (ProducerStateManager.onLogStartOffsetIncremented evicts no producer).
    h.send({ type: 'LogState', logStartOffset: 2, logEndOffset: 2, epochCache: [{ epoch: 0, startOffset: 0 }] });
    expect(h.context.log.producers['4000']?.batches).toEqual([expect.objectContaining({ firstSeq: 0, lastSeq: 1, firstOffset: 0, lastOffset: 1 })]);
    h.produce(1, 2, ['a', 'b'], pid(0, 0));
    expect(h.effects().some((e) => e.type === 'log.append')).toBe(false);
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: 0, baseOffset: 0 })]);
    h.produce(1, 3, ['e'], pid(0, 5));
    expect(produceAnswers(h)[0]?.errorCode).toBe(errorCode('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    h.produce(1, 4, ['c'], pid(0, 2));
    expect(produceAnswers(h)[0]).toMatchObject({ errorCode: 0, baseOffset: 2 });
  });

  it('an acks=all duplicate waits, like the original, until the high watermark passes it', () => {
    const h = replica(1).metadata({ isr: [1, 2] });
    h.produce(-1, 1, ['a'], pid(0, 0));
    h.produce(-1, 2, ['a'], pid(0, 0));
    expect(produceAnswers(h)).toEqual([]);
    h.fetch(2, 1, { currentLeaderEpoch: 0 });
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: 0, baseOffset: 0 }), expect.objectContaining({ errorCode: 0, baseOffset: 0 })]);
  });

  it('a follower folds replicated batches into its producer state, so after failover it dedupes as the old leader did', () => {
    const h = replica(2).metadata({ leader: 1, leaderEpoch: 0 });
    const batch = { baseOffset: 0, lastOffsetDelta: 1, partitionLeaderEpoch: 0, ...pid(0, 0), maxTimestamp: 1, records: [{ offsetDelta: 0, timestamp: 1, key: 'k', value: 'a' }, { offsetDelta: 1, timestamp: 1, key: 'k', value: 'b' }] };
    h.send({ type: 'FetchResponse', ...address, from: 1, correlationId: h.context.fetchCorrelationId, errorCode: 0, highWatermark: 0, logStartOffset: 0, logEndOffset: 2, divergingEpoch: null, currentLeader: null, batches: [batch] });
    expect(h.context.log.producers['4000']?.batches).toEqual([{ firstSeq: 0, lastSeq: 1, firstOffset: 0, lastOffset: 1, timestamp: 1 }]);
    h.metadata({ leader: 2, leaderEpoch: 1, isr: [2] });
    h.produce(1, 7, ['a', 'b'], pid(0, 0));
    expect(produceAnswers(h)).toEqual([expect.objectContaining({ errorCode: 0, baseOffset: 0 })]);
    expect(h.context.log.logEndOffset).toBe(2);
  });
});

describe('replica machine: the leader holds a follower fetch that would bring nothing (DelayedFetch)', () => {
  type Answer = { type: string; correlationId: number; errorCode: number; highWatermark: number };
  const fetchAnswers = (h: ReturnType<typeof replica>) =>
    h.effects().flatMap((e) => (e.type === 'send' && e.message.type === 'FetchResponse' ? [{ to: e.to, message: e.message as unknown as Answer, read: e.read }] : []));
  const holdTimer = (h: ReturnType<typeof replica>) => h.timers().find((a) => String(a.id).startsWith('delayed-fetch/'));

  it('a follower fetch at the log end is held, then answered with the records as soon as a write is appended', () => {
    const h = replica(1).metadata({});
    h.fetch(2, 0, { correlationId: 41 });
    expect(fetchAnswers(h)).toEqual([]);
    expect(holdTimer(h)?.delayMs).toBe(defaultReplicaConfig.fetchWaitMaxMs);
    h.at(3).produce(-1, 7, ['a', 'b']);
    expect(fetchAnswers(h)).toEqual([{ to: 2, message: expect.objectContaining({ correlationId: 41, errorCode: 0 }), read: { fromOffset: 0, maxOffset: 2 } }]);
    expect(h.context.delayedFetches).toEqual([]);
    // Answered once: its expiry finds nothing held.
    expect((h.send({ type: 'DelayedFetchExpired', replicaId: 2, correlationId: 41 }), fetchAnswers(h))).toEqual([]);
  });

  it('a held fetch is answered empty, with the high watermark as it is then, when replica.fetch.wait.max.ms runs out', () => {
    const h = replica(1).metadata({});
    h.produce(1, 1, ['a']);
    h.fetch(2, 1, { correlationId: 42 });
    h.fetch(3, 1, { correlationId: 43 });
    expect(fetchAnswers(h)).toEqual([]);
    expect(h.context.highWatermark).toBe(1);
    const timer = holdTimer(h);
    h.at(100).send(timer?.event as Record<string, unknown>);
    expect(fetchAnswers(h)).toEqual([{ to: 3, message: expect.objectContaining({ correlationId: 43, errorCode: 0, highWatermark: 1 }), read: { fromOffset: 1, maxOffset: 1 } }]);
    expect(h.context.delayedFetches.map((f) => f.request.correlationId)).toEqual([42]);
  });

  it('consumer fetches are not held here (the client gateway holds them); a follower fetch behind the log end is answered at once', () => {
    const h = replica(1).metadata({});
    h.fetch(-1, 0);
    expect(fetchAnswers(h)).toHaveLength(1);
    h.produce(1, 1, ['a']);
    h.fetch(2, 0);
    expect(fetchAnswers(h)).toEqual([expect.objectContaining({ read: { fromOffset: 0, maxOffset: 1 } })]);
  });

  it('a new leader epoch answers held fetches at once: FENCED_LEADER_EPOCH (Case E), and NOT_LEADER_OR_FOLLOWER-class errors when leadership moves (Case A)', () => {
    const h = replica(1).metadata({});
    h.fetch(2, 0, { correlationId: 44 });
    h.metadata({ leaderEpoch: 1, partitionEpoch: 1 });
    expect(fetchAnswers(h)).toEqual([expect.objectContaining({ message: expect.objectContaining({ correlationId: 44, errorCode: errorCode('FENCED_LEADER_EPOCH') }) })]);
    h.fetch(3, 0, { correlationId: 45, currentLeaderEpoch: 1 });
    h.metadata({ leader: 2, leaderEpoch: 2, partitionEpoch: 2 });
    expect(h.state).toMatch(/Follower/);
    expect(fetchAnswers(h)).toEqual([expect.objectContaining({ message: expect.objectContaining({ correlationId: 45, errorCode: errorCode('FENCED_LEADER_EPOCH') }) })]);
    expect(h.context.delayedFetches).toEqual([]);
  });

  it('the follower fetches again at once after an empty answer (no fixed wait: the leader held it)', () => {
    const h = replica(2, { log: { logStartOffset: 0, logEndOffset: 4, epochCache: [{ epoch: 0, startOffset: 0 }] } }).metadata({ leader: 1, leaderEpoch: 0 });
    const correlationId = (h.sent()[0] as { correlationId: number }).correlationId;
    h.send({ type: 'FetchResponse', ...address, from: 1, correlationId, errorCode: 0, highWatermark: 4, logStartOffset: 0, logEndOffset: 4, divergingEpoch: null, currentLeader: null, batches: [] });
    expect(h.sent()).toEqual([expect.objectContaining({ type: 'Fetch', fetchOffset: 4, correlationId: correlationId + 1 })]);
    expect(h.context.highWatermark).toBe(4);
  });

  it('property: every follower fetch is answered exactly once, and an empty answer without error only when its hold expires', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('fetch' as const), replica: fc.constantFrom(2, 3) }),
      fc.record({ kind: fc.constant('produce' as const), count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('expire' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('bump' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const h = replica(1).metadata({});
      let epoch = 0;
      let correlationId = 100;
      const asked = new Set<number>();
      const answered = new Map<number, number>();
      let timers: Record<string, unknown>[] = [];
      const collect = (expiring: number | null) => {
        for (const a of fetchAnswers(h)) {
          const id = a.message.correlationId;
          answered.set(id, (answered.get(id) ?? 0) + 1);
          const empty = a.message.errorCode === 0 && a.read !== undefined && a.read.fromOffset === a.read.maxOffset;
          if (empty) expect(id).toBe(expiring);
        }
        timers.push(...h.timers().filter((t) => String(t.id).startsWith('delayed-fetch/')).map((t) => t.event as Record<string, unknown>));
      };
      for (const o of ops) {
        if (o.kind === 'fetch') {
          correlationId += 1;
          asked.add(correlationId);
          h.fetch(o.replica, h.context.log.logEndOffset, { correlationId, currentLeaderEpoch: epoch });
          collect(null);
        } else if (o.kind === 'produce') {
          h.produce(1, 1, Array.from({ length: o.count }, (_, i) => `v${i}`));
          collect(null);
        } else if (o.kind === 'bump') {
          epoch += 1;
          h.metadata({ leaderEpoch: epoch, partitionEpoch: epoch });
          collect(null);
        } else if (timers.length > 0) {
          const [timer] = timers.splice(o.pick % timers.length, 1);
          h.send(timer as Record<string, unknown>);
          const id = (timer as { correlationId: number }).correlationId;
          collect(id);
        }
      }
      for (const timer of timers) {
        h.send(timer);
        collect((timer as { correlationId: number }).correlationId);
      }
      timers = [];
      for (const id of asked) expect(answered.get(id)).toBe(1);
      expect(h.context.delayedFetches).toEqual([]);
    }), { numRuns: 80 });
  });
});

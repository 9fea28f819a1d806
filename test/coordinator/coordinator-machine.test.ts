/**
 * The group coordinator machine on the actor host, end to end through the shard machines it hosts:
 * the runtime's write rule (answers held until the high watermark passes every write so far),
 * loading a partition's records after a failover, and the refusals (NOT_COORDINATOR for a
 * partition this broker does not lead, a failed append, a write past offsets.commit.timeout.ms).
 * The shard machine's own states are tested in coordinator-shard-machine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HostedMachine } from '../support/hosted-machine.js';
import { createCoordinatorMachine, type CoordinatorEffect } from '../../src/machines/coordinator/machine.js';
import { defaultGroupCoordinatorConfig } from '../../src/machines/group/shard.js';
import { encodeGroupRecord } from '../../src/protocol/groups/records.js';
import { partitionFor } from '../../src/common/partition-for.js';
import { errorCode } from '../../src/protocol/errors.js';
import type { GroupResponse, OffsetCommitRequest, OffsetFetchRequest } from '../../src/protocol/groups/messages.js';

const config = { ...defaultGroupCoordinatorConfig, offsetsTopicNumPartitions: 3 };
const GROUP = 'readers';
const PARTITION = partitionFor(GROUP, 3);

function coordinator() {
  const host = new HostedMachine<ReturnType<typeof createCoordinatorMachine>, CoordinatorEffect>(createCoordinatorMachine(), { brokerId: 1, config, randomSeed: 7 });
  let now = 0;
  const h = {
    get context() { return host.context; },
    effects: () => host.effects(),
    answers: () => h.effects().flatMap((e) => (e.type === 'send' ? [e.message] : [])) as GroupResponse[],
    appends: () => h.effects().flatMap((e) => (e.type === 'coordinator.append' ? [e] : [])),
    timers: () => host.timers(),
    cancelled: () => host.cancelled(),
    at(ms: number) { now = ms; return h; },
    send(event: object) {
      host.send({ from: 91, nowMs: now, ...event } as never);
      return h;
    },
    /** LoadShard, then the loader's completion when its timer is due. */
    load(event: object) {
      h.send({ type: 'LoadShard', ...event });
      const done = h.timers().find((t) => String(t.id).endsWith('/load'));
      return h.at(now + (done?.delayMs ?? 0)).send(done?.event as object);
    },
  };
  h.send({ type: 'Topics', topics: [{ name: '__consumer_offsets', topicId: 'O', numPartitions: 3 }, { name: 't', topicId: 'T', numPartitions: 2 }] });
  return h;
}

const commit = (correlationId: number, offset: number): OffsetCommitRequest & { type: 'OffsetCommit' } => ({
  type: 'OffsetCommit', correlationId, groupId: GROUP, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
  partitions: [{ topic: 't', partition: 0, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: null }],
});
const fetch = (correlationId: number): OffsetFetchRequest => ({ type: 'OffsetFetch', correlationId, groupId: GROUP, memberId: null, memberEpoch: -1, partitions: [{ topic: 't', partition: 0 }], requireStable: false });

describe('group coordinator machine', () => {
  it('answers NOT_COORDINATOR for a group whose partition it has not loaded', () => {
    const c = coordinator().send(commit(1, 5));
    expect(c.answers()).toEqual([{ type: 'OffsetCommitResponse', correlationId: 1, partitions: [{ topic: 't', partition: 0, errorCode: errorCode('NOT_COORDINATOR') }] }]);
  });

  it('holds a commit\'s answer until the high watermark passes its record, and a later read until then too', () => {
    const c = coordinator().load({ partition: PARTITION, leaderEpoch: 0, records: [], logEndOffset: 0, highWatermark: 0 });
    c.at(100).send(commit(1, 5));
    expect(c.answers()).toEqual([]);
    const [append] = c.appends();
    expect(append?.records).toEqual([encodeGroupRecord({ type: 'OffsetCommit', group: GROUP, topic: 't', partition: 0, value: { offset: 5, leaderEpoch: 0, metadata: '', commitTimestamp: 100 } })]);
    c.send({ type: 'ProduceResponse', topic: '__consumer_offsets', topicId: 'O', partition: PARTITION, correlationId: append?.correlationId, errorCode: 0, baseOffset: 0, logStartOffset: 0 });
    expect(c.answers()).toEqual([]);
    c.send(fetch(2));
    expect(c.answers()).toEqual([]); // a request without records waits for the writes before it
    c.send({ type: 'HighWatermark', partition: PARTITION, highWatermark: 1 });
    expect(c.answers().map((a) => a.type)).toEqual(['OffsetCommitResponse', 'OffsetFetchResponse']);
    expect(c.answers()[1]).toMatchObject({ partitions: [{ committedOffset: 5, committedLeaderEpoch: 0, errorCode: 0 }] });
    c.send(fetch(3));
    expect(c.answers()).toHaveLength(1); // nothing outstanding: answered at once
  });

  it('a new coordinator replays the partition: committed offsets survive failover', () => {
    const record = encodeGroupRecord({ type: 'OffsetCommit', group: GROUP, topic: 't', partition: 0, value: { offset: 42, leaderEpoch: 3, metadata: 'm', commitTimestamp: 9 } });
    const c = coordinator().load({ partition: PARTITION, leaderEpoch: 2, records: [record], logEndOffset: 1, highWatermark: 0 });
    c.send(fetch(1));
    expect(c.answers()).toEqual([]); // loaded past the high watermark: reads wait until what was loaded is committed
    c.send({ type: 'HighWatermark', partition: PARTITION, highWatermark: 1 });
    expect(c.answers()[0]).toMatchObject({ type: 'OffsetFetchResponse', partitions: [{ committedOffset: 42, committedLeaderEpoch: 3, metadata: 'm' }] });
  });

  it('a failed local append drops the shard and answers NOT_COORDINATOR', () => {
    const c = coordinator().load({ partition: PARTITION, leaderEpoch: 0, records: [], logEndOffset: 0, highWatermark: 0 });
    c.send(commit(1, 5));
    const [append] = c.appends();
    c.send({ type: 'ProduceResponse', topic: '__consumer_offsets', topicId: 'O', partition: PARTITION, correlationId: append?.correlationId, errorCode: errorCode('NOT_LEADER_OR_FOLLOWER'), baseOffset: -1, logStartOffset: -1 });
    expect(c.answers()).toEqual([{ type: 'OffsetCommitResponse', correlationId: 1, partitions: [{ topic: 't', partition: 0, errorCode: errorCode('NOT_COORDINATOR') }] }]);
    expect(c.context.shards[PARTITION]).toBeUndefined();
  });

  it('a write not committed within offsets.commit.timeout.ms is answered COORDINATOR_NOT_AVAILABLE; its state stays', () => {
    const c = coordinator().load({ partition: PARTITION, leaderEpoch: 0, records: [], logEndOffset: 0, highWatermark: 0 });
    c.send(commit(1, 5));
    const timeout = c.timers().find((t) => t.id.includes('write/'));
    expect(timeout?.delayMs).toBe(config.offsetsCommitTimeoutMs);
    c.at(config.offsetsCommitTimeoutMs).send(timeout?.event as object);
    expect(c.answers()).toEqual([{ type: 'OffsetCommitResponse', correlationId: 1, partitions: [{ topic: 't', partition: 0, errorCode: errorCode('COORDINATOR_NOT_AVAILABLE') }] }]);
    expect(c.context.shards[PARTITION]?.state.offsets[GROUP]?.['t-0']?.offset).toBe(5);
  });

  it('an unload answers what it held with NOT_COORDINATOR', () => {
    const c = coordinator().load({ partition: PARTITION, leaderEpoch: 0, records: [], logEndOffset: 0, highWatermark: 0 });
    c.send(commit(1, 5)).send({ type: 'UnloadShard', partition: PARTITION });
    expect(c.answers()[0]).toMatchObject({ partitions: [{ errorCode: errorCode('NOT_COORDINATOR') }] });
  });

  describe('hosting the shard machines (loading: coordinator-shard-machine.test.ts)', () => {
    const record = encodeGroupRecord({ type: 'OffsetCommit', group: GROUP, topic: 't', partition: 0, value: { offset: 42, leaderEpoch: 3, metadata: 'm', commitTimestamp: 9 } });

    it('a loading shard answers its groups\' requests (COORDINATOR_LOAD_IN_PROGRESS); its timers are namespaced by partition and come back to it', () => {
      const c = coordinator().send({ type: 'LoadShard', partition: PARTITION, leaderEpoch: 2, records: [record], logEndOffset: 1, highWatermark: 1 });
      expect(c.context.shards[PARTITION]?.status).toBe('Loading');
      const done = c.timers().find((t) => t.id === `shard-${PARTITION}/load`);
      expect(done?.delayMs).toBeGreaterThan(0);
      c.send(fetch(1));
      expect(c.answers()).toEqual([expect.objectContaining({ type: 'OffsetFetchResponse', correlationId: 1, errorCode: errorCode('COORDINATOR_LOAD_IN_PROGRESS') })]);
      c.at(done?.delayMs ?? 0).send(done?.event as object);
      expect(c.context.shards[PARTITION]?.status).toBe('Active');
      c.send(commit(2, 5));
      expect(c.timers().map((t) => t.id)).toEqual([`shard-${PARTITION}/write/1`]);
    });

    it('an unload while loading drops the shard: its completion later is ignored', () => {
      const c = coordinator().send({ type: 'LoadShard', partition: PARTITION, leaderEpoch: 0, records: [], logEndOffset: 0, highWatermark: 0 });
      const done = c.timers().find((t) => String(t.id).endsWith('/load'));
      c.send({ type: 'UnloadShard', partition: PARTITION });
      expect(c.cancelled()).toEqual([`shard-${PARTITION}/load`]);
      expect(c.context.shards[PARTITION]).toBeUndefined();
      c.send(done?.event as object);
      expect(c.context.shards[PARTITION]).toBeUndefined();
      c.send(fetch(1));
      expect(c.answers()[0]).toMatchObject({ errorCode: errorCode('NOT_COORDINATOR') });
    });

    it('a second load of the partition replaces the first shard: the first load\'s completion is ignored', () => {
      const c = coordinator().send({ type: 'LoadShard', partition: PARTITION, leaderEpoch: 0, records: [], logEndOffset: 0, highWatermark: 0 });
      const first = c.timers().find((t) => String(t.id).endsWith('/load'));
      c.send({ type: 'LoadShard', partition: PARTITION, leaderEpoch: 1, records: [], logEndOffset: 0, highWatermark: 0 });
      expect(c.context.shards[PARTITION]).toMatchObject({ status: 'Loading', leaderEpoch: 1, loadId: 1 });
      c.send(first?.event as object);
      expect(c.context.shards[PARTITION]?.status).toBe('Loading');
      c.send(fetch(1));
      expect(c.answers()[0]).toMatchObject({ errorCode: errorCode('COORDINATOR_LOAD_IN_PROGRESS') });
    });
  });
});

/**
 * The coordinator shard machine (CoordinatorRuntime.CoordinatorContext with its CoordinatorState):
 * a shard refuses with COORDINATOR_LOAD_IN_PROGRESS while Loading and serves once the load
 * completes; a completion or group timer of another load is ignored; answers wait in the deferred
 * event queue until the high watermark passes their write and every write before; an unload (or a
 * failed local append) closes the shard and fails what waited with NOT_COORDINATOR. Stepped as the
 * coordinator hosts it (coordinator-shard-host.ts): plain JSON in, outputs in order out.
 */
import { describe, expect, it } from 'vitest';
import { loadCoordinatorShard, stepCoordinatorShard, type HostedShard, type ShardOutput, type ShardStep } from '../../src/machines/group/coordinator-shard-host.js';
import { shardLoadMs, type CoordinatorShardEventBody } from '../../src/machines/group/coordinator-shard-machine.js';
import { defaultGroupCoordinatorConfig, type ShardEnv } from '../../src/machines/group/shard.js';
import { encodeGroupRecord } from '../../src/protocol/groups/records.js';
import { errorCode } from '../../src/protocol/errors.js';
import type { GroupResponse, OffsetCommitRequest, OffsetFetchRequest } from '../../src/protocol/groups/messages.js';

const config = { ...defaultGroupCoordinatorConfig, offsetsTopicNumPartitions: 3 };
const PARTITION = 1;
const GROUP = 'readers';
const env = (nowMs = 0): ShardEnv => ({ nowMs, config, topics: { t: { name: 't', topicId: 'T', numPartitions: 2 } }, partition: PARTITION });
const committed = encodeGroupRecord({ type: 'OffsetCommit', group: GROUP, topic: 't', partition: 0, value: { offset: 42, leaderEpoch: 3, metadata: 'm', commitTimestamp: 9 } });

const commit = (correlationId: number, offset: number): OffsetCommitRequest & { from: number } => ({
  type: 'OffsetCommit', from: 91, correlationId, groupId: GROUP, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
  partitions: [{ topic: 't', partition: 0, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: null }],
});
const fetch = (correlationId: number): OffsetFetchRequest & { from: number } => ({
  type: 'OffsetFetch', from: 91, correlationId, groupId: GROUP, memberId: null, memberEpoch: -1, partitions: [{ topic: 't', partition: 0 }], requireStable: false,
});

/** One shard under test, stepped as its host steps it; each step's outputs are kept. */
function shard(load: { loadId?: number; records?: readonly { key: string; value: string | null }[]; logEndOffset?: number; highWatermark?: number } = {}) {
  let last: ShardStep = loadCoordinatorShard(
    { partition: PARTITION, loadId: load.loadId ?? 0, seed: 7, nextWriteId: 1 },
    { type: 'Load', leaderEpoch: 2, records: load.records ?? [], logEndOffset: load.logEndOffset ?? 0, highWatermark: load.highWatermark ?? 0, env: env() },
  );
  let hosted: HostedShard | null = last.shard;
  let nextWriteId = last.nextWriteId;
  const h = {
    get shard() { return hosted; },
    outputs: (): readonly ShardOutput[] => last.outputs,
    answers: () => last.outputs.flatMap((o) => (o.kind === 'effect' && o.effect.type === 'send' ? [o.effect.message] : [])) as GroupResponse[],
    appends: () => last.outputs.flatMap((o) => (o.kind === 'effect' && o.effect.type === 'coordinator.append' ? [o.effect] : [])),
    timer: (key: string) => last.outputs.find((o): o is Extract<ShardOutput, { kind: 'timer' }> => o.kind === 'timer' && o.key === key),
    cancels: () => last.outputs.flatMap((o) => (o.kind === 'cancel' ? [o.key] : [])),
    send(event: CoordinatorShardEventBody, nowMs = 0) {
      if (hosted === null) throw new Error('the shard is closed');
      last = stepCoordinatorShard(hosted, nextWriteId, { ...event, env: env(nowMs) });
      hosted = last.shard;
      nextWriteId = last.nextWriteId;
      return h;
    },
    /** The load's completion, as its timer delivers it. */
    complete() {
      return h.send({ type: 'LoadCompleted', loadId: hosted!.loadId });
    },
  };
  return h;
}

describe('coordinator shard machine: Loading (CoordinatorRuntime.scheduleLoadOperation)', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS until the replay completes, writes nothing, then serves what it replayed', () => {
    const s = shard({ records: [committed], logEndOffset: 1, highWatermark: 1 });
    expect(s.shard?.status).toBe('Loading');
    expect(s.timer('load')).toMatchObject({ delayMs: shardLoadMs(config, 1), event: { type: 'LoadCompleted', loadId: 0 } });
    s.send({ type: 'Request', request: fetch(1) });
    expect(s.answers()).toEqual([expect.objectContaining({ type: 'OffsetFetchResponse', correlationId: 1, errorCode: errorCode('COORDINATOR_LOAD_IN_PROGRESS') })]);
    s.send({ type: 'Request', request: commit(2, 5) });
    expect(s.answers()).toEqual([{ type: 'OffsetCommitResponse', correlationId: 2, partitions: [{ topic: 't', partition: 0, errorCode: errorCode('COORDINATOR_LOAD_IN_PROGRESS') }] }]);
    expect(s.appends()).toEqual([]);
    s.complete();
    expect(s.shard?.status).toBe('Active');
    s.send({ type: 'Request', request: fetch(3) });
    expect(s.answers()[0]).toMatchObject({ type: 'OffsetFetchResponse', correlationId: 3, errorCode: 0, partitions: [{ committedOffset: 42 }] });
  });

  it('a load takes longer the more records it replays', () => {
    const delayFor = (records: number): number | undefined => shard({ records: Array.from({ length: records }, () => committed), logEndOffset: records, highWatermark: records }).timer('load')?.delayMs;
    expect(delayFor(0)).toBe(config.shardLoadBaseMs);
    expect(delayFor(10_000)).toBeGreaterThan(delayFor(0) ?? Infinity);
  });

  it('a load completion of another load is ignored: the shard stays Loading', () => {
    const s = shard({ loadId: 4 });
    s.send({ type: 'LoadCompleted', loadId: 3 });
    expect(s.shard?.status).toBe('Loading');
    expect(s.outputs()).toEqual([]);
    s.send({ type: 'Request', request: fetch(1) });
    expect(s.answers()[0]).toMatchObject({ errorCode: errorCode('COORDINATOR_LOAD_IN_PROGRESS') });
  });

  it('an unload while loading closes the shard and cancels the load\'s completion', () => {
    const s = shard().send({ type: 'Unload' });
    expect(s.shard).toBeNull();
    expect(s.cancels()).toEqual(['load']);
  });
});

describe('coordinator shard machine: Active (the deferred event queue)', () => {
  it('a commit\'s answer waits until the high watermark passes its record; a later read waits behind it', () => {
    const s = shard().complete();
    s.send({ type: 'Request', request: commit(1, 5) }, 100);
    expect(s.answers()).toEqual([]);
    const [append] = s.appends();
    expect(append).toMatchObject({ partition: PARTITION, correlationId: 1 });
    expect(s.timer('write/1')).toMatchObject({ delayMs: config.offsetsCommitTimeoutMs, event: { type: 'WriteTimeout', loadId: 0, writeId: 1 } });
    s.send({ type: 'AppendCompleted', correlationId: 1, errorCode: 0, baseOffset: 0 });
    expect(s.answers()).toEqual([]);
    expect(s.shard?.lastWrittenOffset).toBe(1);
    s.send({ type: 'Request', request: fetch(2) });
    expect(s.answers()).toEqual([]); // a request without records waits for the writes before it
    expect(s.shard?.deferredEventQueue.map((d) => d.writeId)).toEqual([1, 2]);
    s.send({ type: 'HighWatermark', highWatermark: 1 });
    expect(s.answers().map((a) => a.type)).toEqual(['OffsetCommitResponse', 'OffsetFetchResponse']);
    expect(s.cancels()).toEqual(['write/1', 'write/2']);
    expect(s.shard?.deferredEventQueue).toEqual([]);
    s.send({ type: 'Request', request: fetch(3) });
    expect(s.answers()).toHaveLength(1); // nothing outstanding: answered at once
  });

  it('records loaded past the high watermark hold every answer until they are committed', () => {
    const s = shard({ records: [committed], logEndOffset: 1, highWatermark: 0 }).complete();
    s.send({ type: 'Request', request: fetch(1) });
    expect(s.answers()).toEqual([]);
    s.send({ type: 'HighWatermark', highWatermark: 1 });
    expect(s.answers()[0]).toMatchObject({ type: 'OffsetFetchResponse', partitions: [{ committedOffset: 42 }] });
  });

  it('a high watermark noted while loading counts once active', () => {
    const s = shard({ records: [committed], logEndOffset: 1, highWatermark: 0 });
    s.send({ type: 'HighWatermark', highWatermark: 1 }).complete();
    s.send({ type: 'Request', request: fetch(1) });
    expect(s.answers()[0]).toMatchObject({ type: 'OffsetFetchResponse', partitions: [{ committedOffset: 42 }] });
  });

  it('a write not committed within offsets.commit.timeout.ms is answered COORDINATOR_NOT_AVAILABLE; its state stays', () => {
    const s = shard().complete().send({ type: 'Request', request: commit(1, 5) });
    s.send({ type: 'WriteTimeout', loadId: 0, writeId: 1 }, config.offsetsCommitTimeoutMs);
    expect(s.answers()).toEqual([{ type: 'OffsetCommitResponse', correlationId: 1, partitions: [{ topic: 't', partition: 0, errorCode: errorCode('COORDINATOR_NOT_AVAILABLE') }] }]);
    expect(s.shard?.state.offsets[GROUP]?.['t-0']?.offset).toBe(5);
  });

  it('a timer of another load is ignored', () => {
    const s = shard({ loadId: 2 }).complete().send({ type: 'Request', request: commit(1, 5) });
    const before = s.shard;
    s.send({ type: 'WriteTimeout', loadId: 1, writeId: 1 });
    expect(s.outputs()).toEqual([]);
    s.send({ type: 'GroupTimerFired', loadId: 1, timer: { kind: 'classic.join', groupId: GROUP } });
    expect(s.outputs()).toEqual([]);
    expect(s.shard).toEqual(before);
  });

  it('an unload closes the shard: what waited is answered NOT_COORDINATOR and its write timers are cancelled', () => {
    const s = shard().complete().send({ type: 'Request', request: commit(1, 5) }).send({ type: 'Unload' });
    expect(s.shard).toBeNull();
    expect(s.answers()).toEqual([{ type: 'OffsetCommitResponse', correlationId: 1, partitions: [{ topic: 't', partition: 0, errorCode: errorCode('NOT_COORDINATOR') }] }]);
    expect(s.cancels()).toEqual(['write/1']);
  });

  it('a failed local append closes the shard with NOT_COORDINATOR; an answer to an append it does not wait for changes nothing', () => {
    const s = shard().complete().send({ type: 'Request', request: commit(1, 5) });
    s.send({ type: 'AppendCompleted', correlationId: 99, errorCode: errorCode('NOT_LEADER_OR_FOLLOWER'), baseOffset: -1 });
    expect(s.shard?.status).toBe('Active');
    expect(s.outputs()).toEqual([]);
    s.send({ type: 'AppendCompleted', correlationId: 1, errorCode: errorCode('NOT_LEADER_OR_FOLLOWER'), baseOffset: -1 });
    expect(s.shard).toBeNull();
    expect(s.answers()[0]).toMatchObject({ partitions: [{ errorCode: errorCode('NOT_COORDINATOR') }] });
  });
});

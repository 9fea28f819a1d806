/**
 * A broker's group coordinator (GroupCoordinatorService over CoordinatorRuntime): one shard per
 * partition of __consumer_offsets this broker leads. The shell tells it when the local replica of
 * such a partition becomes leader (LoadShard, with the partition's records: the new coordinator
 * replays them, CoordinatorLoaderImpl) or stops leading (UnloadShard), and every advance of the
 * partition's high watermark.
 *
 * The runtime's write rule: a request's rules change the shard's state at once and return records;
 * the records are appended to the partition as a local write (acks=1), and the request's answer is
 * held until the high watermark has passed them — and passed everything written before, even when
 * the request wrote nothing (the deferred event queue). A client therefore never hears of a state
 * change that a failover could lose. An answer held past offsets.commit.timeout.ms fails with
 * COORDINATOR_NOT_AVAILABLE (Kafka's REQUEST_TIMED_OUT, as the group service maps it); a local
 * append that fails means this broker no longer leads the partition: the shard is dropped and its
 * held answers are NOT_COORDINATOR.
 *
 * A load takes time, as Kafka's does (CoordinatorRuntime.scheduleLoadOperation hands it to the
 * loader thread): the shard is LOADING (CoordinatorRuntime.CoordinatorState) from the election
 * until the replay completes, config.shardLoadBaseMs plus shardLoadPerRecordMs per record later,
 * and every request for its groups meanwhile is answered COORDINATOR_LOAD_IN_PROGRESS
 * (CoordinatorRuntime.CoordinatorContext's LOADING state fails events with
 * CoordinatorLoadInProgressException). Then it is ACTIVE: the groups it replayed arm their timers
 * and it serves.
 *
 * The group rules themselves are in ../group (coordinator-shard.ts dispatches to them).
 */
import { setup } from 'xstate';
import { errorCode } from '../../protocol/errors.js';
import type { GroupRequest } from '../../protocol/groups/messages.js';
import type { ProduceResponse } from '../../protocol/replication/messages.js';
import { Step as GenericStep, stepAction } from '../step.js';
import { emptyShard, handleShardRequest, handleShardTimer, replayShardRecord, shardOnLoaded, type ShardState } from '../group/coordinator-shard.js';
import { errorResponseFor, failResponse } from '../group/error-responses.js';
import { OFFSETS_TOPIC, partitionFor } from '../../common/partition-for.js';
import { decodeGroupRecord, encodeGroupRecord } from '../../protocol/groups/records.js';
import type { GroupCoordinatorConfig, ShardEnv, ShardOutcome, ShardResponse, ShardTimerEvent, TopicImage } from '../group/shard.js';

export interface CoordinatorInput {
  readonly brokerId: number;
  readonly config: GroupCoordinatorConfig;
  readonly randomSeed: number;
}

/** A group of answers waiting for the high watermark. */
export interface HeldAnswers {
  readonly writeId: number;
  /** The local append carrying this write's records; null for a write without records. */
  readonly appendId: number | null;
  readonly recordCount: number;
  /** Where the write's records end; null until the append is answered. */
  readonly endOffset: number | null;
  /** Everything written before this write (its answers wait for those too). */
  readonly writtenBefore: number;
  readonly responses: readonly ShardResponse[];
}

/** CoordinatorRuntime.CoordinatorState, less INITIAL (never hosted), FAILED and CLOSED (the shard is dropped). */
export type ShardStatus = 'LOADING' | 'ACTIVE';

export interface LoadedShard {
  readonly partition: number;
  readonly status: ShardStatus;
  readonly leaderEpoch: number;
  /** Names this load: timers of an earlier load of the partition are ignored. */
  readonly loadId: number;
  readonly state: ShardState;
  readonly lastWrittenOffset: number;
  readonly highWatermark: number;
  readonly held: readonly HeldAnswers[];
}

export interface CoordinatorContext {
  readonly brokerId: number;
  readonly config: GroupCoordinatorConfig;
  readonly randomSeed: number;
  /** By topic name. */
  readonly topics: Readonly<Record<string, TopicImage>>;
  /** By partition of __consumer_offsets. */
  readonly shards: Readonly<Record<string, LoadedShard>>;
  readonly nextLoadId: number;
  readonly nextWriteId: number;
}

export type CoordinatorEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: import('../../protocol/groups/messages.js').GroupResponse }
  /** Append to the local leader replica of __consumer_offsets-partition (acks=1); the answer comes back as a ProduceResponse. */
  | { readonly type: 'coordinator.append'; readonly partition: number; readonly correlationId: number; readonly records: readonly { key: string; value: string | null }[] };

export type CoordinatorLocalEvent =
  | { readonly type: 'Topics'; readonly topics: readonly TopicImage[] }
  | { readonly type: 'LoadShard'; readonly partition: number; readonly leaderEpoch: number; readonly records: readonly { key: string | null; value: string | null }[]; readonly logEndOffset: number; readonly highWatermark: number }
  | { readonly type: 'UnloadShard'; readonly partition: number }
  /** The loader finished replaying the partition (the delay the load took). */
  | { readonly type: 'LoadCompleted'; readonly partition: number; readonly loadId: number }
  | { readonly type: 'HighWatermark'; readonly partition: number; readonly highWatermark: number }
  | { readonly type: 'ShardTimerFired'; readonly partition: number; readonly loadId: number; readonly timer: ShardTimerEvent }
  | { readonly type: 'WriteTimeout'; readonly partition: number; readonly loadId: number; readonly writeId: number };

export type CoordinatorEvent = (GroupRequest | ProduceResponse | CoordinatorLocalEvent) & { readonly from: number; readonly nowMs: number };
type With<T> = T & { readonly from: number; readonly nowMs: number };

class Step extends GenericStep<CoordinatorContext, CoordinatorEffect> {}

function offsetsPartitionCount(c: CoordinatorContext): number {
  return c.topics[OFFSETS_TOPIC]?.numPartitions ?? c.config.offsetsTopicNumPartitions;
}

function envOf(c: CoordinatorContext, partition: number, nowMs: number): ShardEnv {
  return { nowMs, config: c.config, topics: c.topics, partition };
}

const timerId = (partition: number, key: string): string => `shard-${partition}/${key}`;

/** Send every held answer whose writes the high watermark has passed, in write order. */
function releaseAnswers(step: Step, partition: number): void {
  const shard = step.c.shards[partition];
  if (shard === undefined) return;
  let required = 0;
  let released = 0;
  for (const held of shard.held) {
    if (held.appendId !== null && held.endOffset === null) break;
    required = Math.max(required, held.writtenBefore, held.endOffset ?? 0);
    if (required > shard.highWatermark) break;
    for (const r of held.responses) step.effect({ type: 'send', to: r.to, message: r.message });
    step.cancel(timerId(partition, `write/${held.writeId}`));
    released++;
  }
  if (released > 0) patchShard(step, { ...shard, held: shard.held.slice(released) });
}

function patchShard(step: Step, shard: LoadedShard): void {
  step.patch({ shards: { ...step.c.shards, [shard.partition]: shard } });
}

/** Carry out a rule's outcome: new state, timers, the append of its records, its held answers. */
function applyOutcome(step: Step, shard: LoadedShard, outcome: ShardOutcome<ShardState>): void {
  for (const key of outcome.cancels) step.cancel(timerId(shard.partition, key));
  for (const t of outcome.timers) {
    step.timer({ type: 'ShardTimerFired', partition: shard.partition, loadId: shard.loadId, timer: t.event, from: -1 }, t.delayMs, timerId(shard.partition, t.key));
  }
  const writeId = step.c.nextWriteId;
  let appendId: number | null = null;
  if (outcome.records.length > 0) {
    appendId = writeId;
    step.effect({ type: 'coordinator.append', partition: shard.partition, correlationId: appendId, records: outcome.records.map(encodeGroupRecord) });
  }
  const waits = step.c.config.holdAnswersUntilCommitted && (appendId !== null || shard.held.length > 0 || shard.lastWrittenOffset > shard.highWatermark);
  if (!waits) {
    for (const r of outcome.responses) step.effect({ type: 'send', to: r.to, message: r.message });
    patchShard(step, { ...shard, state: outcome.state });
    return;
  }
  step.patch({ nextWriteId: writeId + 1 });
  const held: HeldAnswers = { writeId, appendId, recordCount: outcome.records.length, endOffset: null, writtenBefore: shard.lastWrittenOffset, responses: outcome.responses };
  patchShard(step, { ...shard, state: outcome.state, held: [...shard.held, held] });
  step.timer({ type: 'WriteTimeout', partition: shard.partition, loadId: shard.loadId, writeId, from: -1 }, step.c.config.offsetsCommitTimeoutMs, timerId(shard.partition, `write/${writeId}`));
}

function handleRequest(step: Step, request: With<GroupRequest>): void {
  const groupId = request.type === 'FindCoordinator' ? request.key : request.groupId;
  const partition = partitionFor(groupId, offsetsPartitionCount(step.c));
  const shard = step.c.shards[partition];
  if (shard === undefined) {
    // GroupCoordinatorService: a partition this broker does not lead (or no longer leads).
    step.effect({ type: 'send', to: request.from, message: errorResponseFor(request, errorCode('NOT_COORDINATOR')) });
    return;
  }
  if (shard.status === 'LOADING') {
    step.effect({ type: 'send', to: request.from, message: errorResponseFor(request, errorCode('COORDINATOR_LOAD_IN_PROGRESS')) });
    return;
  }
  applyOutcome(step, shard, handleShardRequest(shard.state, request, envOf(step.c, partition, request.nowMs)));
}

/** Answer everything held with `error` and drop the shard (its timers die with its load id). */
function unload(step: Step, partition: number, error: 'NOT_COORDINATOR'): void {
  const shard = step.c.shards[partition];
  if (shard === undefined) return;
  for (const held of shard.held) {
    for (const r of held.responses) step.effect({ type: 'send', to: r.to, message: failResponse(r.message, errorCode(error)) });
    step.cancel(timerId(partition, `write/${held.writeId}`));
  }
  if (shard.status === 'LOADING') step.cancel(timerId(partition, 'load'));
  const shards = { ...step.c.shards };
  delete shards[partition];
  step.patch({ shards });
}

/** The replay's duration: a fixed start plus a cost per record read (whole milliseconds, at least one: the load is never instant). */
export function shardLoadMs(config: GroupCoordinatorConfig, recordCount: number): number {
  return Math.max(1, Math.ceil(config.shardLoadBaseMs + config.shardLoadPerRecordMs * recordCount));
}

function load(step: Step, event: With<Extract<CoordinatorLocalEvent, { type: 'LoadShard' }>>): void {
  unload(step, event.partition, 'NOT_COORDINATOR');
  const loadId = step.c.nextLoadId;
  let state = emptyShard((step.c.randomSeed ^ Math.imul(event.partition + 1, 0x27d4eb2d) ^ Math.imul(loadId + 1, 0x165667b1)) >>> 0);
  for (const raw of event.records) {
    const record = decodeGroupRecord(raw.key, raw.value);
    if (record !== null) state = replayShardRecord(state, record);
  }
  // The records are read as of the election (the loader reads up to the log end offset it finds);
  // what they rebuild is hidden until the load completes.
  const shard: LoadedShard = { partition: event.partition, status: 'LOADING', leaderEpoch: event.leaderEpoch, loadId, state, lastWrittenOffset: event.logEndOffset, highWatermark: event.highWatermark, held: [] };
  step.patch({ nextLoadId: loadId + 1 });
  patchShard(step, shard);
  step.timer({ type: 'LoadCompleted', partition: event.partition, loadId, from: -1 }, shardLoadMs(step.c.config, event.records.length), timerId(event.partition, 'load'));
}

/** CoordinatorRuntime's load completion: the shard turns ACTIVE, its groups arm their timers, and it serves. */
function loadCompleted(step: Step, event: With<Extract<CoordinatorLocalEvent, { type: 'LoadCompleted' }>>): void {
  const shard = step.c.shards[event.partition];
  if (shard === undefined || shard.loadId !== event.loadId || shard.status !== 'LOADING') return;
  const active: LoadedShard = { ...shard, status: 'ACTIVE' };
  patchShard(step, active);
  applyOutcome(step, active, shardOnLoaded(active.state, envOf(step.c, event.partition, event.nowMs)));
  releaseAnswers(step, event.partition);
}

function appended(step: Step, response: With<ProduceResponse>): void {
  const shard = step.c.shards[response.partition];
  const held = shard?.held.find((h) => h.appendId === response.correlationId);
  if (shard === undefined || held === undefined) return;
  if (response.errorCode !== 0) {
    unload(step, response.partition, 'NOT_COORDINATOR');
    return;
  }
  const endOffset = response.baseOffset + held.recordCount;
  patchShard(step, {
    ...shard,
    lastWrittenOffset: Math.max(shard.lastWrittenOffset, endOffset),
    held: shard.held.map((h) => (h.writeId === held.writeId ? { ...h, endOffset } : h)),
  });
  releaseAnswers(step, response.partition);
}

function timerFired(step: Step, event: With<Extract<CoordinatorLocalEvent, { type: 'ShardTimerFired' }>>): void {
  const shard = step.c.shards[event.partition];
  if (shard === undefined || shard.loadId !== event.loadId) return;
  applyOutcome(step, shard, handleShardTimer(shard.state, event.timer, envOf(step.c, event.partition, event.nowMs)));
}

/** A write not committed within offsets.commit.timeout.ms: its answers fail; the state stays (its records are in the log and may still commit). */
function writeTimedOut(step: Step, event: With<Extract<CoordinatorLocalEvent, { type: 'WriteTimeout' }>>): void {
  const shard = step.c.shards[event.partition];
  if (shard === undefined || shard.loadId !== event.loadId) return;
  const held = shard.held.find((h) => h.writeId === event.writeId);
  if (held === undefined) return;
  for (const r of held.responses) step.effect({ type: 'send', to: r.to, message: failResponse(r.message, errorCode('COORDINATOR_NOT_AVAILABLE')) });
  patchShard(step, { ...shard, held: shard.held.map((h) => (h.writeId === held.writeId ? { ...h, responses: [] } : h)) });
}

function run(body: (step: Step, event: never) => void): never {
  return stepAction<CoordinatorContext, CoordinatorEffect, CoordinatorEvent>(body as never);
}

export function createCoordinatorMachine() {
  return setup({
    types: { context: {} as CoordinatorContext, events: {} as CoordinatorEvent, input: {} as CoordinatorInput, emitted: {} as CoordinatorEffect },
    actions: {
      adoptTopics: run((step, event: With<Extract<CoordinatorLocalEvent, { type: 'Topics' }>>) => {
        step.patch({ topics: Object.fromEntries(event.topics.map((t) => [t.name, t])) });
      }),
      loadShard: run(load),
      completeLoad: run(loadCompleted),
      unloadShard: run((step, event: With<Extract<CoordinatorLocalEvent, { type: 'UnloadShard' }>>) => unload(step, event.partition, 'NOT_COORDINATOR')),
      advanceHighWatermark: run((step, event: With<Extract<CoordinatorLocalEvent, { type: 'HighWatermark' }>>) => {
        const shard = step.c.shards[event.partition];
        if (shard === undefined || event.highWatermark <= shard.highWatermark) return;
        patchShard(step, { ...shard, highWatermark: event.highWatermark });
        releaseAnswers(step, event.partition);
      }),
      completeAppend: run(appended),
      fireShardTimer: run(timerFired),
      failHeldWrite: run(writeTimedOut),
      handleRequest: run(handleRequest),
    },
  }).createMachine({
    id: 'groupCoordinator',
    context: ({ input }) => ({ brokerId: input.brokerId, config: input.config, randomSeed: input.randomSeed, topics: {}, shards: {}, nextLoadId: 0, nextWriteId: 1 }),
    initial: 'Running',
    states: {
      Running: {
        description: 'Hosts a shard per __consumer_offsets partition this broker leads (LOADING, then ACTIVE); serves the groups of the ACTIVE ones, answers COORDINATOR_LOAD_IN_PROGRESS for a LOADING one and NOT_COORDINATOR for the others.',
        on: {
          Topics: { actions: 'adoptTopics', description: 'onNewMetadataImage: topic ids and partition counts (for KIP-848 assignments and partitionFor).' },
          LoadShard: { actions: 'loadShard', description: 'onElection: this broker leads the partition now: the shard is LOADING while the loader replays its records (CoordinatorRuntime.scheduleLoadOperation); requests for its groups get COORDINATOR_LOAD_IN_PROGRESS.' },
          LoadCompleted: { actions: 'completeLoad', description: 'The replay is done (after shardLoadBaseMs plus shardLoadPerRecordMs per record): the shard is ACTIVE, the members it brought back get their timers, and it serves.' },
          UnloadShard: { actions: 'unloadShard', description: 'onResignation: drop the shard; held answers fail with NOT_COORDINATOR.' },
          HighWatermark: { actions: 'advanceHighWatermark', description: 'Send every held answer whose writes (and all writes before them) are now committed.' },
          ProduceResponse: { actions: 'completeAppend', description: 'The local append of a write: its records end here. A failed append means the partition moved: drop the shard.' },
          ShardTimerFired: { actions: 'fireShardTimer', description: 'A group timer (session, join, sync, rebalance) of the current load.' },
          WriteTimeout: { actions: 'failHeldWrite', description: 'offsets.commit.timeout.ms passed before the write committed: its answers fail with COORDINATOR_NOT_AVAILABLE.' },
          JoinGroup: { actions: 'handleRequest', description: 'GroupCoordinatorService.joinGroup: NOT_COORDINATOR unless this broker leads partitionFor(groupId); else the classic group machine\'s join rule, its records appended and its answer held until they commit.' },
          SyncGroup: { actions: 'handleRequest', description: 'GroupCoordinatorService.syncGroup: routed to the group\'s shard; the leader\'s assignment is written and the answers wait for the write to commit.' },
          Heartbeat: { actions: 'handleRequest', description: 'GroupCoordinatorService.heartbeat: routed to the group\'s shard (no write); its answer still waits behind earlier uncommitted writes.' },
          LeaveGroup: { actions: 'handleRequest', description: 'GroupCoordinatorService.leaveGroup: routed to the group\'s shard; the members leave and the group rebalances.' },
          OffsetCommit: { actions: 'handleRequest', description: 'GroupCoordinatorService.commitOffsets: validated against the group (generation or member epoch), then OffsetCommit records appended; answered once they commit.' },
          OffsetFetch: { actions: 'handleRequest', description: 'GroupCoordinatorService.fetchOffsets: the committed offsets (a KIP-848 group checks the member id and epoch first); -1 for a partition never committed.' },
          ConsumerGroupHeartbeat: { actions: 'handleRequest', description: 'GroupCoordinatorService.consumerGroupHeartbeat (KIP-848): routed to the group\'s shard; the KIP-848 group and member machines run the heartbeat.' },
        },
      },
    },
  });
}

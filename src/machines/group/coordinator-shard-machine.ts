/**
 * One shard of the group coordinator as a state machine: CoordinatorRuntime.CoordinatorContext with
 * its CoordinatorState, for one partition of __consumer_offsets this broker leads. The coordinator
 * (../coordinator/machine.ts) hosts one per partition and steps it with XState's pure
 * `transition()` (coordinator-shard-host.ts); the context is plain JSON: the groups and their
 * offsets (GroupCoordinatorShard, coordinator-shard.ts), the partition's last written offset and
 * high watermark, and the deferred event queue.
 *
 * The states are Kafka's: Initial, where the host creates the shard (maybeCreateContext) and which
 * the load leaves at once; Loading, while the loader replays the partition
 * (CoordinatorRuntime.scheduleLoadOperation, CoordinatorLoaderImpl), refusing every request with
 * COORDINATOR_LOAD_IN_PROGRESS; Active, serving; Closed, final, once the broker no longer leads the
 * partition (scheduleUnloadOperation) or a local append failed. Left out is FAILED: a load here
 * cannot fail (the replay is pure and skips a record it cannot decode, where CoordinatorLoaderImpl
 * may throw), and a shard is never reloaded in place (Kafka goes FAILED then LOADING when a write
 * comes back out of sync with the log; here a failed append closes the shard, and the next election
 * loads a new one, where Kafka fails the batch's events and keeps the shard until onResignation).
 *
 * The write rule (CoordinatorRuntime's write operations with CoordinatorPartitionWriter): a
 * request's rules change the groups at once and return records; the records are appended to the
 * partition as a local write (acks=1), and the request's answers wait in the deferred event queue
 * until the high watermark has passed them and everything written before, even when the request
 * wrote nothing. A client therefore never hears of a state change that a failover could lose.
 * Unlike Kafka's DeferredEventQueue, whose events enter once the append has returned its offset, an
 * entry here is queued with the append still outstanding (the append is answered later, as a
 * ProduceResponse), and its place in the queue keeps the write order.
 *
 * Timers are delayed raises, each naming the load it belongs to: the load's completion (`load`),
 * each write's offsets.commit.timeout.ms (`write/<id>`), and the groups' timers (their own keys).
 * The host namespaces their ids per shard; a timer of an earlier load of the partition that fires
 * into this one is ignored. A closed shard's group timers are not cancelled (Kafka's unload cancels
 * its timer): they fire later and are ignored by their load id.
 */
import { and, setup } from 'xstate';
import { errorCode } from '../../protocol/errors.js';
import type { GroupRequest, GroupResponse } from '../../protocol/groups/messages.js';
import { decodeGroupRecord, encodeGroupRecord } from '../../protocol/groups/records.js';
import { Step as GenericStep, stepAction } from '../step.js';
import { handleShardRequest, handleShardTimer, replayShardRecord, shardOnLoaded, type ShardState } from './coordinator-shard.js';
import { errorResponseFor, failResponse } from './error-responses.js';
import type { From, GroupCoordinatorConfig, ShardEnv, ShardOutcome, ShardResponse, ShardTimerEvent } from './shard.js';

/**
 * One write operation's answers waiting for the high watermark (a CoordinatorWriteEvent in the
 * DeferredEventQueue).
 */
export interface DeferredEvent {
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

export interface CoordinatorShardContext {
  /** The partition of __consumer_offsets this shard is. */
  readonly partition: number;
  /** The partition's leader epoch the shard was loaded in; -1 before the load. */
  readonly leaderEpoch: number;
  /** Names this load: timers of an earlier load of the partition are ignored. */
  readonly loadId: number;
  readonly state: ShardState;
  readonly lastWrittenOffset: number;
  readonly highWatermark: number;
  /** Answers waiting for the high watermark, in write order. */
  readonly deferredEventQueue: readonly DeferredEvent[];
  /** The coordinator's write id stream, shared by its shards (the host carries it across). */
  readonly nextWriteId: number;
}

/** What a shard asks of its broker: an answer to a client, or a local append to its partition. */
export type CoordinatorShardEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: GroupResponse }
  /** Append to the local leader replica of __consumer_offsets-partition (acks=1); the answer comes back as a ProduceResponse. */
  | { readonly type: 'coordinator.append'; readonly partition: number; readonly correlationId: number; readonly records: readonly { key: string; value: string | null }[] };

/** The shard's timers, as the events they deliver back to it. */
export type CoordinatorShardTimerEvent =
  /** The loader finished replaying the partition (the time the load took). */
  | { readonly type: 'LoadCompleted'; readonly loadId: number }
  /** offsets.commit.timeout.ms after a write that had to wait. */
  | { readonly type: 'WriteTimeout'; readonly loadId: number; readonly writeId: number }
  /** A group's timer (session, join, sync, rebalance). */
  | { readonly type: 'GroupTimerFired'; readonly loadId: number; readonly timer: ShardTimerEvent };

/** An event as the coordinator addresses it to a shard; it adds the environment (clock, config, topics) when it steps the shard. */
export type CoordinatorShardEventBody =
  /** The broker leads the partition: replay its records (read up to the log end offset as of the election). */
  | { readonly type: 'Load'; readonly leaderEpoch: number; readonly records: readonly { key: string | null; value: string | null }[]; readonly logEndOffset: number; readonly highWatermark: number }
  | { readonly type: 'Request'; readonly request: From<GroupRequest> }
  | { readonly type: 'HighWatermark'; readonly highWatermark: number }
  /** The local append of a write was answered. */
  | { readonly type: 'AppendCompleted'; readonly correlationId: number; readonly errorCode: number; readonly baseOffset: number }
  /** The broker no longer leads the partition. */
  | { readonly type: 'Unload' }
  | CoordinatorShardTimerEvent;

export type CoordinatorShardEvent = CoordinatorShardEventBody & { readonly env: ShardEnv };

type Of<T extends CoordinatorShardEvent['type']> = Extract<CoordinatorShardEvent, { type: T }>;

class Step extends GenericStep<CoordinatorShardContext, CoordinatorShardEffect> {}

const writeTimerKey = (writeId: number): string => `write/${writeId}`;
const LOAD_TIMER_KEY = 'load';

/** The replay's duration: a fixed start plus a cost per record read (whole milliseconds, at least one: the load is never instant). */
export function shardLoadMs(config: GroupCoordinatorConfig, recordCount: number): number {
  return Math.max(1, Math.ceil(config.shardLoadBaseMs + config.shardLoadPerRecordMs * recordCount));
}

/** DeferredEventQueue.completeUpTo: send every answer whose writes the high watermark has passed, in write order. */
function completeUpTo(step: Step): void {
  let required = 0;
  let released = 0;
  for (const deferred of step.c.deferredEventQueue) {
    if (deferred.appendId !== null && deferred.endOffset === null) break;
    required = Math.max(required, deferred.writtenBefore, deferred.endOffset ?? 0);
    if (required > step.c.highWatermark) break;
    for (const r of deferred.responses) step.effect({ type: 'send', to: r.to, message: r.message });
    step.cancel(writeTimerKey(deferred.writeId));
    released++;
  }
  if (released > 0) step.patch({ deferredEventQueue: step.c.deferredEventQueue.slice(released) });
}

/** DeferredEventQueue.failAll(NOT_COORDINATOR): every waiting answer fails, its write timer with it. */
function failAll(step: Step): void {
  for (const deferred of step.c.deferredEventQueue) {
    for (const r of deferred.responses) step.effect({ type: 'send', to: r.to, message: failResponse(r.message, errorCode('NOT_COORDINATOR')) });
    step.cancel(writeTimerKey(deferred.writeId));
  }
  step.patch({ deferredEventQueue: [] });
}

/** Carry out a rule's outcome: new state, timers, the append of its records, its answers (at once, or deferred). */
function applyOutcome(step: Step, env: ShardEnv, outcome: ShardOutcome<ShardState>): void {
  for (const key of outcome.cancels) step.cancel(key);
  for (const t of outcome.timers) step.timer({ type: 'GroupTimerFired', loadId: step.c.loadId, timer: t.event }, t.delayMs, t.key);
  const writeId = step.c.nextWriteId;
  let appendId: number | null = null;
  if (outcome.records.length > 0) {
    appendId = writeId;
    step.effect({ type: 'coordinator.append', partition: step.c.partition, correlationId: appendId, records: outcome.records.map(encodeGroupRecord) });
  }
  const waits = env.config.holdAnswersUntilCommitted && (appendId !== null || step.c.deferredEventQueue.length > 0 || step.c.lastWrittenOffset > step.c.highWatermark);
  if (!waits) {
    for (const r of outcome.responses) step.effect({ type: 'send', to: r.to, message: r.message });
    step.patch({ state: outcome.state });
    return;
  }
  const deferred: DeferredEvent = { writeId, appendId, recordCount: outcome.records.length, endOffset: null, writtenBefore: step.c.lastWrittenOffset, responses: outcome.responses };
  step.patch({ nextWriteId: writeId + 1, state: outcome.state, deferredEventQueue: [...step.c.deferredEventQueue, deferred] });
  step.timer({ type: 'WriteTimeout', loadId: step.c.loadId, writeId }, env.config.offsetsCommitTimeoutMs, writeTimerKey(writeId));
}

function run<E extends CoordinatorShardEvent>(body: (step: Step, event: E) => void): never {
  return stepAction<CoordinatorShardContext, CoordinatorShardEffect, E>(body as never);
}

export function createCoordinatorShardMachine() {
  return setup({
    types: { context: {} as CoordinatorShardContext, events: {} as CoordinatorShardEvent, input: {} as CoordinatorShardContext, emitted: {} as CoordinatorShardEffect },
    guards: {
      isCurrentLoad: ({ context, event }) => 'loadId' in event && event.loadId === context.loadId,
      highWatermarkAdvanced: ({ context, event }) => event.type === 'HighWatermark' && event.highWatermark > context.highWatermark,
      answersDeferredAppend: ({ context, event }) => event.type === 'AppendCompleted' && context.deferredEventQueue.some((d) => d.appendId === event.correlationId),
      appendFailed: ({ event }) => event.type === 'AppendCompleted' && event.errorCode !== 0,
    },
    actions: {
      replayRecords: run((step, event: Of<'Load'>) => {
        let state = step.c.state;
        for (const raw of event.records) {
          const record = decodeGroupRecord(raw.key, raw.value);
          if (record !== null) state = replayShardRecord(state, record);
        }
        // What the records rebuild is hidden until the load completes.
        step.patch({ leaderEpoch: event.leaderEpoch, state, lastWrittenOffset: event.logEndOffset, highWatermark: event.highWatermark });
        step.timer({ type: 'LoadCompleted', loadId: step.c.loadId }, shardLoadMs(event.env.config, event.records.length), LOAD_TIMER_KEY);
      }),
      refuseWhileLoading: run((step, event: Of<'Request'>) => {
        step.effect({ type: 'send', to: event.request.from, message: errorResponseFor(event.request, errorCode('COORDINATOR_LOAD_IN_PROGRESS')) });
      }),
      noteHighWatermark: run((step, event: Of<'HighWatermark'>) => step.patch({ highWatermark: event.highWatermark })),
      activate: run((step, event: Of<'LoadCompleted'>) => {
        applyOutcome(step, event.env, shardOnLoaded(step.c.state, event.env));
        completeUpTo(step);
      }),
      cancelLoad: run((step) => step.cancel(LOAD_TIMER_KEY)),
      serveRequest: run((step, event: Of<'Request'>) => applyOutcome(step, event.env, handleShardRequest(step.c.state, event.request, event.env))),
      completeUpToHighWatermark: run((step, event: Of<'HighWatermark'>) => {
        step.patch({ highWatermark: event.highWatermark });
        completeUpTo(step);
      }),
      recordAppend: run((step, event: Of<'AppendCompleted'>) => {
        const appended = step.c.deferredEventQueue.find((d) => d.appendId === event.correlationId)!;
        const endOffset = event.baseOffset + appended.recordCount;
        step.patch({
          lastWrittenOffset: Math.max(step.c.lastWrittenOffset, endOffset),
          deferredEventQueue: step.c.deferredEventQueue.map((d) => (d.writeId === appended.writeId ? { ...d, endOffset } : d)),
        });
        completeUpTo(step);
      }),
      failAllNotCoordinator: run(failAll),
      runGroupTimer: run((step, event: Of<'GroupTimerFired'>) => applyOutcome(step, event.env, handleShardTimer(step.c.state, event.timer, event.env))),
      failTimedOutWrite: run((step, event: Of<'WriteTimeout'>) => {
        const timedOut = step.c.deferredEventQueue.find((d) => d.writeId === event.writeId);
        if (timedOut === undefined) return;
        for (const r of timedOut.responses) step.effect({ type: 'send', to: r.to, message: failResponse(r.message, errorCode('COORDINATOR_NOT_AVAILABLE')) });
        // The state stays: the write's records are in the log and may still commit.
        step.patch({ deferredEventQueue: step.c.deferredEventQueue.map((d) => (d.writeId === timedOut.writeId ? { ...d, responses: [] } : d)) });
      }),
    },
  }).createMachine({
    id: 'coordinatorShard',
    context: ({ input }) => input,
    initial: 'Initial',
    states: {
      Initial: {
        description: 'CoordinatorState.INITIAL: the host has just created the shard for a partition its broker now leads; the load follows in the same step.',
        on: {
          Load: { target: 'Loading', actions: 'replayRecords', description: 'scheduleLoadOperation: INITIAL to LOADING. The loader replays every record of the partition into the shard (CoordinatorLoaderImpl, GroupCoordinatorShard.replay); the completion is due shardLoadBaseMs plus shardLoadPerRecordMs per record later.' },
        },
      },
      Loading: {
        description: 'CoordinatorState.LOADING: the replayed groups are not served yet; every request for them is refused with COORDINATOR_LOAD_IN_PROGRESS.',
        on: {
          Request: { actions: 'refuseWhileLoading', description: 'CoordinatorRuntime.withActiveContextOrThrow on a LOADING shard: the request is refused with COORDINATOR_LOAD_IN_PROGRESS (the client retries after retry.backoff.ms); nothing is written.' },
          HighWatermark: { guard: 'highWatermarkAdvanced', actions: 'noteHighWatermark', description: 'The partition\'s high watermark moved: noted, so once active the shard knows whether the records it loaded are committed.' },
          LoadCompleted: { guard: 'isCurrentLoad', target: 'Active', actions: 'activate', description: 'The load completes (LOADING to ACTIVE): GroupMetadataManager.onLoaded arms the timers of every member the records brought back, and the shard serves.' },
          Unload: { target: 'Closed', actions: 'cancelLoad', description: 'scheduleUnloadOperation while loading (CLOSED): the load is abandoned; its completion will not come.' },
        },
      },
      Active: {
        description: 'CoordinatorState.ACTIVE: serves its groups; each write is appended locally and its answers wait in the deferred event queue until the high watermark passes it and every earlier write.',
        on: {
          Request: { actions: 'serveRequest', description: 'A write operation: the request\'s rule (GroupCoordinatorShard) changes the groups at once; its records are appended (CoordinatorPartitionWriter, acks=1) and its answers deferred until the high watermark passes them and every write before (a request that writes nothing waits too), with offsets.commit.timeout.ms to do so.' },
          HighWatermark: { guard: 'highWatermarkAdvanced', actions: 'completeUpToHighWatermark', description: 'onHighWatermarkUpdated: DeferredEventQueue.completeUpTo sends every waiting answer whose write (and all writes before it) is now committed.' },
          AppendCompleted: [
            { guard: and(['answersDeferredAppend', 'appendFailed']), target: 'Closed', actions: 'failAllNotCoordinator', description: 'The local append failed: the broker no longer leads the partition. The shard closes and every waiting answer fails with NOT_COORDINATOR (kspec does not wait for onResignation).' },
            { guard: 'answersDeferredAppend', actions: 'recordAppend', description: 'The local append of a write returned its offset: the write\'s records end there (the last written offset), and what the high watermark already passed is sent.' },
          ],
          GroupTimerFired: { guard: 'isCurrentLoad', actions: 'runGroupTimer', description: 'A group timer of this load (session, join, sync, rebalance): the group\'s rule runs as a write operation (EventBasedCoordinatorTimer).' },
          WriteTimeout: { guard: 'isCurrentLoad', actions: 'failTimedOutWrite', description: 'offsets.commit.timeout.ms passed before the write committed: its answers fail with COORDINATOR_NOT_AVAILABLE (REQUEST_TIMED_OUT as the group service maps it); the state stays, the records may still commit.' },
          Unload: { target: 'Closed', actions: 'failAllNotCoordinator', description: 'scheduleUnloadOperation (CLOSED): DeferredEventQueue.failAll answers everything waiting with NOT_COORDINATOR; the host drops the shard.' },
        },
      },
      Closed: {
        type: 'final',
        description: 'CoordinatorState.CLOSED: unloaded; the host drops the shard, and its remaining group timers are ignored when they fire.',
      },
    },
  });
}

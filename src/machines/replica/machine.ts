/**
 * One replica of one partition on one broker: kafka.cluster.Partition with its follower fetcher.
 * States: Offline (no metadata yet), Leader, Follower (Leaderless, Reconciling, Truncating,
 * Fetching).
 *
 * The leader appends produced batches in its leader epoch, serves follower and consumer fetches,
 * holds a follower's fetch that would bring nothing until an append (./delayed-fetch), tracks each
 * follower's end offset and caught-up time, advances the high watermark to the
 * smallest end offset in the ISR, completes acks=all produces once the high watermark passes
 * them, and asks the controller (AlterPartition) to shrink or expand the ISR. A follower pulls
 * from the leader with its current leader epoch and last fetched epoch; the leader answers a
 * divergence with the diverging epoch and its end offset, and the follower truncates.
 *
 * Pure: the shell owns the log (records never sit in the context: the machine keeps the log's
 * shape — log start and end offsets, epoch cache) and reports back after every truncation or
 * retention pass with a LogState event. Time arrives as `nowMs` on every event.
 */
import { and, assign, emit, enqueueActions, setup } from 'xstate';
import { errorCode } from '../../protocol/errors.js';
import type { RecordBatch } from '../../log/partition-log.js';
import { appendToEpochCache, endOffsetForEpoch, lastEpoch, type EpochEntry } from '../../log/epoch-cache.js';
import type { PartitionRegistration } from '../../protocol/metadata/records.js';
import type {
  AlterPartitionResponse, FetchRequest, FetchResponse, ListOffsetsRequest, OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse, PartitionAddress, ProduceRequest, ReplicationMessage,
} from '../../protocol/replication/messages.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../../protocol/replication/messages.js';
import {
  effectiveMinIsr, fetchDivergence, followerTruncationOffset, isCaughtUp, leaderHighWatermark,
  NEVER_MS, updateFollowerFetchState, UNKNOWN_OFFSET, type FollowerState,
} from './logic.js';
import type { ReplicaEffect } from './effects.js';
import type { Deviations } from '../deviations.js';
import { checkClientBatch, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE, recordBatch, type ProducerState } from '../../log/producer-state.js';
import { produceRecordCount } from '../../protocol/replication/produce.js';
import { Step as GenericStep } from '../step.js';
import { canComplete, delayedFetchTimerId, isHeld, mustWait, type DelayedFetch, type DelayedFetchExpired } from './delayed-fetch.js';

export interface ReplicaConfig {
  /** replica.lag.time.max.ms */
  readonly replicaLagTimeMaxMs: number;
  /** replica.fetch.backoff.ms: the wait after a failed fetch. */
  readonly fetchBackoffMs: number;
  /** replica.fetch.wait.max.ms: how long the leader holds a follower fetch that would bring no records (./delayed-fetch). */
  readonly fetchWaitMaxMs: number;
  /** A fetch or AlterPartition with no answer is sent again after this long. */
  readonly requestTimeoutMs: number;
  /** log.message.timestamp.type: CreateTime keeps the producer's timestamps, LogAppendTime writes the leader's clock. */
  readonly messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** log.message.timestamp.before.max.ms / after.max.ms (KIP-937): how far a CreateTime may be behind / ahead of the leader's clock. */
  readonly messageTimestampBeforeMaxMs: number;
  readonly messageTimestampAfterMaxMs: number;
}

/** Kafka's defaults scaled down together so that a simulated run sees many ISR changes. */
export const defaultReplicaConfig: ReplicaConfig = {
  replicaLagTimeMaxMs: 3_000,
  fetchBackoffMs: 200,
  fetchWaitMaxMs: 100,
  requestTimeoutMs: 1_000,
  messageTimestampType: 'CreateTime',
  // Kafka's defaults: no bound into the past, one hour into the future.
  messageTimestampBeforeMaxMs: Number.MAX_SAFE_INTEGER,
  messageTimestampAfterMaxMs: 3_600_000,
};

/**
 * The timestamps a model batch is written with (LogValidator): CreateTime keeps each record's
 * producer timestamp (the append time for a record that has none), and refuses one outside
 * before/after.max.ms of the clock (INVALID_TIMESTAMP); LogAppendTime writes the clock into
 * every record. The batch's maxTimestamp, which time-based retention (the segment's largest
 * timestamp) and ListOffsets by timestamp read, follows.
 */
export function recordTimestamps(config: ReplicaConfig, records: readonly { readonly timestamp?: number }[], nowMs: number): readonly number[] | 'INVALID_TIMESTAMP' {
  if (config.messageTimestampType === 'LogAppendTime') return records.map(() => nowMs);
  const timestamps = records.map((r) => r.timestamp ?? nowMs);
  const outside = timestamps.some((t) => nowMs - t > config.messageTimestampBeforeMaxMs || t - nowMs > config.messageTimestampAfterMaxMs);
  return outside ? 'INVALID_TIMESTAMP' : timestamps;
}

/**
 * How followers reconcile their log with the leader — the history of Kafka's replication
 * protocol (the variants of src/variants.ts), newest first.
 */
export type TruncationProtocol =
  /** KIP-320 + KIP-595 style (Kafka 2.7+): every fetch carries the last fetched epoch and is fenced by the leader epoch. */
  | 'fetch-divergence'
  /** KIP-279: ask OffsetForLeaderEpoch for the last epoch, walking back epoch by epoch; requests not fenced. */
  | 'leader-epoch-walk'
  /** KIP-101: ask OffsetForLeaderEpoch once for the last epoch and truncate to its end; not fenced. */
  | 'leader-epoch-once'
  /** Before KIP-101: truncate to the local high watermark on becoming a follower. */
  | 'high-watermark';

export interface ReplicationVariant {
  readonly truncation: TruncationProtocol;
  /**
   * KIP-320's rules, which come together: requests carry and check the current leader epoch; a
   * new leader counts a follower towards the high watermark only once it has fetched in the new
   * epoch; an ISR addition needs the follower past the start of the leader's epoch.
   */
  readonly epochFencing: boolean;
  /** Known-broken variants only (src/variants.ts); absent in Kafka's protocol. */
  readonly deviations?: Deviations;
}

export const currentReplication: ReplicationVariant = { truncation: 'fetch-divergence', epochFencing: true };

export interface ReplicaInput {
  readonly brokerId: number;
  readonly address: PartitionAddress;
  readonly config: ReplicaConfig;
  readonly variant: ReplicationVariant;
  /** The log's shape as the shell found it on (re)start. */
  readonly log: LogShape;
  /** The high-watermark checkpoint (replication-offset-checkpoint). */
  readonly highWatermarkCheckpoint: number;
}

export interface LogShape {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly epochCache: readonly EpochEntry[];
  /**
   * The idempotent-producer state (ProducerStateManager): rebuilt by the node from the log on start and
   * truncation (UnifiedLog.rebuildProducerState keeps no producer whose batches all lie below the log
   * start), and folded here on every append.
   */
  readonly producers: ProducerState;
}

interface DelayedProduce {
  readonly client: number;
  readonly correlationId: number;
  /** The offset the high watermark must reach (last offset + 1). */
  readonly requiredOffset: number;
  readonly baseOffset: number;
}

interface PendingIsrChange {
  readonly newIsr: readonly number[];
  readonly correlationId: number;
  readonly sentMs: number;
  /** False once the controller answered that the partition moved on: wait for metadata instead. */
  readonly resend: boolean;
}

export interface ReplicaContext {
  readonly brokerId: number;
  readonly address: PartitionAddress;
  readonly config: ReplicaConfig;
  readonly variant: ReplicationVariant;
  readonly brokerEpoch: number;
  /** The partition as this broker's metadata last described it. */
  readonly partition: PartitionRegistration;
  readonly minInsyncReplicas: number;
  /** Brokers the controller would refuse in an ISR (fenced): not proposed for ISR addition. */
  readonly ineligible: readonly number[];
  readonly log: LogShape;
  readonly highWatermark: number;
  readonly nextCorrelationId: number;
  // ---- leader ----
  readonly leaderEpochStartOffset: number;
  readonly followers: Readonly<Record<string, FollowerState>>;
  readonly pendingIsr: PendingIsrChange | null;
  readonly delayed: readonly DelayedProduce[];
  /** Follower fetches held until records arrive or replica.fetch.wait.max.ms passes (./delayed-fetch). */
  readonly delayedFetches: readonly DelayedFetch[];
  // ---- follower ----
  readonly fetchCorrelationId: number;
  /** KIP-279 walk: the epoch to ask about next. */
  readonly reconcileEpoch: number;
}

/** Events from the broker that hosts the replica (metadata) and from its log. */
export type ReplicaLocalEvent =
  | { readonly type: 'PartitionMetadata'; readonly partition: PartitionRegistration; readonly brokerEpoch: number; readonly minInsyncReplicas: number; readonly ineligible: readonly number[] }
  /**
   * The log's shape after a truncation or a retention pass. Without `producers` the producer state is
   * kept as it is: retention moves the log start and evicts no producer
   * (UnifiedLog.maybeIncrementLogStartOffset → ProducerStateManager.onLogStartOffsetIncremented; an idle
   * producer goes only at producer.id.expiration.ms, which kspec does not model), so a retry of a batch
   * retention already deleted is still answered as a duplicate.
   */
  | ({ readonly type: 'LogState' } & Omit<LogShape, 'producers'> & { readonly producers?: ProducerState })
  | { readonly type: 'ProduceTimeout'; readonly client: number; readonly correlationId: number }
  | DelayedFetchExpired;

export type ReplicaEvent = (ReplicationMessage | ReplicaLocalEvent) & { readonly from: number; readonly nowMs: number };

type With<T> = T & { readonly from: number; readonly nowMs: number };
const as = <T>(event: ReplicaEvent): With<T> => event as unknown as With<T>;

const NO_LEADER = -1;

const unknownPartition: PartitionRegistration = { replicas: [], isr: [], leader: NO_LEADER, leaderEpoch: -1, partitionEpoch: -1 };

const maximalIsr = (context: ReplicaContext): readonly number[] =>
  context.pendingIsr === null ? context.partition.isr : [...new Set([...context.partition.isr, ...context.pendingIsr.newIsr])];

// Variant ack-below-min-isr: min.insync.replicas is ignored (Partition.appendRecordsToLeader's NOT_ENOUGH_REPLICAS, and KAFKA-15583's frozen high watermark, never happen).
const minIsr = (context: ReplicaContext): number => (context.variant.deviations?.ignoreMinInsyncReplicas === true ? 1 : effectiveMinIsr(context.minInsyncReplicas, context.partition.replicas.length));

/** Partition.checkCurrentLeaderEpoch: a request naming an older epoch is fenced; a newer one means this broker is behind. */
function epochError(context: ReplicaContext, requestEpoch: number, fenced: boolean): number | null {
  if (!fenced || requestEpoch < 0) return null;
  if (requestEpoch < context.partition.leaderEpoch) return errorCode('FENCED_LEADER_EPOCH');
  if (requestEpoch > context.partition.leaderEpoch) return errorCode('UNKNOWN_LEADER_EPOCH');
  return null;
}

function fetchResponse(context: ReplicaContext, request: With<FetchRequest>, error: number, extra: Partial<FetchResponse> = {}): ReplicaEffect {
  return {
    type: 'send',
    to: request.from,
    message: {
      type: 'FetchResponse', ...context.address, correlationId: request.correlationId, errorCode: error,
      highWatermark: context.highWatermark, logStartOffset: context.log.logStartOffset, logEndOffset: context.log.logEndOffset,
      divergingEpoch: null, currentLeader: { leaderId: context.partition.leader, leaderEpoch: context.partition.leaderEpoch }, batches: [],
      ...extra,
    },
  };
}

/**
 * The leader's append of a client batch (UnifiedLog.appendAsLeader): the idempotent-producer check
 * first (./producer-state), then the append in the leader epoch. A duplicate of a retained batch is
 * answered with its original base offset, once the high watermark has passed it for acks=all.
 */
function appendClientBatch(step: Step, request: With<ProduceRequest>): void {
  const c = step.c;
  const producer = { producerId: request.producerId ?? NO_PRODUCER_ID, producerEpoch: request.producerEpoch ?? NO_PRODUCER_EPOCH, baseSequence: request.baseSequence ?? NO_SEQUENCE };
  // Variant producer-state-one-batch: fewer retained batches than ProducerStateEntry.NUM_BATCHES_TO_RETAIN recognise a retry.
  const recordCount = produceRecordCount(request);
  // LogValidator runs before the producer-state check (UnifiedLog.append).
  const timestamps = recordTimestamps(c.config, request.records, request.nowMs);
  if (request.batch === undefined && timestamps === 'INVALID_TIMESTAMP') {
    if (request.acks !== 0) step.effect(produceResponse(c, request.from, request.correlationId, errorCode('INVALID_TIMESTAMP'), -1));
    return;
  }
  const check = checkClientBatch(c.log.producers, { ...producer, lastOffsetDelta: recordCount - 1 }, c.variant.deviations?.producerBatchesRetained);
  if (check.outcome === 'reject') {
    if (request.acks !== 0) step.effect(produceResponse(c, request.from, request.correlationId, errorCode(check.error), -1));
    return;
  }
  if (check.outcome === 'duplicate') {
    const { firstOffset, lastOffset } = check.original;
    if (request.acks === 1 || (request.acks === -1 && c.highWatermark > lastOffset)) step.effect(produceResponse(c, request.from, request.correlationId, 0, firstOffset));
    else if (request.acks === -1) awaitHighWatermark(step, request, lastOffset + 1, firstOffset);
    return;
  }
  const baseOffset = c.log.logEndOffset;
  // A wire batch keeps its bytes (and its CreateTime timestamps) as received: only its handle is appended.
  const wire = request.batch;
  const batch: RecordBatch = wire === undefined
    ? {
      baseOffset, lastOffsetDelta: recordCount - 1, partitionLeaderEpoch: c.partition.leaderEpoch,
      ...producer, maxTimestamp: Math.max(-1, ...(timestamps as readonly number[])),
      records: request.records.map((r, i) => ({ offsetDelta: i, timestamp: (timestamps as readonly number[])[i] as number, key: r.key, value: r.value })),
    }
    : {
      baseOffset, lastOffsetDelta: recordCount - 1, partitionLeaderEpoch: c.partition.leaderEpoch,
      ...producer, maxTimestamp: wire.maxTimestamp, records: [], payload: wire.payload, sizeInBytes: wire.sizeInBytes,
    };
  const logEndOffset = baseOffset + recordCount;
  step.effect({ type: 'log.append', batch });
  step.patch({ log: { ...c.log, logEndOffset, epochCache: appendToEpochCache(c.log.epochCache, c.partition.leaderEpoch, baseOffset), producers: recordBatch(c.log.producers, batch) } });
  if (request.acks === 1) step.effect(produceResponse(step.c, request.from, request.correlationId, 0, baseOffset));
  if (request.acks === -1) awaitHighWatermark(step, request, logEndOffset, baseOffset);
  maybeIncrementHighWatermark(step, request.nowMs);
}

/** DelayedProduce: answer an acks=all request once the high watermark reaches `requiredOffset`, or REQUEST_TIMED_OUT after its timeout. */
function awaitHighWatermark(step: Step, request: With<ProduceRequest>, requiredOffset: number, baseOffset: number): void {
  step.patch({ delayed: [...step.c.delayed, { client: request.from, correlationId: request.correlationId, requiredOffset, baseOffset }] });
  step.timer({ type: 'ProduceTimeout', client: request.from, correlationId: request.correlationId }, request.timeoutMs, produceTimerId(request.from, request.correlationId));
}

function produceResponse(context: ReplicaContext, to: number, correlationId: number, error: number, baseOffset: number): ReplicaEffect {
  return { type: 'send', to, message: { type: 'ProduceResponse', ...context.address, correlationId, errorCode: error, baseOffset, logStartOffset: context.log.logStartOffset } };
}

export function createReplicaMachine() {
  return setup({
    types: {
      context: {} as ReplicaContext,
      events: {} as ReplicaEvent,
      input: {} as ReplicaInput,
      emitted: {} as ReplicaEffect,
    },
    delays: {
      isrCheckInterval: ({ context }) => Math.max(1, Math.floor(context.config.replicaLagTimeMaxMs / 2)),
      fetchBackoff: ({ context }) => context.config.fetchBackoffMs,
      requestTimeout: ({ context }) => context.config.requestTimeoutMs,
    },
    guards: {
      metadataNamesMeLeader: ({ context, event }) => {
        const m = as<Extract<ReplicaLocalEvent, { type: 'PartitionMetadata' }>>(event);
        return m.partition.leader === context.brokerId && m.partition.leaderEpoch > context.partition.leaderEpoch;
      },
      metadataNamesOtherLeader: ({ context, event }) => {
        const m = as<Extract<ReplicaLocalEvent, { type: 'PartitionMetadata' }>>(event);
        return m.partition.leader !== context.brokerId && m.partition.replicas.includes(context.brokerId) && m.partition.leaderEpoch > context.partition.leaderEpoch;
      },
      metadataSameEpoch: ({ context, event }) => {
        const m = as<Extract<ReplicaLocalEvent, { type: 'PartitionMetadata' }>>(event);
        return m.partition.leaderEpoch === context.partition.leaderEpoch && m.partition.partitionEpoch >= context.partition.partitionEpoch;
      },
      hasLeader: ({ context }) => context.partition.leader !== NO_LEADER,
      reconcilesByLeaderEpoch: ({ context }) => context.variant.truncation === 'leader-epoch-once' || context.variant.truncation === 'leader-epoch-walk',
      truncatesToHighWatermark: ({ context }) => context.variant.truncation === 'high-watermark',
      isAnswerToMyFetch: ({ context, event }) => as<FetchResponse>(event).correlationId === context.fetchCorrelationId,
      fetchFailed: ({ event }) => as<FetchResponse>(event).errorCode !== 0,
      fetchOutOfRange: ({ event }) => as<FetchResponse>(event).errorCode === errorCode('OFFSET_OUT_OF_RANGE'),
      leaderReportsDivergence: ({ event }) => as<FetchResponse>(event).divergingEpoch !== null,
      fetchBroughtRecords: ({ event }) => as<FetchResponse>(event).batches.length > 0,
      isAnswerToMyEpochQuery: ({ context, event }) => as<OffsetForLeaderEpochResponse>(event).correlationId === context.fetchCorrelationId,
      epochQueryFailed: ({ event }) => as<OffsetForLeaderEpochResponse>(event).errorCode !== 0,
      reconciliationContinues: ({ context }) => context.reconcileEpoch >= 0,
    },
    actions: {
      // ---- metadata and the log ----
      adoptMetadata: assign(({ context, event }) => {
        const m = as<Extract<ReplicaLocalEvent, { type: 'PartitionMetadata' }>>(event);
        const advanced = m.partition.partitionEpoch > context.partition.partitionEpoch;
        return {
          partition: m.partition, brokerEpoch: m.brokerEpoch, minInsyncReplicas: m.minInsyncReplicas, ineligible: m.ineligible,
          // A newer partition epoch settles whatever ISR change was pending (Partition.makeLeader).
          pendingIsr: advanced ? null : context.pendingIsr,
        };
      }),
      adoptLogState: assign(({ context, event }) => {
        const shape = as<Extract<ReplicaLocalEvent, { type: 'LogState' }>>(event);
        const log = { logStartOffset: shape.logStartOffset, logEndOffset: shape.logEndOffset, epochCache: shape.epochCache, producers: shape.producers ?? context.log.producers };
        return { log, highWatermark: clampHighWatermark(context.highWatermark, log) };
      }),
      // Variant retention-past-high-watermark: UnifiedLog.deletableSegments' high-watermark bound is dropped.
      requestRetention: emit(({ context }) => ({ type: 'log.retention' as const, highWatermark: context.variant.deviations?.retentionPastHighWatermark === true ? Number.MAX_SAFE_INTEGER : context.highWatermark })),
      // ---- leader ----
      makeLeader: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        const epoch = context.partition.leaderEpoch;
        // The new epoch starts at the current log end (UnifiedLog.maybeAssignEpochStartOffset).
        step.effect({ type: 'log.assignEpochStartOffset', epoch, offset: context.log.logEndOffset });
        const followers: Record<string, FollowerState> = {};
        for (const replica of context.partition.replicas) {
          if (replica === context.brokerId) continue;
          const previous = context.followers[String(replica)];
          // KIP-320: nothing a follower did before this epoch counts; ISR members start caught up now.
          followers[String(replica)] = context.variant.epochFencing || previous === undefined
            ? { logEndOffset: UNKNOWN_OFFSET, lastCaughtUpTimeMs: context.partition.isr.includes(replica) ? event.nowMs : NEVER_MS, lastFetchTimeMs: NEVER_MS, lastFetchLeaderLogEndOffset: UNKNOWN_OFFSET, brokerEpoch: -1 }
            : previous;
        }
        step.patch({
          log: { ...context.log, epochCache: assignEpochStart(context.log.epochCache, epoch, context.log.logEndOffset) },
          leaderEpochStartOffset: context.log.logEndOffset, followers, pendingIsr: null, delayed: [],
        });
        maybeIncrementHighWatermark(step, event.nowMs);
        step.flush(enqueue);
      }),
      failDelayedProduces: enqueueActions(({ context, enqueue }) => {
        // DelayedProduce completes with NOT_LEADER_OR_FOLLOWER once the partition has a new leader.
        for (const d of context.delayed) {
          enqueue.emit(produceResponse(context, d.client, d.correlationId, errorCode('NOT_LEADER_OR_FOLLOWER'), -1));
          enqueue.cancel(produceTimerId(d.client, d.correlationId));
        }
        enqueue.assign({ delayed: [], pendingIsr: null });
      }),
      maybeIncrementHighWatermark: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        maybeIncrementHighWatermark(step, event.nowMs);
        step.flush(enqueue);
      }),
      appendProduce: enqueueActions(({ context, enqueue, event }) => {
        const request = as<ProduceRequest>(event);
        const step = new Step(context);
        if (request.acks !== 0 && request.acks !== 1 && request.acks !== -1) {
          step.effect(produceResponse(context, request.from, request.correlationId, errorCode('INVALID_REQUIRED_ACKS'), -1));
        } else if (request.acks === -1 && context.partition.isr.length < minIsr(context)) {
          // Partition.appendRecordsToLeader: acks=all refuses before appending when the ISR is too small.
          step.effect(produceResponse(context, request.from, request.correlationId, errorCode('NOT_ENOUGH_REPLICAS'), -1));
        } else {
          appendClientBatch(step, request);
          maybeIncrementHighWatermark(step, request.nowMs);
          tryCompleteDelayedFetches(step);
        }
        step.flush(enqueue);
      }),
      answerProduceTimeout: enqueueActions(({ context, enqueue, event }) => {
        const timeout = as<Extract<ReplicaLocalEvent, { type: 'ProduceTimeout' }>>(event);
        const pending = context.delayed.find((d) => d.client === timeout.client && d.correlationId === timeout.correlationId);
        if (pending === undefined) return;
        enqueue.emit(produceResponse(context, pending.client, pending.correlationId, errorCode('REQUEST_TIMED_OUT'), -1));
        enqueue.assign({ delayed: context.delayed.filter((d) => d !== pending) });
      }),
      serveFetch: enqueueActions(({ context, enqueue, event }) => {
        const request = as<FetchRequest>(event);
        const step = new Step(context);
        serveFetch(step, request);
        step.flush(enqueue);
      }),
      expireDelayedFetch: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        expireDelayedFetch(step, as<DelayedFetchExpired>(event));
        step.flush(enqueue);
      }),
      tryCompleteDelayedFetches: enqueueActions(({ context, enqueue }) => {
        const step = new Step(context);
        tryCompleteDelayedFetches(step);
        step.flush(enqueue);
      }),
      completeAllDelayedFetches: enqueueActions(({ context, enqueue }) => {
        const step = new Step(context);
        tryCompleteDelayedFetches(step, true);
        step.flush(enqueue);
      }),
      maybeShrinkIsr: enqueueActions(({ context, enqueue, event }) => {
        const step = new Step(context);
        if (context.pendingIsr !== null) {
          // AlterPartitionManager resends an unanswered request.
          if (context.pendingIsr.resend && event.nowMs - context.pendingIsr.sentMs >= context.config.requestTimeoutMs) proposeIsr(step, context.pendingIsr.newIsr, event.nowMs);
        } else {
          // Partition.getOutOfSyncReplicas: ISR followers not caught up within replica.lag.time.max.ms.
          const outOfSync = context.partition.isr.filter((r) => r !== context.brokerId && !isCaughtUp(context.followers[String(r)], context.log.logEndOffset, event.nowMs, context.config.replicaLagTimeMaxMs));
          if (outOfSync.length > 0) proposeIsr(step, context.partition.isr.filter((r) => !outOfSync.includes(r)), event.nowMs);
        }
        step.flush(enqueue);
      }),
      handleAlterPartitionResponse: enqueueActions(({ context, enqueue, event }) => {
        const response = as<AlterPartitionResponse>(event);
        const pending = context.pendingIsr;
        if (pending === null || response.correlationId !== pending.correlationId) return;
        const step = new Step(context);
        if (response.errorCode === 0) {
          // Partition.handleAlterPartitionUpdate: an answer for another leader epoch, or older than
          // the partition epoch this replica knows, is ignored and the change stays pending until
          // metadata settles it; otherwise (a newer partition epoch, or the same one: nothing to
          // change) the answer's ISR is the committed one.
          if (response.leaderEpoch === context.partition.leaderEpoch && response.partitionEpoch >= context.partition.partitionEpoch) {
            step.patch({ partition: { ...context.partition, isr: response.isr, partitionEpoch: response.partitionEpoch }, pendingIsr: null });
          } else {
            step.patch({ pendingIsr: { ...pending, resend: false } });
          }
        } else if (response.errorCode === errorCode('INELIGIBLE_REPLICA')) {
          // The controller says the change was not applied: back to the last committed ISR.
          step.patch({ pendingIsr: null });
        } else if (awaitsMetadata(response.errorCode)) {
          // Someone else changed the partition, perhaps with this very request (a resend, a
          // duplicate), or the request is one the controller will never take: whether it was
          // applied is unknown, so the maximal ISR stays until metadata brings the new partition
          // epoch, and it is not sent again (Partition.handleAlterPartitionError).
          step.patch({ pendingIsr: { ...pending, resend: false } });
        }
        // NOT_CONTROLLER, REQUEST_TIMED_OUT and the rest: resent by the ISR check.
        maybeIncrementHighWatermark(step, event.nowMs);
        step.flush(enqueue);
      }),
      answerListOffsets: emit(({ context, event }) => {
        const request = as<ListOffsetsRequest>(event);
        const reply = (error: number, offset: number, timestamp: number): ReplicaEffect => ({
          type: 'send', to: request.from,
          message: { type: 'ListOffsetsResponse', ...context.address, correlationId: request.correlationId, errorCode: error, offset, timestamp, leaderEpoch: context.partition.leaderEpoch },
        });
        const epochProblem = epochError(context, request.currentLeaderEpoch, context.variant.epochFencing);
        if (epochProblem !== null) return reply(epochProblem, -1, -1);
        if (request.timestamp === EARLIEST_TIMESTAMP) return reply(0, context.log.logStartOffset, -1);
        // A new leader that has not yet reached its own epoch's start cannot say where the end is (D.5).
        if (context.leaderEpochStartOffset > context.highWatermark) return reply(errorCode('OFFSET_NOT_AVAILABLE'), -1, -1);
        if (request.timestamp === LATEST_TIMESTAMP) return reply(0, context.highWatermark, -1);
        return { ...reply(0, -1, -1), lookupTimestamp: { timestamp: request.timestamp, maxOffset: context.highWatermark } };
      }),
      answerOffsetForLeaderEpoch: emit(({ context, event }) => {
        const request = as<OffsetForLeaderEpochRequest>(event);
        const epochProblem = epochError(context, request.currentLeaderEpoch, context.variant.epochFencing);
        const end = endOffsetForEpoch(context.log.epochCache, context.log.logEndOffset, request.leaderEpoch);
        return {
          type: 'send' as const, to: request.from,
          message: {
            type: 'OffsetForLeaderEpochResponse' as const, ...context.address, correlationId: request.correlationId,
            errorCode: epochProblem ?? 0, leaderEpoch: epochProblem === null ? end.epoch : -1, endOffset: epochProblem === null ? end.endOffset : -1,
          },
        };
      }),
      // ---- answers from a replica that does not lead ----
      refuseFetch: emit(({ context, event }) => {
        const request = as<FetchRequest>(event);
        return fetchResponse(context, request, epochError(context, request.currentLeaderEpoch, context.variant.epochFencing) ?? errorCode('NOT_LEADER_OR_FOLLOWER'));
      }),
      refuseProduce: emit(({ context, event }) => {
        const request = as<ProduceRequest>(event);
        return produceResponse(context, request.from, request.correlationId, errorCode('NOT_LEADER_OR_FOLLOWER'), -1);
      }),
      refuseListOffsets: emit(({ context, event }) => {
        const request = as<ListOffsetsRequest>(event);
        const error = epochError(context, request.currentLeaderEpoch, context.variant.epochFencing) ?? errorCode('NOT_LEADER_OR_FOLLOWER');
        return { type: 'send' as const, to: request.from, message: { type: 'ListOffsetsResponse' as const, ...context.address, correlationId: request.correlationId, errorCode: error, offset: -1, timestamp: -1, leaderEpoch: context.partition.leaderEpoch } };
      }),
      refuseOffsetForLeaderEpoch: emit(({ context, event }) => {
        const request = as<OffsetForLeaderEpochRequest>(event);
        const error = epochError(context, request.currentLeaderEpoch, context.variant.epochFencing) ?? errorCode('NOT_LEADER_OR_FOLLOWER');
        return { type: 'send' as const, to: request.from, message: { type: 'OffsetForLeaderEpochResponse' as const, ...context.address, correlationId: request.correlationId, errorCode: error, leaderEpoch: -1, endOffset: -1 } };
      }),
      // ---- follower ----
      truncateToHighWatermark: emit(({ context }) => ({ type: 'log.truncate' as const, toOffset: Math.max(context.log.logStartOffset, Math.min(context.highWatermark, context.log.logEndOffset)) })),
      sendFetch: enqueueActions(({ context, enqueue }) => {
        const correlationId = context.nextCorrelationId;
        const divergenceCheck = context.variant.truncation === 'fetch-divergence';
        enqueue.assign({ fetchCorrelationId: correlationId, nextCorrelationId: correlationId + 1 });
        enqueue.emit({
          type: 'send', to: context.partition.leader,
          message: {
            type: 'Fetch', ...context.address, correlationId, replicaId: context.brokerId, replicaEpoch: context.brokerEpoch,
            currentLeaderEpoch: context.variant.epochFencing ? context.partition.leaderEpoch : -1,
            fetchOffset: context.log.logEndOffset,
            lastFetchedEpoch: divergenceCheck && context.log.epochCache.length > 0 ? lastEpoch(context.log.epochCache) : -1,
            logStartOffset: context.log.logStartOffset,
          },
        });
      }),
      sendEpochQuery: enqueueActions(({ context, enqueue }) => {
        const correlationId = context.nextCorrelationId;
        const epoch = context.reconcileEpoch >= 0 ? context.reconcileEpoch : context.log.epochCache.length > 0 ? lastEpoch(context.log.epochCache) : -1;
        enqueue.assign({ fetchCorrelationId: correlationId, nextCorrelationId: correlationId + 1, reconcileEpoch: epoch });
        enqueue.emit({
          type: 'send', to: context.partition.leader,
          message: { type: 'OffsetForLeaderEpoch', ...context.address, correlationId, replicaId: context.brokerId, currentLeaderEpoch: context.variant.epochFencing ? context.partition.leaderEpoch : -1, leaderEpoch: epoch },
        });
      }),
      forgetReconcileEpoch: assign({ reconcileEpoch: -1 }),
      truncateByLeaderEpoch: enqueueActions(({ context, enqueue, event }) => {
        const response = as<OffsetForLeaderEpochResponse>(event);
        const leader = { epoch: response.leaderEpoch, endOffset: response.endOffset };
        let target: number;
        let nextEpoch = -1;
        if (context.reconcileEpoch < 0) target = context.log.logEndOffset;
        else if (context.variant.truncation === 'leader-epoch-once') {
          // KIP-101: the leader's end offset for the follower's last epoch, or the high watermark when it has none.
          target = leader.endOffset < 0 ? context.highWatermark : Math.min(leader.endOffset, context.log.logEndOffset);
        } else {
          const decided = followerTruncationOffset(context.log.epochCache, context.log.logEndOffset, context.highWatermark, leader);
          target = decided.offset;
          nextEpoch = decided.nextEpoch;
        }
        enqueue.assign({ reconcileEpoch: nextEpoch });
        enqueue.emit({ type: 'log.truncate', toOffset: Math.max(context.log.logStartOffset, target) });
      }),
      truncateDivergentSuffix: emit(({ context, event }) => {
        const response = as<FetchResponse>(event);
        const diverging = response.divergingEpoch ?? { epoch: -1, endOffset: -1 };
        const decided = followerTruncationOffset(context.log.epochCache, context.log.logEndOffset, context.highWatermark, diverging);
        return { type: 'log.truncate' as const, toOffset: Math.max(context.log.logStartOffset, decided.offset) };
      }),
      handleOutOfRange: emit(({ context, event }) => {
        const response = as<FetchResponse>(event);
        // AbstractFetcherThread.fetchOffsetAndTruncate: past the leader's end → truncate to it; behind the leader's start →
        // start over there. The leader's end may lie below this log's own start (a leader that lost power kept less than
        // this follower's retention had deleted): no clamp at the log start, the log starts over at the leader's end
        // (UnifiedLog.truncateTo), or the follower would ask for the same offset for ever (reference seed 128).
        if (response.logEndOffset >= 0 && response.logEndOffset < context.log.logEndOffset) {
          return { type: 'log.truncate' as const, toOffset: response.logEndOffset };
        }
        return { type: 'log.truncateFullyAndStartAt' as const, offset: response.logStartOffset };
      }),
      appendFetchedBatches: enqueueActions(({ context, enqueue, event }) => {
        const response = as<FetchResponse>(event);
        let log = context.log;
        for (const batch of response.batches) {
          if (batch.baseOffset + batch.lastOffsetDelta < log.logEndOffset) continue;
          if (batch.baseOffset !== log.logEndOffset) break; // not contiguous with this log: fetch again from its end
          enqueue.emit({ type: 'log.append', batch });
          log = {
            ...log, logEndOffset: batch.baseOffset + batch.lastOffsetDelta + 1, epochCache: appendToEpochCache(log.epochCache, batch.partitionLeaderEpoch, batch.baseOffset),
            // Followers rebuild the producer state from what they replicate, so a new leader dedupes too.
            producers: recordBatch(log.producers, batch),
          };
        }
        enqueue.assign({ log });
      }),
      adoptLeaderOffsets: enqueueActions(({ context, enqueue, event }) => {
        const response = as<FetchResponse>(event);
        // ReplicaFetcherThread.processPartitionData, then UnifiedLog.updateHighWatermark: the follower's high
        // watermark is the leader's, bounded by its own log end above and its own log start below (a new
        // leader's high watermark may lag the one this follower had, and its records are not deleted again).
        const highWatermark = Math.max(context.log.logStartOffset, Math.min(response.highWatermark, context.log.logEndOffset));
        // UnifiedLog.maybeIncrementLogStartOffset: the leader's log start offset, never above the high watermark.
        const start = Math.min(response.logStartOffset, highWatermark);
        if (start > context.log.logStartOffset) {
          enqueue.emit({ type: 'log.raiseLogStartOffset', offset: start });
          enqueue.assign({ log: { ...context.log, logStartOffset: start, epochCache: context.log.epochCache } });
        }
        enqueue.assign({ highWatermark });
      }),
    },
  }).createMachine({
    id: 'replica',
    context: ({ input }) => ({
      brokerId: input.brokerId,
      address: input.address,
      config: input.config,
      variant: input.variant,
      brokerEpoch: -1,
      partition: unknownPartition,
      minInsyncReplicas: 1,
      ineligible: [],
      log: input.log,
      highWatermark: clampHighWatermark(input.highWatermarkCheckpoint, input.log),
      nextCorrelationId: 1,
      leaderEpochStartOffset: 0,
      followers: {},
      pendingIsr: null,
      delayed: [],
      delayedFetches: [],
      fetchCorrelationId: 0,
      reconcileEpoch: -1,
    }),
    initial: 'Offline',
    on: {
      LogState: { actions: 'adoptLogState', description: 'The log store reports its shape after an append, truncation or retention pass: log start and end offsets, the leader-epoch cache.' },
      Fetch: { actions: 'refuseFetch', description: 'Only the leader serves fetches: FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH or NOT_LEADER_OR_FOLLOWER.' },
      Produce: { actions: 'refuseProduce', description: 'Only the leader takes writes: NOT_LEADER_OR_FOLLOWER.' },
      DelayedFetchExpired: { description: 'A hold timer left from leadership: its fetch was answered when leadership ended, nothing to do.' },
      ListOffsets: { actions: 'refuseListOffsets', description: 'Only the leader answers offsets: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for a wrong epoch, else NOT_LEADER_OR_FOLLOWER.' },
      OffsetForLeaderEpoch: { actions: 'refuseOffsetForLeaderEpoch', description: 'Only the leader answers epoch end offsets: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for a wrong epoch, else NOT_LEADER_OR_FOLLOWER.' },
      PartitionMetadata: [
        { guard: 'metadataNamesMeLeader', target: '.Leader', reenter: true, actions: ['adoptMetadata', 'failDelayedProduces'], description: 'The controller made this broker leader in a newer leader epoch (Partition.makeLeader).' },
        { guard: 'metadataNamesOtherLeader', target: '.Follower', reenter: true, actions: ['adoptMetadata', 'failDelayedProduces'], description: 'Another broker leads in a newer leader epoch, or none does (Partition.makeFollower).' },
        { guard: 'metadataSameEpoch', actions: 'adoptMetadata', description: 'Same leader epoch: adopt the ISR and partition epoch.' },
      ],
    },
    states: {
      Offline: {
        description: 'Created on this broker; no leader epoch known yet.',
      },
      Leader: {
        description: 'Leads the partition in its leader epoch: appends, serves fetches, moves the high watermark, manages the ISR.',
        entry: 'makeLeader',
        exit: 'failDelayedProduces',
        initial: 'Serving',
        on: {
          Produce: { actions: 'appendProduce', description: 'acks=0: no answer; acks=1: answer after the leader append; acks=all: NOT_ENOUGH_REPLICAS when the ISR is under min.insync.replicas, else answer once the high watermark passes the batch.' },
          Fetch: { actions: 'serveFetch', description: 'Epoch check, then (followers) the divergence check, then the range check; a follower fetch updates its end offset, may expand the ISR and move the high watermark; one that would bring no records is held (DelayedFetch) until an append or replica.fetch.wait.max.ms.' },
          DelayedFetchExpired: { actions: 'expireDelayedFetch', description: 'replica.fetch.wait.max.ms passed for a held follower fetch: answered with what the log has (nothing new).' },
          LogState: { actions: ['adoptLogState', 'tryCompleteDelayedFetches'], description: 'The log reports its shape (retention): held fetches the new shape completes are answered (DelayedFetch.tryComplete).' },
          ListOffsets: { actions: 'answerListOffsets', description: 'Partition.fetchOffsetForTimestamp: the epoch checked; EARLIEST is the log start; a new leader below its epoch start gives OFFSET_NOT_AVAILABLE; LATEST is the high watermark; a timestamp is looked up in the log below the high watermark.' },
          OffsetForLeaderEpoch: { actions: 'answerOffsetForLeaderEpoch', description: 'Partition.lastOffsetForLeaderEpoch: the epoch checked; the largest epoch at most the one asked and the offset where it ends (KIP-101, KIP-279).' },
          ProduceTimeout: { actions: 'answerProduceTimeout', description: 'An acks=all produce whose timeout passed: REQUEST_TIMED_OUT (the records may still commit).' },
          AlterPartitionResponse: { actions: 'handleAlterPartitionResponse', description: 'Partition.handleAlterPartitionUpdate: an answer in this leader epoch and not older than the partition epoch commits the ISR; INELIGIBLE_REPLICA drops the change; errors that mean metadata will tell keep it pending, unsent; the high watermark may move.' },
          PartitionMetadata: [
            { guard: 'metadataNamesMeLeader', target: 'Leader', reenter: true, actions: ['failDelayedProduces', 'adoptMetadata', 'completeAllDelayedFetches'], description: 'Leader again in a newer leader epoch (Partition.makeLeader): waiting produces fail, held fetches are answered (FENCED_LEADER_EPOCH), the new epoch starts at the log end.' },
            { guard: 'metadataNamesOtherLeader', target: 'Follower', actions: ['adoptMetadata', 'completeAllDelayedFetches'], description: 'Another broker leads in a newer leader epoch, or none does (Partition.makeFollower): waiting produces fail on exit, held fetches are answered (FENCED_LEADER_EPOCH or NOT_LEADER_OR_FOLLOWER).' },
            { guard: 'metadataSameEpoch', actions: ['adoptMetadata', 'maybeIncrementHighWatermark'], description: 'The controller changed the ISR in this epoch (for example it fenced a follower): the high watermark may move.' },
          ],
        },
        states: {
          Serving: {
            description: 'Serves produce and fetch requests; every replica.lag.time.max.ms / 2 it checks the ISR for followers that fell behind and asks the log to apply retention.',
            after: {
              isrCheckInterval: { target: 'Serving', reenter: true, actions: ['maybeShrinkIsr', 'requestRetention'], description: 'Every replica.lag.time.max.ms / 2: propose removing ISR followers that have not caught up within replica.lag.time.max.ms; delete old segments.' },
            },
          },
        },
      },
      Follower: {
        description: 'Follows the leader of its leader epoch by fetching.',
        initial: 'Choosing',
        on: {
          // A follower does not expire produce requests: it has none.
          ProduceTimeout: { description: 'A produce timer left from leadership: its request was already answered when leadership ended, nothing to do.' },
        },
        states: {
          Choosing: {
            description: 'Passed through on becoming follower: goes on at once to follow the leader metadata names, or to wait when it names none.',
            always: [
              { guard: 'hasLeader', target: 'Starting', description: 'The partition has a leader: start following it.' },
              { target: 'Leaderless', description: 'No leader (leader -1): wait for metadata.' },
            ],
          },
          Leaderless: { description: 'The partition has no leader (its ISR is offline); waits for metadata.' },
          Starting: {
            description: 'Passed through before the first fetch: the protocol variant decides whether the log is truncated or reconciled with the leader first (Kafka since 2.7 fetches at once).',
            always: [
              { guard: 'truncatesToHighWatermark', target: 'Truncating', actions: 'truncateToHighWatermark', description: 'Before KIP-101: truncate to the local high watermark on becoming follower.' },
              { guard: 'reconcilesByLeaderEpoch', target: 'Reconciling', actions: 'forgetReconcileEpoch', description: 'KIP-101 / KIP-279 variants: ask the leader where this log\'s last epoch ends before fetching.' },
              { target: 'Fetching', description: 'Kafka since 2.7 (KAFKA-10554): fetch at once; the leader reports a diverging epoch in its Fetch answer (DivergingEpoch).' },
            ],
          },
          Reconciling: {
            description: 'KIP-101 / KIP-279: ask the leader for the end offset of this log\'s last epoch (OffsetForLeaderEpoch).',
            entry: 'sendEpochQuery',
            after: { requestTimeout: { target: 'Reconciling', reenter: true, description: 'No answer: ask again.' } },
            on: {
              OffsetForLeaderEpochResponse: [
                { guard: and(['isAnswerToMyEpochQuery', 'epochQueryFailed']), target: 'ReconcileBackoff', description: 'An epoch error or NOT_LEADER_OR_FOLLOWER: back off; metadata will bring the new leader.' },
                { guard: 'isAnswerToMyEpochQuery', target: 'Truncating', actions: 'truncateByLeaderEpoch', description: 'Truncate to the leader\'s end of that epoch (KIP-279: if the leader\'s answer names an older epoch, truncate to this log\'s end of it and ask again).' },
              ],
            },
          },
          ReconcileBackoff: {
            description: 'The leader refused the OffsetForLeaderEpoch query: replica.fetch.backoff.ms before asking again.',
            after: { fetchBackoff: { target: 'Reconciling', description: 'replica.fetch.backoff.ms passed: ask again.' } },
          },
          Truncating: {
            description: 'A truncation was asked of the log; the log reports its new shape, then fetching resumes.',
            on: {
              LogState: [
                { guard: 'reconciliationContinues', target: 'Reconciling', actions: 'adoptLogState', description: 'KIP-279: the leader named an older epoch; ask again about this log\'s end of it.' },
                { target: 'Fetching', actions: 'adoptLogState', description: 'Truncated: fetch from the new log end.' },
              ],
            },
          },
          Fetching: {
            description: 'A Fetch is in flight.',
            entry: 'sendFetch',
            after: { requestTimeout: { target: 'Fetching', reenter: true, description: 'No answer: fetch again.' } },
            on: {
              FetchResponse: [
                { guard: and(['isAnswerToMyFetch', 'fetchOutOfRange']), target: 'Truncating', actions: 'handleOutOfRange', description: 'OFFSET_OUT_OF_RANGE (AbstractFetcherThread.fetchOffsetAndTruncate): past the leader\'s log end, truncate to it, starting the log over there if that is below its log start; before the leader\'s log start, start over at it.' },
                { guard: and(['isAnswerToMyFetch', 'fetchFailed']), target: 'FetchBackoff', description: 'FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER: back off; metadata will bring the new epoch.' },
                { guard: and(['isAnswerToMyFetch', 'leaderReportsDivergence']), target: 'Truncating', actions: 'truncateDivergentSuffix', description: 'The leader reports a diverging epoch: truncate to the end of that epoch (the smaller of the leader\'s and this log\'s end of it).' },
                { guard: and(['isAnswerToMyFetch', 'fetchBroughtRecords']), target: 'Fetching', reenter: true, actions: ['appendFetchedBatches', 'adoptLeaderOffsets'], description: 'Append the batches, take the leader\'s high watermark (capped by this log\'s end) and log start offset, fetch again at once.' },
                { guard: 'isAnswerToMyFetch', target: 'Fetching', reenter: true, actions: 'adoptLeaderOffsets', description: 'Nothing new (the leader held the fetch for replica.fetch.wait.max.ms): take the high watermark, fetch again at once.' },
              ],
            },
          },
          FetchBackoff: {
            description: 'A failed fetch: replica.fetch.backoff.ms before the next.',
            after: { fetchBackoff: { target: 'Fetching', description: 'replica.fetch.backoff.ms passed: fetch again.' } },
          },
        },
      },
    },
  });
}

export function produceTimerId(client: number, correlationId: number): string {
  return `produce-timeout/${client}/${correlationId}`;
}

function clampHighWatermark(highWatermark: number, log: LogShape): number {
  return Math.max(log.logStartOffset, Math.min(highWatermark, log.logEndOffset));
}

function assignEpochStart(cache: readonly EpochEntry[], epoch: number, offset: number): readonly EpochEntry[] {
  const last = cache[cache.length - 1];
  if (last !== undefined && last.epoch >= epoch) return cache;
  return appendToEpochCache(cache, epoch, offset);
}

class Step extends GenericStep<ReplicaContext, ReplicaEffect> {}

/** Partition.maybeIncrementLeaderHW, then DelayedProduce.tryComplete for every acks=all request it passed. */
function maybeIncrementHighWatermark(step: Step, nowMs: number): void {
  const c = step.c;
  const highWatermark = leaderHighWatermark({
    highWatermark: c.highWatermark, leaderLogEndOffset: c.log.logEndOffset, leaderId: c.brokerId, replicas: c.partition.replicas,
    maximalIsr: maximalIsr(c), isrSize: c.partition.isr.length, effectiveMinIsr: minIsr(c), followers: c.followers,
    nowMs, replicaLagTimeMaxMs: c.config.replicaLagTimeMaxMs, isIsrEligible: (replica) => isIsrEligible(c, replica),
  });
  // Partition.checkEnoughReplicasReachOffset answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the
  // high watermark passed the batch but the maximal ISR is now under min.insync.replicas. Since
  // KAFKA-15583 the high watermark only moves while the ISR is at least min.insync.replicas, and
  // here the waiting produces are answered in the same step as that move, so that answer cannot
  // arise (in Kafka only a race between the two threads can give it): a write whose ISR shrank
  // waits with the frozen high watermark and times out (REQUEST_TIMED_OUT).
  const done = c.delayed.filter((d) => d.requiredOffset <= highWatermark);
  for (const d of done) {
    step.effect(produceResponse(c, d.client, d.correlationId, 0, d.baseOffset));
    step.cancel(produceTimerId(d.client, d.correlationId));
  }
  step.patch({ highWatermark, delayed: c.delayed.filter((d) => d.requiredOffset > highWatermark) });
}

/**
 * The checks of Partition.fetchRecords before the read, in Kafka's order: the answer for an error
 * or a diverging epoch, or null when the read may go ahead.
 */
function fetchRefusal(c: ReplicaContext, request: With<FetchRequest>): ReplicaEffect | null {
  const epochProblem = epochError(c, request.currentLeaderEpoch, c.variant.epochFencing);
  if (epochProblem !== null) return fetchResponse(c, request, epochProblem);
  const fromFollower = request.replicaId >= 0;
  // Partition.followerReplicaOrThrow: a replica outside the assignment naming this leader epoch
  // gets UNKNOWN_LEADER_EPOCH ((replica, epoch) not recognized yet: it retries); without an epoch,
  // NOT_LEADER_OR_FOLLOWER.
  if (fromFollower && !c.partition.replicas.includes(request.replicaId)) {
    return fetchResponse(c, request, errorCode(request.currentLeaderEpoch >= 0 ? 'UNKNOWN_LEADER_EPOCH' : 'NOT_LEADER_OR_FOLLOWER'));
  }
  if (fromFollower && c.variant.truncation === 'fetch-divergence' && request.lastFetchedEpoch >= 0) {
    // Partition.readRecords: below the log start offset is OFFSET_OUT_OF_RANGE whether or not the
    // epochs diverge; only then the divergence check.
    if (request.fetchOffset < c.log.logStartOffset) return fetchResponse(c, request, errorCode('OFFSET_OUT_OF_RANGE'));
    const diverging = fetchDivergence(c.log.epochCache, c.log.logEndOffset, request.fetchOffset, request.lastFetchedEpoch);
    if (diverging !== null) return fetchResponse(c, request, 0, { divergingEpoch: { epoch: diverging.epoch, endOffset: diverging.endOffset } });
  }
  if (request.fetchOffset < c.log.logStartOffset || request.fetchOffset > c.log.logEndOffset) return fetchResponse(c, request, errorCode('OFFSET_OUT_OF_RANGE'));
  // Replica.updateFetchStateOrThrow (KIP-903): a fetch from an older incarnation of the follower
  // than one already heard from (a delayed fetch from before it restarted) changes nothing.
  const knownEpoch = c.followers[String(request.replicaId)]?.brokerEpoch ?? -1;
  if (fromFollower && request.replicaEpoch !== -1 && request.replicaEpoch < knownEpoch) return fetchResponse(c, request, errorCode('NOT_LEADER_OR_FOLLOWER'));
  return null;
}

/** The read: followers read to the log end, consumers to the high watermark (FetchIsolation). */
function fetchRead(c: ReplicaContext, request: With<FetchRequest>): ReplicaEffect {
  const maxOffset = request.replicaId >= 0 ? c.log.logEndOffset : c.highWatermark;
  return { ...fetchResponse(c, request, 0), read: { fromOffset: request.fetchOffset, maxOffset } } as ReplicaEffect;
}

/** The leader's side of Fetch (Partition.fetchRecords, ReplicaManager.fetchMessages). */
function serveFetch(step: Step, request: With<FetchRequest>): void {
  const refusal = fetchRefusal(step.c, request);
  if (refusal !== null) return step.effect(refusal);
  if (request.replicaId >= 0) {
    const c = step.c;
    const state = updateFollowerFetchState(c.followers[String(request.replicaId)], request.fetchOffset, request.nowMs, c.log.logEndOffset, request.replicaEpoch);
    step.patch({ followers: { ...c.followers, [String(request.replicaId)]: state } });
    maybeExpandIsr(step, request.replicaId, request.nowMs);
    maybeIncrementHighWatermark(step, request.nowMs);
  }
  if (mustWait(step.c, request, step.c.config.fetchWaitMaxMs)) return holdFetch(step, request);
  step.effect(fetchRead(step.c, request));
}

// ---- the leader's long poll for follower fetches (./delayed-fetch) ---------------------------

/** ReplicaManager.fetchMessages: park the fetch in the purgatory for replica.fetch.wait.max.ms. */
function holdFetch(step: Step, request: With<FetchRequest>): void {
  step.patch({ delayedFetches: [...step.c.delayedFetches, { request }] });
  const expired: DelayedFetchExpired = { type: 'DelayedFetchExpired', replicaId: request.replicaId, correlationId: request.correlationId };
  step.timer({ ...expired }, step.c.config.fetchWaitMaxMs, delayedFetchTimerId(request.replicaId, request.correlationId));
}

/** DelayedFetch.onComplete: read again with the partition as it is now (the follower's fetch state is not updated again). */
function answerDelayedFetch(c: ReplicaContext, fetch: DelayedFetch): ReplicaEffect {
  const request = fetch.request;
  if (c.partition.leader !== c.brokerId) return fetchResponse(c, request, epochError(c, request.currentLeaderEpoch, c.variant.epochFencing) ?? errorCode('NOT_LEADER_OR_FOLLOWER'));
  return fetchRefusal(c, request) ?? fetchRead(c, request);
}

/** ReplicaManager.tryCompleteDelayedFetch after an append, a log change or a leadership change; `all` also answers the rest (leadership ended). */
function tryCompleteDelayedFetches(step: Step, all = false): void {
  const c = step.c;
  if (c.delayedFetches.length === 0) return;
  const done = all ? c.delayedFetches : c.delayedFetches.filter((f) => canComplete(c, f));
  for (const fetch of done) {
    step.effect(answerDelayedFetch(c, fetch));
    step.cancel(delayedFetchTimerId(fetch.request.replicaId, fetch.request.correlationId));
  }
  step.patch({ delayedFetches: c.delayedFetches.filter((f) => !done.includes(f)) });
}

/** replica.fetch.wait.max.ms passed: the held fetch is answered with what the log has (DelayedOperation expiry, then onComplete). */
function expireDelayedFetch(step: Step, expired: DelayedFetchExpired): void {
  const fetch = step.c.delayedFetches.find((f) => isHeld(f, expired.replicaId, expired.correlationId));
  if (fetch === undefined) return;
  step.effect(answerDelayedFetch(step.c, fetch));
  step.patch({ delayedFetches: step.c.delayedFetches.filter((f) => f !== fetch) });
}

/** Partition.isReplicaIsrEligible: the controller would accept the replica in the ISR (it is not fenced). */
function isIsrEligible(context: ReplicaContext, replica: number): boolean {
  return !context.ineligible.includes(replica);
}

/** Partition.maybeExpandIsr: a follower at the high watermark (and, KIP-320, past this epoch's start) is proposed for the ISR. */
function maybeExpandIsr(step: Step, replica: number, nowMs: number): void {
  const c = step.c;
  if (c.pendingIsr !== null || c.partition.isr.includes(replica) || !isIsrEligible(c, replica)) return;
  const state = c.followers[String(replica)];
  if (state === undefined) return;
  const inSync = state.logEndOffset >= c.highWatermark && (!c.variant.epochFencing || state.logEndOffset >= c.leaderEpochStartOffset);
  if (inSync) proposeIsr(step, [...c.partition.isr, replica], nowMs);
}

/**
 * Partition.handleAlterPartitionError: the errors after which the leader waits for metadata instead
 * of resending (Kafka's list also has UNKNOWN_TOPIC_ID and NEW_LEADER_ELECTED, which this
 * controller never answers: no topic deletion, no reassignment).
 */
const AWAIT_METADATA_ERRORS = ['UNKNOWN_TOPIC_OR_PARTITION', 'FENCED_LEADER_EPOCH', 'INVALID_UPDATE_VERSION', 'INVALID_REQUEST'] as const;
const awaitsMetadata = (code: number): boolean => AWAIT_METADATA_ERRORS.some((name) => errorCode(name) === code);

/** One ISR change at a time goes to the controller (AlterPartitionManager); resent until answered. */
function proposeIsr(step: Step, newIsr: readonly number[], nowMs: number): void {
  const c = step.c;
  const pending = { newIsr, correlationId: c.nextCorrelationId, sentMs: nowMs, resend: true };
  step.patch({ pendingIsr: pending, nextCorrelationId: c.nextCorrelationId + 1 });
  step.effect({
    type: 'send.controller',
    message: {
      type: 'AlterPartition', ...c.address, correlationId: pending.correlationId, brokerId: c.brokerId, brokerEpoch: c.brokerEpoch,
      leaderEpoch: c.partition.leaderEpoch, newIsr, partitionEpoch: c.partition.partitionEpoch,
      // KIP-903: each member with the broker epoch its fetches carried (Partition.sendAlterPartitionRequest).
      newIsrWithEpochs: newIsr.map((brokerId) => ({ brokerId, brokerEpoch: brokerId === c.brokerId ? c.brokerEpoch : (c.followers[String(brokerId)]?.brokerEpoch ?? -1) })),
    },
  });
}

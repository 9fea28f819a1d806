/**
 * The rules of a partition replica as pure functions, named after where Kafka keeps them
 * (kafka.cluster.Partition, kafka.cluster.Replica, AbstractFetcherThread). The replica machine
 * calls these; tests call them directly.
 */
import { endOffsetForEpoch, type EpochEntry, type OffsetAndEpoch } from '../../log/epoch-cache.js';

/** A follower as its leader tracks it (kafka.cluster.Replica's ReplicaState). */
export interface FollowerState {
  /** The follower's log end offset, from its last fetch offset; -1 until it fetches in this leader epoch. */
  readonly logEndOffset: number;
  readonly lastCaughtUpTimeMs: number;
  readonly lastFetchTimeMs: number;
  /** The leader's log end offset when that fetch arrived. */
  readonly lastFetchLeaderLogEndOffset: number;
  /** KIP-903: the broker epoch its fetches carried (ReplicaState.brokerEpoch); -1 unknown. */
  readonly brokerEpoch: number;
}

export const UNKNOWN_OFFSET = -1;
/**
 * "Never" for lastCaughtUpTimeMs and lastFetchTimeMs. Kafka uses 0, the Unix epoch, which wall
 * clock time is always far past; simulated time starts at 0, so "never" is below it.
 */
export const NEVER_MS = -1;

/**
 * Replica.updateFetchStateOrThrow: a fetch at or past the leader's log end offset makes the
 * follower caught up now; one at or past the end the leader had at the previous fetch makes it
 * caught up as of that previous fetch.
 */
export function updateFollowerFetchState(state: FollowerState | undefined, fetchOffset: number, nowMs: number, leaderLogEndOffset: number, brokerEpoch = -1): FollowerState {
  const previous = state ?? { logEndOffset: UNKNOWN_OFFSET, lastCaughtUpTimeMs: NEVER_MS, lastFetchTimeMs: NEVER_MS, lastFetchLeaderLogEndOffset: UNKNOWN_OFFSET, brokerEpoch: -1 };
  let lastCaughtUpTimeMs = previous.lastCaughtUpTimeMs;
  if (fetchOffset >= leaderLogEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
  else if (previous.lastFetchLeaderLogEndOffset >= 0 && fetchOffset >= previous.lastFetchLeaderLogEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, previous.lastFetchTimeMs);
  return { logEndOffset: fetchOffset, lastCaughtUpTimeMs, lastFetchTimeMs: nowMs, lastFetchLeaderLogEndOffset: leaderLogEndOffset, brokerEpoch };
}

/** Replica.isCaughtUp: at the leader's end, or caught up within replica.lag.time.max.ms. */
export function isCaughtUp(state: FollowerState | undefined, leaderLogEndOffset: number, nowMs: number, replicaLagTimeMaxMs: number): boolean {
  if (state === undefined) return false;
  return state.logEndOffset === leaderLogEndOffset || (state.lastCaughtUpTimeMs !== NEVER_MS && nowMs - state.lastCaughtUpTimeMs <= replicaLagTimeMaxMs);
}

/**
 * Partition.maybeIncrementLeaderHW: the smallest log end offset over the leader and every follower
 * that counts. A follower counts when it is in the maximal ISR (the ISR plus a pending addition; a
 * pending removal still counts), or when it is outside it but caught up (Replica.isCaughtUp:
 * within replica.lag.time.max.ms) and eligible to join it (Partition.isReplicaIsrEligible: not
 * fenced, broker epoch current): the high watermark waits for a follower about to join the ISR, so
 * that under steady writes it can reach the high watermark and be added. A follower not heard from
 * in this leader epoch has an unknown end offset, which holds the high watermark where it is.
 * The high watermark never goes back, and (Kafka 3.7+) does not advance while the ISR is smaller
 * than min.insync.replicas.
 */
export function leaderHighWatermark(input: {
  readonly highWatermark: number;
  readonly leaderLogEndOffset: number;
  readonly leaderId: number;
  readonly replicas: readonly number[];
  readonly maximalIsr: readonly number[];
  readonly isrSize: number;
  readonly effectiveMinIsr: number;
  readonly followers: Readonly<Record<string, FollowerState>>;
  readonly nowMs: number;
  readonly replicaLagTimeMaxMs: number;
  /** Whether a follower outside the ISR may join it (Partition.isReplicaIsrEligible). */
  readonly isIsrEligible: (replica: number) => boolean;
}): number {
  if (input.isrSize < input.effectiveMinIsr) return input.highWatermark;
  let candidate = input.leaderLogEndOffset;
  for (const replica of new Set([...input.replicas, ...input.maximalIsr])) {
    if (replica === input.leaderId) continue;
    const state = input.followers[String(replica)];
    const logEndOffset = state?.logEndOffset ?? UNKNOWN_OFFSET;
    if (logEndOffset >= candidate) continue;
    const waitForIt = input.maximalIsr.includes(replica)
      || (isCaughtUp(state, input.leaderLogEndOffset, input.nowMs, input.replicaLagTimeMaxMs) && input.isIsrEligible(replica));
    if (waitForIt) candidate = logEndOffset;
  }
  return candidate > input.highWatermark ? candidate : input.highWatermark;
}

/** min(min.insync.replicas, replication factor): the ISR size acks=all needs. */
export const effectiveMinIsr = (minInsyncReplicas: number, replicationFactor: number): number => Math.min(minInsyncReplicas, replicationFactor);

/**
 * The leader's divergence check on a follower fetch (Partition.fetchRecords, KIP-595 style):
 * the leader's end offset for the follower's last fetched epoch; if that epoch is not the
 * follower's or ends before the fetch offset, answer with it and no records.
 */
export function fetchDivergence(cache: readonly EpochEntry[], logEndOffset: number, fetchOffset: number, lastFetchedEpoch: number): OffsetAndEpoch | null {
  if (lastFetchedEpoch < 0) return null;
  const end = endOffsetForEpoch(cache, logEndOffset, lastFetchedEpoch);
  if (end.epoch < lastFetchedEpoch || end.endOffset < fetchOffset) return end;
  return null;
}

/**
 * Where a follower truncates given the leader's (epoch, end offset) for its epoch
 * (AbstractFetcherThread.getOffsetTruncationState): an unknown answer falls back to the high
 * watermark; the same epoch here → the smaller end; otherwise the end of the largest epoch this
 * log has below it (and the exchange repeats from there, KIP-279).
 */
export function followerTruncationOffset(cache: readonly EpochEntry[], logEndOffset: number, highWatermark: number, leader: OffsetAndEpoch): { offset: number; done: boolean; nextEpoch: number } {
  if (leader.endOffset < 0 || leader.epoch < 0) return { offset: Math.min(highWatermark, logEndOffset), done: true, nextEpoch: -1 };
  const local = endOffsetForEpoch(cache, logEndOffset, leader.epoch);
  if (local.epoch < 0) return { offset: Math.min(leader.endOffset, logEndOffset), done: true, nextEpoch: -1 };
  if (local.epoch === leader.epoch) return { offset: Math.min(local.endOffset, leader.endOffset, logEndOffset), done: true, nextEpoch: -1 };
  return { offset: Math.min(local.endOffset, logEndOffset), done: false, nextEpoch: local.epoch };
}

/**
 * Pure rules of the quorum, used by the machine's guards and actions. Each cites where Kafka
 * keeps the same rule.
 */
import { nextInt } from '../../core/prng.js';

/** One entry of the leader-epoch cache: the first offset written in an epoch. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

export interface OffsetAndEpoch {
  readonly endOffset: number;
  readonly epoch: number;
}

/** The epoch of the last record in the log, 0 for an empty log. */
export function lastEpoch(cache: readonly EpochEntry[]): number {
  return cache[cache.length - 1]?.epoch ?? 0;
}

/**
 * The end offset of `epoch` in a log (LeaderEpochFileCache.endOffsetFor): for the latest epoch,
 * the log end offset; otherwise the start of the next higher epoch, reported under the largest
 * epoch not above the one asked for. Unknown (-1, -1) when the epoch is above every epoch held.
 */
export function endOffsetForEpoch(cache: readonly EpochEntry[], logEndOffset: number, epoch: number): OffsetAndEpoch {
  if (epoch < 0) return { epoch: -1, endOffset: -1 };
  const latest = cache[cache.length - 1];
  if (latest === undefined) return { epoch, endOffset: logEndOffset };
  if (epoch === latest.epoch) return { epoch, endOffset: logEndOffset };
  if (epoch > latest.epoch) return { epoch: -1, endOffset: -1 };
  const next = cache.findIndex((e) => e.epoch > epoch);
  const floor = cache[next - 1];
  const nextEntry = cache[next] as EpochEntry;
  return floor === undefined ? { epoch, endOffset: nextEntry.startOffset } : { epoch: floor.epoch, endOffset: nextEntry.startOffset };
}

/**
 * Is the fetch position (fetchOffset, lastFetchedEpoch) consistent with this log
 * (ReplicatedLog.validateOffsetAndEpoch)? If not, the diverging (epoch, endOffset) to answer.
 */
export function divergence(cache: readonly EpochEntry[], logEndOffset: number, fetchOffset: number, lastFetchedEpoch: number): OffsetAndEpoch | null {
  if (fetchOffset === 0) return null;
  const end = endOffsetForEpoch(cache, logEndOffset, lastFetchedEpoch);
  if (end.epoch === lastFetchedEpoch && end.endOffset >= fetchOffset) return null;
  return end.epoch < 0 ? { epoch: 0, endOffset: 0 } : end;
}

/**
 * Where a follower truncates when the leader reports a diverging epoch
 * (KafkaMetadataLog.truncateToEndOffset): to the smaller of the leader's end offset for that
 * epoch and the follower's own end of it.
 */
export function truncationOffset(cache: readonly EpochEntry[], logEndOffset: number, diverging: OffsetAndEpoch): number {
  if (diverging.epoch === 0) return Math.min(diverging.endOffset, logEndOffset);
  const local = endOffsetForEpoch(cache, logEndOffset, diverging.epoch);
  if (local.epoch === diverging.epoch) return Math.min(local.endOffset, diverging.endOffset);
  return Math.max(0, Math.min(local.endOffset < 0 ? logEndOffset : local.endOffset, logEndOffset));
}

/** The cache after truncating the log to `offset`: entries starting at or past it go. */
export function truncateEpochCache(cache: readonly EpochEntry[], offset: number): EpochEntry[] {
  return cache.filter((e) => e.startOffset < offset);
}

/** The cache after appending a record of `epoch` at `offset`. */
export function appendToEpochCache(cache: readonly EpochEntry[], epoch: number, offset: number): EpochEntry[] {
  const last = cache[cache.length - 1];
  if (last !== undefined && last.epoch === epoch) return cache as EpochEntry[];
  if (last !== undefined && last.epoch > epoch) throw new Error(`epoch cache would go backwards: ${epoch} after ${last.epoch}`);
  return [...cache, { epoch, startOffset: offset }];
}

/** Raft's vote rule (Raft thesis §3.6.1): the candidate's log is at least as up to date. */
export function isLogUpToDate(candidate: { lastOffsetEpoch: number; lastOffset: number }, own: { lastEpoch: number; logEndOffset: number }): boolean {
  return candidate.lastOffsetEpoch > own.lastEpoch || (candidate.lastOffsetEpoch === own.lastEpoch && candidate.lastOffset >= own.logEndOffset);
}

export const majority = (voters: number): number => Math.floor(voters / 2) + 1;

/**
 * The offset replicated on a majority of voters (LeaderState.maybeUpdateHighWatermark): sort the
 * voters' end offsets, highest first, and take the majority-th.
 */
export function majorityEndOffset(endOffsets: readonly number[]): number {
  const sorted = [...endOffsets].sort((a, b) => b - a);
  return sorted[majority(endOffsets.length) - 1] ?? 0;
}

/** Randomized election timeout (QuorumState.randomElectionTimeoutMs): base + [0, base). */
export function randomElectionTimeout(random: number, electionTimeoutMs: number): { value: number; state: number } {
  return nextInt(random, electionTimeoutMs, 2 * electionTimeoutMs - 1);
}

export const RETRY_BACKOFF_BASE_MS = 50;

/**
 * Binary exponential backoff after a failed election (RaftUtil.binaryExponentialElectionBackoffMs):
 * base × random[0, 2^retries), at most the configured maximum.
 */
export function electionBackoff(random: number, retries: number, electionBackoffMaxMs: number): { value: number; state: number } {
  const drawn = nextInt(random, 0, Math.max(1, 2 ** Math.min(Math.max(retries, 1), 20)) - 1);
  return { value: Math.min(RETRY_BACKOFF_BASE_MS * drawn.value, electionBackoffMaxMs), state: drawn.state };
}

/** A follower told by EndQuorumEpoch that it is successor number `position` waits longer the further back it is. */
export function endQuorumBackoff(position: number, electionBackoffMaxMs: number): number {
  return position < 0 ? electionBackoffMaxMs : Math.min(RETRY_BACKOFF_BASE_MS * 2 ** position, electionBackoffMaxMs);
}

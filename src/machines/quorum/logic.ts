/**
 * Pure rules of the quorum, used by the machine's guards and actions. Each cites where Kafka
 * keeps the same rule.
 */
import { nextInt } from '../../core/prng.js';

export { appendToEpochCache, divergence, endOffsetForEpoch, lastEpoch, truncateEpochCache, truncationOffset } from '../../log/epoch-cache.js';
export type { EpochEntry, OffsetAndEpoch } from '../../log/epoch-cache.js';

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

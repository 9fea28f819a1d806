/**
 * The leader's long poll for follower fetches: kafka.server.DelayedFetch, created by
 * ReplicaManager.fetchMessages and completed by ReplicaManager.tryCompleteDelayedFetch.
 *
 * A follower's Fetch that would bring no records (replica.fetch.min.bytes = 1 not met) and no
 * error or divergence is held by the leader until DelayedFetch.tryComplete holds — for a follower
 * (FetchIsolation.LOG_END) that is: the partition's log end moved past the fetch offset (Case G,
 * an append) or below it (Case F, a truncated leader), this broker stopped leading (Case A) or the
 * leader epoch moved on (Case E), or a diverging epoch appeared (Case H) — or until
 * replica.fetch.wait.max.ms runs out (DelayedOperation expiry), then it is answered with whatever
 * the log has. A change of the high watermark alone does not complete a follower's fetch (it reads
 * to the log end, not to the high watermark): the follower learns it with its next answer.
 *
 * Kafka's follower sends replica.fetch.wait.max.ms and replica.fetch.min.bytes in its Fetch
 * (MaxWaitMs, MinBytes); every broker here shares one replica config, so the leader reads its own.
 * Bytes are not known to the machine (records never sit in its context), so min bytes is 1: any
 * record completes the fetch.
 */
import type { FetchRequest } from '../../protocol/replication/messages.js';
import type { EpochEntry } from '../../log/epoch-cache.js';
import { fetchDivergence } from './logic.js';

/** A held follower fetch: the request as it arrived (`nowMs` is when it was parked). */
export interface DelayedFetch {
  readonly request: FetchRequest & { readonly from: number; readonly nowMs: number };
}

/** What tryComplete reads of the leader replica. */
export interface LeaderView {
  readonly brokerId: number;
  readonly partition: { readonly leader: number; readonly leaderEpoch: number };
  readonly log: { readonly logEndOffset: number; readonly epochCache: readonly EpochEntry[] };
  readonly variant: { readonly truncation: string; readonly epochFencing: boolean };
}

/** The timer event that expires a held fetch after replica.fetch.wait.max.ms. */
export interface DelayedFetchExpired {
  readonly type: 'DelayedFetchExpired';
  readonly replicaId: number;
  readonly correlationId: number;
}

export const delayedFetchTimerId = (replicaId: number, correlationId: number): string => `delayed-fetch/${replicaId}/${correlationId}`;

export const isHeld = (fetch: DelayedFetch, replicaId: number, correlationId: number): boolean =>
  fetch.request.replicaId === replicaId && fetch.request.correlationId === correlationId;

/**
 * ReplicaManager.fetchMessages answers at once when the request does not wait (MaxWaitMs 0), has
 * enough bytes, an error or a diverging epoch; called after those checks passed, so the only
 * question left is whether the read would bring records. Consumer fetches (replicaId -1) are
 * answered at once here: the client gateway holds them (fetch.max.wait.ms).
 */
export function mustWait(view: LeaderView, request: FetchRequest, fetchWaitMaxMs: number): boolean {
  return request.replicaId >= 0 && fetchWaitMaxMs > 0 && request.fetchOffset === view.log.logEndOffset;
}

/** DelayedFetch.tryComplete for a follower fetch (LOG_END isolation). */
export function canComplete(view: LeaderView, fetch: DelayedFetch): boolean {
  const request = fetch.request;
  if (view.partition.leader !== view.brokerId) return true; // Case A
  if (view.variant.epochFencing && request.currentLeaderEpoch >= 0 && request.currentLeaderEpoch !== view.partition.leaderEpoch) return true; // Case E
  if (request.fetchOffset !== view.log.logEndOffset) return true; // Case G (records appended), Case F (the log end fell below)
  if (view.variant.truncation === 'fetch-divergence' && request.lastFetchedEpoch >= 0) {
    return fetchDivergence(view.log.epochCache, view.log.logEndOffset, request.fetchOffset, request.lastFetchedEpoch) !== null; // Case H
  }
  return false;
}

/**
 * The leader-epoch cache: for each leader epoch present in a log, the first offset written in it
 * (Kafka's LeaderEpochFileCache). Shared by the metadata quorum's log and by partition replicas:
 * followers use it to find where their log diverges from the leader's (KIP-101, KIP-279, KIP-595).
 */

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

/**
 * The cache after the log start offset moved up to `logStartOffset` (LeaderEpochFileCache.truncateFromStart):
 * entries wholly below it go, and the one it falls in now starts there.
 */
export function truncateEpochCacheFromStart(cache: readonly EpochEntry[], logStartOffset: number): EpochEntry[] {
  const kept = cache.filter((e, i) => (cache[i + 1]?.startOffset ?? Number.POSITIVE_INFINITY) > logStartOffset);
  return kept.map((e) => (e.startOffset < logStartOffset ? { epoch: e.epoch, startOffset: logStartOffset } : e));
}

/** The cache after appending a record of `epoch` at `offset`. */
export function appendToEpochCache(cache: readonly EpochEntry[], epoch: number, offset: number): EpochEntry[] {
  const last = cache[cache.length - 1];
  if (last !== undefined && last.epoch === epoch) return cache as EpochEntry[];
  if (last !== undefined && last.epoch > epoch) throw new Error(`epoch cache would go backwards: ${epoch} after ${last.epoch}`);
  return [...cache, { epoch, startOffset: offset }];
}


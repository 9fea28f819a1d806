/**
 * A partition's log as Kafka stores it (UnifiedLog, LocalLog, LogSegment): record batches in
 * segments, a log start offset, a log end offset, a leader-epoch cache, and a recovery point up
 * to which the log is flushed. Owned by a shell; replica machines change it only through effects.
 *
 * - Appends roll a new segment when the active one would pass `segmentBytes` or is older than
 *   `segmentMs` (LogSegment.shouldRoll).
 * - Retention deletes whole segments from the oldest forward, never past the high watermark, in
 *   Kafka's three passes: log start offset, retention.bytes, retention.ms
 *   (UnifiedLog.deleteOldSegments; protocol-rules D.6).
 * - Flushing follows `flushMessages` / `flushMs`; Kafka's defaults leave it to the operating
 *   system. A process crash keeps the page cache, so the whole log survives it; a machine crash
 *   loses what was not flushed ({@link PartitionLog.loseUnflushed}).
 */
import { lastOffsetOf, recordCountOf, type RecordBatch } from '../protocol/replication/record-batch.js';
import { appendToEpochCache, truncateEpochCache, truncateEpochCacheFromStart, type EpochEntry } from './epoch-cache.js';

export type { BatchRecord, RecordBatch } from '../protocol/replication/record-batch.js';
export { lastOffsetOf } from '../protocol/replication/record-batch.js';

/** A wire batch's records as (offsetDelta, timestamp), read from its bytes; undefined when they are not at hand. */
export type WireTimestamps = (batch: RecordBatch) => readonly { offsetDelta: number; timestamp: number }[] | undefined;

export interface LogConfig {
  /** segment.bytes */
  readonly segmentBytes: number;
  /** segment.ms */
  readonly segmentMs: number;
  /** retention.ms; -1 keeps data forever. */
  readonly retentionMs: number;
  /** retention.bytes; -1 means no size limit. */
  readonly retentionBytes: number;
  /** flush.messages; Number.MAX_SAFE_INTEGER leaves flushing to the operating system (Kafka's default). */
  readonly flushMessages: number;
}

export const defaultLogConfig: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  flushMessages: Number.MAX_SAFE_INTEGER,
};

/** A segment as a store recovered it: its base offset and its batches, in offset order. */
export interface LoadedSegment {
  readonly baseOffset: number;
  readonly batches: readonly RecordBatch[];
}

export interface LoadedLog {
  readonly segments: readonly LoadedSegment[];
  readonly logStartOffset: number;
  readonly epochCache: readonly EpochEntry[];
  readonly recoveryPoint: number;
}

interface Segment {
  readonly baseOffset: number;
  readonly createdMs: number;
  batches: RecordBatch[];
  sizeInBytes: number;
  largestTimestamp: number;
}

export type ReadResult =
  | { readonly error: 'NONE'; readonly batches: readonly RecordBatch[] }
  | { readonly error: 'OFFSET_OUT_OF_RANGE'; readonly logStartOffset: number; readonly logEndOffset: number };

/** Batch overhead of the v2 format (61 bytes) plus a record's framing, key and value. */
const BATCH_OVERHEAD_BYTES = 61;
const RECORD_OVERHEAD_BYTES = 7;

export function batchSizeInBytes(batch: RecordBatch): number {
  if (batch.sizeInBytes !== undefined) return batch.sizeInBytes;
  return BATCH_OVERHEAD_BYTES + batch.records.reduce((n, r) => n + RECORD_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0);
}


export class PartitionLog {
  private segments: Segment[];
  private startOffset: number;
  private endOffset: number;
  private flushedOffset: number;
  private cache: EpochEntry[] = [];

  constructor(
    readonly config: LogConfig = defaultLogConfig,
    nowMs = 0,
  ) {
    this.segments = [newSegment(0, nowMs)];
    this.startOffset = 0;
    this.endOffset = 0;
    this.flushedOffset = 0;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.endOffset;
  }

  /** Everything below this offset is on disk; above it only in the page cache. */
  get recoveryPoint(): number {
    return this.flushedOffset;
  }

  get epochCache(): readonly EpochEntry[] {
    return this.cache;
  }

  get sizeInBytes(): number {
    return this.segments.reduce((n, s) => n + s.sizeInBytes, 0);
  }

  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  batches(): RecordBatch[] {
    return this.segments.flatMap((s) => s.batches);
  }

  /**
   * Replace a new, empty log with what a store recovered from its files (LogLoader.load): the
   * segments' batches in offset order, the log start offset (at least the first segment's base),
   * the leader-epoch cache and the recovery point. The log end offset is the last segment's next
   * offset (LogSegment.readNextOffset: its base when it holds nothing).
   */
  load(loaded: LoadedLog, nowMs: number): void {
    if (this.endOffset !== 0 || this.segments.length !== 1) throw new Error('load into a log that is not new');
    const first = loaded.segments[0];
    if (first === undefined) throw new Error('a loaded log needs a segment');
    this.segments = loaded.segments.map((s) => {
      const segment = newSegment(s.baseOffset, nowMs);
      segment.batches = [...s.batches];
      segment.sizeInBytes = s.batches.reduce((n, b) => n + batchSizeInBytes(b), 0);
      segment.largestTimestamp = s.batches.reduce((t, b) => Math.max(t, b.maxTimestamp), -1);
      return segment;
    });
    const last = loaded.segments[loaded.segments.length - 1] as LoadedSegment;
    const lastBatch = last.batches[last.batches.length - 1];
    this.endOffset = lastBatch === undefined ? last.baseOffset : lastOffsetOf(lastBatch) + 1;
    this.startOffset = Math.min(Math.max(loaded.logStartOffset, first.baseOffset), this.endOffset);
    this.flushedOffset = Math.min(Math.max(loaded.recoveryPoint, this.startOffset), this.endOffset);
    this.cache = [...loaded.epochCache];
  }

  /** Append one batch at the log end offset (asserted), rolling a segment first when needed. */
  append(batch: RecordBatch, nowMs: number): void {
    if (batch.baseOffset !== this.endOffset) throw new Error(`append at ${batch.baseOffset}, log end offset is ${this.endOffset}`);
    if (batch.lastOffsetDelta !== recordCountOf(batch) - 1) throw new Error(`batch at ${batch.baseOffset}: lastOffsetDelta ${batch.lastOffsetDelta} for ${recordCountOf(batch)} records`);
    const size = batchSizeInBytes(batch);
    if (this.shouldRoll(size, nowMs)) this.segments.push(newSegment(this.endOffset, nowMs));
    const active = this.segments[this.segments.length - 1] as Segment;
    active.batches.push(batch);
    active.sizeInBytes += size;
    active.largestTimestamp = Math.max(active.largestTimestamp, batch.maxTimestamp);
    this.cache = appendToEpochCache(this.cache, batch.partitionLeaderEpoch, batch.baseOffset);
    this.endOffset = lastOffsetOf(batch) + 1;
    if (this.endOffset - this.flushedOffset >= this.config.flushMessages) this.flush();
  }

  /**
   * Whole batches holding offsets in [fetchOffset, maxOffset): the first may start before the
   * fetch offset (the reader skips those records), and at least one batch is returned when any
   * qualifies, even past `maxBytes` (KIP-74). Outside [log start, log end] → OFFSET_OUT_OF_RANGE.
   */
  read(fetchOffset: number, maxOffset: number, maxBytes: number): ReadResult {
    if (fetchOffset < this.startOffset || fetchOffset > this.endOffset) {
      return { error: 'OFFSET_OUT_OF_RANGE', logStartOffset: this.startOffset, logEndOffset: this.endOffset };
    }
    const out: RecordBatch[] = [];
    let bytes = 0;
    for (const segment of this.segments) {
      for (const batch of segment.batches) {
        if (lastOffsetOf(batch) < fetchOffset) continue;
        if (lastOffsetOf(batch) >= maxOffset) return { error: 'NONE', batches: out };
        const size = batchSizeInBytes(batch);
        if (out.length > 0 && bytes + size > maxBytes) return { error: 'NONE', batches: out };
        out.push(batch);
        bytes += size;
      }
    }
    return { error: 'NONE', batches: out };
  }

  /**
   * A new leader records where its epoch starts before it appends anything
   * (UnifiedLog.maybeAssignEpochStartOffset), so followers of an older epoch learn where it ended.
   */
  assignEpochStartOffset(epoch: number, offset: number): void {
    const last = this.cache[this.cache.length - 1];
    if (last !== undefined && last.epoch >= epoch) return;
    this.cache = appendToEpochCache(this.cache, epoch, offset);
  }

  /** Empty the log and start it again at `offset` (a follower behind the leader's log start offset). */
  truncateFullyAndStartAt(offset: number, nowMs: number): void {
    this.segments = [newSegment(offset, nowMs)];
    this.startOffset = offset;
    this.endOffset = offset;
    this.flushedOffset = offset;
    this.cache = [];
  }

  /** The record at `offset` with its batch's leader epoch, or undefined outside the log. */
  recordAt(offset: number): { epoch: number; value: string | null; key: string | null } | undefined {
    if (offset < this.startOffset || offset >= this.endOffset) return undefined;
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i] as Segment;
      if (segment.baseOffset > offset) continue;
      const batches = segment.batches;
      let low = 0;
      let high = batches.length - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const batch = batches[mid] as RecordBatch;
        if (lastOffsetOf(batch) < offset) low = mid + 1;
        else if (batch.baseOffset > offset) high = mid - 1;
        else {
          const record = batch.records[offset - batch.baseOffset];
          return record === undefined ? undefined : { epoch: batch.partitionLeaderEpoch, value: record.value, key: record.key };
        }
      }
      return undefined;
    }
    return undefined;
  }

  /**
   * Remove every batch holding an offset at or above `offset` (UnifiedLog.truncateTo, LocalLog.truncateTo).
   * A target below the log start offset leaves nothing readable: Kafka starts the log over at the target
   * when it is below the first segment's base offset, and otherwise lowers the log start offset to it
   * above the segment's older, already unreadable records; both are the empty log at the target here.
   * A follower gets there when the leader's log ends below this log's start (a leader that lost power,
   * AbstractFetcherThread.fetchOffsetAndTruncate).
   */
  truncateTo(offset: number, nowMs: number): void {
    if (offset >= this.endOffset) {
      // Nothing to remove, but an epoch this replica started as leader without appending to it
      // goes: otherwise its fetches name an epoch the new leader never had, forever
      // (UnifiedLog.truncateTo always truncates the epoch cache).
      this.cache = truncateEpochCache(this.cache, this.endOffset);
      return;
    }
    if (offset < 0) throw new Error(`truncate to a negative offset ${offset}`);
    if (offset < this.startOffset) return this.truncateFullyAndStartAt(offset, nowMs);
    for (const segment of this.segments) {
      const keep = segment.batches.filter((b) => lastOffsetOf(b) < offset);
      if (keep.length !== segment.batches.length) {
        segment.batches = keep;
        segment.sizeInBytes = keep.reduce((n, b) => n + batchSizeInBytes(b), 0);
        segment.largestTimestamp = keep.reduce((t, b) => Math.max(t, b.maxTimestamp), -1);
      }
    }
    const remaining = this.segments.filter((s, i) => i === 0 || s.baseOffset < offset);
    this.segments = remaining;
    const last = this.batches().at(-1);
    this.endOffset = last === undefined ? this.startOffset : lastOffsetOf(last) + 1;
    this.flushedOffset = Math.min(this.flushedOffset, this.endOffset);
    this.cache = truncateEpochCache(this.cache, this.endOffset);
  }

  /**
   * UnifiedLog.deleteOldSegments: three passes, each over the segments as the previous one left
   * them — segments below the log start offset, then by retention.bytes (the excess measured
   * now), then by retention.ms. Each deletes from the oldest forward, stops at the first segment
   * its rule keeps, and never deletes a segment whose successor starts above the high watermark.
   * Returns how many segments went.
   */
  deleteOldSegments(nowMs: number, highWatermark: number): number {
    return this.deleteLogStartOffsetBreachedSegments(nowMs, highWatermark)
      + this.deleteRetentionSizeBreachedSegments(nowMs, highWatermark)
      + this.deleteRetentionMsBreachedSegments(nowMs, highWatermark);
  }

  /** UnifiedLog.deleteLogStartOffsetBreachedSegments: segments wholly below the log start offset. */
  private deleteLogStartOffsetBreachedSegments(nowMs: number, highWatermark: number): number {
    return this.deleteSegmentsWhile((_, nextBase) => nextBase <= this.startOffset, nowMs, highWatermark);
  }

  /** UnifiedLog.deleteRetentionSizeBreachedSegments: the oldest segments while the log stays at or above retention.bytes without them. */
  private deleteRetentionSizeBreachedSegments(nowMs: number, highWatermark: number): number {
    const retentionBytes = this.config.retentionBytes;
    if (retentionBytes < 0 || this.sizeInBytes < retentionBytes) return 0;
    let excessBytes = this.sizeInBytes - retentionBytes;
    return this.deleteSegmentsWhile((segment) => {
      if (excessBytes - segment.sizeInBytes < 0) return false;
      excessBytes -= segment.sizeInBytes;
      return true;
    }, nowMs, highWatermark);
  }

  /** UnifiedLog.deleteRetentionMsBreachedSegments: segments whose newest record is older than retention.ms. */
  private deleteRetentionMsBreachedSegments(nowMs: number, highWatermark: number): number {
    const retentionMs = this.config.retentionMs;
    if (retentionMs < 0) return 0;
    return this.deleteSegmentsWhile((segment) => segment.batches.length > 0 && nowMs - segment.largestTimestamp > retentionMs, nowMs, highWatermark);
  }

  /**
   * UnifiedLog.deletableSegments and deleteSegments: the longest run of segments from the oldest
   * that `shouldDelete` accepts, none reaching past the high watermark and not the empty active
   * segment; a log left with no segment gets a new empty one at its end, and the log start offset
   * moves to the first segment kept.
   */
  private deleteSegmentsWhile(shouldDelete: (segment: Segment, nextBase: number) => boolean, nowMs: number, highWatermark: number): number {
    let deletable = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i] as Segment;
      const nextBase = this.segments[i + 1]?.baseOffset ?? this.endOffset;
      const isLastAndEmpty = i === this.segments.length - 1 && segment.batches.length === 0;
      if (nextBase > highWatermark || isLastAndEmpty || !shouldDelete(segment, nextBase)) break;
      deletable++;
    }
    if (deletable === 0) return 0;
    if (deletable === this.segments.length) this.segments.push(newSegment(this.endOffset, nowMs));
    this.segments = this.segments.slice(deletable);
    this.raiseLogStartOffset((this.segments[0] as Segment).baseOffset);
    return deletable;
  }

  /**
   * Move the log start offset up (retention, DeleteRecords, or a follower adopting its leader's).
   * It never goes down and never past the log end offset.
   */
  raiseLogStartOffset(offset: number): void {
    if (offset <= this.startOffset) return;
    if (offset > this.endOffset) throw new Error(`log start offset ${offset} above the log end offset ${this.endOffset}`);
    this.startOffset = offset;
    // Nothing below the log start offset is ever recovered (UnifiedLog.maybeIncrementLogStartOffset).
    this.flushedOffset = Math.max(this.flushedOffset, offset);
    this.cache = truncateEpochCacheFromStart(this.cache, offset);
  }

  /**
   * The first offset below `maxOffset` whose record timestamp is at least `timestamp`, or null
   * (LogSegment.findOffsetByTimestamp: the first batch whose maxTimestamp reaches it, then the
   * first record in it that does). A wire batch's record timestamps come from `wireTimestamps`
   * (the node layer holds its bytes); without them its first offset stands for the batch.
   */
  offsetForTimestamp(timestamp: number, maxOffset: number, wireTimestamps?: WireTimestamps): { offset: number; timestamp: number } | null {
    for (const batch of this.batches()) {
      if (batch.maxTimestamp < timestamp) continue;
      const records = batch.payload === undefined ? batch.records : wireTimestamps?.(batch);
      if (records === undefined) {
        if (batch.baseOffset >= maxOffset) return null;
        if (lastOffsetOf(batch) >= this.startOffset) return { offset: Math.max(batch.baseOffset, this.startOffset), timestamp: batch.maxTimestamp };
        continue;
      }
      for (const record of records) {
        const offset = batch.baseOffset + record.offsetDelta;
        if (offset >= maxOffset) return null;
        if (offset >= this.startOffset && record.timestamp >= timestamp) return { offset, timestamp: record.timestamp };
      }
    }
    return null;
  }

  /** Write everything to disk: the recovery point moves to the log end offset. */
  flush(): void {
    this.flushedOffset = this.endOffset;
  }

  /** A machine crash: whatever was not flushed is gone. Returns the offsets lost. */
  loseUnflushed(nowMs: number): number {
    const lost = this.endOffset - this.flushedOffset;
    if (lost > 0) this.truncateTo(this.flushedOffset, nowMs);
    return lost;
  }

  private shouldRoll(batchBytes: number, nowMs: number): boolean {
    const active = this.segments[this.segments.length - 1] as Segment;
    if (active.batches.length === 0) return false;
    const firstTimestamp = active.batches[0]?.maxTimestamp ?? active.createdMs;
    return active.sizeInBytes + batchBytes > this.config.segmentBytes || nowMs - firstTimestamp > this.config.segmentMs;
  }
}

function newSegment(baseOffset: number, nowMs: number): Segment {
  return { baseOffset, createdMs: nowMs, batches: [], sizeInBytes: 0, largestTimestamp: -1 };
}

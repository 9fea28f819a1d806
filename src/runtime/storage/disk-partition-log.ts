/**
 * A partition log that keeps the model's PartitionLog as its working copy (reads are served from
 * memory) and writes every change through to its directory: batches to segment files, the
 * leader-epoch cache to leader-epoch-checkpoint. The PartitionLog decides everything (when to
 * roll, what truncation and retention remove); this class only makes the files say the same.
 */
import * as path from 'node:path';
import { lastOffsetOf, PartitionLog, type LogConfig, type RecordBatch } from '../../log/partition-log.js';
import type { EpochEntry } from '../../log/epoch-cache.js';
import type { PartitionBatchCodec } from './batch-codec.js';
import { LEADER_EPOCH_CHECKPOINT, writeLeaderEpochCheckpoint } from './checkpoint-files.js';
import type { SegmentFiles, SegmentFile } from './segment-files.js';

/** LogConfig plus flush.ms, which the model's log has no use for (it has no clock of its own). */
export interface DiskLogConfig extends LogConfig {
  /** flush.ms; Number.MAX_SAFE_INTEGER (Kafka's Long.MAX_VALUE default) leaves flushing to the operating system. */
  readonly flushMs?: number;
}

export class DiskPartitionLog extends PartitionLog {
  private appending = false;
  private flushRequested = false;
  private writtenEpochCache: readonly EpochEntry[];
  /** Offsets below it are fsynced (the recovery point Kafka checkpoints). */
  private syncedOffset: number;
  private lastFlushMs: number;

  constructor(
    config: DiskLogConfig,
    nowMs: number,
    readonly dir: string,
    private readonly files: SegmentFiles<RecordBatch>,
    private readonly codec: PartitionBatchCodec,
  ) {
    super(config, nowMs);
    this.writtenEpochCache = this.epochCache;
    this.syncedOffset = 0;
    this.lastFlushMs = nowMs;
  }

  /** After load(): the files and the working copy agree; note what is already on disk. */
  loaded(recoveryPoint: number, nowMs: number): void {
    this.writtenEpochCache = this.epochCache;
    this.syncedOffset = recoveryPoint;
    this.lastFlushMs = nowMs;
    this.writeEpochCacheIfChanged();
  }

  /** The offset below which the log is fsynced: what recovery-point-offset-checkpoint records. */
  get diskRecoveryPoint(): number {
    return this.syncedOffset;
  }

  override append(batch: RecordBatch, nowMs: number): void {
    this.appending = true;
    try {
      super.append(batch, nowMs);
    } finally {
      this.appending = false;
    }
    const activeBase = this.segmentBaseOffsets().at(-1) as number;
    if (this.files.active?.baseOffset !== activeBase) {
      this.files.roll(activeBase);
      this.syncedOffset = Math.max(this.syncedOffset, activeBase);
    }
    this.files.append(this.codec.encode(batch), batch.baseOffset, lastOffsetOf(batch), batch);
    this.writeEpochCacheIfChanged();
    if (this.flushRequested) {
      this.flushRequested = false;
      this.flushFiles(nowMs);
    }
  }

  /** flush.messages reached (from append) or an explicit flush: fsync, and the recovery point moves to the log end. */
  override flush(): void {
    super.flush();
    if (this.appending) this.flushRequested = true;
    else this.flushFiles(this.lastFlushMs);
  }

  /** LogManager.flushDirtyLogs: flush when flush.ms has passed since the last flush. */
  flushIfDue(nowMs: number): boolean {
    const flushMs = (this.config as DiskLogConfig).flushMs ?? Number.MAX_SAFE_INTEGER;
    if (nowMs - this.lastFlushMs < flushMs || this.syncedOffset >= this.logEndOffset) return false;
    super.flush();
    this.flushFiles(nowMs);
    return true;
  }

  override truncateTo(offset: number, nowMs: number): void {
    super.truncateTo(offset, nowMs);
    this.syncFiles();
  }

  override truncateFullyAndStartAt(offset: number, nowMs: number): void {
    super.truncateFullyAndStartAt(offset, nowMs);
    this.syncFiles();
    this.syncedOffset = offset;
  }

  override deleteOldSegments(nowMs: number, highWatermark: number): number {
    const deleted = super.deleteOldSegments(nowMs, highWatermark);
    if (deleted > 0) this.syncFiles();
    return deleted;
  }

  override raiseLogStartOffset(offset: number): void {
    super.raiseLogStartOffset(offset);
    this.writeEpochCacheIfChanged();
  }

  override assignEpochStartOffset(epoch: number, offset: number): void {
    super.assignEpochStartOffset(epoch, offset);
    this.writeEpochCacheIfChanged();
  }

  close(): void {
    this.files.close();
  }

  private flushFiles(nowMs: number): void {
    this.files.flush();
    this.syncedOffset = this.logEndOffset;
    this.lastFlushMs = nowMs;
  }

  /**
   * Make the segment files hold what the working copy holds, after a truncation, a restart at a
   * new offset, or retention. A crash part way leaves a log Kafka's recovery accepts: segments
   * gone from the front are deleted oldest first and from the back newest first, so the files
   * always hold one contiguous run of the old log.
   */
  private syncFiles(): void {
    const wanted = this.workingSegments();
    const firstWanted = wanted[0]?.baseOffset ?? Number.POSITIVE_INFINITY;
    const gone = this.files.segments.filter((s) => !wanted.some((w) => w.baseOffset === s.baseOffset));
    for (const segment of gone.filter((s) => s.baseOffset < firstWanted)) this.files.deleteSegment(segment);
    for (const segment of gone.filter((s) => s.baseOffset > firstWanted).reverse()) this.files.deleteSegment(segment);
    for (const { baseOffset, batches } of wanted) {
      const segment = this.files.segments.find((s) => s.baseOffset === baseOffset) ?? this.files.create(baseOffset);
      this.syncSegment(segment, batches);
    }
    this.syncedOffset = Math.min(this.syncedOffset, this.logEndOffset);
    this.writeEpochCacheIfChanged();
  }

  /** Cut the segment where it stops matching the working copy; append what the copy has beyond. */
  private syncSegment(segment: SegmentFile<RecordBatch>, batches: readonly RecordBatch[]): void {
    let same = 0;
    while (same < segment.batches.length && same < batches.length && segment.batches[same]?.value === batches[same]) same++;
    this.files.truncateSegment(segment, same);
    if (same === batches.length) return;
    if (segment !== this.files.active) throw new Error(`${this.dir}: batches to add to segment ${segment.baseOffset}, which is not the active one`);
    for (const batch of batches.slice(same)) this.files.append(this.codec.encode(batch), batch.baseOffset, lastOffsetOf(batch), batch);
  }

  private workingSegments(): { baseOffset: number; batches: RecordBatch[] }[] {
    const segments = this.segmentBaseOffsets().map((baseOffset) => ({ baseOffset, batches: [] as RecordBatch[] }));
    let index = 0;
    for (const batch of this.batches()) {
      while (index + 1 < segments.length && (segments[index + 1] as { baseOffset: number }).baseOffset <= batch.baseOffset) index++;
      (segments[index] as { batches: RecordBatch[] }).batches.push(batch);
    }
    return segments;
  }

  /** LeaderEpochFileCache writes its checkpoint whenever the cache changes. */
  private writeEpochCacheIfChanged(): void {
    if (sameEntries(this.epochCache, this.writtenEpochCache)) return;
    writeLeaderEpochCheckpoint(path.join(this.dir, LEADER_EPOCH_CHECKPOINT), this.epochCache, this.files.sync);
    this.writtenEpochCache = this.epochCache;
  }
}

function sameEntries(a: readonly EpochEntry[], b: readonly EpochEntry[]): boolean {
  return a === b || (a.length === b.length && a.every((e, i) => e.epoch === b[i]?.epoch && e.startOffset === b[i]?.startOffset));
}

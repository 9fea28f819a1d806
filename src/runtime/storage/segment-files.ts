/**
 * A log's segment files in one directory, as Kafka's LocalLog and LogSegment keep them: files
 * named by their base offset in 20 digits (`00000000000000000000.log`, LogFileUtils.logFile),
 * each holding whole v2 record batches back to back, exactly as written to the wire.
 *
 * Indexes: Kafka's .index and .timeindex are not written. Reads are served from the in-memory
 * working copy of the log, so nothing seeks into a segment by offset or time; the position of
 * every batch (the offset index, at full density) is rebuilt when a segment is read on start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBatchHeader, type RecordBatchView } from '../../protocol/records/index.js';
import type { Sync } from './files.js';

/** LogFileUtils.LOG_FILE_SUFFIX */
const LOG_FILE_SUFFIX = '.log';
const SEGMENT_FILE = /^(\d{20})\.log$/;
/** Records.LOG_OVERHEAD: baseOffset and batchLength, which batchLength does not count. */
const LOG_OVERHEAD = 12;
/** DefaultRecordBatch.RECORD_BATCH_OVERHEAD */
const RECORD_BATCH_OVERHEAD = 61;

/** LogFileUtils.filenamePrefixFromOffset: the offset in 20 digits, zero padded. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}${LOG_FILE_SUFFIX}`;
}

/** Where one batch sits in its segment file, and what the log holds for it. */
export interface BatchPosition<T> {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly position: number;
  readonly size: number;
  readonly value: T;
}

export interface SegmentFile<T> {
  readonly baseOffset: number;
  readonly file: string;
  readonly batches: BatchPosition<T>[];
  sizeInBytes: number;
}

/** What reading a segment found: whole batches, and how many bytes past the last good one were cut. */
export interface SegmentRead {
  readonly views: RecordBatchView[];
  readonly validBytes: number;
  readonly invalidReason: string | undefined;
}

/**
 * The batches of a segment's bytes up to the first one that is not whole and valid
 * (LogSegment.recover: ensureValid on each batch, stop at the first CorruptRecordException or
 * InvalidRecordException). Below the recovery point the CRC is not checked (LogLoader recovers
 * only unflushed segments), but a batch must still parse.
 */
/** `baseOffset` null: offsets are not checked (a tool reading a file, not a log recovering it). */
export function readSegmentBytes(bytes: Uint8Array, baseOffset: number | null, verifyCrc: boolean, accept: (view: RecordBatchView) => string | undefined): SegmentRead {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const views: RecordBatchView[] = [];
  let position = 0;
  let nextOffset = baseOffset;
  while (position < bytes.length) {
    const remaining = bytes.length - position;
    if (remaining < LOG_OVERHEAD) return { views, validBytes: position, invalidReason: `${remaining} bytes of a torn batch header` };
    const size = LOG_OVERHEAD + view.getInt32(position + 8);
    if (size < RECORD_BATCH_OVERHEAD) return { views, validBytes: position, invalidReason: `batch size ${size} below the ${RECORD_BATCH_OVERHEAD}-byte header` };
    if (size > remaining) return { views, validBytes: position, invalidReason: `a torn batch: ${size} bytes declared, ${remaining} present` };
    const batchBytes = bytes.subarray(position, position + size);
    let batch: RecordBatchView;
    try {
      batch = { header: readBatchHeader(batchBytes, position, verifyCrc), bytes: batchBytes, position };
    } catch (error) {
      return { views, validBytes: position, invalidReason: (error as Error).message };
    }
    // Offsets follow on without a gap: the log never writes one (Kafka's compaction would; it is not modelled),
    // and baseOffset is outside the CRC, so this is the only check that catches a damaged one.
    const first = Number(batch.header.baseOffset);
    if (nextOffset !== null && first !== nextOffset) return { views, validBytes: position, invalidReason: `batch at offset ${first} where offset ${nextOffset} was due` };
    const rejected = accept(batch);
    if (rejected !== undefined) return { views, validBytes: position, invalidReason: rejected };
    views.push(batch);
    if (nextOffset !== null) nextOffset = first + batch.header.lastOffsetDelta + 1;
    position += size;
  }
  return { views, validBytes: position, invalidReason: undefined };
}

/** The base offsets of the segment files in `dir`, oldest first. */
export function listSegmentFiles(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .map((name) => SEGMENT_FILE.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * The segment files of one log, opened for writing. Only the active (last) segment keeps a file
 * descriptor. Writes go straight to the file (no buffer in the process), so a write that returned
 * is in the operating system's page cache and survives the process being killed; fsync (flush)
 * is what makes it survive the machine.
 */
export class SegmentFiles<T> {
  readonly segments: SegmentFile<T>[] = [];
  private activeFd: number | undefined;
  /** Segments written since they were last fsynced. */
  private readonly dirty = new Set<SegmentFile<T>>();

  constructor(
    readonly dir: string,
    readonly sync: Sync,
  ) {}

  get active(): SegmentFile<T> | undefined {
    return this.segments[this.segments.length - 1];
  }

  /** A segment found on disk, with the batches kept from it (used while loading, oldest first). */
  adopt(baseOffset: number, batches: BatchPosition<T>[], sizeInBytes: number): void {
    this.segments.push({ baseOffset, file: path.join(this.dir, segmentFileName(baseOffset)), batches, sizeInBytes });
  }

  /** A new empty segment after the others (LocalLog.roll, or the first segment of a new log). */
  create(baseOffset: number): SegmentFile<T> {
    const last = this.active;
    if (last !== undefined && last.baseOffset >= baseOffset) throw new Error(`segment ${baseOffset} after segment ${last.baseOffset}`);
    this.closeActive();
    const segment: SegmentFile<T> = { baseOffset, file: path.join(this.dir, segmentFileName(baseOffset)), batches: [], sizeInBytes: 0 };
    fs.writeFileSync(segment.file, new Uint8Array(0));
    this.segments.push(segment);
    return segment;
  }

  /**
   * Roll: the active segment is flushed (UnifiedLog.roll schedules flushUptoOffsetExclusive of the
   * new base offset, so a closed segment is always on disk) and a new one starts at `baseOffset`.
   */
  roll(baseOffset: number): void {
    this.flush();
    this.create(baseOffset);
    this.sync.directory(this.dir);
  }

  append(bytes: Uint8Array, baseOffset: number, lastOffset: number, value: T): void {
    const active = this.active;
    if (active === undefined) throw new Error(`no segment to append to in ${this.dir}`);
    const fd = this.openActive();
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
    active.batches.push({ baseOffset, lastOffset, position: active.sizeInBytes, size: bytes.length, value });
    active.sizeInBytes += bytes.length;
    this.dirty.add(active);
  }

  /** Cut a segment back to its first `keep` batches (LogSegment.truncateTo). */
  truncateSegment(segment: SegmentFile<T>, keep: number): void {
    if (keep >= segment.batches.length) return;
    const size = (segment.batches[keep] as BatchPosition<T>).position;
    if (segment === this.active && this.activeFd !== undefined) fs.ftruncateSync(this.activeFd, size);
    else fs.truncateSync(segment.file, size);
    segment.batches.length = keep;
    segment.sizeInBytes = size;
    this.dirty.add(segment);
  }

  /** Remove a segment's file (LocalLog.deleteSegmentFiles). */
  deleteSegment(segment: SegmentFile<T>): void {
    const index = this.segments.indexOf(segment);
    if (index < 0) return;
    if (segment === this.active) this.closeActive();
    fs.rmSync(segment.file, { force: true });
    this.segments.splice(index, 1);
    this.dirty.delete(segment);
  }

  /** Every segment written since its last flush goes to disk (LocalLog.flush: fsync each). */
  flush(): void {
    for (const segment of this.dirty) {
      if (segment === this.active && this.activeFd !== undefined) this.sync.file(this.activeFd);
      else if (fs.existsSync(segment.file)) this.syncPath(segment.file);
    }
    this.dirty.clear();
  }

  get isDirty(): boolean {
    return this.dirty.size > 0;
  }

  close(): void {
    this.closeActive();
  }

  private syncPath(file: string): void {
    const fd = fs.openSync(file, 'r+');
    try {
      this.sync.file(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private openActive(): number {
    if (this.activeFd === undefined) this.activeFd = fs.openSync((this.active as SegmentFile<T>).file, 'a');
    return this.activeFd;
  }

  private closeActive(): void {
    if (this.activeFd === undefined) return;
    // Its unflushed writes stay in the page cache; flush() finds the segment by its path.
    fs.closeSync(this.activeFd);
    this.activeFd = undefined;
  }
}

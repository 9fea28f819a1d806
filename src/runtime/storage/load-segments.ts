/**
 * Reading a log's segments back on start (LogLoader.load and recoverLog). Segments wholly below
 * the recovery point were flushed and are read without the CRC check; the others (or all of them,
 * after an unclean shutdown with no recovery point) are recovered: each batch CRC32C-checked, the
 * segment cut at the first batch that is torn or corrupt, and every later segment deleted, as
 * LogLoader.recoverLog deletes the unflushed segments after one it had to truncate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordBatchView } from '../../protocol/records/index.js';
import type { Sync } from './files.js';
import { listSegmentFiles, readSegmentBytes, segmentFileName, SegmentFiles, type BatchPosition } from './segment-files.js';

export interface LoadOptions<T> {
  /** Offsets below it are known to be on disk (recovery-point-offset-checkpoint). */
  readonly recoveryPoint: number;
  /** The log directory was closed cleanly (.kafka_cleanshutdown): nothing to recover. */
  readonly cleanShutdown: boolean;
  /** Where a log with no segment file starts. */
  readonly emptyLogBaseOffset: number;
  /** The log's own view of a batch; throwing marks the batch invalid. */
  readonly decode: (view: RecordBatchView) => T;
  readonly sync: Sync;
}

export interface LoadedSegments<T> {
  readonly files: SegmentFiles<T>;
  readonly segments: { readonly baseOffset: number; readonly batches: T[] }[];
  /** Bytes cut from the end of the segment where recovery stopped. */
  readonly truncatedBytes: number;
  /** Segment files deleted because they followed the cut. */
  readonly deletedSegments: number;
  /** Why recovery cut the log, when it did. */
  readonly invalidReason: string | undefined;
}

export function loadSegments<T>(dir: string, options: LoadOptions<T>): LoadedSegments<T> {
  const bases = listSegmentFiles(dir);
  const files = new SegmentFiles<T>(dir, options.sync);
  const segments: { baseOffset: number; batches: T[] }[] = [];
  let truncatedBytes = 0;
  let deletedSegments = 0;
  let invalidReason: string | undefined;
  let nextOffset = 0;
  for (const [i, baseOffset] of bases.entries()) {
    const file = path.join(dir, segmentFileName(baseOffset));
    if (invalidReason === undefined && baseOffset < nextOffset) invalidReason = `segment ${baseOffset} overlaps the previous one, which ends at ${nextOffset}`;
    if (invalidReason !== undefined) {
      fs.rmSync(file, { force: true });
      deletedSegments++;
      continue;
    }
    const nextBase = bases[i + 1] ?? Number.POSITIVE_INFINITY;
    const unflushed = !options.cleanShutdown && nextBase > options.recoveryPoint;
    const bytes = fs.readFileSync(file);
    const batches: T[] = [];
    const read = readSegmentBytes(bytes, baseOffset, unflushed, (view) => {
      const lastOffset = Number(view.header.baseOffset) + view.header.lastOffsetDelta;
      if (lastOffset >= nextBase) return `batch ending at ${lastOffset} reaches into the next segment ${nextBase}`;
      try {
        batches.push(options.decode(view));
        return undefined;
      } catch (error) {
        return `batch at offset ${view.header.baseOffset}: ${(error as Error).message}`;
      }
    });
    if (read.validBytes < bytes.length) {
      fs.truncateSync(file, read.validBytes);
      truncatedBytes += bytes.length - read.validBytes;
      invalidReason = `${file} at byte ${read.validBytes}: ${read.invalidReason ?? 'invalid'}`;
    }
    const positions: BatchPosition<T>[] = read.views.map((v, j) => ({
      baseOffset: Number(v.header.baseOffset),
      lastOffset: Number(v.header.baseOffset) + v.header.lastOffsetDelta,
      position: v.position,
      size: v.bytes.length,
      value: batches[j] as T,
    }));
    files.adopt(baseOffset, positions, read.validBytes);
    segments.push({ baseOffset, batches });
    const last = positions[positions.length - 1];
    if (last !== undefined) nextOffset = last.lastOffset + 1;
  }
  if (segments.length === 0) {
    files.create(options.emptyLogBaseOffset);
    segments.push({ baseOffset: options.emptyLogBaseOffset, batches: [] });
  }
  return { files, segments, truncatedBytes, deletedSegments, invalidReason };
}

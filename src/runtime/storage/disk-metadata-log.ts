/**
 * The metadata log of a controller (or a broker following it) in `__cluster_metadata-0/`, as
 * KafkaMetadataLog keeps it: segment files of v2 batches, one batch per run of records of one
 * epoch in an append, the epoch in partitionLeaderEpoch and each record's value (here the model's
 * metadata record text) as the record value. Every append is fsynced before it returns: a Raft
 * log must be on disk before the node acknowledges it (KafkaRaftClient flushes the log before it
 * answers a Fetch as follower or counts its own offset as leader).
 */
import * as path from 'node:path';
import { encodeRecordBatch, decodeBatchRecords, type RecordBatchView } from '../../protocol/records/index.js';
import { MemoryLogStore, type LogStore } from '../../log/log-store.js';
import type { LogRecord } from '../../protocol/quorum/messages.js';
import { appendToEpochCache, type EpochEntry } from '../../log/epoch-cache.js';
import { LEADER_EPOCH_CHECKPOINT, writeLeaderEpochCheckpoint } from './checkpoint-files.js';
import { loadSegments } from './load-segments.js';
import type { SegmentFiles } from './segment-files.js';
import type { Sync } from './files.js';

/** Kafka's metadata log directory (the __cluster_metadata topic, partition 0). */
export const METADATA_LOG_DIR = '__cluster_metadata-0';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

export interface MetadataLogRecovery {
  readonly truncatedBytes: number;
  readonly deletedSegments: number;
  readonly invalidReason: string | undefined;
}

export class DiskMetadataLog implements LogStore {
  private readonly memory = new MemoryLogStore();
  private cache: EpochEntry[] = [];

  private constructor(
    readonly dir: string,
    private readonly files: SegmentFiles<null>,
    private readonly segmentBytes: number,
    /** What the open found and cut. */
    readonly recovery: MetadataLogRecovery,
  ) {}

  /** Open the directory's log, every batch CRC-checked (the metadata log is small and always recovered whole). */
  static open(dir: string, segmentBytes: number, sync: Sync): DiskMetadataLog {
    const records: LogRecord[] = [];
    const loaded = loadSegments<null>(dir, {
      recoveryPoint: 0,
      cleanShutdown: false,
      emptyLogBaseOffset: 0,
      sync,
      decode: (view) => {
        const batch = recordsOf(view);
        const last = records[records.length - 1];
        const first = batch[0];
        if (first !== undefined && first.offset !== records.length) throw new Error(`records start at ${first.offset}, the log ends at ${records.length}`);
        if (first !== undefined && last !== undefined && first.epoch < last.epoch) throw new Error(`epoch ${first.epoch} after epoch ${last.epoch}`);
        records.push(...batch);
        return null;
      },
    });
    const log = new DiskMetadataLog(dir, loaded.files, segmentBytes, { truncatedBytes: loaded.truncatedBytes, deletedSegments: loaded.deletedSegments, invalidReason: loaded.invalidReason });
    log.memory.append(records);
    for (const record of records) log.cache = appendToEpochCache(log.cache, record.epoch, record.offset);
    writeLeaderEpochCheckpoint(path.join(dir, LEADER_EPOCH_CHECKPOINT), log.cache, sync);
    return log;
  }

  /** The leader-epoch cache the records imply: the quorum's durable epoch cache. */
  get epochCache(): readonly EpochEntry[] {
    return this.cache;
  }

  logEndOffset(): number {
    return this.memory.logEndOffset();
  }

  append(records: readonly LogRecord[]): void {
    if (records.length === 0) return;
    const before = this.cache;
    this.memory.append(records);
    this.writeBatches(records);
    this.files.flush();
    for (const record of records) this.cache = appendToEpochCache(this.cache, record.epoch, record.offset);
    if (this.cache !== before) writeLeaderEpochCheckpoint(path.join(this.dir, LEADER_EPOCH_CHECKPOINT), this.cache, this.files.sync);
  }

  /** Remove every record at or above `offset`; a batch cut in the middle is written again up to `offset`. */
  truncateTo(offset: number): void {
    if (offset >= this.logEndOffset()) return;
    for (const segment of [...this.files.segments].reverse()) {
      if (segment.baseOffset >= offset && segment !== this.files.segments[0]) {
        this.files.deleteSegment(segment);
        continue;
      }
      const cut = segment.batches.findIndex((b) => b.lastOffset >= offset);
      if (cut < 0) break;
      const split = segment.batches[cut] as { baseOffset: number };
      this.files.truncateSegment(segment, cut);
      if (split.baseOffset < offset) this.writeBatches(this.memory.read(split.baseOffset, offset - split.baseOffset));
      break;
    }
    this.files.flush();
    this.memory.truncateTo(offset);
    const cache = this.cache.filter((e) => e.startOffset < offset);
    if (cache.length !== this.cache.length) writeLeaderEpochCheckpoint(path.join(this.dir, LEADER_EPOCH_CHECKPOINT), cache, this.files.sync);
    this.cache = cache;
  }

  read(offset: number, maxRecords: number): LogRecord[] {
    return this.memory.read(offset, maxRecords);
  }

  all(): readonly LogRecord[] {
    return this.memory.all();
  }

  close(): void {
    this.files.close();
  }

  /** One batch per run of one epoch; a new segment when the active one would pass metadata.log.segment.bytes. */
  private writeBatches(records: readonly LogRecord[]): void {
    let start = 0;
    while (start < records.length) {
      const epoch = (records[start] as LogRecord).epoch;
      let end = start + 1;
      while (end < records.length && (records[end] as LogRecord).epoch === epoch) end++;
      const run = records.slice(start, end);
      const bytes = encodeRun(run);
      const active = this.files.active;
      const first = run[0] as LogRecord;
      if (active !== undefined && active.sizeInBytes > 0 && active.sizeInBytes + bytes.length > this.segmentBytes) this.files.roll(first.offset);
      this.files.append(bytes, first.offset, first.offset + run.length - 1, null);
      start = end;
    }
  }
}

function encodeRun(run: readonly LogRecord[]): Uint8Array {
  const first = run[0] as LogRecord;
  return encodeRecordBatch({
    baseOffset: BigInt(first.offset),
    partitionLeaderEpoch: first.epoch,
    baseTimestamp: 0n,
    records: run.map((r, i) => ({ offsetDelta: i, key: null, value: utf8Encoder.encode(r.value) })),
  });
}

function recordsOf(view: RecordBatchView): LogRecord[] {
  const epoch = view.header.partitionLeaderEpoch;
  return decodeBatchRecords(view, { maxUncompressedBytes: 64 * 1024 * 1024 }).map((r) => {
    if (r.value === null) throw new Error(`a metadata record without a value at offset ${r.offset}`);
    return { offset: Number(r.offset), epoch, value: utf8Decoder.decode(r.value) };
  });
}

/**
 * The bytes of record batches received from real clients, kept as received (Kafka's log appends
 * the request's MemoryRecords in place: LogValidator assigns offsets and the leader epoch without
 * rewriting the records). Machines and messages carry only a batch's header fields and the
 * opaque handle given here (DESIGN: record bytes never pass through machine context), so the same
 * replica machine serves the simulator's model batches and the live cluster's wire batches.
 *
 * One store serves every node of a process: a follower that replicates a batch in-process holds
 * the same handle as its leader, and the bytes are identical on both (offset and epoch are written
 * once, at the leader's append).
 */
import { decodeBatchRecords, readBatchHeader, setBaseOffset, setPartitionLeaderEpoch } from '../protocol/records/index.js';
import type { RecordBatch } from '../protocol/replication/record-batch.js';

/** Bounds the decompression of one batch for a timestamp lookup (Kafka's default max.message.bytes is ~1 MiB). */
const TIMESTAMP_LOOKUP_BYTES_MAX = 64 * 1024 * 1024;

export class BatchPayloads {
  private readonly bytesByHandle = new Map<number, Uint8Array>();
  /** Handles handed to a Produce and not yet appended by any log (released if the leader refuses the batch). */
  private readonly unappended = new Set<number>();
  private nextHandle = 1;

  /** Keep a received batch (copied out of the request frame, which may hold other partitions' batches). */
  put(bytes: Uint8Array): number {
    const handle = this.nextHandle++;
    this.bytesByHandle.set(handle, bytes.slice());
    this.unappended.add(handle);
    return handle;
  }

  /** A batch read back from a log directory at start: already appended, its offset and epoch already in its bytes. */
  restore(bytes: Uint8Array): number {
    const handle = this.nextHandle++;
    this.bytesByHandle.set(handle, bytes);
    return handle;
  }

  get(handle: number): Uint8Array | undefined {
    return this.bytesByHandle.get(handle);
  }

  /** A log appends the batch: the leader's offset and epoch are written into the bytes (outside the CRC). */
  appended(batch: RecordBatch): void {
    if (batch.payload === undefined) return;
    const bytes = this.bytesByHandle.get(batch.payload);
    if (bytes === undefined) return;
    if (this.unappended.delete(batch.payload)) {
      setBaseOffset(bytes, BigInt(batch.baseOffset));
      setPartitionLeaderEpoch(bytes, batch.partitionLeaderEpoch);
    }
  }

  /** The leader did not append the batch (refused, or a duplicate of a retained one): its bytes go. */
  releaseIfUnappended(handle: number): void {
    if (this.unappended.delete(handle)) this.bytesByHandle.delete(handle);
  }

  /**
   * A kept batch's records as (offsetDelta, timestamp): what ListOffsets by timestamp reads
   * (LogSegment.findOffsetByTimestamp walks the records of the batch that reaches the timestamp).
   * Undefined when the bytes are gone or do not decode (they were validated on the way in).
   */
  recordTimestamps(batch: RecordBatch): { offsetDelta: number; timestamp: number }[] | undefined {
    const bytes = batch.payload === undefined ? undefined : this.bytesByHandle.get(batch.payload);
    if (bytes === undefined) return undefined;
    try {
      const view = { header: readBatchHeader(bytes, 0, false), bytes, position: 0 };
      return decodeBatchRecords(view, { maxUncompressedBytes: TIMESTAMP_LOOKUP_BYTES_MAX }).map((r) => ({ offsetDelta: Number(r.offset - view.header.baseOffset), timestamp: Number(r.timestamp) }));
    } catch {
      return undefined;
    }
  }

  get size(): number {
    return this.bytesByHandle.size;
  }
}

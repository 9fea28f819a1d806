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

/** How often the live runtime collects the bytes of batches no log holds: far longer than any in-process answer is in flight. */
export const PAYLOAD_COLLECT_INTERVAL_MS = 30_000;

export class BatchPayloads {
  private readonly bytesByHandle = new Map<number, Uint8Array>();
  /** Handles handed to a Produce and not yet appended by any log (released if the leader refuses the batch). */
  private readonly unappended = new Set<number>();
  /** How many logs of this process hold each appended batch (a leader and its in-process followers share one handle). */
  private readonly logsHolding = new Map<number, number>();
  /** Handles no log holds any more, with the collection pass that first saw them so. */
  private readonly unheld = new Map<number, number>();
  private pass = 0;
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
    this.logsHolding.set(handle, 1);
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
    this.logsHolding.set(batch.payload, (this.logsHolding.get(batch.payload) ?? 0) + 1);
    this.unheld.delete(batch.payload);
  }

  /**
   * A log dropped these batches (retention, truncation, a deleted topic). A batch no log holds any
   * more is collected later, not at once: a fetch answer built from it may still be on its way to
   * an in-process follower, which will append it (and hold it again).
   */
  dropped(batches: Iterable<RecordBatch>): void {
    for (const batch of batches) {
      if (batch.payload === undefined) continue;
      const holding = (this.logsHolding.get(batch.payload) ?? 0) - 1;
      if (holding > 0) this.logsHolding.set(batch.payload, holding);
      else {
        this.logsHolding.delete(batch.payload);
        if (this.bytesByHandle.has(batch.payload)) this.unheld.set(batch.payload, this.pass);
      }
    }
  }

  /**
   * One collection pass (the runtime runs one every PAYLOAD_COLLECT_INTERVAL_MS): the bytes of a
   * batch that no log has held since before the previous pass go. Returns how many went.
   */
  collect(): number {
    let freed = 0;
    for (const [handle, since] of this.unheld) {
      if (since >= this.pass) continue;
      this.unheld.delete(handle);
      this.bytesByHandle.delete(handle);
      freed++;
    }
    this.pass++;
    return freed;
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

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
import { setBaseOffset, setPartitionLeaderEpoch } from '../protocol/records/index.js';
import type { RecordBatch } from '../protocol/replication/record-batch.js';

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

  get size(): number {
    return this.bytesByHandle.size;
  }
}

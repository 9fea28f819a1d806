/**
 * The store of wire batches' bytes (src/cluster/payloads.ts): the leader's append writes the
 * offset and leader epoch into the bytes once; a follower's append of the same handle leaves them;
 * a batch the leader never appended (refused, or a retried duplicate) is dropped, an appended one kept.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BatchPayloads } from '../../src/cluster/payloads.js';
import { computeBatchCrc, encodeRecordBatch, readBatchHeader } from '../../src/protocol/records/index.js';
import type { RecordBatch } from '../../src/protocol/replication/record-batch.js';

const wireBatch = (count: number): Uint8Array =>
  encodeRecordBatch({ baseTimestamp: 1_000n, records: Array.from({ length: count }, (_, i) => ({ key: null, value: Uint8Array.of(i) })) });

const modelOf = (payload: number, baseOffset: number, epoch: number, count: number): RecordBatch => ({
  baseOffset, lastOffsetDelta: count - 1, partitionLeaderEpoch: epoch, producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestamp: 1_000, records: [], payload,
});

describe('BatchPayloads', () => {
  it('the leader append writes offset and epoch into the bytes, outside the CRC; a follower append of the same handle changes nothing', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 1000 }), (count, baseOffset, epoch) => {
      const payloads = new BatchPayloads();
      const sent = wireBatch(count);
      const handle = payloads.put(sent);
      payloads.appended(modelOf(handle, baseOffset, epoch, count));
      payloads.appended(modelOf(handle, baseOffset + 7, epoch + 1, count));
      const stored = payloads.get(handle)!;
      const header = readBatchHeader(stored);
      expect(header.baseOffset).toBe(BigInt(baseOffset));
      expect(header.partitionLeaderEpoch).toBe(epoch);
      expect(computeBatchCrc(stored)).toBe(header.crc);
      expect(Buffer.from(stored.subarray(16))).toEqual(Buffer.from(sent.subarray(16)));
    }));
  });

  it('keeps its own copy: the request frame the batch came in may be reused', () => {
    const payloads = new BatchPayloads();
    const frame = wireBatch(2);
    const handle = payloads.put(frame);
    frame.fill(0);
    expect(readBatchHeader(payloads.get(handle)!).recordsCount).toBe(2);
  });

  it('a batch the leader never appended is dropped; an appended one is kept', () => {
    const payloads = new BatchPayloads();
    const refused = payloads.put(wireBatch(1));
    const appended = payloads.put(wireBatch(1));
    payloads.appended(modelOf(appended, 0, 0, 1));
    payloads.releaseIfUnappended(refused);
    payloads.releaseIfUnappended(appended);
    expect(payloads.get(refused)).toBeUndefined();
    expect(payloads.get(appended)).toBeDefined();
    expect(payloads.size).toBe(1);
  });

  it('bytes no log holds any more go on the second collection pass after, never while a log holds them', () => {
    const payloads = new BatchPayloads();
    const handle = payloads.put(wireBatch(1));
    const batch = modelOf(handle, 0, 0, 1);
    payloads.appended(batch); // the leader's log
    payloads.appended(batch); // an in-process follower's log, the same handle
    payloads.dropped([batch]); // the leader's retention
    payloads.collect();
    payloads.collect();
    expect(payloads.get(handle)).toBeDefined();
    payloads.dropped([batch]); // the follower's too
    payloads.collect();
    expect(payloads.get(handle)).toBeDefined(); // an answer built from it may still be on its way
    payloads.collect();
    expect(payloads.get(handle)).toBeUndefined();
  });

  it('a batch a follower appends again before the pass that would free it stays', () => {
    const payloads = new BatchPayloads();
    const handle = payloads.put(wireBatch(1));
    const batch = modelOf(handle, 0, 0, 1);
    payloads.appended(batch);
    payloads.dropped([batch]);
    payloads.collect();
    payloads.appended(batch); // a fetch answer built before the drop reached a follower
    payloads.collect();
    payloads.collect();
    expect(payloads.get(handle)).toBeDefined();
  });
});

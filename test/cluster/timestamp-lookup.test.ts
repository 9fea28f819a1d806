/**
 * ListOffsets by timestamp over batches received from real clients (LogSegment.findOffsetByTimestamp):
 * the answer is the first record whose timestamp reaches the target, not the first offset of its
 * batch. Found by the conformance suite against `kspec up` (log/list-offsets: a batch of records at
 * t and t+10 answered offset 0 for t+5).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BatchPayloads } from '../../src/cluster/payloads.js';
import { PartitionLog, type RecordBatch } from '../../src/log/partition-log.js';
import { encodeRecordBatch } from '../../src/protocol/records/index.js';

/** A wire batch as the gateway hands it to a log: header fields and the handle of its bytes. */
function wireBatch(payloads: BatchPayloads, baseOffset: number, timestamps: readonly number[]): RecordBatch {
  const base = Math.min(...timestamps);
  const bytes = encodeRecordBatch({
    baseTimestamp: BigInt(base),
    records: timestamps.map((t) => ({ key: null, value: new TextEncoder().encode(`v${t}`), timestampDelta: BigInt(t - base) })),
  });
  const payload = payloads.put(bytes);
  const batch: RecordBatch = {
    baseOffset, lastOffsetDelta: timestamps.length - 1, partitionLeaderEpoch: 0, producerId: -1, producerEpoch: -1, baseSequence: -1,
    maxTimestamp: Math.max(...timestamps), records: [], payload, sizeInBytes: bytes.length,
  };
  payloads.appended(batch);
  return batch;
}

describe('ListOffsets by timestamp over wire batches', () => {
  it('LOG-LISTOFFSETS-1: the first record at or after the timestamp, inside its batch', () => {
    const payloads = new BatchPayloads();
    const log = new PartitionLog();
    log.append(wireBatch(payloads, 0, [1000, 1010]), 0);
    log.append(wireBatch(payloads, 2, [2000, 2010]), 0);
    const lookup = (t: number) => log.offsetForTimestamp(t, log.logEndOffset, (b) => payloads.recordTimestamps(b));
    expect(lookup(1005)).toEqual({ offset: 1, timestamp: 1010 });
    expect(lookup(2001)).toEqual({ offset: 3, timestamp: 2010 });
    expect(lookup(999)).toEqual({ offset: 0, timestamp: 1000 });
    expect(lookup(2011)).toBeNull();
  });

  it('agrees with a scan of every record, for any non-decreasing timestamps split into batches', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 0, max: 600 }),
      (steps, target) => {
        const payloads = new BatchPayloads();
        const log = new PartitionLog();
        const all: number[] = [];
        let now = 0;
        for (const batchSteps of steps) {
          const timestamps = batchSteps.map((step) => (now += step));
          log.append(wireBatch(payloads, log.logEndOffset, timestamps), 0);
          all.push(...timestamps);
        }
        const expectedOffset = all.findIndex((t) => t >= target);
        const found = log.offsetForTimestamp(target, log.logEndOffset, (b) => payloads.recordTimestamps(b));
        expect(found?.offset ?? -1).toBe(expectedOffset);
      },
    ));
  });
});

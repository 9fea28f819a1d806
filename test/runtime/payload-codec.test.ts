/**
 * The live cluster's batches on disk: a client's batch is written as its bytes (offset and leader
 * epoch stamped) and read back into the payload store under a new handle with the same header;
 * `__consumer_offsets` keeps the model's records both ways. Plus the storage timers' config keys.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BatchPayloads } from '../../src/cluster/payloads.js';
import { encodeRecordBatch, readBatchHeaders } from '../../src/protocol/records/index.js';
import type { RecordBatch } from '../../src/protocol/replication/record-batch.js';
import { payloadBatchCodec } from '../../src/runtime/payload-codec.js';
import { ConfigError, liveConfig } from '../../src/runtime/config.js';

const address = (topic: string) => ({ topic, partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' });

describe('payloadBatchCodec', () => {
  it('writes a client batch as received with the log\'s offset and epoch, and reads it back as a handle to the same bytes', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 8 }), fc.nat(1_000_000), fc.nat(1000), fc.integer({ min: -1, max: 1000 }),
      (values, baseOffset, epoch, producerId) => {
        const payloads = new BatchPayloads();
        const sent = encodeRecordBatch({
          baseOffset: 0n, partitionLeaderEpoch: -1, baseTimestamp: 1_700_000_000_000n, producerId: BigInt(producerId), producerEpoch: producerId < 0 ? -1 : 0, baseSequence: producerId < 0 ? -1 : 5,
          records: values.map((value, i) => ({ offsetDelta: i, timestampDelta: BigInt(i), key: null, value })),
        });
        const handle = payloads.put(sent);
        const batch: RecordBatch = {
          baseOffset, lastOffsetDelta: values.length - 1, partitionLeaderEpoch: epoch, producerId, producerEpoch: producerId < 0 ? -1 : 0, baseSequence: producerId < 0 ? -1 : 5,
          maxTimestamp: 1_700_000_000_000 + values.length - 1, records: [], payload: handle, sizeInBytes: sent.length,
        };
        const codec = payloadBatchCodec(payloads);
        const written = codec.encode(batch);
        const [view] = readBatchHeaders(written);
        expect(view!.header.baseOffset).toBe(BigInt(baseOffset));
        expect(view!.header.partitionLeaderEpoch).toBe(epoch);
        const restarted = new BatchPayloads();
        const read = payloadBatchCodec(restarted).decode(view!, address('orders'));
        expect({ ...read, payload: 0 }).toEqual({ ...batch, payload: 0 });
        expect(Buffer.from(restarted.get(read.payload!)!)).toEqual(Buffer.from(written));
      },
    ), { numRuns: 50 });
  });

  it('keeps __consumer_offsets as the model\'s records', () => {
    const payloads = new BatchPayloads();
    const batch: RecordBatch = {
      baseOffset: 3, lastOffsetDelta: 0, partitionLeaderEpoch: 2, producerId: -1, producerEpoch: -1, baseSequence: -1, maxTimestamp: 10,
      records: [{ offsetDelta: 0, timestamp: 10, key: 'offset:g:t:0', value: '{"offset":4}' }],
    };
    const codec = payloadBatchCodec(payloads);
    const read = codec.decode(readBatchHeaders(codec.encode(batch))[0]!, address('__consumer_offsets'));
    expect(read).toEqual(batch);
    expect(payloads.size).toBe(0);
  });
});

describe('the storage timers\' config keys', () => {
  it('are Kafka\'s names, and a bad value is one clear error', () => {
    const config = liveConfig(['log.flush.interval.ms=250', 'replica.high.watermark.checkpoint.interval.ms=100', 'log.flush.offset.checkpoint.interval.ms=700']);
    expect(config.log.flushMs).toBe(250);
    expect(config.storage.replicaHighWatermarkCheckpointIntervalMs).toBe(100);
    expect(config.storage.flushOffsetCheckpointIntervalMs).toBe(700);
    expect(liveConfig([]).storage.replicaHighWatermarkCheckpointIntervalMs).toBe(5000);
    expect(() => liveConfig(['replica.high.watermark.checkpoint.interval.ms=0'])).toThrow(ConfigError);
    expect(() => liveConfig(['log.flush.interval.ms=soon'])).toThrow(/log.flush.interval.ms: 'soon' is not an integer/);
  });
});

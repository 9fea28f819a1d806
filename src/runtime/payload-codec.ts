/**
 * The live cluster's partition batches on disk. A batch a client produced travels through the
 * machines as an opaque payload handle (src/cluster/payloads.ts); its bytes go to the segment file
 * exactly as received, with the offset and leader epoch the log assigned stamped in place (outside
 * the CRC, as LogValidator assigns them for v2). Read back at start, the bytes go into the payload
 * store again and the log holds a handle, so no record bytes ever enter a machine's context.
 *
 * The group coordinator writes `__consumer_offsets` itself, as the model's records (its keys and
 * values are what the coordinator machine reads back on load), so that topic keeps the model's
 * encoding both ways.
 */
import { setBaseOffset, setPartitionLeaderEpoch, type RecordBatchView } from '../protocol/records/index.js';
import type { RecordBatch } from '../protocol/replication/record-batch.js';
import type { PartitionAddress } from '../protocol/replication/messages.js';
import type { BatchPayloads } from '../cluster/payloads.js';
import { modelBatchCodec, type PartitionBatchCodec } from './storage/batch-codec.js';

/** Topic.GROUP_METADATA_TOPIC_NAME */
const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

/**
 * @param source where decoded batches come from: `disk`, a log's own batches read back at start
 *   (held by that log from then on); `wire`, batches a follower fetched from its leader in another
 *   process (held once the follower's log appends them, BatchPayloads.appended).
 */
export function payloadBatchCodec(payloads: BatchPayloads, source: 'disk' | 'wire' = 'disk'): PartitionBatchCodec {
  return {
    encode(batch) {
      if (batch.payload === undefined) return modelBatchCodec.encode(batch);
      const bytes = payloads.get(batch.payload);
      if (bytes === undefined) throw new Error(`batch at offset ${batch.baseOffset}: payload ${batch.payload} is not in the store`);
      // A follower in another process (or after a restart) holds its own copy: stamp what this log assigned.
      setBaseOffset(bytes, BigInt(batch.baseOffset));
      setPartitionLeaderEpoch(bytes, batch.partitionLeaderEpoch);
      return bytes;
    },
    decode(view: RecordBatchView, address: PartitionAddress): RecordBatch {
      if (address.topic === CONSUMER_OFFSETS_TOPIC) return modelBatchCodec.decode(view, address);
      return wireBatchOf(view, source === 'disk' ? payloads.restore(view.bytes.slice()) : payloads.put(view.bytes));
    },
  };
}

/** The batch as the replica machine appends a client's batch (records empty, its bytes under `payload`). */
function wireBatchOf(view: RecordBatchView, payload: number): RecordBatch {
  const h = view.header;
  return {
    baseOffset: safeNumber(h.baseOffset, 'baseOffset'),
    lastOffsetDelta: h.lastOffsetDelta,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    producerId: safeNumber(h.producerId, 'producerId'),
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    maxTimestamp: safeNumber(h.maxTimestamp, 'maxTimestamp'),
    records: [],
    payload,
    sizeInBytes: view.bytes.length,
  };
}

function safeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${field} ${value} is beyond the safe integers`);
  return Number(value);
}

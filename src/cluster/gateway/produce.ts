/**
 * Produce (api key 0): each partition's batch is checked as ProduceRequest.validateRecords and
 * LogValidator check a batch from a client (one v2 batch, CRC, no zstd before v7, no control
 * batch, offsets deltas 0..count-1), kept as received under a handle (./payloads), and handed to
 * the partition's replica as one Produce event carrying only its header fields. The replica
 * machine decides the rest (NOT_LEADER_OR_FOLLOWER, idempotent dedupe and sequence checks,
 * min.insync.replicas, waiting for the high watermark with acks=all).
 *
 * acks=0: no answer at all; but a partition error closes the connection, so the client notices
 * and refreshes its metadata (KafkaApis.handleProduceRequest's sendNoOpResponseExemptThrottle /
 * closeConnection). The replica is asked as with acks=1 so that the gateway hears of errors.
 */
import type { ProduceRequestData } from '../../protocol/wire/generated/index.js';
import { validateProduceRecords, type RecordBatchView } from '../../protocol/records/index.js';
import { safeInt64 } from './int64.js';
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import type { ProduceResponse } from '../../protocol/replication/produce.js';
import { topicByName } from '../../common/metadata-image.js';
import type { Handled, RequestContext } from './gateway.js';

interface PartitionAnswer {
  readonly index: number;
  readonly errorCode: number;
  readonly baseOffset: bigint;
  readonly logStartOffset: bigint;
  readonly errorMessage: string | null;
}

const refused = (index: number, error: ErrorName, message: string | null = null): PartitionAnswer =>
  ({ index, errorCode: errorCode(error), baseOffset: -1n, logStartOffset: -1n, errorMessage: message });

export async function handleProduce(request: RequestContext): Promise<Handled> {
  const body = request.body as ProduceRequestData;
  const acks = body.acks;
  const answers = await Promise.all(body.topicData.map(async (topic) => ({
    name: topic.name,
    partitionResponses: await Promise.all(topic.partitionData.map((p) => producePartition(request, topic.name, p.index, p.records, acks, body.timeoutMs))),
  })));
  if (acks === 0) {
    const failed = answers.flatMap((t) => t.partitionResponses).find((p) => p.errorCode !== 0);
    return failed === undefined ? null : { close: `acks=0 produce failed with error ${failed.errorCode}` };
  }
  return { responses: answers, throttleTimeMs: 0 };
}

async function producePartition(request: RequestContext, topicName: string, index: number, records: Uint8Array | null, acks: number, timeoutMs: number): Promise<PartitionAnswer> {
  const { gateway } = request;
  const topic = topicByName(gateway.node.image(), topicName);
  if (topic === undefined || index < 0 || index >= topic.partitions.length) return refused(index, 'UNKNOWN_TOPIC_OR_PARTITION');
  if (records === null) return refused(index, 'INVALID_RECORD', 'a partition with null records');
  const check = validateProduceRecords(request.version, records);
  if (!check.ok) return refused(index, check.error, check.message);
  const problem = clientBatchProblem(check.batch);
  if (problem !== null) return refused(index, 'INVALID_RECORD', problem);
  const header = check.batch.header;
  const producerId = safeInt64(header.producerId);
  const maxTimestamp = safeInt64(header.maxTimestamp);
  if (producerId === null || maxTimestamp === null) return refused(index, 'INVALID_RECORD', 'a producer id or timestamp beyond 2^53, which kspec does not represent');
  const payloads = gateway.node.payloads;
  if (payloads === undefined) throw new Error('a broker serving clients needs a payload store');
  const payload = payloads.put(check.batch.bytes);
  const answer = await gateway.ask<ProduceResponse>(request.clientId, gateway.node.id, {
    type: 'Produce', topic: topic.name, topicId: topic.topicId, partition: index,
    acks: acks === 0 ? 1 : acks, timeoutMs, records: [],
    producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence,
    batch: { payload, recordCount: header.recordsCount, maxTimestamp, sizeInBytes: check.batch.bytes.length },
  });
  payloads.releaseIfUnappended(payload);
  if (answer === undefined) return refused(index, 'REQUEST_TIMED_OUT');
  return { index, errorCode: answer.errorCode, baseOffset: BigInt(answer.baseOffset), logStartOffset: BigInt(answer.logStartOffset), errorMessage: null };
}

/** LogValidator.validateBatch for a batch from a client; null when it may be appended. */
function clientBatchProblem(batch: RecordBatchView): string | null {
  const h = batch.header;
  if (h.isControl) return 'control batches may only be written by the broker';
  if (h.isTransactional) return 'transactions are not served by this cluster';
  if (h.recordsCount <= 0) return 'a batch with no records';
  if (h.lastOffsetDelta !== h.recordsCount - 1) return `lastOffsetDelta ${h.lastOffsetDelta} for ${h.recordsCount} records`;
  return null;
}

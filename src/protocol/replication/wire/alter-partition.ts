/**
 * AlterPartition (api key 56) between the replica machine's and the controller's messages and
 * Kafka's AlterPartitionRequestData/ResponseData, field by field (AlterPartitionManager.buildRequest,
 * ControllerApis.handleAlterPartitionRequest). Version 2 and later name a topic by id only, so the
 * receiver resolves the name from its metadata (`topicNameOf`). From version 3 (KIP-903) each ISR
 * member carries its broker epoch (the one the leader saw in the member's fetches; -1 unknown).
 * Partitions are never in recovery here: leaderRecoveryState is RECOVERED (0).
 */
import type { AlterPartitionRequestData } from '../../wire/generated/AlterPartitionRequest.js';
import type { AlterPartitionResponseData } from '../../wire/generated/AlterPartitionResponse.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../alter-partition.js';
import { errorCode } from '../../errors.js';
import { accepted, isRefusal, refused, safeOffset, type FromWire, type QuorumWireRefusal } from '../../quorum/wire/partition.js';

/** AlterPartition v2 replaced topic names by topic ids. */
export const ALTER_PARTITION_MIN_VERSION = 2;
/** KIP-903: newIsrWithEpochs replaces newIsr. */
const ISR_WITH_EPOCHS_VERSION = 3;

export function alterPartitionRequestToWire(m: AlterPartitionRequest, version: number): AlterPartitionRequestData {
  const withEpochs = version >= ISR_WITH_EPOCHS_VERSION;
  return {
    brokerId: m.brokerId,
    brokerEpoch: BigInt(m.brokerEpoch),
    topics: [{
      topicName: m.topic, topicId: m.topicId,
      partitions: [{
        partitionIndex: m.partition, leaderEpoch: m.leaderEpoch,
        newIsr: withEpochs ? [] : [...m.newIsr],
        newIsrWithEpochs: withEpochs ? m.newIsr.map((brokerId) => ({ brokerId, brokerEpoch: BigInt(m.newIsrWithEpochs?.find((e) => e.brokerId === brokerId)?.brokerEpoch ?? -1) })) : [],
        leaderRecoveryState: 0, partitionEpoch: m.partitionEpoch,
      }],
    }],
  };
}

/** One partition per request, as the model sends them; `topicNameOf` is the receiver's metadata. */
export function alterPartitionRequestFromWire(
  data: AlterPartitionRequestData, header: { version: number; correlationId: number }, topicNameOf: (topicId: string) => string | undefined,
): FromWire<AlterPartitionRequest> {
  if (header.version < ALTER_PARTITION_MIN_VERSION) return refused('INVALID_REQUEST', `AlterPartition v${header.version} names topics without ids (v${ALTER_PARTITION_MIN_VERSION}+ is served)`);
  const found = onePartition(data.topics, topicNameOf);
  if (isRefusal(found)) return found;
  const brokerEpoch = safeOffset(data.brokerEpoch, 'brokerEpoch');
  if (isRefusal(brokerEpoch)) return brokerEpoch;
  const { topic, topicId, partition: p } = found;
  const withEpochs = header.version >= ISR_WITH_EPOCHS_VERSION;
  const newIsr = withEpochs ? p.newIsrWithEpochs.map((s) => s.brokerId) : [...p.newIsr];
  const epochs: { brokerId: number; brokerEpoch: number }[] = [];
  for (const s of withEpochs ? p.newIsrWithEpochs : []) {
    const epoch = safeOffset(s.brokerEpoch, 'brokerEpoch');
    if (isRefusal(epoch)) return epoch;
    epochs.push({ brokerId: s.brokerId, brokerEpoch: epoch });
  }
  return accepted({
    type: 'AlterPartition', topic, topicId, partition: p.partitionIndex, correlationId: header.correlationId,
    brokerId: data.brokerId, brokerEpoch, leaderEpoch: p.leaderEpoch, newIsr, partitionEpoch: p.partitionEpoch,
    ...(withEpochs ? { newIsrWithEpochs: epochs } : {}),
  });
}

export function alterPartitionResponseToWire(m: AlterPartitionResponse): AlterPartitionResponseData {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    topics: [{
      topicName: m.topic, topicId: m.topicId,
      partitions: [{ partitionIndex: m.partition, errorCode: m.errorCode, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch, isr: [...m.isr], leaderRecoveryState: 0, partitionEpoch: m.partitionEpoch }],
    }],
  };
}

export function alterPartitionResponseFromWire(data: AlterPartitionResponseData, correlationId: number, topicNameOf: (topicId: string) => string | undefined): FromWire<AlterPartitionResponse> {
  if (data.errorCode !== 0) return { ok: false, errorCode: data.errorCode, reason: 'the controller refused the request' };
  const found = onePartition(data.topics, topicNameOf);
  if (isRefusal(found)) return found;
  const { topic, topicId, partition: p } = found;
  return accepted({
    type: 'AlterPartitionResponse', topic, topicId, partition: p.partitionIndex, correlationId,
    errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, isr: [...p.isr], partitionEpoch: p.partitionEpoch,
  });
}

function onePartition<P extends { partitionIndex: number }>(
  topics: readonly { topicId: string; partitions: readonly P[] }[], topicNameOf: (topicId: string) => string | undefined,
): { topic: string; topicId: string; partition: P } | QuorumWireRefusal {
  const only = topics[0];
  if (topics.length !== 1 || only === undefined || only.partitions.length !== 1) return refused('INVALID_REQUEST', 'one partition per AlterPartition, as the model sends them');
  const topic = topicNameOf(only.topicId);
  if (topic === undefined) return { ok: false, errorCode: errorCode('UNKNOWN_TOPIC_ID'), reason: `topic id ${only.topicId} is not in the metadata` };
  return { topic, topicId: only.topicId, partition: only.partitions[0] as P };
}

/**
 * One line per replication message, for traces, scenarios and the demo's narration.
 */
import { errorName } from '../../protocol/errors.js';
import type { ReplicationMessage } from '../../protocol/replication/messages.js';
import { CLIENT_ID, PRODUCER_CLIENT_ID } from './options.js';

const who = (id: number): string => (id === CLIENT_ID ? 'client' : id === PRODUCER_CLIENT_ID ? 'producer' : `n${id}`);
const err = (code: number): string => (code === 0 ? '' : ` ${errorName(code)}`);

export function renderReplicationMessage(from: number, to: number, m: ReplicationMessage): string {
  const head = `${who(from)}->${who(to)} ${m.type}`;
  switch (m.type) {
    case 'Fetch':
      return `${head} ${m.topic}-${m.partition} offset=${m.fetchOffset} leaderEpoch=${m.currentLeaderEpoch} lastFetchedEpoch=${m.lastFetchedEpoch}${m.replicaId < 0 ? ' (consumer)' : ''} #${m.correlationId}`;
    case 'FetchResponse': {
      const records = m.batches.flatMap((b) => b.records.map((r) => `${r.value}@${b.baseOffset + r.offsetDelta}`));
      const diverging = m.divergingEpoch === null ? '' : ` diverging=(epoch ${m.divergingEpoch.epoch}, end ${m.divergingEpoch.endOffset})`;
      return `${head}${err(m.errorCode)} ${m.topic}-${m.partition} hw=${m.highWatermark}${diverging}${records.length > 0 ? ` [${records.join(' ')}]` : ''} #${m.correlationId}`;
    }
    case 'OffsetForLeaderEpoch':
      return `${head} ${m.topic}-${m.partition} epoch=${m.leaderEpoch} leaderEpoch=${m.currentLeaderEpoch} #${m.correlationId}`;
    case 'OffsetForLeaderEpochResponse':
      return `${head}${err(m.errorCode)} ${m.topic}-${m.partition} epoch=${m.leaderEpoch} end=${m.endOffset} #${m.correlationId}`;
    case 'Produce':
      return `${head} ${m.topic}-${m.partition} acks=${m.acks === -1 ? 'all' : m.acks} [${m.records.map((r) => `${r.key ?? ''}=${r.value}`).join(' ')}] #${m.correlationId}`;
    case 'ProduceResponse':
      return `${head}${err(m.errorCode)} ${m.topic}-${m.partition}${m.errorCode === 0 ? ` offset=${m.baseOffset}` : ''} #${m.correlationId}`;
    case 'ListOffsets':
      return `${head} ${m.topic}-${m.partition} timestamp=${m.timestamp} #${m.correlationId}`;
    case 'ListOffsetsResponse':
      return `${head}${err(m.errorCode)} ${m.topic}-${m.partition} offset=${m.offset} #${m.correlationId}`;
    case 'AlterPartition':
      return `${head} ${m.topic}-${m.partition} isr=[${m.newIsr.join(',')}] leaderEpoch=${m.leaderEpoch} partitionEpoch=${m.partitionEpoch}`;
    case 'AlterPartitionResponse':
      return `${head}${err(m.errorCode)} ${m.topic}-${m.partition}${m.errorCode === 0 ? ` isr=[${m.isr.join(',')}] partitionEpoch=${m.partitionEpoch}` : ''}`;
    case 'BrokerRegistration':
      return `${head} broker=${m.brokerId} incarnation=${m.incarnationId}`;
    case 'BrokerRegistrationResponse':
      return `${head}${err(m.errorCode)}${m.errorCode === 0 ? ` brokerEpoch=${m.brokerEpoch}` : ''}`;
    case 'BrokerHeartbeat':
      return `${head} broker=${m.brokerId} epoch=${m.brokerEpoch} metadataOffset=${m.currentMetadataOffset}`;
    case 'BrokerHeartbeatResponse':
      return `${head}${err(m.errorCode)} caughtUp=${m.isCaughtUp} fenced=${m.isFenced}`;
    case 'CreateTopics':
      return `${head} ${m.name} partitions=${m.numPartitions} rf=${m.replicationFactor}`;
    case 'CreateTopicsResponse':
      return `${head}${err(m.errorCode)} ${m.name}${m.errorCode === 0 ? ` id=${m.topicId}` : ` ${m.errorMessage ?? ''}`}`;
    case 'DeleteTopics':
    case 'DeleteTopicsResponse':
      return `${head}${m.type === 'DeleteTopicsResponse' ? err(m.errorCode) : ''} ${m.name ?? `id=${m.topicId ?? ''}`}`;
    case 'Metadata':
      return head;
    case 'InitProducerId':
      return `${head}${m.transactionalId === null ? '' : ` transactionalId=${m.transactionalId}`} #${m.correlationId}`;
    case 'InitProducerIdResponse':
      return `${head}${err(m.errorCode)}${m.errorCode === 0 ? ` pid=${m.producerId} epoch=${m.producerEpoch}` : ''} #${m.correlationId}`;
    case 'AllocateProducerIds':
      return `${head} broker=${m.brokerId} epoch=${m.brokerEpoch}`;
    case 'AllocateProducerIdsResponse':
      return `${head}${err(m.errorCode)}${m.errorCode === 0 ? ` ids ${m.producerIdStart}..${m.producerIdStart + m.producerIdLen - 1}` : ''}`;
    case 'MetadataResponse':
      return `${head} controller=${m.controllerId} ${m.topics.map((t) => `${t.name}[${t.partitions.map((p, i) => `${i}:n${p.leader}/e${p.leaderEpoch}`).join(' ')}]`).join(' ')}`;
  }
}

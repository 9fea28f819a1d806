/** AlterPartition (api key 56, v3: topic ids): a partition leader asks the controller to change the ISR. */
import * as t from 'io-ts';
import { int, list, partitionAddressProps, struct, structWithOptional } from '../codec.js';
import { messageSpec, renderError, renderPartition } from '../message-spec.js';

export const AlterPartitionRequest = structWithOptional({
  type: t.literal('AlterPartition'),
  ...partitionAddressProps,
  correlationId: int,
  brokerId: int,
  brokerEpoch: int,
  leaderEpoch: int,
  newIsr: list(int),
  partitionEpoch: int,
}, {
  /**
   * KIP-903 (v3): each member of newIsr with the broker epoch the leader saw in its fetches (-1
   * unknown: not checked). Absent: a request without epochs (v2).
   */
  newIsrWithEpochs: list(struct({ brokerId: int, brokerEpoch: int })),
});
export type AlterPartitionRequest = t.TypeOf<typeof AlterPartitionRequest>;

export const AlterPartitionResponse = struct({
  type: t.literal('AlterPartitionResponse'),
  ...partitionAddressProps,
  correlationId: int,
  errorCode: int,
  leaderId: int,
  leaderEpoch: int,
  isr: list(int),
  partitionEpoch: int,
});
export type AlterPartitionResponse = t.TypeOf<typeof AlterPartitionResponse>;

export const alterPartitionSpecs = [
  messageSpec<AlterPartitionRequest>({
    type: 'AlterPartition', family: 'replication', kind: 'request', apiKey: 56, role: 'controller', pairedWith: 'AlterPartitionResponse', codec: AlterPartitionRequest,
    render: (m) => `AlterPartition ${renderPartition(m)} isr=[${m.newIsr.join(',')}] leaderEpoch=${m.leaderEpoch} partitionEpoch=${m.partitionEpoch}`,
    errorResponse: (m, errorCode) => ({
      type: 'AlterPartitionResponse', topic: m.topic, topicId: m.topicId, partition: m.partition, correlationId: m.correlationId, errorCode,
      leaderId: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1,
    }),
  }),
  messageSpec<AlterPartitionResponse>({
    type: 'AlterPartitionResponse', family: 'replication', kind: 'response', apiKey: 56, role: 'replica', pairedWith: 'AlterPartition', codec: AlterPartitionResponse,
    render: (m) => `AlterPartitionResponse${renderError(m.errorCode)} ${renderPartition(m)}${m.errorCode === 0 ? ` isr=[${m.isr.join(',')}] partitionEpoch=${m.partitionEpoch}` : ''}`,
  }),
] as const;

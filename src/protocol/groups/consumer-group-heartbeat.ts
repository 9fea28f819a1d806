/** ConsumerGroupHeartbeat (api key 68, KIP-848): the consumer's one request to the group coordinator. */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';
import { renderById, renderMember, TopicIdPartitions } from './consumer-protocol.js';

export const ConsumerGroupHeartbeatRequest = struct({
  type: t.literal('ConsumerGroupHeartbeat'),
  correlationId: int,
  groupId: t.string,
  /** '' when joining (the coordinator generates one in this protocol version). */
  memberId: t.string,
  /** 0 to join, -1 to leave, -2 for a static member's temporary leave. */
  memberEpoch: int,
  instanceId: nullable(t.string),
  rackId: nullable(t.string),
  /** -1 if unchanged. */
  rebalanceTimeoutMs: int,
  /** null if unchanged. */
  subscribedTopicNames: nullable(list(t.string)),
  /** null if unchanged (or to use the group's default). */
  serverAssignor: nullable(t.string),
  /** The partitions the member owns; null if unchanged. */
  topicPartitions: nullable(list(TopicIdPartitions)),
});
export type ConsumerGroupHeartbeatRequest = t.TypeOf<typeof ConsumerGroupHeartbeatRequest>;

export const ConsumerGroupHeartbeatResponse = struct({
  type: t.literal('ConsumerGroupHeartbeatResponse'),
  correlationId: int,
  errorCode: int,
  errorMessage: nullable(t.string),
  memberId: nullable(t.string),
  memberEpoch: int,
  heartbeatIntervalMs: int,
  /** null if unchanged. */
  assignment: nullable(struct({ topicPartitions: list(TopicIdPartitions) })),
});
export type ConsumerGroupHeartbeatResponse = t.TypeOf<typeof ConsumerGroupHeartbeatResponse>;

function renderRequest(m: ConsumerGroupHeartbeatRequest): string {
  const topics = m.subscribedTopicNames === null ? '' : ` topics=[${m.subscribedTopicNames.join(',')}]`;
  const owned = m.topicPartitions === null ? '' : ` owned=[${renderById(m.topicPartitions)}]`;
  return `ConsumerGroupHeartbeat ${m.groupId} member=${renderMember(m.memberId)} epoch=${m.memberEpoch}${m.instanceId === null ? '' : ` instance=${m.instanceId}`}${topics}${owned} #${m.correlationId}`;
}

function renderResponse(m: ConsumerGroupHeartbeatResponse): string {
  const assignment = m.assignment === null ? '' : ` assignment=[${renderById(m.assignment.topicPartitions)}]`;
  return `ConsumerGroupHeartbeatResponse${renderError(m.errorCode)} member=${renderMember(m.memberId)} epoch=${m.memberEpoch}${assignment} #${m.correlationId}`;
}

export const consumerGroupHeartbeatSpecs = [
  messageSpec<ConsumerGroupHeartbeatRequest>({
    type: 'ConsumerGroupHeartbeat', family: 'group', kind: 'request', apiKey: 68, role: 'coordinator', pairedWith: 'ConsumerGroupHeartbeatResponse', codec: ConsumerGroupHeartbeatRequest,
    render: renderRequest,
    errorResponse: (m, errorCode) => ({
      type: 'ConsumerGroupHeartbeatResponse', correlationId: m.correlationId, errorCode, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null,
    }),
  }),
  messageSpec<ConsumerGroupHeartbeatResponse>({
    type: 'ConsumerGroupHeartbeatResponse', family: 'group', kind: 'response', apiKey: 68, role: 'client', pairedWith: 'ConsumerGroupHeartbeat', codec: ConsumerGroupHeartbeatResponse,
    render: renderResponse,
  }),
] as const;

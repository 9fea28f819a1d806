/**
 * ConsumerGroupHeartbeat (api key 68, KIP-848): the consumer's one request to its group
 * coordinator, turned into the coordinator machine's message. The machine decides everything
 * (member epochs, the target assignment, revoke-before-assign); the gateway only maps topic ids:
 * the wire names a topic by Uuid, the model by its own id (./topic-ids.ts). A topic id the
 * broker's image does not know is kept as a wire id the model will not match, so the coordinator
 * treats it as Kafka treats an unknown topic id.
 */
import type { ConsumerGroupHeartbeatRequestData } from '../../protocol/wire/generated/index.js';
import { errorCode } from '../../protocol/errors.js';
import type { ConsumerGroupHeartbeatResponse } from '../../protocol/groups/messages.js';
import type { Handled, RequestContext } from './gateway.js';
import { topicByWireId, wireTopicId } from './topic-ids.js';

export async function handleConsumerGroupHeartbeat(request: RequestContext): Promise<Handled> {
  const body = request.body as ConsumerGroupHeartbeatRequestData;
  const image = request.gateway.node.image();
  const modelId = (wireId: string): string => topicByWireId(image, wireId)?.topicId ?? `wire:${wireId}`;
  const answer = await request.gateway.ask<ConsumerGroupHeartbeatResponse>(request.clientId, request.gateway.node.id, {
    type: 'ConsumerGroupHeartbeat', groupId: body.groupId, memberId: body.memberId, memberEpoch: body.memberEpoch,
    instanceId: body.instanceId, rackId: body.rackId, rebalanceTimeoutMs: body.rebalanceTimeoutMs,
    subscribedTopicNames: body.subscribedTopicNames, serverAssignor: body.serverAssignor,
    topicPartitions: body.topicPartitions === null ? null : body.topicPartitions.map((t) => ({ topicId: modelId(t.topicId), partitions: t.partitions })),
  });
  if (answer === undefined) {
    return { throttleTimeMs: 0, errorCode: errorCode('REQUEST_TIMED_OUT'), errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
  }
  return {
    throttleTimeMs: 0, errorCode: answer.errorCode, errorMessage: answer.errorMessage, memberId: answer.memberId, memberEpoch: answer.memberEpoch,
    heartbeatIntervalMs: answer.heartbeatIntervalMs,
    assignment: answer.assignment === null ? null : { topicPartitions: answer.assignment.topicPartitions.map((t) => ({ topicId: wireTopicId(t.topicId), partitions: t.partitions })) },
  };
}

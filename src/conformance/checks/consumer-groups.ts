/**
 * KIP-848 consumer groups, where the target offers ConsumerGroupHeartbeat: joining at member epoch
 * 0, a member epoch ahead of the coordinator's fenced, an unknown member refused, epochs that never
 * go back, and leaving at epoch -1.
 */
import { checkExpectedOutcomes, checkMemberEpochs, combine } from '../../../spec/conformance/checkers.js';
import { ErrorCodes } from '../../../spec/conformance/clauses.js';
import { EpochsOrdered } from '../../../spec/groups/clauses.js';
import { ApiKey, type BrokerConnection, requestBody } from '../../client/index.js';
import type { ConsumerGroupHeartbeatResponseData } from '../../protocol/wire/generated/ConsumerGroupHeartbeatResponse.js';
import type { Check, CheckContext } from '../check.js';
import type { Expectation } from '../ops.js';
import { coordinatorConnections } from './groups.js';

const SOURCE = 'GroupMetadataManager.consumerGroupHeartbeat';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A member id as Kafka's clients make one (Uuid.randomUuid().toString(): 22 URL-safe characters), from the seed. */
function memberIdFrom(context: CheckContext): string {
  return Array.from({ length: 22 }, () => URL_SAFE[context.random.int(0, 63)]).join('');
}

async function heartbeat(context: CheckContext, connection: BrokerConnection, given: { groupId: string; memberId: string; memberEpoch: number; topic?: string }, expectation: Expectation): Promise<number | undefined> {
  let epoch: number | undefined;
  await context.recorder.op(1, 'consumer-heartbeat', { memberId: given.memberId, memberEpoch: given.memberEpoch }, async () => {
    const version = context.client.versionFor(ApiKey.ConsumerGroupHeartbeat)!;
    const joining = given.memberEpoch === 0;
    const { body } = await connection.request<ConsumerGroupHeartbeatResponseData>(ApiKey.ConsumerGroupHeartbeat, version, requestBody(ApiKey.ConsumerGroupHeartbeat, version, {
      groupId: given.groupId, memberId: given.memberId, memberEpoch: given.memberEpoch,
      rebalanceTimeoutMs: joining ? 10_000 : -1, subscribedTopicNames: joining ? [given.topic] : null, topicPartitions: joining ? [] : null,
    }), context.client.requestTimeoutMs);
    if (body.errorCode === 0) epoch = body.memberEpoch;
    return { value: { memberId: body.memberId ?? given.memberId, memberEpoch: body.memberEpoch }, errorCode: body.errorCode };
  }, { ...expectation, source: expectation.source ?? SOURCE });
  return epoch;
}

export const memberEpochs: Check = {
  id: 'consumer-groups/member-epochs',
  suite: 'consumer-groups',
  title: 'ConsumerGroupHeartbeat: join at epoch 0, a future epoch is FENCED_MEMBER_EPOCH, an unknown member UNKNOWN_MEMBER_ID, epochs never go back, leave at -1',
  clauses: [EpochsOrdered.id, ErrorCodes.id],
  needs: [{ apiKey: ApiKey.FindCoordinator, minVersion: 0 }, { apiKey: ApiKey.ConsumerGroupHeartbeat, minVersion: 0 }],
  async run(context) {
    const topic = await context.topic('t', 2);
    const groupId = context.name('g');
    const [connection] = await coordinatorConnections(context, groupId, 1);
    try {
      const memberId = memberIdFrom(context);
      const epoch = await heartbeat(context, connection!, { groupId, memberId, memberEpoch: 0, topic: topic.name }, { expect: ['NONE'] });
      if (epoch !== undefined) {
        await heartbeat(context, connection!, { groupId, memberId, memberEpoch: epoch + 10 }, {
          expect: ['FENCED_MEMBER_EPOCH'], source: 'GroupMetadataManager.throwIfConsumerGroupMemberEpochIsInvalid (an epoch ahead of the coordinator\'s)', clause: ErrorCodes.id,
        });
        await heartbeat(context, connection!, { groupId, memberId: memberIdFrom(context), memberEpoch: epoch }, {
          expect: ['UNKNOWN_MEMBER_ID'], source: 'ConsumerGroup.getOrMaybeCreateMember (no such member and epoch > 0)', clause: ErrorCodes.id,
        });
        await heartbeat(context, connection!, { groupId, memberId, memberEpoch: epoch }, { expect: ['NONE'] });
        await heartbeat(context, connection!, { groupId, memberId, memberEpoch: -1 }, { expect: ['NONE'], source: 'GroupMetadataManager.consumerGroupLeave (member epoch -1)' });
      }
    } finally {
      connection?.close();
    }
    return combine(checkExpectedOutcomes(context.recorder.history, ErrorCodes.id), checkMemberEpochs(context.recorder.history, EpochsOrdered.id));
  },
};

export const consumerGroupChecks: readonly Check[] = [memberEpochs];

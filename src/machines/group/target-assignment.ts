/**
 * The target assignment of a KIP-848 group (TargetAssignmentBuilder.build, protocol-rules C.1/C.5):
 * run the group's server assignor over the members as they will be after this heartbeat, and
 * write a ConsumerGroupTargetAssignmentMember record for every member whose target changed, then
 * the ConsumerGroupTargetAssignmentMetadata record with the new assignment epoch.
 *
 * Java quirk made explicit: Kafka hands the assignor its members in HashMap order; here they go
 * in member id order.
 */
import type { ServerAssignor, ServerAssignorMember } from '../../common/assignors/types.js';
import { assignmentOf, assignmentToTopicPartitions, emptyAssignment, sameAssignment, type Assignment } from './consumer-group-assignment.js';
import type { ConsumerGroupMember } from './consumer-group-member.js';
import type { GroupRecord } from '../../protocol/groups/records.js';
import type { TopicImage } from './shard.js';

/** What the coordinator knows of a subscribed topic (TopicMetadata, racks left out). */
export interface SubscribedTopicMetadata {
  readonly topicId: string;
  readonly numPartitions: number;
}

/** Topic name → metadata, for every subscribed topic that exists. */
export type SubscriptionMetadata = Readonly<Record<string, SubscribedTopicMetadata>>;

export interface TargetAssignmentInput {
  readonly groupId: string;
  readonly groupEpoch: number;
  readonly assignor: ServerAssignor;
  /** The members after the change: the updated member in, a replaced static member out. */
  readonly members: readonly ConsumerGroupMember[];
  /** The current target assignment: the assignor's stickiness input. */
  readonly targetAssignment: Readonly<Record<string, Assignment>>;
  /** A static member that replaces another keeps its predecessor's target (TargetAssignmentBuilder.build). */
  readonly replacedMemberIds: Readonly<Record<string, string>>;
  readonly subscriptionMetadata: SubscriptionMetadata;
  /** The metadata image's topics by name: subscribed names resolve to ids through it (TopicIds). */
  readonly topics: Readonly<Record<string, TopicImage>>;
}

export interface TargetAssignmentResult {
  readonly records: readonly GroupRecord[];
  /** memberId → target, for every member of the input. */
  readonly targetAssignment: Readonly<Record<string, Assignment>>;
}

function assignorMember(member: ConsumerGroupMember, input: TargetAssignmentInput): ServerAssignorMember {
  const previousOwner = input.replacedMemberIds[member.memberId] ?? member.memberId;
  return {
    memberId: member.memberId,
    instanceId: member.instanceId,
    rackId: member.rackId,
    subscribedTopicIds: member.subscribedTopicNames.flatMap((name) => {
      const topic = input.topics[name];
      return topic === undefined ? [] : [topic.topicId];
    }),
    currentTarget: input.targetAssignment[previousOwner] ?? emptyAssignment,
  };
}

/** TargetAssignmentBuilder.build */
export function buildTargetAssignment(input: TargetAssignmentInput): TargetAssignmentResult {
  const members = [...input.members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const partitionsPerTopicId: Record<string, number> = {};
  for (const topic of Object.values(input.subscriptionMetadata)) partitionsPerTopicId[topic.topicId] = topic.numPartitions;

  const computed = input.assignor.assign(members.map((m) => assignorMember(m, input)), partitionsPerTopicId);

  const records: GroupRecord[] = [];
  const targetAssignment: Record<string, Assignment> = {};
  for (const member of members) {
    const next = assignmentOf(Object.entries(computed[member.memberId] ?? {}));
    targetAssignment[member.memberId] = next;
    const previous = input.targetAssignment[member.memberId];
    // A member without a target yet gets a record even for an empty one.
    if (previous === undefined || !sameAssignment(previous, next)) {
      records.push({ type: 'ConsumerGroupTargetAssignmentMember', group: input.groupId, memberId: member.memberId, value: { topicPartitions: assignmentToTopicPartitions(next) } });
    }
  }
  records.push({ type: 'ConsumerGroupTargetAssignmentMetadata', group: input.groupId, value: { assignmentEpoch: input.groupEpoch } });
  return { records, targetAssignment };
}

/**
 * The server RangeAssignor (group-coordinator/.../assignor/RangeAssignor.java), the KIP-848
 * coordinator's "range" assignor. Not sticky: it ignores the current target.
 *
 * Members are sorted static first (by instance id), then by member id (sortMemberIds). For each
 * member in that order and each topic it subscribes to, it takes the topic's next range: P / M
 * partitions, one more while the topic still has extra partitions (P % M), where M is the topic's
 * subscriber count. In a homogeneous group M is the group size and every topic with the same
 * partition count is co-partitioned; the heterogeneous path is the same rule per topic, so one
 * function serves both (assignHomogeneousGroup and assignHeterogeneousGroup).
 */
import { memberOrder } from './member-order.js';
import { existingSubscribedTopicIds, partitionCount, toTopicIdAssignment } from './server-topics.js';
import type { ServerAssignor, ServerAssignorMember } from './types.js';

/** RangeAssignor.TopicMetadata: a topic's quota state while members take ranges. */
interface TopicRangeState {
  readonly partitionCount: number;
  readonly minQuota: number;
  extraPartitions: number;
  nextRange: number;
}

function sortMemberIds(members: readonly ServerAssignorMember[]): ServerAssignorMember[] {
  return [...members].sort((a, b) => memberOrder({ memberId: a.memberId, groupInstanceId: a.instanceId }, { memberId: b.memberId, groupInstanceId: b.instanceId }));
}

function topicRangeStates(members: readonly ServerAssignorMember[], partitionsPerTopicId: Readonly<Record<string, number>>): Map<string, TopicRangeState> {
  const subscriberCounts = new Map<string, number>();
  for (const member of members) {
    for (const topicId of existingSubscribedTopicIds(member, partitionsPerTopicId)) subscriberCounts.set(topicId, (subscriberCounts.get(topicId) ?? 0) + 1);
  }
  const states = new Map<string, TopicRangeState>();
  for (const [topicId, subscribers] of subscriberCounts) {
    const count = partitionCount(partitionsPerTopicId, topicId);
    states.set(topicId, { partitionCount: count, minQuota: Math.floor(count / subscribers), extraPartitions: count % subscribers, nextRange: 0 });
  }
  return states;
}

/** RangeAssignor.addPartitionsToAssignment: the next range [start, min(start + quota, P)). */
function takeNextRange(state: TopicRangeState, dropRemainder: boolean): number[] {
  const start = state.nextRange;
  let quota = state.minQuota;
  // Variant range-drops-remainder: the P % M extra partitions go to no one.
  if (state.extraPartitions > 0 && !dropRemainder) {
    quota++;
    state.extraPartitions--;
  }
  const end = Math.min(start + quota, state.partitionCount);
  state.nextRange = end;
  return Array.from({ length: Math.max(0, end - start) }, (_, index) => start + index);
}

export const serverRangeAssignor: ServerAssignor = rangeAssignorOf(false);

/** The known-broken variant range-drops-remainder's assignor (src/machines/deviations.ts). */
export const serverRangeAssignorDroppingRemainder: ServerAssignor = rangeAssignorOf(true);

function rangeAssignorOf(dropRemainder: boolean): ServerAssignor {
  return {
    name: 'range',
    assign(members, partitionsPerTopicId) {
      const states = topicRangeStates(members, partitionsPerTopicId);
      const assignment = new Map<string, Map<string, number[]>>();
      for (const member of sortMemberIds(members)) {
        const topics = new Map<string, number[]>();
        for (const topicId of existingSubscribedTopicIds(member, partitionsPerTopicId)) topics.set(topicId, takeNextRange(states.get(topicId)!, dropRemainder));
        assignment.set(member.memberId, topics);
      }
      return toTopicIdAssignment(members, assignment);
    },
  };
}

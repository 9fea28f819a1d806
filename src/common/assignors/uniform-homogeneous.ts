/**
 * UniformHomogeneousAssignmentBuilder: every member subscribes to the same topics.
 *
 * With T partitions and M members, each member's quota is T / M, and the first T % M members in
 * iteration order get one more. Each member keeps its current-target partitions of subscribed topics
 * up to its quota; the excess joins the unassigned list (after the partitions nobody held). The
 * members left under quota then take from that list in order. Sizes differ by at most one; a member
 * early in the order may be given an extra slot it has to fill from elsewhere while a later member
 * gives one up: Kafka's builder favours simplicity over minimal movement here.
 *
 * Iteration orders (Kafka: HashMap/HashSet, a matter of chance): members by member id, topics by
 * topic id, partitions ascending.
 */
import { byMemberId, currentTargetsWithoutDuplicates, existingSubscribedTopicIds, partitionCount, toTopicIdAssignment } from './server-topics.js';
import type { ServerAssignorMember, TopicIdAssignment } from './types.js';

interface TopicIdPartition {
  readonly topicId: string;
  readonly partition: number;
}

interface MemberWithRemainingQuota {
  readonly memberId: string;
  readonly remainingQuota: number;
}

interface HomogeneousState {
  readonly subscribedTopicIds: ReadonlySet<string>;
  readonly unassignedPartitions: TopicIdPartition[];
  readonly unfilledMembers: MemberWithRemainingQuota[];
  readonly targetAssignment: Map<string, Map<string, number[]>>;
  readonly minimumMemberQuota: number;
  remainingMembersToGetAnExtraPartition: number;
}

/** The partitions of subscribed topics no member holds in the current target (GroupSpec.isPartitionAssigned). */
function initiallyUnassignedPartitions(topicIds: readonly string[], partitionsPerTopicId: Readonly<Record<string, number>>, currentTargets: Map<string, [string, number[]][]>): TopicIdPartition[] {
  const assigned = new Set<string>();
  for (const target of currentTargets.values()) for (const [topicId, partitions] of target) for (const partition of partitions) assigned.add(`${topicId}\u0000${partition}`);
  return topicIds.flatMap((topicId) => Array.from({ length: partitionCount(partitionsPerTopicId, topicId) }, (_, partition) => ({ topicId, partition })))
    .filter(({ topicId, partition }) => !assigned.has(`${topicId}\u0000${partition}`));
}

/** maybeRevokePartitions for one member: keep up to quota of subscribed topics, give back the excess, drop unsubscribed topics. */
function keepUpToQuota(state: HomogeneousState, memberId: string, currentTarget: [string, number[]][]): void {
  let quota = state.minimumMemberQuota;
  if (state.remainingMembersToGetAnExtraPartition > 0) {
    quota++;
    state.remainingMembersToGetAnExtraPartition--;
  }
  const kept = new Map<string, number[]>();
  for (const [topicId, partitions] of currentTarget) {
    if (!state.subscribedTopicIds.has(topicId)) continue;
    const keptPartitions = partitions.slice(0, quota);
    for (const partition of partitions.slice(quota)) state.unassignedPartitions.push({ topicId, partition });
    quota -= keptPartitions.length;
    if (keptPartitions.length > 0) kept.set(topicId, keptPartitions);
  }
  if (quota > 0) state.unfilledMembers.push({ memberId, remainingQuota: quota });
  state.targetAssignment.set(memberId, kept);
}

/** assignRemainingPartitions: unfilled members in order take the next unassigned partitions up to their remaining quota. */
function fillUnfilledMembers(state: HomogeneousState): void {
  let next = 0;
  for (const { memberId, remainingQuota } of state.unfilledMembers) {
    const assignment = state.targetAssignment.get(memberId)!;
    for (const { topicId, partition } of state.unassignedPartitions.slice(next, next + remainingQuota)) assignment.set(topicId, [...(assignment.get(topicId) ?? []), partition]);
    next += remainingQuota;
  }
  if (next < state.unassignedPartitions.length) throw new Error('UniformHomogeneousAssignmentBuilder: partitions were left unassigned');
}

export function uniformHomogeneousAssignment(members: readonly ServerAssignorMember[], partitionsPerTopicId: Readonly<Record<string, number>>): Record<string, TopicIdAssignment> {
  const ordered = byMemberId(members);
  const topicIds = existingSubscribedTopicIds(ordered[0]!, partitionsPerTopicId);
  const currentTargets = currentTargetsWithoutDuplicates(ordered, partitionsPerTopicId);
  const totalPartitionsCount = topicIds.reduce((sum, topicId) => sum + partitionCount(partitionsPerTopicId, topicId), 0);
  const state: HomogeneousState = {
    subscribedTopicIds: new Set(topicIds),
    unassignedPartitions: initiallyUnassignedPartitions(topicIds, partitionsPerTopicId, currentTargets),
    unfilledMembers: [],
    targetAssignment: new Map(),
    minimumMemberQuota: Math.floor(totalPartitionsCount / ordered.length),
    remainingMembersToGetAnExtraPartition: totalPartitionsCount % ordered.length,
  };
  for (const member of ordered) keepUpToQuota(state, member.memberId, currentTargets.get(member.memberId) ?? []);
  fillUnfilledMembers(state);
  return toTopicIdAssignment(members, state.targetAssignment);
}

/**
 * UniformHeterogeneousAssignmentBuilder: members subscribe to different topics.
 *
 * 1. Each member keeps its current-target partitions of topics it still subscribes to (any number).
 * 2. The partitions nobody holds are dealt topic by topic, topics ordered by partitions per
 *    subscriber descending, then subscriber count ascending, then topic id ascending; within a topic
 *    each partition goes to the least-loaded subscriber (ties: lower member index).
 * 3. Balancing: up to MAX_ITERATION_COUNT passes over the topics with two or more subscribers; in each
 *    topic, partitions move from its most-loaded subscribers to its least-loaded ones until their
 *    loads differ by at most one. A pass that moves nothing after a full lap ends it.
 *
 * Member indices follow member id order (Kafka: GroupSpec.memberIds(), a HashMap key set); topic
 * ids compare as strings (Kafka compares Uuids by their two signed longs).
 */
import { byMemberId, currentTargetsWithoutDuplicates, existingSubscribedTopicIds, partitionCount, toTopicIdAssignment } from './server-topics.js';
import { compareStrings } from './member-order.js';
import type { ServerAssignorMember, TopicIdAssignment } from './types.js';
import { MemberAssignmentBalancer } from './uniform-member-balancer.js';

/** UniformHeterogeneousAssignmentBuilder.MAX_ITERATION_COUNT: balancing passes are bounded. */
const MAX_ITERATION_COUNT = 16;

interface HeterogeneousState {
  readonly memberIds: readonly string[];
  /** topicId → subscriber member indices, ascending. */
  readonly topicSubscribers: Map<string, number[]>;
  /** topicId → owner member index per partition (-1: unassigned). */
  readonly partitionOwners: Map<string, number[]>;
  /** Per member index, the number of partitions it holds. */
  readonly memberTargetAssignmentSizes: number[];
  readonly partitionsPerTopicId: Readonly<Record<string, number>>;
}

function initialState(ordered: readonly ServerAssignorMember[], partitionsPerTopicId: Readonly<Record<string, number>>): HeterogeneousState {
  const topicSubscribers = new Map<string, number[]>();
  ordered.forEach((member, memberIndex) => {
    for (const topicId of existingSubscribedTopicIds(member, partitionsPerTopicId)) topicSubscribers.set(topicId, [...(topicSubscribers.get(topicId) ?? []), memberIndex]);
  });
  const partitionOwners = new Map<string, number[]>([...topicSubscribers.keys()].map((topicId) => [topicId, new Array<number>(partitionCount(partitionsPerTopicId, topicId)).fill(-1)]));
  return { memberIds: ordered.map((member) => member.memberId), topicSubscribers, partitionOwners, memberTargetAssignmentSizes: ordered.map(() => 0), partitionsPerTopicId };
}

/** maybeRevokePartitions: keep the current target of still-subscribed topics, drop the rest. */
function keepSubscribedCurrentTarget(state: HeterogeneousState, ordered: readonly ServerAssignorMember[]): void {
  const currentTargets = currentTargetsWithoutDuplicates(ordered, state.partitionsPerTopicId);
  ordered.forEach((member, memberIndex) => {
    for (const [topicId, partitions] of currentTargets.get(member.memberId) ?? []) {
      if (!state.topicSubscribers.get(topicId)?.includes(memberIndex)) continue;
      for (const partition of partitions) assignPartition(state, topicId, partition, memberIndex);
    }
  });
}

/** assignPartition: move (or give) a partition to a member, keeping the sizes in step. */
function assignPartition(state: HeterogeneousState, topicId: string, partition: number, memberIndex: number): void {
  const owners = state.partitionOwners.get(topicId)!;
  const oldMemberIndex = owners[partition]!;
  if (oldMemberIndex !== -1) state.memberTargetAssignmentSizes[oldMemberIndex]!--;
  owners[partition] = memberIndex;
  state.memberTargetAssignmentSizes[memberIndex]!++;
}

/** The topic comparator: partitions per subscriber descending (compared exactly), subscriber count ascending, topic id ascending. */
function sortTopicIds(state: HeterogeneousState, topicIds: Iterable<string>): string[] {
  const partitions = (topicId: string): number => partitionCount(state.partitionsPerTopicId, topicId);
  const subscribers = (topicId: string): number => state.topicSubscribers.get(topicId)!.length;
  return [...topicIds].sort((a, b) =>
    partitions(b) * subscribers(a) - partitions(a) * subscribers(b) || subscribers(a) - subscribers(b) || compareStrings(a, b));
}

/** assignRemainingPartitions: each topic's unheld partitions to its least-loaded subscribers in turn. */
function assignRemainingPartitions(state: HeterogeneousState): void {
  const balancer = new MemberAssignmentBalancer(state.memberTargetAssignmentSizes);
  for (const topicId of sortTopicIds(state, state.topicSubscribers.keys())) {
    const unassigned = state.partitionOwners.get(topicId)!.flatMap((owner, partition) => (owner === -1 ? [partition] : []));
    if (unassigned.length === 0) continue;
    balancer.initialize(state.topicSubscribers.get(topicId)!);
    for (const partition of unassigned) assignPartition(state, topicId, partition, balancer.nextLeastLoadedMember());
  }
}

/**
 * balanceTopic: the topic's partitions grouped by owner (owner index, then partition); the most
 * loaded subscriber with partitions of this topic gives up its last one to the least loaded, until
 * the two ranges differ by at most one. Returns how many partitions moved.
 */
function balanceTopic(state: HeterogeneousState, topicId: string, balancer: MemberAssignmentBalancer): number {
  if (balancer.initialize(state.topicSubscribers.get(topicId)!) <= 1) return 0;
  const owners = state.partitionOwners.get(topicId)!;
  const grouped = owners.map((_, partition) => partition).sort((a, b) => owners[a]! - owners[b]! || a - b);
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  grouped.forEach((partition, index) => {
    if (!start.has(owners[partition]!)) start.set(owners[partition]!, index);
    end.set(owners[partition]!, index + 1);
  });
  let moved = 0;
  while (!balancer.isBalanced()) {
    const mostLoaded = nextMostLoadedMemberWithPartitions(balancer, start, end);
    if (mostLoaded === -1) break;
    const partition = grouped[end.get(mostLoaded)! - 1]!;
    end.set(mostLoaded, end.get(mostLoaded)! - 1);
    const leastLoaded = balancer.nextLeastLoadedMember();
    if (balancer.isBalanced()) break;
    assignPartition(state, topicId, partition, leastLoaded);
    moved++;
  }
  return moved;
}

/** Skips (and excludes) most-loaded members that have no partitions of this topic left to give up. */
function nextMostLoadedMemberWithPartitions(balancer: MemberAssignmentBalancer, start: Map<number, number>, end: Map<number, number>): number {
  for (;;) {
    const memberIndex = balancer.nextMostLoadedMember();
    if (memberIndex === -1) return -1;
    if (end.has(memberIndex) && end.get(memberIndex)! - start.get(memberIndex)! > 0) return memberIndex;
    balancer.excludeMostLoadedMember();
  }
}

/** balance / balanceTopics: bounded passes over the reassignable topics; stop after a full lap without moves. */
function balance(state: HeterogeneousState): void {
  const topicIds = sortTopicIds(state, [...state.topicSubscribers.keys()].filter((topicId) => state.topicSubscribers.get(topicId)!.length >= 2));
  if (topicIds.length === 0) return;
  const balancer = new MemberAssignmentBalancer(state.memberTargetAssignmentSizes);
  let lastRebalanceTopicIndex = -1;
  for (let iteration = 0; iteration < MAX_ITERATION_COUNT; iteration++) {
    for (let topicIndex = 0; topicIndex < topicIds.length; topicIndex++) {
      if (topicIndex === lastRebalanceTopicIndex) return;
      const moved = balanceTopic(state, topicIds[topicIndex]!, balancer);
      if (moved > 0 || lastRebalanceTopicIndex === -1) lastRebalanceTopicIndex = topicIndex;
    }
  }
}

function collect(state: HeterogeneousState): Map<string, Map<string, number[]>> {
  const assignment = new Map<string, Map<string, number[]>>(state.memberIds.map((memberId) => [memberId, new Map()]));
  for (const [topicId, owners] of state.partitionOwners) {
    owners.forEach((memberIndex, partition) => {
      if (memberIndex === -1) return;
      const topics = assignment.get(state.memberIds[memberIndex]!)!;
      topics.set(topicId, [...(topics.get(topicId) ?? []), partition]);
    });
  }
  return assignment;
}

export function uniformHeterogeneousAssignment(members: readonly ServerAssignorMember[], partitionsPerTopicId: Readonly<Record<string, number>>): Record<string, TopicIdAssignment> {
  const ordered = byMemberId(members);
  const state = initialState(ordered, partitionsPerTopicId);
  keepSubscribedCurrentTarget(state, ordered);
  assignRemainingPartitions(state);
  balance(state);
  return toTopicIdAssignment(members, collect(state));
}

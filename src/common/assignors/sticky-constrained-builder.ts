/**
 * AbstractStickyAssignor.ConstrainedAssignmentBuilder: every member subscribes to the same topics.
 *
 * With P partitions and C members: minQuota = floor(P / C), maxQuota = ceil(P / C), and exactly
 * P % C members end at maxQuota.
 * 1. Each member (member id order) keeps its owned partitions, sorted by (partition, topic):
 *    fewer than minQuota → all of them, and it is "under min quota"; at least maxQuota while fewer
 *    than P % C members are at max → the first maxQuota; otherwise the first minQuota, and it may
 *    still take one more ("exactly min quota"). What it does not keep may be revoked.
 * 2. The partitions nobody kept, by (topic, partition), are dealt round-robin to the under-min
 *    members (member id order), then one each to exactly-min members until P % C are at max.
 * A partition dealt to someone other than the member that gave it up (or one claimed twice in the
 * same generation) is transferring ownership: the cooperative assignor withholds it this round.
 *
 * The rack-aware steps are skipped: our assignors see no replica racks (Kafka: RackInfo without
 * partition racks, so consumerRacks is empty and those steps return at once).
 */
import { compareStrings } from './member-order.js';
import { compareTopicPartitions, partitionsOf, topicPartitionKey, type TopicPartition } from './partitions.js';
import type { StickyInput, StickyResult } from './sticky-input.js';

interface ConstrainedState {
  readonly minQuota: number;
  readonly maxQuota: number;
  readonly expectedNumMembersWithOverMinQuotaPartitions: number;
  currentNumMembersWithOverMinQuotaPartitions: number;
  readonly assignment: Map<string, TopicPartition[]>;
  readonly assignedPartitions: Set<string>;
  /** Partition key → the member that owned it and did not keep it. */
  readonly maybeRevokedPartitions: Map<string, string>;
  readonly partitionsWithMultiplePreviousOwners: ReadonlySet<string>;
  unfilledMembersWithUnderMinQuotaPartitions: string[];
  unfilledMembersWithExactlyMinQuotaPartitions: string[];
  readonly partitionsTransferringOwnership: Map<string, string>;
}

function initialState(input: StickyInput): ConstrainedState {
  const totalPartitionsCount = [...input.partitionsPerTopic.values()].reduce((sum, count) => sum + count, 0);
  const numberOfConsumers = input.members.length;
  return {
    minQuota: Math.floor(totalPartitionsCount / numberOfConsumers),
    maxQuota: Math.ceil(totalPartitionsCount / numberOfConsumers),
    expectedNumMembersWithOverMinQuotaPartitions: totalPartitionsCount % numberOfConsumers,
    currentNumMembersWithOverMinQuotaPartitions: 0,
    assignment: new Map(input.members.map((member) => [member.memberId, []])),
    assignedPartitions: new Set(),
    maybeRevokedPartitions: new Map(),
    partitionsWithMultiplePreviousOwners: input.partitionsWithMultiplePreviousOwners,
    unfilledMembersWithUnderMinQuotaPartitions: [],
    unfilledMembersWithExactlyMinQuotaPartitions: [],
    partitionsTransferringOwnership: new Map(),
  };
}

function keep(state: ConstrainedState, consumer: string, kept: readonly TopicPartition[], released: readonly TopicPartition[]): void {
  state.assignment.get(consumer)!.push(...kept);
  for (const partition of kept) state.assignedPartitions.add(topicPartitionKey(partition));
  for (const partition of released) state.maybeRevokedPartitions.set(topicPartitionKey(partition), consumer);
}

/** assignOwnedPartitions: step 1 for one member. */
function assignOwnedPartitionsOf(state: ConstrainedState, consumer: string, owned: readonly TopicPartition[]): void {
  const ownedPartitions = [...owned]
    .sort((a, b) => a.partition - b.partition || compareStrings(a.topic, b.topic))
    .filter((partition) => !state.partitionsWithMultiplePreviousOwners.has(topicPartitionKey(partition)));
  if (ownedPartitions.length < state.minQuota) {
    keep(state, consumer, ownedPartitions, []);
    state.unfilledMembersWithUnderMinQuotaPartitions.push(consumer);
  } else if (ownedPartitions.length >= state.maxQuota && state.currentNumMembersWithOverMinQuotaPartitions < state.expectedNumMembersWithOverMinQuotaPartitions) {
    state.currentNumMembersWithOverMinQuotaPartitions++;
    if (state.currentNumMembersWithOverMinQuotaPartitions === state.expectedNumMembersWithOverMinQuotaPartitions) state.unfilledMembersWithExactlyMinQuotaPartitions = [];
    keep(state, consumer, ownedPartitions.slice(0, state.maxQuota), ownedPartitions.slice(state.maxQuota));
  } else {
    keep(state, consumer, ownedPartitions.slice(0, state.minQuota), ownedPartitions.slice(state.minQuota));
    if (state.currentNumMembersWithOverMinQuotaPartitions < state.expectedNumMembersWithOverMinQuotaPartitions) state.unfilledMembersWithExactlyMinQuotaPartitions.push(consumer);
  }
}

/** getUnassignedPartitions: every partition by (topic, partition) that no member kept. */
function unassignedPartitions(input: StickyInput, state: ConstrainedState): TopicPartition[] {
  return [...input.partitionsPerTopic.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .flatMap(([topic, count]) => partitionsOf(topic, count))
    .filter((partition) => !state.assignedPartitions.has(topicPartitionKey(partition)));
}

/** assignNewPartition: give a partition; note it as transferring if another member gave it up (or it was claimed twice). */
function assignNewPartition(state: ConstrainedState, partition: TopicPartition, consumer: string): number {
  const consumerAssignment = state.assignment.get(consumer)!;
  consumerAssignment.push(partition);
  const key = topicPartitionKey(partition);
  const previousOwner = state.maybeRevokedPartitions.get(key);
  if ((previousOwner !== undefined && previousOwner !== consumer) || state.partitionsWithMultiplePreviousOwners.has(key)) state.partitionsTransferringOwnership.set(key, consumer);
  return consumerAssignment.length;
}

/**
 * assignRoundRobin: cycle through the under-min members; once none is left, take exactly-min
 * members one at a time. A member reaching minQuota leaves the cycle and becomes exactly-min.
 */
function assignRoundRobin(state: ConstrainedState, partitions: readonly TopicPartition[]): void {
  const under = state.unfilledMembersWithUnderMinQuotaPartitions;
  let cursor = 0; // Java's iterator over `under`: the index of its next element.
  for (const partition of partitions) {
    let consumer: string;
    let fromCycle = true;
    if (cursor < under.length) {
      consumer = under[cursor++]!;
    } else if (under.length === 0 && state.unfilledMembersWithExactlyMinQuotaPartitions.length === 0) {
      throw new Error('ConstrainedAssignmentBuilder: no more unfilled consumers to be assigned');
    } else if (under.length === 0) {
      consumer = state.unfilledMembersWithExactlyMinQuotaPartitions.shift()!;
      fromCycle = false;
    } else {
      cursor = 0;
      consumer = under[cursor++]!;
    }
    const currentAssignedCount = assignNewPartition(state, partition, consumer);
    if (currentAssignedCount === state.minQuota) {
      if (fromCycle) under.splice(--cursor, 1);
      state.unfilledMembersWithExactlyMinQuotaPartitions.push(consumer);
    } else if (currentAssignedCount === state.maxQuota) {
      state.currentNumMembersWithOverMinQuotaPartitions++;
    }
  }
}

/** verifyUnfilledMembers: members still under min quota are a bug unless they reached it exactly. */
function verifyUnfilledMembers(state: ConstrainedState): void {
  if (state.unfilledMembersWithUnderMinQuotaPartitions.length === 0) return;
  if (state.currentNumMembersWithOverMinQuotaPartitions !== state.expectedNumMembersWithOverMinQuotaPartitions) {
    throw new Error('ConstrainedAssignmentBuilder: fewer members than expected reached maxQuota and no partitions are left');
  }
  for (const member of state.unfilledMembersWithUnderMinQuotaPartitions) {
    if (state.assignment.get(member)!.length !== state.minQuota) throw new Error(`ConstrainedAssignmentBuilder: consumer ${member} did not reach minQuota`);
  }
}

export function constrainedAssignment(input: StickyInput): StickyResult {
  const state = initialState(input);
  for (const member of input.members) assignOwnedPartitionsOf(state, member.memberId, input.consumerToOwnedPartitions.get(member.memberId) ?? []);
  const unassigned = unassignedPartitions(input, state);
  state.unfilledMembersWithUnderMinQuotaPartitions.sort(compareStrings);
  state.unfilledMembersWithExactlyMinQuotaPartitions.sort(compareStrings);
  assignRoundRobin(state, unassigned);
  verifyUnfilledMembers(state);
  for (const partitions of state.assignment.values()) partitions.sort(compareTopicPartitions);
  return { assignment: state.assignment, partitionsTransferringOwnership: state.partitionsTransferringOwnership };
}

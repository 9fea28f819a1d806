/**
 * AbstractStickyAssignor.GeneralAssignmentBuilder: members subscribe to different topics.
 *
 * 1. Keep every owned partition whose topic the member still subscribes to (a partition of a topic
 *    it dropped is released and revocation is required).
 * 2. Assign the rest, topics with the fewest potential consumers first (then by name), each
 *    partition to the member with the fewest partitions (then lowest member id) that subscribes.
 * 3. Balance: walk the partitions that can move (topics with two or more potential consumers),
 *    moving one from a member to a subscriber with at least two fewer, preferring to give it back
 *    to the member that owned it in an older generation, until the assignment is balanced. If this
 *    did not lower the balance score (and we were not starting from nothing), undo it.
 * Members that hold every partition they could and nothing movable sit the balancing out.
 *
 * Deviation: Kafka moves a partition back to its older-generation owner without checking that the
 * owner still subscribes to its topic or takes part in balancing (it would fail or hand the
 * partition to a non-subscriber); we only take that path when both hold.
 */
import { compareStrings } from './member-order.js';
import { compareTopicPartitions, partitionsOf, topicPartitionKey, type TopicPartition } from './partitions.js';
import { DEFAULT_GENERATION, memberData, removePartition, type StickyInput } from './sticky-input.js';
import { PartitionMovements } from './sticky-partition-movements.js';

/** The balancing loop repeats until nothing moves; Kafka has no bound, we stop loudly instead of spinning. */
const REASSIGNMENT_PASSES_MAX = 100_000;

interface ConsumerGenerationPair {
  readonly consumer: string;
  readonly generation: number;
}

interface GeneralState {
  readonly partitionsPerTopic: ReadonlyMap<string, number>;
  readonly topic2AllPotentialConsumers: Map<string, string[]>;
  readonly consumer2AllPotentialTopics: Map<string, string[]>;
  /** The members taking part, with their partitions (fixed members are set aside during balancing). */
  readonly currentAssignment: Map<string, TopicPartition[]>;
  readonly currentPartitionConsumer: Map<string, string>;
  sortedAllPartitions: TopicPartition[];
  readonly partitionMovements: PartitionMovements;
  revocationRequired: boolean;
}

function initialState(input: StickyInput): GeneralState {
  const topic2AllPotentialConsumers = new Map<string, string[]>([...input.partitionsPerTopic.keys()].map((topic) => [topic, []]));
  const consumer2AllPotentialTopics = new Map<string, string[]>();
  const currentAssignment = new Map<string, TopicPartition[]>();
  for (const member of input.members) {
    const topics = [...new Set(member.subscription.topics)].filter((topic) => input.partitionsPerTopic.has(topic));
    consumer2AllPotentialTopics.set(member.memberId, topics);
    for (const topic of topics) topic2AllPotentialConsumers.get(topic)!.push(member.memberId);
    currentAssignment.set(member.memberId, [...(input.consumerToOwnedPartitions.get(member.memberId) ?? [])]);
  }
  const currentPartitionConsumer = new Map<string, string>();
  for (const [consumer, partitions] of currentAssignment) for (const partition of partitions) currentPartitionConsumer.set(topicPartitionKey(partition), consumer);
  const sortedAllTopics = [...topic2AllPotentialConsumers.keys()].sort((a, b) => topic2AllPotentialConsumers.get(a)!.length - topic2AllPotentialConsumers.get(b)!.length || compareStrings(a, b));
  return {
    partitionsPerTopic: input.partitionsPerTopic,
    topic2AllPotentialConsumers,
    consumer2AllPotentialTopics,
    currentAssignment,
    currentPartitionConsumer,
    sortedAllPartitions: sortedAllTopics.flatMap((topic) => partitionsOf(topic, input.partitionsPerTopic.get(topic)!)),
    partitionMovements: new PartitionMovements(),
    revocationRequired: false,
  };
}

/**
 * prepopulateCurrentAssignments: for members of a generation older than the newest, what they
 * owned then, newest such generation first (ties: the earlier member in member id order).
 */
function previousAssignment(input: StickyInput): Map<string, ConsumerGenerationPair> {
  const previous = new Map<string, ConsumerGenerationPair>();
  for (const member of input.members) {
    const data = memberData(member);
    if (data.generation >= input.maxGeneration || input.maxGeneration === DEFAULT_GENERATION) continue;
    for (const partition of data.partitions) {
      const existing = previous.get(topicPartitionKey(partition));
      if (existing === undefined || data.generation > existing.generation) previous.set(topicPartitionKey(partition), { consumer: member.memberId, generation: data.generation });
    }
  }
  return previous;
}

/** assignOwnedPartitions: drop owned partitions of topics the member no longer subscribes to. */
function keepSubscribedOwnedPartitions(state: GeneralState): Set<string> {
  const assigned = new Set<string>();
  for (const [consumer, partitions] of state.currentAssignment) {
    const topics = state.consumer2AllPotentialTopics.get(consumer)!;
    for (const partition of [...partitions]) {
      if (topics.includes(partition.topic)) {
        assigned.add(topicPartitionKey(partition));
      } else {
        removePartition(partitions, partition);
        state.revocationRequired = true;
      }
    }
  }
  return assigned;
}

function sizeOf(state: GeneralState, consumer: string): number {
  return state.currentAssignment.get(consumer)!.length;
}

/** sortedCurrentSubscriptions: the taking-part members by partition count, then member id. */
function sortedCurrentSubscriptions(state: GeneralState): string[] {
  return [...state.currentAssignment.keys()].sort((a, b) => sizeOf(state, a) - sizeOf(state, b) || compareStrings(a, b));
}

function subscribes(state: GeneralState, consumer: string, topic: string): boolean {
  return state.consumer2AllPotentialTopics.get(consumer)!.includes(topic);
}

/** getMaxAssignmentSize: every partition of the member's topics. */
function maxAssignmentSize(state: GeneralState, consumer: string): number {
  return state.consumer2AllPotentialTopics.get(consumer)!.reduce((sum, topic) => sum + state.partitionsPerTopic.get(topic)!, 0);
}

/** maybeAssignPartition: to the least loaded subscriber. */
function assignToLeastLoaded(state: GeneralState, partition: TopicPartition): void {
  const consumer = sortedCurrentSubscriptions(state).find((candidate) => subscribes(state, candidate, partition.topic));
  if (consumer === undefined) return;
  state.currentAssignment.get(consumer)!.push(partition);
  state.currentPartitionConsumer.set(topicPartitionKey(partition), consumer);
}

function canTopicParticipateInReassignment(state: GeneralState, topic: string): boolean {
  return state.topic2AllPotentialConsumers.get(topic)!.length >= 2;
}

function canConsumerParticipateInReassignment(state: GeneralState, consumer: string): boolean {
  if (sizeOf(state, consumer) < maxAssignmentSize(state, consumer)) return true;
  return state.currentAssignment.get(consumer)!.some((partition) => canTopicParticipateInReassignment(state, partition.topic));
}

/**
 * isBalanced: sizes within one, or no member could take a partition of its topics from a member
 * holding two or more partitions more than it.
 */
function isBalanced(state: GeneralState): boolean {
  const sorted = sortedCurrentSubscriptions(state);
  if (sorted.length === 0 || sizeOf(state, sorted[0]!) >= sizeOf(state, sorted[sorted.length - 1]!) - 1) return true;
  const owners = new Map<string, string>();
  for (const [consumer, partitions] of state.currentAssignment) for (const partition of partitions) owners.set(topicPartitionKey(partition), consumer);
  for (const consumer of sorted) {
    const count = sizeOf(state, consumer);
    if (count === maxAssignmentSize(state, consumer)) continue;
    const held = new Set(state.currentAssignment.get(consumer)!.map(topicPartitionKey));
    for (const topic of state.consumer2AllPotentialTopics.get(consumer)!) {
      for (const partition of partitionsOf(topic, state.partitionsPerTopic.get(topic)!)) {
        const owner = owners.get(topicPartitionKey(partition));
        if (held.has(topicPartitionKey(partition)) || owner === undefined) continue;
        if (count + 1 < sizeOf(state, owner)) return false;
      }
    }
  }
  return true;
}

/** getBalanceScore: the sum over member pairs of their size difference; 0 is perfectly balanced. */
function balanceScore(assignment: ReadonlyMap<string, readonly TopicPartition[]>): number {
  const sizes = [...assignment.values()].map((partitions) => partitions.length);
  let score = 0;
  for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i]! - sizes[j]!);
  return score;
}

/** processPartitionMovement: move a partition from its holder to newConsumer, recording the move. */
function processPartitionMovement(state: GeneralState, partition: TopicPartition, newConsumer: string): void {
  const oldConsumer = state.currentPartitionConsumer.get(topicPartitionKey(partition))!;
  state.partitionMovements.movePartition(partition, oldConsumer, newConsumer);
  removePartition(state.currentAssignment.get(oldConsumer)!, partition);
  state.currentAssignment.get(newConsumer)!.push(partition);
  state.currentPartitionConsumer.set(topicPartitionKey(partition), newConsumer);
}

/** reassignPartition: to newConsumer (default: the least loaded subscriber), undoing an earlier opposite move if there is one. */
function reassignPartition(state: GeneralState, partition: TopicPartition, newConsumer?: string): void {
  const target = newConsumer ?? sortedCurrentSubscriptions(state).find((candidate) => subscribes(state, candidate, partition.topic))!;
  const consumer = state.currentPartitionConsumer.get(topicPartitionKey(partition))!;
  processPartitionMovement(state, state.partitionMovements.partitionToBeMoved(partition, consumer, target), target);
}

/** One step of performReassignments for one partition; true if something moved. */
function reassignIfUnbalanced(state: GeneralState, partition: TopicPartition, previous: ReadonlyMap<string, ConsumerGenerationPair>): boolean {
  const consumer = state.currentPartitionConsumer.get(topicPartitionKey(partition))!;
  const previousOwner = previous.get(topicPartitionKey(partition))?.consumer;
  if (previousOwner !== undefined && state.currentAssignment.has(previousOwner) && subscribes(state, previousOwner, partition.topic)
    && sizeOf(state, consumer) > sizeOf(state, previousOwner) + 1) {
    reassignPartition(state, partition, previousOwner);
    return true;
  }
  const someoneLighter = state.topic2AllPotentialConsumers.get(partition.topic)!
    .some((other) => state.currentAssignment.has(other) && sizeOf(state, consumer) > sizeOf(state, other) + 1);
  if (someoneLighter) reassignPartition(state, partition);
  return someoneLighter;
}

/** performReassignments: sweep the partitions until a sweep moves nothing (or the assignment is balanced). */
function performReassignments(state: GeneralState, reassignablePartitions: readonly TopicPartition[], previous: ReadonlyMap<string, ConsumerGenerationPair>): boolean {
  let reassignmentPerformed = false;
  for (let pass = 0; ; pass++) {
    if (pass >= REASSIGNMENT_PASSES_MAX) throw new Error('GeneralAssignmentBuilder: balancing did not converge');
    let modified = false;
    for (const partition of reassignablePartitions) {
      if (isBalanced(state)) break;
      if (reassignIfUnbalanced(state, partition, previous)) modified = reassignmentPerformed = true;
    }
    if (!modified) return reassignmentPerformed;
  }
}

function copyAssignment(assignment: ReadonlyMap<string, readonly TopicPartition[]>): Map<string, TopicPartition[]> {
  return new Map([...assignment.entries()].map(([consumer, partitions]) => [consumer, [...partitions]]));
}

/** balance: steps 2 and 3, with fixed members and partitions set aside. */
function balance(state: GeneralState, previous: ReadonlyMap<string, ConsumerGenerationPair>, unassigned: readonly TopicPartition[]): void {
  const sorted = sortedCurrentSubscriptions(state);
  const initializing = sorted.length === 0 || sizeOf(state, sorted[sorted.length - 1]!) === 0;
  for (const partition of unassigned) assignToLeastLoaded(state, partition);

  const movable = (partition: TopicPartition): boolean => canTopicParticipateInReassignment(state, partition.topic);
  state.sortedAllPartitions = state.sortedAllPartitions.filter(movable);
  const reassignableUnassigned = unassigned.filter(movable);
  const fixedAssignments = new Map<string, TopicPartition[]>();
  for (const consumer of state.consumer2AllPotentialTopics.keys()) {
    if (canConsumerParticipateInReassignment(state, consumer)) continue;
    fixedAssignments.set(consumer, state.currentAssignment.get(consumer)!);
    state.currentAssignment.delete(consumer);
  }

  const preBalanceAssignment = copyAssignment(state.currentAssignment);
  const preBalancePartitionConsumers = new Map(state.currentPartitionConsumer);
  if (!state.revocationRequired) performReassignments(state, reassignableUnassigned, previous);
  const reassignmentPerformed = performReassignments(state, state.sortedAllPartitions, previous);
  if (!initializing && reassignmentPerformed && balanceScore(state.currentAssignment) >= balanceScore(preBalanceAssignment)) {
    state.currentAssignment.clear();
    for (const [consumer, partitions] of preBalanceAssignment) state.currentAssignment.set(consumer, partitions);
    state.currentPartitionConsumer.clear();
    for (const [key, consumer] of preBalancePartitionConsumers) state.currentPartitionConsumer.set(key, consumer);
  }
  for (const [consumer, partitions] of fixedAssignments) state.currentAssignment.set(consumer, partitions);
}

export function generalAssignment(input: StickyInput): Map<string, TopicPartition[]> {
  const state = initialState(input);
  const previous = previousAssignment(input);
  const assigned = keepSubscribedOwnedPartitions(state);
  const unassigned = state.sortedAllPartitions.filter((partition) => !assigned.has(topicPartitionKey(partition)));
  balance(state, previous, unassigned);
  const assignment = new Map<string, TopicPartition[]>();
  for (const member of input.members) assignment.set(member.memberId, [...(state.currentAssignment.get(member.memberId) ?? [])].sort(compareTopicPartitions));
  return assignment;
}

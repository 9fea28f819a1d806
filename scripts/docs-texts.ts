/**
 * What the docs say about each machine beyond its definition: a title, a summary with links to
 * the hand-written guides, and the clause families its Markdown page lists. Keyed by XState id; a
 * machine missing here still gets its pages, titled by its id and summarised by its module's
 * opening comment.
 */
import type { Clause } from '../spec/clause.js';
import { groupClauses } from '../spec/groups/clauses.js';
import { producerClauses } from '../spec/producer/clauses.js';
import { quorumClauses } from '../spec/quorum/clauses.js';
import { replicationClauses } from '../spec/replication/clauses.js';

export interface MachineText {
  readonly title: string;
  readonly summary: string;
  /** The clauses its docs/machines/*.md lists. */
  readonly clauses: readonly Clause[];
}

const classicIds = new Set(['CG-STATE-1', 'CG-GEN-1', 'CG-LEADER-1', 'CG-ASSIGN-1', 'CG-ASSIGN-2', 'CG-STATIC-1', 'CG-COMMIT-3']);
const consumerIds = new Set(['CGH-OWN-1', 'CGH-EPOCH-1', 'CGH-REC-1', 'CGH-TGT-1', 'CG-ASSIGN-2', 'CG-COMMIT-3']);

export const machineTexts: Readonly<Record<string, MachineText>> = {
  quorum: {
    title: 'The KRaft controller quorum machine',
    summary:
      'One machine per controller (src/machines/quorum). KRaft as Apache Kafka implements it (KIP-595; KafkaRaftClient and QuorumState). What is modelled and what is simplified: [../quorum.md](../quorum.md).',
    clauses: quorumClauses,
  },
  replica: {
    title: 'The partition replica machine',
    summary:
      'One machine per partition per broker (src/machines/replica): kafka.cluster.Partition with its follower fetcher. Leader epochs, fetch with divergence, the high watermark, the ISR, acks. What is modelled and what is simplified: [../replication.md](../replication.md).',
    clauses: replicationClauses,
  },
  broker: {
    title: 'The broker lifecycle machine',
    summary:
      'One machine per broker (src/machines/broker): registration and heartbeats with the active controller (BrokerLifecycleManager), publishing committed metadata to the replica machines (ReplicaManager.applyDelta), and InitProducerId for idempotent producers with ids from blocks leased from the controller (RPCProducerIdManager, in producer-ids.ts). See [../replication.md](../replication.md).',
    clauses: [],
  },
  controller: {
    title: 'The controller machine',
    summary:
      'One machine per KRaft voter (src/machines/controller/machine.ts): the active controller (QuorumController) decides with its uncommitted image and answers once its records commit. The rules it sequences live in partition-change.ts, topics.ts, placement.ts and producer-ids.ts. See [../replication.md](../replication.md).',
    clauses: [],
  },
  producer: {
    title: 'The producer machine',
    summary:
      'One machine per producer client (src/machines/producer): KafkaProducer with its RecordAccumulator, Sender and, for the idempotent producer, TransactionManager. The rules are plain functions in sender.ts, sequences.ts and partitioning.ts; every event runs one pass of the sender loop. What is modelled and what is simplified: [../producer.md](../producer.md).',
    clauses: producerClauses,
  },
  groupCoordinator: {
    title: 'The group coordinator machine',
    summary:
      'One machine per broker (src/machines/coordinator): GroupCoordinatorService over CoordinatorRuntime. It is a host that only dispatches: each __consumer_offsets partition the broker leads is a shard machine ([coordinator-shard-machine.md](coordinator-shard-machine.md): loading, the write rule and the deferred answers, unloading), and each group inside a shard is its own machine — [classic-group-machine.md](classic-group-machine.md), [consumer-group-machine.md](consumer-group-machine.md) and its members [consumer-group-member-machine.md](consumer-group-member-machine.md); all are stepped with transition(). Offsets are kept by coordinator-shard.ts. What is modelled and what is simplified: [../groups.md](../groups.md).',
    clauses: groupClauses,
  },
  coordinatorShard: {
    title: 'The coordinator shard machine',
    summary:
      'One machine per __consumer_offsets partition a broker leads (src/machines/group/coordinator-shard-machine.ts), hosted by the group coordinator ([coordinator.md](coordinator.md)): CoordinatorRuntime.CoordinatorContext with Kafka\'s CoordinatorState (INITIAL, LOADING, ACTIVE, CLOSED; FAILED is left out, a load here cannot fail). While Loading it refuses with COORDINATOR_LOAD_IN_PROGRESS; once Active it runs the groups\' rules, appends their records locally and holds the answers in the deferred event queue until the high watermark passes them. Its timers (load completion, offsets.commit.timeout.ms, the groups\' timers) are delayed raises naming their load. See [../groups.md](../groups.md).',
    clauses: groupClauses.filter((c) => c.id === 'CG-RESUME-1'),
  },
  consumer: {
    title: 'The consumer machine',
    summary:
      'One machine per consumer client (src/machines/consumer/kafka-consumer.ts): KafkaConsumer with ConsumerCoordinator (classic, eager and cooperative) or the KIP-848 membership manager (membership-consumer-protocol.ts), SubscriptionState positions, fetching and commits. Coordinator discovery and membership are parallel regions in Kafka\'s own states (AbstractCoordinator.MemberState for classic, MemberState for KIP-848); every event runs one pass of the client loop, and Kafka\'s client timers (heartbeat, session, poll, retry backoff, fetch wait, request timeout, metadata age) wake it at their deadlines. See [../groups.md](../groups.md).',
    clauses: groupClauses,
  },
  classicGroup: {
    title: 'The classic group machine',
    summary:
      'One machine per classic group (src/machines/group/classic-group-machine.ts), hosted by the coordinator shard that owns the group: ClassicGroup with Kafka\'s ClassicGroupState. Each request or deadline runs GroupMetadataManager\'s rule for it (classic-join.ts, classic-sync.ts, classic-heartbeat.ts, classic-leave.ts, classic-timers.ts); the (always) rows are the moves those rules make, one per legal edge of ClassicGroupState. Timers (group.initial.rebalance.delay.ms, the rebalance timeout, the pending-sync deadline, each member\'s session.timeout.ms) are delayed raises keyed per group. See [../groups.md](../groups.md).',
    clauses: groupClauses.filter((c) => classicIds.has(c.id)),
  },
  consumerGroup: {
    title: 'The KIP-848 consumer group machine',
    summary:
      'One machine per KIP-848 consumer group (src/machines/group/consumer-group-machine.ts), hosted by the coordinator shard that owns the group: ConsumerGroup with its ConsumerGroupState. A heartbeat or deadline runs consumerGroupHeartbeat or a timeout (consumer-group.ts); the state is then derived from the epochs (maybeUpdateGroupState), and the (always) rows take the machine there. Each member\'s reconciliation is the member machine: [consumer-group-member-machine.md](consumer-group-member-machine.md). See [../groups.md](../groups.md).',
    clauses: groupClauses.filter((c) => consumerIds.has(c.id)),
  },
  consumerGroupMember: {
    title: 'The KIP-848 member reconciliation machine',
    summary:
      'One machine per member of a KIP-848 group (src/machines/group/consumer-group-member-machine.ts), stepped by the group\'s maybeReconcile on each heartbeat: the member states of CurrentAssignmentBuilder (org.apache.kafka.coordinator.group.modern.MemberState). A member revokes before anyone else gets its partitions, and takes a partition only once its previous owner released it.',
    clauses: groupClauses.filter((c) => c.id === 'CGH-OWN-1' || c.id === 'CGH-REC-1'),
  },
};

/** A Markdown summary as plain text for HTML: `[text](link)` becomes `text`. */
export const plainSummary = (summary: string): string => summary.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');

/**
 * The learner's index: the parts of a Kafka cluster in Kafka's own terms, each tied to the machine
 * that implements it, the clauses that judge it and a scenario that shows it. Machines are named
 * by XState id; a concept links the ones that exist, so a renamed machine drops a link rather
 * than breaking the build (a test checks every concept still links a machine, clauses and a
 * scenario).
 */
export interface Concept {
  readonly id: string;
  readonly term: string;
  /** Paragraphs of plain text. */
  readonly explanation: readonly string[];
  readonly machines: readonly string[];
  readonly clauses: readonly string[];
  /** Scenario files, repository paths. */
  readonly scenarios: readonly string[];
}

export const concepts: readonly Concept[] = [
  {
    id: 'brokers',
    term: 'Brokers',
    explanation: [
      'A Kafka cluster is a set of brokers: servers that store partitions of topics and answer clients. A broker registers with the active controller (BrokerRegistration), then sends heartbeats (BrokerHeartbeat); it stays fenced, unable to lead partitions or join ISRs, until it has caught up with the metadata log. A broker that misses heartbeats for broker.session.timeout.ms is fenced again.',
      'In kspec one broker machine runs per broker, beside a replica machine for each partition it hosts and a group coordinator.',
    ],
    machines: ['broker'],
    clauses: ['REPL-LIVE-1'],
    scenarios: ['scenarios/replication/leader-failover.txt'],
  },
  {
    id: 'topics-partitions',
    term: 'Topics and partitions',
    explanation: [
      'A topic is a named stream of records, split into partitions. Each partition is an ordered, append-only log: every record gets the next offset. Order is kept within a partition, not across a topic; a producer picks the partition from the record key (murmur2 of the key modulo the partition count) so that records with one key stay in order.',
      'CreateTopics goes to the controller, which validates the request and places the replicas across brokers (StripedReplicaPlacer) before committing the topic to the metadata log.',
    ],
    machines: ['controller', 'replica'],
    clauses: ['REPL-ORDER-1', 'REPL-ISR-2'],
    scenarios: ['scenarios/replication/leader-failover.txt'],
  },
  {
    id: 'replication',
    term: 'Replication',
    explanation: [
      'Each partition has a replication factor: that many brokers hold a copy (a replica). Followers copy the leader by sending it Fetch requests; the leader learns from each fetch offset how far each follower has come. Fetch also carries the follower\'s last fetched epoch, so the leader can report a divergence and the follower truncates what the leader never had (KIP-101, KIP-279, KIP-320).',
    ],
    machines: ['replica'],
    clauses: ['REPL-LOG-1', 'REPL-HW-1', 'REPL-READ-1'],
    scenarios: ['scenarios/replication/truncate-to-high-watermark-fixed.txt'],
  },
  {
    id: 'isr',
    term: 'The in-sync replicas (ISR)',
    explanation: [
      'The ISR is the set of replicas that are caught up with the leader. The leader removes a follower that has not caught up within replica.lag.time.max.ms and adds it back once it has, each time through an AlterPartition request to the controller, which commits the new ISR. Only ISR members may be elected leader unless the topic allows unclean leader election.',
    ],
    machines: ['replica', 'controller'],
    clauses: ['REPL-ISR-1', 'REPL-ISR-2', 'REPL-UNCLEAN-1'],
    scenarios: ['scenarios/replication/no-unclean-election.txt'],
  },
  {
    id: 'leader-follower',
    term: 'Leader and followers',
    explanation: [
      'One replica of each partition is the leader: it takes every write and serves reads; the others follow. The controller elects the leader and bumps the partition\'s leader epoch with each change, so that a deposed leader\'s requests are fenced. The high watermark is the offset below which every ISR member has the record: consumers read only below it.',
    ],
    machines: ['replica', 'controller'],
    clauses: ['REPL-LEADER-1', 'REPL-HW-1', 'REPL-HW-2'],
    scenarios: ['scenarios/replication/leader-failover.txt'],
  },
  {
    id: 'producers-acks',
    term: 'Producers and acks',
    explanation: [
      'A producer batches records per partition and sends them to the leader in Produce requests. acks=0 expects no answer, acks=1 an answer once the leader has appended, acks=all an answer once every ISR member has the batch; with acks=all the leader refuses a write when the ISR is smaller than min.insync.replicas. Retries, max.in.flight.requests.per.connection and delivery.timeout.ms decide what happens when answers do not come.',
    ],
    machines: ['producer', 'replica'],
    clauses: ['REPL-ACK-1', 'PROD-IDEM-2'],
    scenarios: ['scenarios/producer/acks-errors.txt'],
  },
  {
    id: 'idempotence',
    term: 'Idempotence',
    explanation: [
      'An idempotent producer (enable.idempotence=true) gets a producer id and epoch (InitProducerId) and numbers its batches per partition. The leader keeps the last five batches of each producer and answers a retry of one of them with its original offset instead of appending it twice; a gap in the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER. The producer state is rebuilt from the log on every replica, so it survives a leader change.',
    ],
    machines: ['producer', 'broker', 'replica'],
    clauses: ['PROD-IDEM-1', 'PROD-SEQ-1', 'PROD-DEDUP-1'],
    scenarios: ['scenarios/producer/idempotent-dedupe.txt'],
  },
  {
    id: 'consumer-groups',
    term: 'Consumer groups',
    explanation: [
      'Consumers that share a group.id divide a topic\'s partitions among themselves. A group coordinator (the broker leading the group\'s __consumer_offsets partition) keeps the membership. The classic protocol rebalances with JoinGroup and SyncGroup, a leader member computing the assignment, eager or cooperative; KIP-848\'s protocol (ConsumerGroupHeartbeat) assigns on the server and reconciles member by member, revoking before assigning.',
    ],
    machines: ['groupCoordinator', 'consumer'],
    clauses: ['CG-STATE-1', 'CG-GEN-1', 'CG-ASSIGN-1', 'CGH-OWN-1'],
    scenarios: ['scenarios/groups/cooperative-rebalance.txt'],
  },
  {
    id: 'offsets',
    term: 'Offsets and commits',
    explanation: [
      'A consumer\'s position is the offset of the next record it will read in a partition. It commits positions to the group coordinator (OffsetCommit), which writes them to __consumer_offsets; after a rebalance or a coordinator failover the new owner resumes from the last commit (OffsetFetch), or from auto.offset.reset when there is none. A commit from a member of an old generation is refused.',
    ],
    machines: ['groupCoordinator', 'consumer'],
    clauses: ['CG-COMMIT-2', 'CG-COMMIT-3', 'CG-RESUME-1', 'CONS-1'],
    scenarios: ['scenarios/groups/coordinator-failover.txt'],
  },
  {
    id: 'retention',
    term: 'Retention',
    explanation: [
      'A partition\'s log is kept in segments; retention deletes whole old segments by age (retention.ms) or size (retention.bytes), moving the log start offset forward. Retention never deletes past the high watermark: a record not yet replicated to the ISR is never removed.',
    ],
    machines: ['replica'],
    clauses: ['REPL-RET-1', 'REPL-RET-2'],
    scenarios: ['scenarios/replication/leader-failover.txt'],
  },
  {
    id: 'kraft',
    term: 'The KRaft controller',
    explanation: [
      'The cluster\'s metadata (brokers, topics, partitions, leaders, ISRs) is a log replicated by a quorum of controllers running KRaft, Kafka\'s pull-based Raft (KIP-595): a candidate asks for votes (Vote), the winner announces itself (BeginQuorumEpoch), followers fetch the log from it, and a record is committed once a majority has it. The leader of the quorum is the active controller; it decides every change and brokers learn them by replaying the committed log.',
    ],
    machines: ['quorum', 'controller'],
    clauses: ['QUORUM-ELECTION-1', 'QUORUM-VOTE-1', 'QUORUM-COMMIT-1', 'QUORUM-LIVE-1'],
    scenarios: ['scenarios/quorum/election.txt'],
  },
];

/**
 * `npm run docs`: regenerate the machine pages under docs/machines/ and the spec index.
 * A test fails when the committed files differ from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createQuorumMachine } from '../src/machines/quorum/index.js';
import { machineDoc } from '../src/docs/machine-doc.js';
import { quorumClauses } from '../spec/quorum/clauses.js';
import { createReplicaMachine } from '../src/machines/replica/machine.js';
import { createBrokerMachine } from '../src/machines/broker/machine.js';
import { createControllerMachine } from '../src/machines/controller/machine.js';
import { replicationClauses } from '../spec/replication/clauses.js';
import { createProducerMachine } from '../src/machines/producer/machine.js';
import { producerClauses } from '../spec/producer/clauses.js';
import { createCoordinatorMachine } from '../src/machines/coordinator/machine.js';
import { createConsumerMachine } from '../src/machines/consumer/kafka-consumer.js';
import { groupClauses } from '../spec/groups/clauses.js';
import { groupMachineDocs } from './docs-groups.js';
import { renderSpecIndex } from './spec-index.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

export function generatedDocs(): Record<string, string> {
  return {
    'docs/machines/quorum.md': machineDoc(createQuorumMachine(), {
      title: 'The KRaft controller quorum machine',
      summary:
        'One machine per controller (src/machines/quorum). KRaft as Apache Kafka implements it (KIP-595; KafkaRaftClient and QuorumState). What is modelled and what is simplified: [../quorum.md](../quorum.md).',
      clauses: quorumClauses,
    }),
    'docs/machines/replica.md': machineDoc(createReplicaMachine(), {
      title: 'The partition replica machine',
      summary:
        'One machine per partition per broker (src/machines/replica): kafka.cluster.Partition with its follower fetcher. Leader epochs, fetch with divergence, the high watermark, the ISR, acks. What is modelled and what is simplified: [../replication.md](../replication.md).',
      clauses: replicationClauses,
    }),
    'docs/machines/broker.md': machineDoc(createBrokerMachine(), {
      title: 'The broker lifecycle machine',
      summary:
        'One machine per broker (src/machines/broker): registration and heartbeats with the active controller (BrokerLifecycleManager), publishing committed metadata to the replica machines (ReplicaManager.applyDelta), and InitProducerId for idempotent producers with ids from blocks leased from the controller (RPCProducerIdManager, in producer-ids.ts). See [../replication.md](../replication.md).',
      clauses: [],
    }),
    'docs/machines/controller.md': machineDoc(createControllerMachine(), {
      title: 'The controller machine',
      summary:
        'One machine per KRaft voter (src/machines/controller/machine.ts): the active controller (QuorumController) decides with its uncommitted image and answers once its records commit. The rules it sequences live in partition-change.ts, topics.ts, placement.ts and producer-ids.ts. See [../replication.md](../replication.md).',
      clauses: [],
    }),
    'docs/machines/producer.md': machineDoc(createProducerMachine(), {
      title: 'The producer machine',
      summary:
        'One machine per producer client (src/machines/producer): KafkaProducer with its RecordAccumulator, Sender and, for the idempotent producer, TransactionManager. The rules are plain functions in sender.ts, sequences.ts and partitioning.ts; every event runs one pass of the sender loop. What is modelled and what is simplified: [../producer.md](../producer.md).',
      clauses: producerClauses,
    }),
    'docs/machines/coordinator.md': machineDoc(createCoordinatorMachine(), {
      title: 'The group coordinator machine',
      summary:
        'One machine per broker (src/machines/coordinator): GroupCoordinatorService over CoordinatorRuntime, with one shard per __consumer_offsets partition the broker leads. Answers are held until the high watermark passes every write so far. It is a host that only dispatches: each group is its own machine, stepped with transition() — [classic-group.md](classic-group.md), [consumer-group.md](consumer-group.md) and its members [consumer-group-member.md](consumer-group-member.md); offsets are kept by coordinator-shard.ts. What is modelled and what is simplified: [../groups.md](../groups.md).',
      clauses: groupClauses,
    }),
    'docs/machines/consumer.md': machineDoc(createConsumerMachine(), {
      title: 'The consumer machine',
      summary:
        'One machine per consumer client (src/machines/consumer/kafka-consumer.ts): KafkaConsumer with ConsumerCoordinator (classic, eager and cooperative) or the KIP-848 membership manager (membership-consumer-protocol.ts), SubscriptionState positions, fetching and commits. Every event runs one pass of the client loop. See [../groups.md](../groups.md).',
      clauses: groupClauses,
    }),
    ...groupMachineDocs(),
    'spec/INDEX.md': renderSpecIndex(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, text] of Object.entries(generatedDocs())) {
    writeFileSync(join(ROOT, path), text);
    console.log(`wrote ${path}`);
  }
}

/**
 * The group machines' pages (issue 13): the classic group, the KIP-848 group and its member's
 * reconciliation, each hosted per group by the coordinator (docs/machines/coordinator.md).
 */
import { machineDoc } from '../src/docs/machine-doc.js';
import { createClassicGroupMachine } from '../src/machines/group/classic-group-machine.js';
import { createConsumerGroupMachine } from '../src/machines/group/consumer-group-machine.js';
import { createMemberMachine } from '../src/machines/group/consumer-group-member-machine.js';
import { groupClauses } from '../spec/groups/clauses.js';

const classicIds = new Set(['CG-STATE-1', 'CG-GEN-1', 'CG-LEADER-1', 'CG-ASSIGN-1', 'CG-ASSIGN-2', 'CG-STATIC-1', 'CG-COMMIT-3']);
const consumerIds = new Set(['CGH-OWN-1', 'CGH-EPOCH-1', 'CGH-REC-1', 'CGH-TGT-1', 'CG-ASSIGN-2', 'CG-COMMIT-3']);

export function groupMachineDocs(): Record<string, string> {
  return {
    'docs/machines/classic-group.md': machineDoc(createClassicGroupMachine(), {
      title: 'The classic group machine',
      summary:
        'One machine per classic group (src/machines/group/classic-group-machine.ts), hosted by the coordinator shard that owns the group: ClassicGroup with Kafka\'s ClassicGroupState. Each request or deadline runs GroupMetadataManager\'s rule for it (classic-join.ts, classic-sync.ts, classic-heartbeat.ts, classic-leave.ts, classic-timers.ts); the (always) rows are the moves those rules make, one per legal edge of ClassicGroupState. Timers (group.initial.rebalance.delay.ms, the rebalance timeout, the pending-sync deadline, each member\'s session.timeout.ms) are delayed raises keyed per group. See [../groups.md](../groups.md).',
      clauses: groupClauses.filter((c) => classicIds.has(c.id)),
    }),
    'docs/machines/consumer-group.md': machineDoc(createConsumerGroupMachine(), {
      title: 'The KIP-848 consumer group machine',
      summary:
        'One machine per KIP-848 consumer group (src/machines/group/consumer-group-machine.ts), hosted by the coordinator shard that owns the group: ConsumerGroup with its ConsumerGroupState. A heartbeat or deadline runs consumerGroupHeartbeat or a timeout (consumer-group.ts); the state is then derived from the epochs (maybeUpdateGroupState), and the (always) rows take the machine there. Each member\'s reconciliation is the member machine: [consumer-group-member.md](consumer-group-member.md). See [../groups.md](../groups.md).',
      clauses: groupClauses.filter((c) => consumerIds.has(c.id)),
    }),
    'docs/machines/consumer-group-member.md': machineDoc(createMemberMachine(), {
      title: 'The KIP-848 member reconciliation machine',
      summary:
        'One machine per member of a KIP-848 group (src/machines/group/consumer-group-member-machine.ts), stepped by the group\'s maybeReconcile on each heartbeat: the member states of CurrentAssignmentBuilder (org.apache.kafka.coordinator.group.modern.MemberState). A member revokes before anyone else gets its partitions, and takes a partition only once its previous owner released it.',
      clauses: groupClauses.filter((c) => c.id === 'CGH-OWN-1' || c.id === 'CGH-REC-1'),
    }),
  };
}

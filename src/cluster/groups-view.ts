/**
 * The group clauses' view of one broker's group coordinator: its loaded shards and their groups,
 * with KIP-848 partitions named by topic (the coordinator keeps topic ids).
 */
import type { CoordinatorContext } from '../machines/coordinator/machine.js';
import { classicGroupView } from '../machines/group/classic.js';
import { consumerGroupState, type ConsumerGroup } from '../machines/group/consumer-group.js';
import type { TopicIdAssignment } from '../common/assignors/types.js';
import type { ConsumerGroupView, ShardView } from '../../spec/groups/view.js';

function names(assignment: TopicIdAssignment | undefined, topicNames: ReadonlyMap<string, string>): string[] {
  return Object.entries(assignment ?? {}).flatMap(([topicId, partitions]) => partitions.map((p) => `${topicNames.get(topicId) ?? topicId}-${p}`)).sort();
}

function consumerGroupView(group: ConsumerGroup, topicNames: ReadonlyMap<string, string>, partitionCounts: ReadonlyMap<string, number>): ConsumerGroupView {
  const subscribed = new Set(Object.values(group.members).flatMap((m) => m.subscribedTopicNames));
  return {
    groupId: group.groupId,
    state: consumerGroupState(group),
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    members: Object.values(group.members).map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      subscribedTopics: m.subscribedTopicNames,
      assigned: names(m.assignedPartitions, topicNames),
      pendingRevocation: names(m.partitionsPendingRevocation, topicNames),
      target: names(group.targetAssignment[m.memberId], topicNames),
    })),
    partitionsPerTopic: Object.fromEntries([...subscribed].map((t) => [t, partitionCounts.get(t) ?? 0])),
  };
}

export function shardViews(broker: number, coordinator: CoordinatorContext): ShardView[] {
  const topicNames = new Map(Object.values(coordinator.topics).map((t) => [t.topicId, t.name]));
  const partitionCounts = new Map(Object.values(coordinator.topics).map((t) => [t.name, t.numPartitions]));
  // A Loading shard serves nothing yet: its groups are not the coordinator's until the load completes.
  return Object.values(coordinator.shards).filter((shard) => shard.status === 'Active').map((shard) => ({
    broker,
    partition: shard.partition,
    leaderEpoch: shard.leaderEpoch,
    loadId: shard.loadId,
    classic: Object.values(shard.state.classic.groups).map((g) => ({ ...classicGroupView(g), protocolName: g.protocolName, previousState: g.previousState })),
    consumer: Object.values(shard.state.consumer.groups).map((g) => consumerGroupView(g, topicNames, partitionCounts)),
  }));
}

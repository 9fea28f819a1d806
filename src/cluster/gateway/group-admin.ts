/**
 * The group admin reads: ListGroups (api key 16) and DescribeGroups (api key 15). Both read the
 * group coordinator machine's loaded shards on this broker and change nothing, as Kafka's
 * GroupCoordinatorService.listGroups / describeGroups read the shards' committed state. A group
 * is described only by the broker that coordinates it (the leader of its __consumer_offsets
 * partition); ListGroups answers with this broker's groups only, and the admin client asks every
 * broker (KafkaAdminClient.listConsumerGroups).
 */
import type { DescribeGroupsRequestData, ListGroupsRequestData } from '../../protocol/wire/generated/index.js';
import { errorCode } from '../../protocol/errors.js';
import { partitionFor } from '../../common/partition-for.js';
import { consumerGroupState, type ConsumerGroup } from '../../machines/group/consumer-group.js';
import { metadata } from '../../machines/group/classic-member.js';
import type { ClassicGroup } from '../../machines/group/classic-group.js';
import type { ShardState } from '../../machines/group/coordinator-shard.js';
import type { Gateway, Handled, RequestContext } from './gateway.js';
import { encodeAssignment, encodeSubscription } from './embedded-protocol.js';

/** A group as the coordinator's shard holds it, with the type ListGroups v5 reports (KIP-848's GroupType). */
type HostedGroup = { readonly type: 'classic'; readonly group: ClassicGroup } | { readonly type: 'consumer'; readonly group: ConsumerGroup };

/** The shards this broker's coordinator hosts, by __consumer_offsets partition: null while one is still Loading. */
function hostedShards(gateway: Gateway): Map<number, ShardState | null> {
  const shards = new Map<number, ShardState | null>();
  for (const shard of Object.values(gateway.node.coordinator?.context.shards ?? {})) shards.set(shard.partition, shard.status === 'Active' ? shard.state : null);
  return shards;
}

function hostedGroups(state: ShardState): HostedGroup[] {
  return [
    ...Object.values(state.classic.groups).map((group): HostedGroup => ({ type: 'classic', group })),
    ...Object.values(state.consumer.groups).map((group): HostedGroup => ({ type: 'consumer', group })),
  ];
}

function stateOf(hosted: HostedGroup): string {
  return hosted.type === 'classic' ? hosted.group.state : consumerGroupState(hosted.group);
}

function protocolTypeOf(hosted: HostedGroup): string {
  return hosted.type === 'classic' ? (hosted.group.protocolType ?? '') : 'consumer';
}

/**
 * ListGroups: every group of every loaded shard, filtered by state (v4+, case-insensitive as
 * GroupMetadataManager.listGroups compares) and by type (v5+). A shard still Loading lists
 * nothing yet (its groups are listed once it serves them).
 */
export async function handleListGroups(request: RequestContext): Promise<Handled> {
  const body = request.body as ListGroupsRequestData;
  const states = new Set(body.statesFilter.map((s) => s.toLowerCase()));
  const types = new Set(body.typesFilter.map((s) => s.toLowerCase()));
  const groups = [...hostedShards(request.gateway).values()].flatMap((state) => (state === null ? [] : hostedGroups(state)))
    .filter((g) => states.size === 0 || states.has(stateOf(g).toLowerCase()))
    .filter((g) => types.size === 0 || types.has(g.type))
    .map((g) => ({ groupId: g.group.groupId, protocolType: protocolTypeOf(g), groupState: stateOf(g), groupType: g.type }))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  return { throttleTimeMs: 0, errorCode: 0, groups };
}

/**
 * DescribeGroups: a classic group's state, protocol and members with their subscription and
 * assignment bytes. Kafka's answers: NOT_COORDINATOR when this broker does not host the group's
 * shard, COORDINATOR_LOAD_IN_PROGRESS while the shard loads; an unknown group is Dead with no error (GroupMetadataManager.describeGroups); a KIP-848
 * group is GROUP_ID_NOT_FOUND ("not a classic group": ConsumerGroupDescribe describes it).
 */
export async function handleDescribeGroups(request: RequestContext): Promise<Handled> {
  const body = request.body as DescribeGroupsRequestData;
  const shards = hostedShards(request.gateway);
  const partitions = request.gateway.node.broker?.context.config.offsetsTopicNumPartitions ?? 0;
  const groups = body.groups.map((groupId) => {
    const shard = partitions > 0 ? shards.get(partitionFor(groupId, partitions)) : undefined;
    if (shard === undefined) return described(groupId, errorCode('NOT_COORDINATOR'), '', '', '', []);
    if (shard === null) return described(groupId, errorCode('COORDINATOR_LOAD_IN_PROGRESS'), '', '', '', []);
    const consumer = shard.consumer.groups[groupId];
    if (consumer !== undefined) return described(groupId, errorCode('GROUP_ID_NOT_FOUND'), '', '', '', []);
    const group = shard.classic.groups[groupId];
    if (group === undefined) return described(groupId, 0, 'Dead', '', '', []);
    // Kafka fills members' metadata only in Stable (the protocol is chosen); the assignment too.
    const stable = group.state === 'Stable';
    const members = group.members.map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: '',
      memberMetadata: stable ? encodeSubscription(metadata(m, group.protocolName)) : new Uint8Array(0),
      memberAssignment: stable ? encodeAssignment(m.assignment) : new Uint8Array(0),
    }));
    return described(groupId, 0, group.state, group.protocolType ?? '', stable ? (group.protocolName ?? '') : '', members);
  });
  return { throttleTimeMs: 0, groups };
}

function described(groupId: string, code: number, groupState: string, protocolType: string, protocolData: string, members: unknown[]): Record<string, unknown> {
  return { errorCode: code, groupId, groupState, protocolType, protocolData, members, authorizedOperations: -2147483648 };
}


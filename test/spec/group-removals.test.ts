/**
 * MemberRemovals: a member id gone from its group between two views of the same shard load is a
 * removal; a shard that is unloaded, or loaded anew after failover, removes nobody.
 */
import { describe, expect, it } from 'vitest';
import { MemberRemovals } from '../../spec/groups/removals.js';
import type { ClassicGroupView, GroupsView, ShardView } from '../../spec/groups/view.js';

const group = (...memberIds: string[]): ClassicGroupView => ({
  groupId: 'g', state: 'Stable', previousState: null, protocolType: 'consumer', protocolName: 'range', generationId: 1, leaderId: memberIds[0] ?? null,
  members: memberIds.map((memberId) => ({ memberId, instanceId: null, subscribedTopics: ['t'], assignment: [] })), staticMembers: {},
});
const shard = (loadId: number, ...groups: ClassicGroupView[]): ShardView => ({ broker: 1, partition: 0, leaderEpoch: 3, loadId, classic: groups, consumer: [] });
const view = (...shards: ShardView[]): GroupsView => ({ shards, topicPartitions: {} });

describe('MemberRemovals', () => {
  it('reports a member that left its group within one load, once', () => {
    const removals = new MemberRemovals();
    expect(removals.observe(view(shard(0, group('a', 'b'))))).toEqual([]);
    expect(removals.observe(view(shard(0, group('a'))))).toEqual(['b']);
    expect(removals.observe(view(shard(0, group('a'))))).toEqual([]);
  });

  it('reports nothing when the shard is unloaded or loaded again (another load is another life)', () => {
    const removals = new MemberRemovals();
    removals.observe(view(shard(0, group('a', 'b'))));
    expect(removals.observe(view())).toEqual([]);
    expect(removals.observe(view(shard(1, group('a'))))).toEqual([]);
  });
});

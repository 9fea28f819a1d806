/**
 * Members that a coordinator stopped counting: a member id that was in a group of one shard load
 * (one coordinator's load of one __consumer_offsets partition) and is gone from the same group in
 * a later view of that load. Kafka's coordinator removes a member when its session or rebalance
 * timeout expires (GroupMetadataManager: the classic group's heartbeat expiration, the consumer
 * group's session timer), when it is fenced, or when it leaves. What the consumer learns of it
 * comes later, if at all; the ownership clause (CG-COOP-1) uses these removals to tell the zombie
 * window from a real double owner. Computed over the view, so it is the judge's knowledge.
 */
import type { GroupsView } from './view.js';

export class MemberRemovals {
  /** shard load → group id → the member ids the last view showed. */
  private last = new Map<string, Map<string, ReadonlySet<string>>>();

  /** The member ids gone from their group since the last view (in the same shard load). */
  observe(view: GroupsView): string[] {
    const removed: string[] = [];
    const next = new Map<string, Map<string, ReadonlySet<string>>>();
    for (const shard of view.shards) {
      const key = `${shard.broker}/${shard.partition}@${shard.leaderEpoch}/${shard.loadId}`;
      const before = this.last.get(key);
      const groups = new Map<string, ReadonlySet<string>>();
      for (const group of [...shard.classic, ...shard.consumer]) {
        const members = new Set(group.members.map((m) => m.memberId));
        groups.set(group.groupId, members);
        for (const id of before?.get(group.groupId) ?? []) if (!members.has(id)) removed.push(id);
      }
      next.set(key, groups);
    }
    this.last = next;
    return removed;
  }
}

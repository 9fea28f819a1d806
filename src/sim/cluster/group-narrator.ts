/**
 * Plain-language lines for a consumer group: what the coordinator's groups did (state changes,
 * generations and epochs, assignments, members joining and leaving, loads after failover) and what
 * the consumers were told (assigned, revoked, lost, commits). Diffs the machine-independent group
 * view step by step; shared by `npm start` and the group scenario scripts.
 */
import type { ClassicGroupView, ConsumerEvent, ConsumerGroupView, GroupsView } from '../../../spec/groups/view.js';

const list = (items: readonly string[]): string => `[${items.join(',')}]`;

function classicLine(before: ClassicGroupView | undefined, g: ClassicGroupView, where: string): string[] {
  const out: string[] = [];
  const members = g.members.map((m) => `${m.memberId}${m.instanceId === null ? '' : `(${m.instanceId})`}`);
  if (before === undefined) {
    out.push(`group ${g.groupId} ${where}: ${g.state}, generation ${g.generationId}${g.members.length > 0 ? `, members ${list(members)}` : ''}`);
    return out;
  }
  const joined = g.members.filter((m) => !before.members.some((b) => b.memberId === m.memberId)).map((m) => m.memberId);
  const left = before.members.filter((b) => !g.members.some((m) => m.memberId === b.memberId)).map((b) => b.memberId);
  if (joined.length > 0) out.push(`group ${g.groupId}: member ${joined.join(', ')} joined`);
  if (left.length > 0) out.push(`group ${g.groupId}: member ${left.join(', ')} removed`);
  if (before.state !== g.state || before.generationId !== g.generationId) {
    let detail = '';
    if (g.state === 'CompletingRebalance') detail = `: generation ${g.generationId}, leader ${g.leaderId ?? 'none'}, members ${list(members)}`;
    if (g.state === 'Stable') detail = `: generation ${g.generationId}, ${g.members.map((m) => `${m.memberId} ${list(m.assignment)}`).join(', ')}`;
    if (g.state === 'Empty') detail = `: generation ${g.generationId}, no members`;
    out.push(`group ${g.groupId}: ${before.state} -> ${g.state}${detail}`);
  }
  return out;
}

function consumerLine(before: ConsumerGroupView | undefined, g: ConsumerGroupView, where: string): string[] {
  const out: string[] = [];
  if (before === undefined) {
    out.push(`group ${g.groupId} ${where}: ${g.state}, group epoch ${g.groupEpoch}, ${g.members.length} member(s)`);
    return out;
  }
  const joined = g.members.filter((m) => !before.members.some((b) => b.memberId === m.memberId)).map((m) => m.memberId);
  const left = before.members.filter((b) => !g.members.some((m) => m.memberId === b.memberId)).map((b) => b.memberId);
  if (joined.length > 0) out.push(`group ${g.groupId}: member ${joined.join(', ')} joined`);
  if (left.length > 0) out.push(`group ${g.groupId}: member ${left.join(', ')} left or was fenced`);
  if (before.groupEpoch !== g.groupEpoch || before.assignmentEpoch !== g.assignmentEpoch) {
    out.push(`group ${g.groupId}: group epoch ${g.groupEpoch}, target (epoch ${g.assignmentEpoch}) ${g.members.map((m) => `${m.memberId} ${list(m.target)}`).join(', ')}`);
  }
  for (const m of g.members) {
    const was = before.members.find((b) => b.memberId === m.memberId);
    if (was === undefined || (was.memberEpoch === m.memberEpoch && was.state === m.state && was.assigned.join() === m.assigned.join() && was.pendingRevocation.join() === m.pendingRevocation.join())) continue;
    const pending = m.pendingRevocation.length > 0 ? `, revoking ${list(m.pendingRevocation)}` : '';
    out.push(`group ${g.groupId}: member ${m.memberId} epoch ${m.memberEpoch} ${m.state} owns ${list(m.assigned)}${pending}`);
  }
  if (before.state !== g.state) out.push(`group ${g.groupId}: ${before.state} -> ${g.state}`);
  return out;
}

export class GroupNarrator {
  private shards = new Map<string, { classic: Map<string, ClassicGroupView>; consumer: Map<string, ConsumerGroupView> }>();
  private printedEvents = 0;
  /** The last commit narrated per partition: auto-commit repeats unchanged offsets, which are not news. */
  private readonly commits = new Map<string, number>();

  constructor(
    private readonly read: () => { view: GroupsView; history: readonly ConsumerEvent[]; now: number },
    /** Narrate commits and positions (scenarios); the demo leaves them out. */
    private readonly details = true,
  ) {}

  lines(): string[] {
    const { view, history, now } = this.read();
    const out: string[] = [];
    for (const e of history.slice(this.printedEvents)) {
      if (!this.details && (e.type === 'committed' || e.type === 'position')) continue;
      if (e.type === 'committed') {
        if (this.commits.get(e.partition) === e.offset) continue;
        this.commits.set(e.partition, e.offset);
      }
      const line = eventLine(e);
      if (line !== null) out.push(`t=${e.time} ${line}`);
    }
    this.printedEvents = history.length;
    const next = new Map<string, { classic: Map<string, ClassicGroupView>; consumer: Map<string, ConsumerGroupView> }>();
    for (const shard of view.shards) {
      const key = `${shard.broker}/${shard.partition}@${shard.leaderEpoch}/${shard.loadId}`;
      const before = this.shards.get(key);
      const where = `loaded by broker ${shard.broker}'s coordinator (__consumer_offsets-${shard.partition})`;
      const classic = new Map(shard.classic.map((g) => [g.groupId, g]));
      const consumer = new Map(shard.consumer.map((g) => [g.groupId, g]));
      for (const g of shard.classic) for (const line of classicLine(before?.classic.get(g.groupId), g, where)) out.push(`t=${now} ${line}`);
      for (const g of shard.consumer) for (const line of consumerLine(before?.consumer.get(g.groupId), g, where)) out.push(`t=${now} ${line}`);
      next.set(key, { classic, consumer });
    }
    this.shards = next;
    return out;
  }
}

function eventLine(e: ConsumerEvent): string | null {
  switch (e.type) {
    case 'assigned': return `consumer ${e.consumer}: onPartitionsAssigned ${list(e.partitions)}`;
    case 'revoked': return `consumer ${e.consumer}: onPartitionsRevoked ${list(e.partitions)}`;
    case 'lost': return `consumer ${e.consumer}: onPartitionsLost ${list(e.partitions)}`;
    case 'position': return `consumer ${e.consumer}: ${e.partition} position ${e.offset} (${e.reason === 'committed' ? 'the committed offset' : e.reason === 'reset' ? 'auto.offset.reset' : 'seek'})`;
    case 'committed': return `consumer ${e.consumer}: committed ${e.partition} offset ${e.offset}`;
    case 'crashed': return `consumer ${e.consumer} crashed`;
    default: return null;
  }
}

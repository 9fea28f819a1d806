/**
 * The consumer group clauses (protocol-rules E.2, E.3, E.4 CONS-1): invariants over every loaded
 * coordinator shard after every step, and history checks over what the consumers were told.
 *
 * A group's life is counted per coordinator load: after a failover the new coordinator rebuilds
 * the group from __consumer_offsets, so state the old one held only in memory (a join phase in
 * progress, a generation whose assignment was never written) is gone, and its counters restart
 * from what was committed. The histories check what that must never cost: nothing committed is
 * lost or skipped.
 */
import type { Clause, HistoryResult, InvariantCheck } from '../clause.js';
import type { ClassicGroupView, ConsumerEvent, ConsumerGroupView, GroupsView } from './view.js';
import { SingleOwnerAtOnce } from './ownership.js';

export const ClassicGroupStates: Clause = {
  id: 'CG-STATE-1',
  title: 'A classic group moves only along Kafka\'s transitions',
  statement: 'Within one coordinator load a classic group changes state only along Empty → PreparingRebalance → CompletingRebalance → Stable (PreparingRebalance from Stable or CompletingRebalance, Empty from PreparingRebalance, Dead from any, nothing from Dead); Empty and Dead groups have no members; CompletingRebalance and Stable groups have at least one.',
  source: 'protocol-rules B.3, E.2 CG-STATE-1; ClassicGroupState (valid previous states), ClassicGroup.transitionTo',
  kind: 'invariant',
};

export const GenerationPerJoinPhase: Clause = {
  id: 'CG-GEN-1',
  title: 'The generation grows by one per completed join phase',
  statement: 'Within one coordinator load a classic group\'s generation changes exactly when a join phase completes (entering CompletingRebalance, or Empty from PreparingRebalance), by exactly 1: never otherwise, and never a completed join phase without it.',
  source: 'protocol-rules B.4, E.2 CG-GEN-1; ClassicGroup.initNextGeneration',
  kind: 'invariant',
};

export const LeaderIsMember: Clause = {
  id: 'CG-LEADER-1',
  title: 'A rebalanced group\'s leader is one of its members',
  statement: 'In CompletingRebalance and Stable a classic group has a leader, and the leader is a member.',
  source: 'protocol-rules B.4, E.2 CG-LEADER-1',
  kind: 'invariant',
};

export const OneOwnerInStableGeneration: Clause = {
  id: 'CG-ASSIGN-1',
  title: 'In a stable generation each partition has one owner',
  statement: 'In a Stable consumer-protocol classic group the members\' assignments are pairwise disjoint and each assigned partition belongs to a topic the member subscribed to.',
  source: 'protocol-rules B.5, B.10, E.2 CG-ASSIGN-1',
  kind: 'invariant',
  anomaly: 'double-owner',
};

export const EveryPartitionOwned: Clause = {
  id: 'CG-ASSIGN-2',
  title: 'In a stable generation every subscribed partition has exactly one owner',
  statement: 'In a Stable classic consumer group with an eager assignor, every partition of every topic a member subscribes to is assigned to exactly one member; in a KIP-848 group, the target assignment of a settled epoch (assignment epoch = group epoch) gives every partition of the subscribed topics to exactly one member. Partition counts come from the committed metadata; a generation computed before the topic\'s metadata reached the assignor may leave unowned, for a bounded time (Kafka then starts a new generation), the partitions an older committed partition count did not have (all of a topic not yet created), so such a gap fails once the same generation keeps it for METADATA_CATCH_UP_MS, and any other gap fails at once. An assignor that leaves a partition unassigned fails. (A cooperative rebalance holds revoked partitions back for one generation by design, so its Stable generations are judged by CG-ASSIGN-1 only.)',
  source: 'ConsumerPartitionAssignor (every subscribed partition assigned); AbstractPartitionAssignor; RangeAssignor, RoundRobinAssignor, StickyAssignor; KIP-848 UniformAssignor, RangeAssignor (server side); KIP-429',
  kind: 'invariant',
  anomaly: 'unowned-partition',
};

export const StaticMembersMapped: Clause = {
  id: 'CG-STATIC-1',
  title: 'A group.instance.id names one member',
  statement: 'The static member map is a bijection between instance ids and the members that carry them.',
  source: 'protocol-rules B.7, E.2 CG-STATIC-1; KIP-345',
  kind: 'invariant',
};

export const OneOwnerAcrossReconciliation: Clause = {
  id: 'CGH-OWN-1',
  title: 'A partition is owned by at most one member, during reconciliation too',
  statement: 'In a KIP-848 group no partition is in two members\' assigned or pending-revocation partitions at once: a partition goes to its new owner only after the old owner released it.',
  source: 'protocol-rules C.3, E.3 CGH-OWN-1; ConsumerGroup.currentPartitionEpoch; CurrentAssignmentBuilder',
  kind: 'invariant',
  anomaly: 'double-owner',
};

export const EpochsOrdered: Clause = {
  id: 'CGH-EPOCH-1',
  title: 'Member epoch ≤ assignment epoch ≤ group epoch, none decreasing',
  statement: 'Within one coordinator load: every member\'s epoch is at most the target assignment epoch, which is at most the group epoch; the group and assignment epochs never decrease, and a member\'s epoch never decreases while it stays a member.',
  source: 'protocol-rules C.1, E.3 CGH-EPOCH-1; KIP-848',
  kind: 'invariant',
};

export const ReconciledMeansTarget: Clause = {
  id: 'CGH-REC-1',
  title: 'A reconciled member owns exactly its target',
  statement: 'A KIP-848 member in STABLE at the assignment epoch is assigned exactly its target partitions, with nothing pending revocation.',
  source: 'protocol-rules C.3, E.3 CGH-REC-1; CurrentAssignmentBuilder',
  kind: 'invariant',
};

export const TargetAssignsOnce: Clause = {
  id: 'CGH-TGT-1',
  title: 'The target assignment gives each partition to at most one subscriber',
  statement: 'The target assignment gives no partition to two members, and gives a member only partitions of topics it subscribes to.',
  source: 'protocol-rules C.5, E.3 CGH-TGT-1; TargetAssignmentBuilder',
  kind: 'invariant',
  anomaly: 'double-owner',
};

export const ConsumedInOrder: Clause = {
  id: 'CONS-1',
  title: 'A consumer reads a partition in offset order without gaps',
  statement: 'Between two moves of its position (a committed offset adopted, a reset, a seek) a consumer is handed a partition\'s records at consecutive increasing offsets.',
  source: 'protocol-rules D.4, E.4 CONS-1; SubscriptionState, FetchCollector',
  kind: 'history',
  anomaly: 'gap-or-reorder',
};

export const CommittedBelowHighWatermark: Clause = {
  id: 'CG-COMMIT-2',
  title: 'A committed offset is never above the high watermark',
  statement: 'Every acknowledged commit is at most the partition\'s high watermark: a consumer commits the next offset after records it was given, and it is given only records below the high watermark.',
  source: 'protocol-rules B.8, D.1; OffsetCommit semantics (the committed offset is the next to consume)',
  kind: 'history',
};

export const ResumeFromCommitted: Clause = {
  id: 'CG-RESUME-1',
  title: 'After a rebalance or failover, consumption resumes from the last commit',
  statement: 'A consumer that adopts a committed offset for a newly assigned partition adopts one at least as high as every commit of that partition acknowledged before it asked (OffsetFetch), across rebalances and coordinator failover: nothing committed is lost or skipped back over. Except commits acknowledged before every ISR member of the group\'s __consumer_offsets partition lost power at one moment: offsets are records of that partition, and with Kafka\'s default flush policy what none of its replicas flushed is gone (the window REPL-LOG-1 allows).',
  source: 'protocol-rules B.1 (offsets are records in __consumer_offsets, reloaded on failover), B.8; CoordinatorRuntime (answers after the high watermark)',
  kind: 'history',
  anomaly: 'lost-commit',
};

export const CommitFencedByGeneration: Clause = {
  id: 'CG-COMMIT-3',
  title: 'An offset commit is accepted only from a member of the current generation',
  statement: 'A coordinator answers an OffsetCommit carrying a generation (or KIP-848 member epoch) with success only if, when the request arrived, the sender was a member of the group and the generation was the group\'s current one (for KIP-848, the member\'s current epoch). A zombie consumer that slept past its session timeout and wakes to commit is fenced (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH), so it cannot overwrite the new owner\'s progress.',
  source: 'protocol-rules B.8; ClassicGroup.validateOffsetCommit (ILLEGAL_GENERATION), ConsumerGroup.validateOffsetCommit (STALE_MEMBER_EPOCH); KIP-848',
  kind: 'invariant',
  anomaly: 'zombie-commit',
};

/** What the group looked like to the coordinator when an OffsetCommit arrived: the sender's current generation or member epoch, or null when it was no member. */
export function currentGenerationOf(view: GroupsView, broker: number, groupId: string, memberId: string): { protocol: 'classic' | 'consumer'; generation: number } | null {
  for (const shard of view.shards) {
    if (shard.broker !== broker) continue;
    const classic = shard.classic.find((g) => g.groupId === groupId);
    if (classic !== undefined) return classic.members.some((m) => m.memberId === memberId) ? { protocol: 'classic', generation: classic.generationId } : null;
    const consumer = shard.consumer.find((g) => g.groupId === groupId);
    const member = consumer?.members.find((m) => m.memberId === memberId);
    if (member !== undefined) return { protocol: 'consumer', generation: member.memberEpoch };
  }
  return null;
}

/** CG-COMMIT-3's verdict on one answered commit: null when it holds. */
export function judgeCommitAnswer(request: { groupId: string; memberId: string; generation: number }, atArrival: { generation: number } | null, answerErrorCodes: readonly number[]): string | null {
  if (request.generation < 0 || answerErrorCodes.length === 0 || answerErrorCodes.some((e) => e !== 0)) return null;
  if (atArrival === null) return `group ${request.groupId}: commit from ${request.memberId} (generation ${request.generation}) accepted, but it was no member of the group when the commit arrived`;
  if (atArrival.generation !== request.generation) return `group ${request.groupId}: commit from ${request.memberId} at generation ${request.generation} accepted while the group was at generation ${atArrival.generation}`;
  return null;
}

export const groupClauses: readonly Clause[] = [
  ClassicGroupStates, GenerationPerJoinPhase, LeaderIsMember, OneOwnerInStableGeneration, EveryPartitionOwned, StaticMembersMapped,
  OneOwnerAcrossReconciliation, EpochsOrdered, ReconciledMeansTarget, TargetAssignsOnce,
  ConsumedInOrder, CommittedBelowHighWatermark, ResumeFromCommitted, CommitFencedByGeneration, SingleOwnerAtOnce,
];

const legalPredecessors: Record<ClassicGroupView['state'], readonly ClassicGroupView['state'][]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
};

/** One step may hold two transitions (the group's previous state is the one in between). */
function legalPath(from: ClassicGroupView['state'], g: ClassicGroupView): boolean {
  if (legalPredecessors[g.state].includes(from)) return true;
  const via = g.previousState;
  return via !== null && via !== from && legalPredecessors[via].includes(from) && legalPredecessors[g.state].includes(via);
}

const lifeKey = (shard: { broker: number; partition: number; leaderEpoch: number; loadId: number }, groupId: string): string => `${shard.broker}/${shard.partition}@${shard.leaderEpoch}/${shard.loadId}/${groupId}`;

function eachClassic(view: GroupsView, visit: (group: ClassicGroupView, life: string) => void): void {
  for (const shard of view.shards) for (const group of shard.classic) visit(group, lifeKey(shard, group.groupId));
}

function eachConsumer(view: GroupsView, visit: (group: ConsumerGroupView, life: string) => void): void {
  for (const shard of view.shards) for (const group of shard.consumer) visit(group, lifeKey(shard, group.groupId));
}

function classicStateCheck(): InvariantCheck<GroupsView> {
  const last = new Map<string, { state: ClassicGroupView['state']; generationId: number }>();
  return {
    clause: ClassicGroupStates,
    observe(view) {
      const out: string[] = [];
      eachClassic(view, (g, life) => {
        const before = last.get(life);
        if (before !== undefined && before.state !== g.state && !legalPath(before.state, g)) out.push(`group ${g.groupId}: ${before.state} -> ${g.state}`);
        if ((g.state === 'Empty' || g.state === 'Dead') && g.members.length > 0) out.push(`group ${g.groupId}: ${g.state} with ${g.members.length} member(s)`);
        if ((g.state === 'CompletingRebalance' || g.state === 'Stable') && g.members.length === 0) out.push(`group ${g.groupId}: ${g.state} with no members`);
        last.set(life, { state: g.state, generationId: g.generationId });
      });
      return out;
    },
  };
}

function generationCheck(): InvariantCheck<GroupsView> {
  const last = new Map<string, { state: ClassicGroupView['state']; generationId: number }>();
  return {
    clause: GenerationPerJoinPhase,
    observe(view) {
      const out: string[] = [];
      eachClassic(view, (g, life) => {
        const before = last.get(life);
        last.set(life, { state: g.state, generationId: g.generationId });
        if (before === undefined) return;
        // A join phase completed in this step: the group left PreparingRebalance for CompletingRebalance or Empty (possibly on to Stable in the same step).
        // With a new generation, a pass through PreparingRebalance within the step (CompletingRebalance -> PreparingRebalance -> CompletingRebalance) shows only as previousState.
        const throughPreparing = before.state === 'PreparingRebalance' || g.previousState === 'PreparingRebalance';
        const completedJoin = throughPreparing && (g.state === 'CompletingRebalance' || g.state === 'Empty' || g.state === 'Stable');
        if (before.generationId === g.generationId) {
          // Without one, only a visible exit from PreparingRebalance counts (previousState outlives the step that set it).
          const leftPreparing = (before.state === 'PreparingRebalance' && g.state !== 'PreparingRebalance') || (before.state !== g.state && g.previousState === 'PreparingRebalance');
          if (leftPreparing && completedJoin) out.push(`group ${g.groupId}: a join phase completed (${before.state} -> ${g.state}) without a new generation (still ${g.generationId})`);
          return;
        }
        if (!completedJoin) out.push(`group ${g.groupId}: generation ${before.generationId} -> ${g.generationId} on ${before.state} -> ${g.state}, not a completed join phase`);
        else if (g.generationId !== before.generationId + 1) out.push(`group ${g.groupId}: generation ${before.generationId} -> ${g.generationId} in one join phase`);
      });
      return out;
    },
  };
}

function leaderCheck(): InvariantCheck<GroupsView> {
  return {
    clause: LeaderIsMember,
    observe(view) {
      const out: string[] = [];
      eachClassic(view, (g) => {
        if (g.state !== 'CompletingRebalance' && g.state !== 'Stable') return;
        if (g.leaderId === null || !g.members.some((m) => m.memberId === g.leaderId)) out.push(`group ${g.groupId} (${g.state}, generation ${g.generationId}): leader ${g.leaderId ?? 'none'} is not a member`);
      });
      return out;
    },
  };
}

function stableAssignmentCheck(): InvariantCheck<GroupsView> {
  return {
    clause: OneOwnerInStableGeneration,
    observe(view) {
      const out: string[] = [];
      eachClassic(view, (g) => {
        if (g.state !== 'Stable' || g.protocolType !== 'consumer') return;
        const owner = new Map<string, string>();
        for (const m of g.members) {
          for (const p of m.assignment) {
            const other = owner.get(p);
            if (other !== undefined) out.push(`group ${g.groupId} generation ${g.generationId}: ${p} assigned to ${other} and ${m.memberId}`);
            owner.set(p, m.memberId);
            const topic = p.slice(0, p.lastIndexOf('-'));
            if (!m.subscribedTopics.includes(topic)) out.push(`group ${g.groupId} generation ${g.generationId}: ${p} assigned to ${m.memberId}, which does not subscribe to ${topic}`);
          }
        }
      });
      return out;
    },
  };
}

/** Partitions of `topics` that `owners` leaves without an owner, by the committed partition counts. */
function unowned(topics: Iterable<string>, owners: ReadonlySet<string>, topicPartitions: Readonly<Record<string, number>>): string[] {
  const missing: string[] = [];
  for (const topic of topics) for (let p = 0; p < (topicPartitions[topic] ?? 0); p++) if (!owners.has(`${topic}-${p}`)) missing.push(`${topic}-${p}`);
  return missing;
}

/**
 * Whether an assignor that saw an older committed partition count of each topic would leave exactly
 * these partitions unowned: it assigns partitions 0..c-1 of a topic it knew with c partitions
 * (0 before the topic was created) and nothing above. Any other gap (a partition below a count the
 * assignor may have seen, or a hole in the middle) no metadata delay explains.
 */
function explainedByOlderMetadata(missing: readonly string[], topicPartitions: Readonly<Record<string, number>>, countsSeen: ReadonlyMap<string, ReadonlySet<number>>): boolean {
  const byTopic = new Map<string, number[]>();
  for (const p of missing) {
    const at = p.lastIndexOf('-');
    const topic = p.slice(0, at);
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(p.slice(at + 1))]);
  }
  for (const [topic, partitions] of byTopic) {
    const lowest = Math.min(...partitions);
    const current = topicPartitions[topic] ?? 0;
    // The older count c must be the lowest missing partition, and everything from c up to the current count must be missing.
    if (!(countsSeen.get(topic)?.has(lowest) ?? lowest === 0) || partitions.length !== current - lowest) return false;
  }
  return true;
}

/** Kafka's cooperative assignors: a Stable generation may hold revoked partitions back (KIP-429). */
const COOPERATIVE_PROTOCOLS = new Set(['cooperative-sticky']);

/**
 * How long a settled generation may leave a partition unowned because its assignment was computed
 * before the topic's metadata reached the assignor: Kafka then starts a new generation (the
 * classic leader rejoins when its metadata changes; KIP-848 bumps the group epoch on the next
 * heartbeat). The simulated metadata refresh is 1 s and the heartbeat 0.3 s.
 */
export const METADATA_CATCH_UP_MS = 5_000;

function completeAssignmentCheck(): InvariantCheck<GroupsView> {
  const since = new Map<string, number>();
  /** Every committed partition count each topic has had, 0 (before it was created) included. */
  const countsSeen = new Map<string, Set<number>>();
  return {
    clause: EveryPartitionOwned,
    observe(view, moment) {
      const out: string[] = [];
      const seen = new Set<string>();
      for (const [topic, count] of Object.entries(view.topicPartitions)) {
        const counts = countsSeen.get(topic) ?? new Set([0]);
        countsSeen.set(topic, counts.add(count));
      }
      /** Why a gap fails (at once unless older metadata explains it, else once the same generation has kept it past the catch-up bound), or null. */
      const failing = (id: string, missing: string[]): string | null => {
        if (missing.length === 0) return null;
        if (!explainedByOlderMetadata(missing, view.topicPartitions, countsSeen)) return 'with no older partition count that leaves exactly these out';
        const key = `${id}:${missing.join(',')}`;
        seen.add(key);
        const first = since.get(key) ?? moment.time;
        since.set(key, first);
        return moment.time - first >= METADATA_CATCH_UP_MS ? `for ${METADATA_CATCH_UP_MS}ms` : null;
      };
      eachClassic(view, (g, life) => {
        if (g.state !== 'Stable' || g.protocolType !== 'consumer' || COOPERATIVE_PROTOCOLS.has(g.protocolName ?? '')) return;
        const owners = new Set(g.members.flatMap((m) => m.assignment));
        const missing = unowned(new Set(g.members.flatMap((m) => m.subscribedTopics)), owners, view.topicPartitions);
        const why = failing(`${life}@${g.generationId}`, missing);
        if (why !== null) out.push(`group ${g.groupId} generation ${g.generationId} (${g.protocolName ?? '?'}): ${missing.join(', ')} assigned to no member ${why}`);
      });
      eachConsumer(view, (g, life) => {
        if (g.members.length === 0 || g.assignmentEpoch !== g.groupEpoch) return;
        const owners = new Set(g.members.flatMap((m) => m.target));
        const missing = unowned(new Set(g.members.flatMap((m) => m.subscribedTopics)), owners, view.topicPartitions);
        const why = failing(`${life}@${g.assignmentEpoch}`, missing);
        if (why !== null) out.push(`group ${g.groupId} assignment epoch ${g.assignmentEpoch}: the target assignment gives ${missing.join(', ')} to no member ${why}`);
      });
      for (const key of [...since.keys()]) if (!seen.has(key)) since.delete(key);
      return out;
    },
  };
}

function staticMembersCheck(): InvariantCheck<GroupsView> {
  return {
    clause: StaticMembersMapped,
    observe(view) {
      const out: string[] = [];
      eachClassic(view, (g) => {
        const staticMembers = g.members.filter((m) => m.instanceId !== null);
        for (const [instanceId, memberId] of Object.entries(g.staticMembers)) {
          if (!staticMembers.some((m) => m.memberId === memberId && m.instanceId === instanceId)) out.push(`group ${g.groupId}: instance ${instanceId} maps to ${memberId}, which is not a member with that instance id`);
        }
        for (const m of staticMembers) if (g.staticMembers[m.instanceId as string] !== m.memberId) out.push(`group ${g.groupId}: static member ${m.memberId} (${m.instanceId}) is not in the static member map`);
      });
      return out;
    },
  };
}

/**
 * CGH-OWN-1 in one state (no partition held twice) and across a step: a member is given a
 * partition only once its previous holder released it, never straight from another member's
 * assigned or pending-revocation partitions (a member that left or was fenced released all it
 * held; a static member taking over its departed instance's partitions is that instance).
 */
function consumerOwnershipCheck(): InvariantCheck<GroupsView> {
  const last = new Map<string, Map<string, { memberId: string; instanceId: string | null }>>();
  return {
    clause: OneOwnerAcrossReconciliation,
    observe(view) {
      const out: string[] = [];
      eachConsumer(view, (g, life) => {
        const owner = new Map<string, { memberId: string; instanceId: string | null }>();
        const before = last.get(life);
        for (const m of g.members) {
          for (const p of [...m.assigned, ...m.pendingRevocation]) {
            const other = owner.get(p);
            if (other !== undefined && other.memberId !== m.memberId) out.push(`group ${g.groupId} epoch ${g.groupEpoch}: ${p} owned by ${other.memberId} and ${m.memberId}`);
            owner.set(p, { memberId: m.memberId, instanceId: m.instanceId });
          }
          for (const p of m.assigned) {
            const was = before?.get(p);
            if (was === undefined || was.memberId === m.memberId || (was.instanceId !== null && was.instanceId === m.instanceId)) continue;
            // A holder that left the group (or was fenced) released everything it held.
            if (!g.members.some((other) => other.memberId === was.memberId)) continue;
            out.push(`group ${g.groupId}: ${p} went from ${was.memberId} to ${m.memberId} without being released`);
          }
        }
        last.set(life, owner);
      });
      return out;
    },
  };
}

function epochCheck(): InvariantCheck<GroupsView> {
  const last = new Map<string, { groupEpoch: number; assignmentEpoch: number; members: Map<string, number> }>();
  return {
    clause: EpochsOrdered,
    observe(view) {
      const out: string[] = [];
      eachConsumer(view, (g, life) => {
        if (g.assignmentEpoch > g.groupEpoch) out.push(`group ${g.groupId}: assignment epoch ${g.assignmentEpoch} above group epoch ${g.groupEpoch}`);
        const members = new Map<string, number>();
        for (const m of g.members) {
          if (m.memberEpoch > g.assignmentEpoch) out.push(`group ${g.groupId}: member ${m.memberId} at epoch ${m.memberEpoch} above the assignment epoch ${g.assignmentEpoch}`);
          members.set(m.memberId, m.memberEpoch);
        }
        const before = last.get(life);
        if (before !== undefined) {
          if (g.groupEpoch < before.groupEpoch) out.push(`group ${g.groupId}: group epoch ${before.groupEpoch} -> ${g.groupEpoch}`);
          if (g.assignmentEpoch < before.assignmentEpoch) out.push(`group ${g.groupId}: assignment epoch ${before.assignmentEpoch} -> ${g.assignmentEpoch}`);
          for (const [memberId, epoch] of members) {
            const was = before.members.get(memberId);
            // -2 marks a static member's temporary leave; it comes back through a new join.
            if (was !== undefined && epoch !== -2 && was !== -2 && epoch < was) out.push(`group ${g.groupId}: member ${memberId} epoch ${was} -> ${epoch}`);
          }
        }
        last.set(life, { groupEpoch: g.groupEpoch, assignmentEpoch: g.assignmentEpoch, members });
      });
      return out;
    },
  };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();

function reconciledCheck(): InvariantCheck<GroupsView> {
  return {
    clause: ReconciledMeansTarget,
    observe(view) {
      const out: string[] = [];
      eachConsumer(view, (g) => {
        for (const m of g.members) {
          if (m.state !== 'STABLE' || m.memberEpoch !== g.assignmentEpoch) continue;
          if (!sameSet(m.assigned, m.target) || m.pendingRevocation.length > 0) out.push(`group ${g.groupId}: member ${m.memberId} STABLE at epoch ${m.memberEpoch} owns [${m.assigned.join(',')}] (pending [${m.pendingRevocation.join(',')}]), target [${m.target.join(',')}]`);
        }
      });
      return out;
    },
  };
}

function targetCheck(): InvariantCheck<GroupsView> {
  return {
    clause: TargetAssignsOnce,
    observe(view) {
      const out: string[] = [];
      eachConsumer(view, (g) => {
        const owner = new Map<string, string>();
        for (const m of g.members) {
          for (const p of m.target) {
            const other = owner.get(p);
            if (other !== undefined) out.push(`group ${g.groupId} assignment epoch ${g.assignmentEpoch}: target gives ${p} to ${other} and ${m.memberId}`);
            owner.set(p, m.memberId);
            const topic = p.slice(0, p.lastIndexOf('-'));
            if (!m.subscribedTopics.includes(topic)) out.push(`group ${g.groupId}: target gives ${p} to ${m.memberId}, which does not subscribe to ${topic}`);
          }
        }
      });
      return out;
    },
  };
}

export function groupInvariantChecks(): InvariantCheck<GroupsView>[] {
  return [classicStateCheck(), generationCheck(), leaderCheck(), stableAssignmentCheck(), completeAssignmentCheck(), staticMembersCheck(), consumerOwnershipCheck(), epochCheck(), reconciledCheck(), targetCheck()];
}

const result = (clauseId: string, anomalies: string[]): HistoryResult => ({ clauseId, verdict: anomalies.length === 0 ? 'valid' : 'invalid', anomalies });

/** CONS-1: per consumer and partition, consecutive offsets between position moves. */
export function checkConsumedInOrder(history: readonly ConsumerEvent[]): HistoryResult {
  const next = new Map<string, number>();
  const anomalies: string[] = [];
  for (const e of history) {
    if (e.type === 'position') next.set(`${e.consumer}/${e.partition}`, e.offset);
    if (e.type === 'crashed') for (const key of [...next.keys()]) if (key.startsWith(`${e.consumer}/`)) next.delete(key);
    if (e.type !== 'records') continue;
    const key = `${e.consumer}/${e.partition}`;
    for (const offset of e.offsets) {
      const expected = next.get(key);
      if (expected !== undefined && offset !== expected) anomalies.push(`consumer ${e.consumer} ${e.partition} at t=${e.time}: offset ${offset} handed over where ${expected} was next`);
      next.set(key, offset + 1);
    }
  }
  return result(ConsumedInOrder.id, anomalies);
}

/** What a consumer read of one partition, with the records' values: what CONS-1 judges against the log. */
export type ConsumerRead =
  | { readonly type: 'records'; readonly consumer: number; readonly partition: string; readonly records: readonly { readonly offset: number; readonly value: string | null }[] }
  | { readonly type: 'position'; readonly consumer: number; readonly partition: string; readonly offset: number };

/**
 * CONS-1 against the log's content (KIP-320): from each position, up to the last record handed over
 * that the partition's final log holds, the consumer was handed every record that log holds there.
 * Offsets alone cannot see it: after an unclean election truncated the log under a consumer's
 * position, a consumer that fetches on from its old position gets consecutive offsets, but misses
 * the new leader's records between the truncation point and its position (a skipped offset). A
 * record the final log does not hold (written by the old leader, then truncated) may have been
 * handed over: that is the lost write the unclean election allows, not this clause's.
 */
export function checkConsumedTheLog(reads: readonly ConsumerRead[], finalLog: Readonly<Record<string, readonly (string | null)[]>>): HistoryResult {
  const anomalies: string[] = [];
  const segments = new Map<string, { from: number; lastKept: number }[]>();
  const handed = new Map<string, Set<number>>();
  for (const e of reads) {
    const key = `${e.consumer}/${e.partition}`;
    const log = finalLog[e.partition] ?? [];
    const list = segments.get(key) ?? [];
    segments.set(key, list);
    if (e.type === 'position') {
      list.push({ from: e.offset, lastKept: -1 });
      continue;
    }
    const seen = handed.get(key) ?? new Set<number>();
    handed.set(key, seen);
    for (const r of e.records) {
      if (list.length === 0) list.push({ from: r.offset, lastKept: -1 });
      const segment = list[list.length - 1] as { from: number; lastKept: number };
      if (r.offset < log.length && log[r.offset] === r.value) {
        seen.add(r.offset);
        segment.lastKept = Math.max(segment.lastKept, r.offset);
      }
    }
  }
  for (const [key, list] of segments) {
    const seen = handed.get(key) ?? new Set<number>();
    for (const { from, lastKept } of list) {
      const missed: number[] = [];
      for (let offset = from; offset < lastKept; offset++) if (!seen.has(offset)) missed.push(offset);
      if (missed.length > 0) anomalies.push(`consumer ${key.replace('/', ' ')}: read from ${from} up to ${lastKept} but was never handed the log's records at ${missed.join(',')} (skipped)`);
    }
  }
  return result(ConsumedInOrder.id, anomalies);
}

/** CG-COMMIT-2: no acknowledged commit above the high watermark. */
export function checkCommittedBelowHighWatermark(history: readonly ConsumerEvent[]): HistoryResult {
  const anomalies: string[] = [];
  for (const e of history) {
    if (e.type === 'committed' && e.offset > e.highWatermark) anomalies.push(`consumer ${e.consumer} ${e.partition} at t=${e.time}: committed ${e.offset} above the high watermark ${e.highWatermark}`);
  }
  return result(CommittedBelowHighWatermark.id, anomalies);
}

/**
 * CG-RESUME-1: the first position a consumer takes for a newly assigned partition is a committed
 * offset at least every commit of the partition acknowledged before the consumer's last
 * OffsetFetch; an auto.offset.reset there instead means those commits were not found. (One group
 * per run: the history is the group's.)
 */
/**
 * Where the fault history shows the group's __consumer_offsets partition losing what its whole ISR
 * had not flushed (every member lost power at one moment, Kafka's default flush policy): the
 * latest such moment at or before `atMs`, widened by how long an answer may be in flight (a commit
 * acknowledged that soon after may have been written before it), or null.
 */
export type OffsetsLostBefore = (atMs: number) => number | null;

export function checkResumeFromCommitted(history: readonly ConsumerEvent[], offsetsLostBefore: OffsetsLostBefore = () => null, allowed: string[] = []): HistoryResult {
  const anomalies: string[] = [];
  const acknowledged: { partition: string; offset: number; time: number }[] = [];
  const askedAt = new Map<number, number>();
  const fresh = new Set<string>();
  for (const e of history) {
    if (e.type === 'committed') acknowledged.push({ partition: e.partition, offset: e.offset, time: e.time });
    if (e.type === 'offset-fetch') askedAt.set(e.consumer, e.time);
    if (e.type === 'assigned') for (const p of e.partitions) fresh.add(`${e.consumer}/${p}`);
    if (e.type !== 'position' || !fresh.delete(`${e.consumer}/${e.partition}`) || e.reason === 'seek') continue;
    const asked = askedAt.get(e.consumer) ?? e.time;
    const all = acknowledged.filter((c) => c.partition === e.partition && c.time < asked);
    // Commits written before a power loss of the whole offsets ISR may be gone: only those after it are owed.
    const lostBefore = offsetsLostBefore(asked);
    const before = lostBefore === null ? all : all.filter((c) => c.time > lostBefore);
    if (before.length < all.length && (e.reason === 'reset' || e.offset < Math.max(...all.map((c) => c.offset)))) {
      allowed.push(`consumer ${e.consumer} ${e.partition} at t=${e.time}: ${e.reason === 'reset' ? `reset to ${e.offset}` : `resumed at ${e.offset}`} below commits acknowledged before t=${lostBefore}, when every ISR member of the group's __consumer_offsets partition lost power before flushing them`);
    }
    if (before.length === 0) continue;
    const highest = Math.max(...before.map((c) => c.offset));
    if (e.reason === 'reset') anomalies.push(`consumer ${e.consumer} ${e.partition} at t=${e.time}: reset to ${e.offset} (auto.offset.reset) although ${highest} had been committed and acknowledged before it asked (t=${asked})`);
    else if (e.offset < highest) anomalies.push(`consumer ${e.consumer} ${e.partition} at t=${e.time}: resumed at committed offset ${e.offset}, but ${highest} had been committed and acknowledged before it asked (t=${asked})`);
  }
  return result(ResumeFromCommitted.id, anomalies);
}

/** The consumer history clauses, in the order of groupClauses. */
export function checkConsumerHistory(history: readonly ConsumerEvent[], offsetsLostBefore: OffsetsLostBefore = () => null, allowed: string[] = []): HistoryResult[] {
  return [checkConsumedInOrder(history), checkCommittedBelowHighWatermark(history), checkResumeFromCommitted(history, offsetsLostBefore, allowed)];
}

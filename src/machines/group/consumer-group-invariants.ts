/**
 * The KIP-848 safety invariants (protocol-rules E.3) as checks over the coordinator's own state.
 * Each returns the violations it finds, in words; an empty list means the clause holds. The spec
 * clauses in spec/groups check the same properties over a machine-independent view.
 */
import { partitionsOf, sameAssignment } from './consumer-group-assignment.js';
import { consumerGroupState, type ConsumerGroup } from './consumer-group.js';
import { isReconciledTo, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './consumer-group-member.js';

const name = (topicId: string, partition: number): string => `${topicId}-${partition}`;

/**
 * CGH-OWN-1: no partition is in two members' assigned ∪ pending-revocation partitions, and
 * `currentPartitionEpoch` says exactly who holds what, at the holder's epoch.
 */
export function checkOneOwner(group: ConsumerGroup): string[] {
  const out: string[] = [];
  const owner = new Map<string, string>();
  for (const member of Object.values(group.members)) {
    for (const held of [member.assignedPartitions, member.partitionsPendingRevocation]) {
      for (const { topicId, partition } of partitionsOf(held)) {
        const key = name(topicId, partition);
        const other = owner.get(key);
        if (other !== undefined) out.push(`group ${group.groupId}: ${key} owned by ${other} and ${member.memberId}`);
        owner.set(key, member.memberId);
        const epoch = group.currentPartitionEpoch[topicId]?.[partition];
        if (epoch !== member.memberEpoch) out.push(`group ${group.groupId}: ${key} held by ${member.memberId} at epoch ${member.memberEpoch}, currentPartitionEpoch says ${epoch ?? 'none'}`);
      }
    }
  }
  for (const [topicId, partitions] of Object.entries(group.currentPartitionEpoch)) {
    for (const partition of Object.keys(partitions)) {
      if (!owner.has(name(topicId, Number(partition)))) out.push(`group ${group.groupId}: currentPartitionEpoch has ${name(topicId, Number(partition))}, which no member holds`);
    }
  }
  return out;
}

/**
 * CGH-EPOCH-1 within one state: every member's epoch ≤ the assignment epoch ≤ the group epoch.
 * With the state before, also: neither group epoch decreases, and no member's epoch does (-2, the
 * static leave marker, excepted).
 */
export function checkEpochs(group: ConsumerGroup, before?: ConsumerGroup): string[] {
  const out: string[] = [];
  if (group.assignmentEpoch > group.groupEpoch) out.push(`group ${group.groupId}: assignment epoch ${group.assignmentEpoch} above group epoch ${group.groupEpoch}`);
  for (const m of Object.values(group.members)) {
    if (m.memberEpoch > group.assignmentEpoch) out.push(`group ${group.groupId}: member ${m.memberId} at epoch ${m.memberEpoch} above the assignment epoch ${group.assignmentEpoch}`);
  }
  if (before === undefined) return out;
  if (group.groupEpoch < before.groupEpoch) out.push(`group ${group.groupId}: group epoch ${before.groupEpoch} -> ${group.groupEpoch}`);
  if (group.assignmentEpoch < before.assignmentEpoch) out.push(`group ${group.groupId}: assignment epoch ${before.assignmentEpoch} -> ${group.assignmentEpoch}`);
  for (const m of Object.values(group.members)) {
    const was = before.members[m.memberId];
    if (was === undefined || was.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH || m.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) continue;
    if (m.memberEpoch < was.memberEpoch) out.push(`group ${group.groupId}: member ${m.memberId} epoch ${was.memberEpoch} -> ${m.memberEpoch}`);
  }
  return out;
}

/** CGH-REC-1 within one state: a member reconciled to the assignment epoch holds exactly its target. */
export function checkReconciled(group: ConsumerGroup): string[] {
  const out: string[] = [];
  for (const m of Object.values(group.members)) {
    if (!isReconciledTo(m, group.assignmentEpoch)) continue;
    const target = group.targetAssignment[m.memberId] ?? {};
    if (!sameAssignment(m.assignedPartitions, target) || partitionsOf(m.partitionsPendingRevocation).length > 0) {
      out.push(`group ${group.groupId}: member ${m.memberId} STABLE at epoch ${m.memberEpoch} holds ${JSON.stringify(m.assignedPartitions)} (pending ${JSON.stringify(m.partitionsPendingRevocation)}), target ${JSON.stringify(target)}`);
    }
  }
  return out;
}

function holders(group: ConsumerGroup): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of Object.values(group.members)) {
    for (const held of [m.assignedPartitions, m.partitionsPendingRevocation]) for (const p of partitionsOf(held)) out.set(name(p.topicId, p.partition), m.memberId);
  }
  return out;
}

/**
 * CGH-REC-1 across a step: a member is given a partition only once its previous holder has
 * released it — never straight from another member's assigned or pending-revocation partitions.
 * (A static member taking over its departed instance's partitions is that instance, so it is
 * exempt.)
 */
export function checkReleasedBeforeAssigned(before: ConsumerGroup, after: ConsumerGroup): string[] {
  const out: string[] = [];
  const previous = holders(before);
  for (const m of Object.values(after.members)) {
    for (const p of partitionsOf(m.assignedPartitions)) {
      const key = name(p.topicId, p.partition);
      const was = previous.get(key);
      if (was === undefined || was === m.memberId) continue;
      const wasMember = before.members[was];
      const sameInstance = wasMember !== undefined && wasMember.instanceId !== null && wasMember.instanceId === m.instanceId;
      if (!sameInstance) out.push(`group ${after.groupId}: ${key} went from ${was} to ${m.memberId} without being released`);
    }
  }
  return out;
}

/** CGH-STATE-1: the group state is the C.1 function of members and epochs. */
export function checkGroupState(group: ConsumerGroup, reported: string): string[] {
  const members = Object.values(group.members);
  const expected = members.length === 0 ? 'Empty'
    : group.groupEpoch > group.assignmentEpoch ? 'Assigning'
      : members.some((m) => m.state !== 'STABLE' || m.memberEpoch !== group.assignmentEpoch) ? 'Reconciling' : 'Stable';
  return reported === expected ? [] : [`group ${group.groupId}: state ${reported}, but members and epochs make it ${expected}`];
}

/**
 * CGH-TGT-1: the target gives no partition twice and only to a subscriber, and only to members.
 * When the target is current (assignment epoch = group epoch), it also gives every partition of
 * every subscribed topic; with `uniform` and identical subscriptions, sizes differ by at most one.
 */
export function checkTargetAssignment(group: ConsumerGroup, options: { readonly uniform?: boolean } = {}): string[] {
  const out: string[] = [];
  const topicNames = new Map(Object.entries(group.subscriptionMetadata).map(([topicName, t]) => [t.topicId, topicName]));
  const given = new Map<string, string>();
  for (const [memberId, target] of Object.entries(group.targetAssignment)) {
    const member = group.members[memberId];
    if (member === undefined) {
      out.push(`group ${group.groupId}: target for ${memberId}, which is not a member`);
      continue;
    }
    for (const { topicId, partition } of partitionsOf(target)) {
      const key = name(topicId, partition);
      const other = given.get(key);
      if (other !== undefined) out.push(`group ${group.groupId}: target gives ${key} to ${other} and ${memberId}`);
      given.set(key, memberId);
      const topicName = topicNames.get(topicId);
      if (group.groupEpoch === group.assignmentEpoch && (topicName === undefined || !member.subscribedTopicNames.includes(topicName))) {
        out.push(`group ${group.groupId}: target gives ${key} to ${memberId}, which does not subscribe to ${topicName ?? topicId}`);
      }
    }
  }
  if (group.groupEpoch !== group.assignmentEpoch) return out;
  out.push(...checkTargetComplete(group, given));
  if (options.uniform === true) out.push(...checkUniformBalance(group));
  return out;
}

function checkTargetComplete(group: ConsumerGroup, given: Map<string, string>): string[] {
  const out: string[] = [];
  const subscribed = new Set(Object.values(group.members).flatMap((m) => m.subscribedTopicNames));
  for (const [topicName, topic] of Object.entries(group.subscriptionMetadata)) {
    if (!subscribed.has(topicName)) continue;
    for (let partition = 0; partition < topic.numPartitions; partition++) {
      if (!given.has(name(topic.topicId, partition))) out.push(`group ${group.groupId}: target leaves ${topicName}-${partition} unassigned`);
    }
  }
  return out;
}

function checkUniformBalance(group: ConsumerGroup): string[] {
  const members = Object.values(group.members);
  const subscriptions = new Set(members.map((m) => m.subscribedTopicNames.join(',')));
  if (subscriptions.size !== 1) return [];
  const sizes = members.map((m) => partitionsOf(group.targetAssignment[m.memberId] ?? {}).length);
  const spread = Math.max(...sizes) - Math.min(...sizes);
  return spread <= 1 ? [] : [`group ${group.groupId}: uniform target sizes ${sizes.join(',')} differ by ${spread}`];
}

/** Every single-state invariant of one group. */
export function consumerGroupInvariants(group: ConsumerGroup): string[] {
  return [...checkOneOwner(group), ...checkEpochs(group), ...checkReconciled(group), ...checkGroupState(group, consumerGroupState(group)), ...checkTargetAssignment(group)];
}


/** The group clauses judge views and histories built by hand: each fires on its anomaly and stays quiet otherwise. */
import { describe, expect, it } from 'vitest';
import { checkCommittedBelowHighWatermark, checkConsumedInOrder, checkResumeFromCommitted, currentGenerationOf, groupInvariantChecks, judgeCommitAnswer, METADATA_CATCH_UP_MS } from '../../spec/groups/clauses.js';
import type { ClassicGroupView, ConsumerGroupView, ConsumerEvent, GroupsView } from '../../spec/groups/view.js';

const classic = (over: Partial<ClassicGroupView>): ClassicGroupView => ({
  groupId: 'g', state: 'Stable', previousState: null, protocolType: 'consumer', protocolName: 'range', generationId: 1, leaderId: 'a', staticMembers: {},
  members: [{ memberId: 'a', instanceId: null, subscribedTopics: ['t'], assignment: ['t-0'] }, { memberId: 'b', instanceId: null, subscribedTopics: ['t'], assignment: ['t-1'] }],
  ...over,
});
const consumer = (over: Partial<ConsumerGroupView>): ConsumerGroupView => ({
  groupId: 'g', state: 'Stable', groupEpoch: 2, assignmentEpoch: 2, partitionsPerTopic: { t: 2 },
  members: [
    { memberId: 'a', instanceId: null, memberEpoch: 2, previousMemberEpoch: 1, state: 'STABLE', subscribedTopics: ['t'], assigned: ['t-0'], pendingRevocation: [], target: ['t-0'] },
    { memberId: 'b', instanceId: null, memberEpoch: 2, previousMemberEpoch: 1, state: 'STABLE', subscribedTopics: ['t'], assigned: ['t-1'], pendingRevocation: [], target: ['t-1'] },
  ],
  ...over,
});
const view = (c: ClassicGroupView[], k: ConsumerGroupView[] = [], loadId = 0, topicPartitions: Record<string, number> = { t: 2 }): GroupsView => ({ shards: [{ broker: 1, partition: 0, leaderEpoch: 0, loadId, classic: c, consumer: k }], topicPartitions });

function run(views: GroupsView[], stepMs = 1): Record<string, string[]> {
  const checks = groupInvariantChecks();
  const found: Record<string, string[]> = {};
  views.forEach((v, step) => {
    for (const check of checks) {
      const out = check.observe(v, { step, time: step * stepMs, changedNodes: [1] });
      if (out.length > 0) (found[check.clause.id] ??= []).push(...out);
    }
  });
  return found;
}

describe('group invariants', () => {
  it('are quiet on a legal rebalance', () => {
    expect(run([
      view([classic({ state: 'Empty', generationId: 0, members: [], leaderId: null })]),
      view([classic({ state: 'PreparingRebalance', generationId: 0 })]),
      view([classic({ state: 'CompletingRebalance', generationId: 1 })]),
      view([classic({ state: 'Stable', generationId: 1 })]),
    ])).toEqual({});
  });
  it('CG-STATE-1 and CG-GEN-1: Stable straight to CompletingRebalance, a generation jump', () => {
    const found = run([view([classic({ generationId: 1 })]), view([classic({ state: 'CompletingRebalance', generationId: 3 })])]);
    expect(found['CG-STATE-1']).toEqual(['group g: Stable -> CompletingRebalance']);
    expect(found['CG-GEN-1']?.[0]).toContain('not a completed join phase');
  });
  it('one step may pass through PreparingRebalance (a lone leader re-joins; the last member leaves)', () => {
    expect(run([view([classic({ generationId: 1 })]), view([classic({ state: 'CompletingRebalance', previousState: 'PreparingRebalance', generationId: 2 })])])).toEqual({});
    expect(run([view([classic({ generationId: 1 })]), view([classic({ state: 'Empty', previousState: 'PreparingRebalance', generationId: 2, members: [], leaderId: null })])])).toEqual({});
  });
  it('CG-GEN-1 is two-sided: a join phase that completes without a new generation fails', () => {
    const found = run([view([classic({ state: 'PreparingRebalance', generationId: 1 })]), view([classic({ state: 'CompletingRebalance', previousState: 'PreparingRebalance', generationId: 1 })])]);
    expect(found['CG-GEN-1']?.[0]).toContain('without a new generation');
    // Through PreparingRebalance within one step, no bump: caught too.
    expect(run([view([classic({ generationId: 1 })]), view([classic({ state: 'CompletingRebalance', previousState: 'PreparingRebalance', generationId: 1 })])])['CG-GEN-1']).toHaveLength(1);
    // Regression (reference seed 106): a member re-joins in CompletingRebalance and the join completes in the same step, with a new generation.
    expect(run([view([classic({ state: 'CompletingRebalance', previousState: 'PreparingRebalance', generationId: 2 })]), view([classic({ state: 'CompletingRebalance', previousState: 'PreparingRebalance', generationId: 3 })])])).toEqual({});
    // A group that stays in CompletingRebalance is not a second completion.
    expect(run([view([classic({ state: 'CompletingRebalance', previousState: 'PreparingRebalance', generationId: 2 })]), view([classic({ state: 'CompletingRebalance', previousState: 'PreparingRebalance', generationId: 2 })])])).toEqual({});
  });
  it('CG-ASSIGN-2: a Stable eager generation leaving a subscribed partition unowned fails; cooperative may hold it back', () => {
    const partial = classic({ members: [{ memberId: 'a', instanceId: null, subscribedTopics: ['t'], assignment: ['t-0'] }, { memberId: 'b', instanceId: null, subscribedTopics: ['t'], assignment: [] }] });
    // The topic had 1 partition, then 2: an assignor with the older metadata leaves t-1 out, for a bounded time.
    const grown = (p: ClassicGroupView, topicPartitions = { t: 2 }): GroupsView => view([p], [], 0, topicPartitions);
    expect(run([grown(partial, { t: 1 }), grown(partial), grown(partial)], METADATA_CATCH_UP_MS)['CG-ASSIGN-2']).toEqual([`group g generation 1 (range): t-1 assigned to no member for ${METADATA_CATCH_UP_MS}ms`]);
    // Briefly, before the metadata reached the assignor: allowed; a new generation resets the clock.
    expect(run([grown(partial, { t: 1 }), grown(partial), grown(partial)], (METADATA_CATCH_UP_MS - 1) / 2)).toEqual({});
    expect(run([grown(partial, { t: 1 }), grown(partial), grown({ ...partial, generationId: 2 })], METADATA_CATCH_UP_MS)['CG-ASSIGN-2']).toBeUndefined();
    expect(run([view([{ ...partial, protocolName: 'cooperative-sticky' }]), view([{ ...partial, protocolName: 'cooperative-sticky' }])], METADATA_CATCH_UP_MS)).toEqual({});
    expect(run([view([partial], [], 0, { t: 1 }), view([partial], [], 0, { t: 1 })], METADATA_CATCH_UP_MS)).toEqual({});
  });
  it('CG-ASSIGN-2: a gap no older partition count explains fails at once (range-drops-remainder: 3 partitions, 2 members, t-2 to no one)', () => {
    const dropped = classic({ members: [{ memberId: 'a', instanceId: null, subscribedTopics: ['t'], assignment: ['t-0'] }, { memberId: 'b', instanceId: null, subscribedTopics: ['t'], assignment: ['t-1'] }] });
    expect(run([view([dropped], [], 0, { t: 3 })])['CG-ASSIGN-2']).toEqual(['group g generation 1 (range): t-2 assigned to no member with no older partition count that leaves exactly these out']);
    // A hole below the end is never older metadata, even where the topic once had fewer partitions.
    const hole = classic({ members: [{ memberId: 'a', instanceId: null, subscribedTopics: ['t'], assignment: ['t-1'] }, { memberId: 'b', instanceId: null, subscribedTopics: ['t'], assignment: [] }] });
    expect(run([view([hole], [], 0, { t: 1 }), view([hole], [], 0, { t: 2 })])['CG-ASSIGN-2']?.[0]).toContain('t-0 assigned to no member with no older');
    // A topic the assignor did not know yet (every partition unowned) is the metadata delay.
    const none = classic({ members: [{ memberId: 'a', instanceId: null, subscribedTopics: ['t'], assignment: [] }] });
    expect(run([view([none], [], 0, { t: 3 })])).toEqual({});
  });
  it('CG-ASSIGN-2: a settled KIP-848 target assignment must cover every subscribed partition', () => {
    const k = consumer({});
    const short = { ...k, members: [k.members[0]!, { ...k.members[1]!, target: [], assigned: [] }] };
    const grown = (k: ConsumerGroupView, t: number): GroupsView => view([], [k], 0, { t });
    expect(run([grown(short, 1), grown(short, 2), grown(short, 2)], METADATA_CATCH_UP_MS)['CG-ASSIGN-2']?.[0]).toContain('t-1 to no member for');
    expect(run([grown(short, 1), grown(short, 2)])['CG-ASSIGN-2']).toBeUndefined();
    expect(run([view([], [short])])['CG-ASSIGN-2']?.[0]).toContain('t-1 to no member with no older partition count');
    const unsettled = { ...short, groupEpoch: 3 };
    expect(run([view([], [unsettled]), view([], [unsettled])], METADATA_CATCH_UP_MS)['CG-ASSIGN-2']).toBeUndefined();
  });
  it('CG-COMMIT-3: a commit accepted from an older generation or a non-member fails; fenced answers and generation -1 hold', () => {
    const groups = view([classic({ generationId: 4 })]);
    const atArrival = currentGenerationOf(groups, 1, 'g', 'a');
    expect(atArrival).toEqual({ protocol: 'classic', generation: 4 });
    expect(currentGenerationOf(groups, 1, 'g', 'zombie')).toBeNull();
    expect(judgeCommitAnswer({ groupId: 'g', memberId: 'a', generation: 3 }, atArrival, [0])).toContain('at generation 3 accepted while the group was at generation 4');
    expect(judgeCommitAnswer({ groupId: 'g', memberId: 'zombie', generation: 4 }, null, [0])).toContain('no member');
    expect(judgeCommitAnswer({ groupId: 'g', memberId: 'a', generation: 3 }, atArrival, [22])).toBeNull();
    expect(judgeCommitAnswer({ groupId: 'g', memberId: 'a', generation: 4 }, atArrival, [0])).toBeNull();
    expect(judgeCommitAnswer({ groupId: 'g', memberId: '', generation: -1 }, null, [0])).toBeNull();
    // KIP-848: the member's current epoch.
    expect(currentGenerationOf(view([], [consumer({})]), 1, 'g', 'b')).toEqual({ protocol: 'consumer', generation: 2 });
  });
  it('a reload is a new life: the generation may restart from what was committed', () => {
    expect(run([view([classic({ generationId: 4 })], [], 0), view([classic({ generationId: 3 })], [], 1)])).toEqual({});
  });
  it('CG-ASSIGN-1 and CG-LEADER-1', () => {
    const found = run([view([classic({ leaderId: 'z', members: [{ memberId: 'a', instanceId: null, subscribedTopics: ['t'], assignment: ['t-0'] }, { memberId: 'b', instanceId: null, subscribedTopics: ['u'], assignment: ['t-0'] }] })])]);
    expect(found['CG-LEADER-1']).toHaveLength(1);
    expect(found['CG-ASSIGN-1']).toEqual(['group g generation 1: t-0 assigned to a and b', 'group g generation 1: t-0 assigned to b, which does not subscribe to t']);
  });
  it('CG-STATIC-1', () => {
    const found = run([view([classic({ staticMembers: { i1: 'b' }, members: [{ memberId: 'a', instanceId: 'i1', subscribedTopics: ['t'], assignment: [] }] , leaderId: 'a' })])]);
    expect(found['CG-STATIC-1']).toHaveLength(2);
  });
  it('CGH-OWN-1, CGH-TGT-1 and CGH-REC-1', () => {
    const base = consumer({});
    const [a, b] = base.members as [ConsumerGroupView['members'][number], ConsumerGroupView['members'][number]];
    const found = run([view([], [consumer({ members: [{ ...a, pendingRevocation: ['t-1'], state: 'UNREVOKED_PARTITIONS' }, { ...b, target: ['t-1', 't-0'], state: 'STABLE' }] })])]);
    expect(found['CGH-OWN-1']).toEqual(['group g epoch 2: t-1 owned by a and b']);
    expect(found['CGH-TGT-1']).toEqual(['group g assignment epoch 2: target gives t-0 to a and b']);
    expect(found['CGH-REC-1']).toHaveLength(1);
  });
  it('CGH-EPOCH-1: epochs ordered and never decreasing within a load', () => {
    const found = run([view([], [consumer({})]), view([], [consumer({ groupEpoch: 1, assignmentEpoch: 1, members: [] })])]);
    expect(found['CGH-EPOCH-1']).toEqual(['group g: group epoch 2 -> 1', 'group g: assignment epoch 2 -> 1']);
  });
});

describe('consumer histories', () => {
  it('CONS-1: a gap or a step back between position moves', () => {
    const h: ConsumerEvent[] = [
      { type: 'position', consumer: 1, partition: 't-0', offset: 5, reason: 'committed', time: 1 },
      { type: 'records', consumer: 1, partition: 't-0', offsets: [5, 6], time: 2 },
      { type: 'records', consumer: 1, partition: 't-0', offsets: [8], time: 3 },
    ];
    expect(checkConsumedInOrder(h).anomalies).toEqual(['consumer 1 t-0 at t=3: offset 8 handed over where 7 was next']);
    expect(checkConsumedInOrder([...h.slice(0, 2), { type: 'position', consumer: 1, partition: 't-0', offset: 8, reason: 'seek', time: 3 }, h[2] as ConsumerEvent]).verdict).toBe('valid');
  });
  it('CG-COMMIT-2: a commit above the high watermark', () => {
    expect(checkCommittedBelowHighWatermark([{ type: 'committed', consumer: 1, partition: 't-0', offset: 9, highWatermark: 8, time: 1 }]).verdict).toBe('invalid');
    expect(checkCommittedBelowHighWatermark([{ type: 'committed', consumer: 1, partition: 't-0', offset: 8, highWatermark: 8, time: 1 }]).verdict).toBe('valid');
  });
  it('CG-RESUME-1: resuming below an acknowledged commit, or resetting although one exists', () => {
    const committed: ConsumerEvent = { type: 'committed', consumer: 1, partition: 't-0', offset: 7, highWatermark: 9, time: 1 };
    const ask: ConsumerEvent = { type: 'offset-fetch', consumer: 2, time: 2 };
    const assigned: ConsumerEvent = { type: 'assigned', consumer: 2, partitions: ['t-0'], time: 2 };
    expect(checkResumeFromCommitted([committed, assigned, ask, { type: 'position', consumer: 2, partition: 't-0', offset: 7, reason: 'committed', time: 3 }]).verdict).toBe('valid');
    expect(checkResumeFromCommitted([committed, assigned, ask, { type: 'position', consumer: 2, partition: 't-0', offset: 4, reason: 'committed', time: 3 }]).verdict).toBe('invalid');
    expect(checkResumeFromCommitted([committed, assigned, ask, { type: 'position', consumer: 2, partition: 't-0', offset: 0, reason: 'reset', time: 3 }]).verdict).toBe('invalid');
    // A commit acknowledged after the consumer asked may or may not be seen.
    expect(checkResumeFromCommitted([assigned, ask, { ...committed, time: 3 }, { type: 'position', consumer: 2, partition: 't-0', offset: 4, reason: 'committed', time: 4 }]).verdict).toBe('valid');
  });
});

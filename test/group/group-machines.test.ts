/**
 * The group machines themselves (issue 13): the classic group's states and edges are Kafka's
 * ClassicGroupState, its timers are delayed raises keyed per group, a deleted group goes Dead and
 * is dropped; the KIP-848 member machine moves as CurrentAssignmentBuilder decides and never hands
 * a member a partition someone else still holds; the KIP-848 group machine follows the derived
 * state. Random schedules over the whole group rules are in classic-properties.test.ts and
 * consumer-group-property.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorName } from '../../src/protocol/errors.js';
import type { GroupResponse, JoinGroupRequest } from '../../src/protocol/groups/messages.js';
import { stepClassicGroup } from '../../src/machines/group/classic-group-host.js';
import { createClassicGroupMachine } from '../../src/machines/group/classic-group-machine.js';
import { classicGroupStates, isValidTransition } from '../../src/machines/group/classic-group-state.js';
import { emptyClassicGroups, type ClassicGroupsState } from '../../src/machines/group/classic.js';
import { emptyConsumerGroups } from '../../src/machines/group/consumer-group.js';
import { createConsumerGroupMachine, stepConsumerGroup } from '../../src/machines/group/consumer-group-machine.js';
import { machineDoc } from '../../src/docs/machine-doc.js';
import { discoverMachines } from '../../scripts/docs-machines.js';
import { createMemberMachine, reconcileMember } from '../../src/machines/group/consumer-group-member-machine.js';
import { assignmentOf, hasPartition, partitionsOf, type Assignment } from '../../src/machines/group/consumer-group-assignment.js';
import { newConsumerGroupMember, type ConsumerGroupMember, type MemberState } from '../../src/machines/group/consumer-group-member.js';
import { buildCurrentAssignment } from '../../src/machines/group/current-assignment.js';
import { ConsumerGroupApiError } from '../../src/machines/group/consumer-group-error.js';
import { defaultGroupCoordinatorConfig, type ShardEnv, type ShardOutcome } from '../../src/machines/group/shard.js';

const env = (nowMs = 0): ShardEnv => ({ nowMs, config: defaultGroupCoordinatorConfig, topics: {}, partition: 0 });
const errorOf = (message: GroupResponse): string => errorName((message as { errorCode: number }).errorCode);

/** The eventless edges of a machine's definition, as `from->to`. */
function edgesOf(machine: { root: { states: Record<string, { always?: readonly { target?: readonly { key: string }[] }[] }> } }): string[] {
  return Object.entries(machine.root.states).flatMap(([from, node]) => (node.always ?? []).flatMap((t) => (t.target ?? []).map((target) => `${from}->${target.key}`))).sort();
}

describe('classic group machine', () => {
  it('its moves are exactly the edges of ClassicGroupState (ClassicGroup.assertValidTransition), Dead left for nothing', () => {
    const legal = classicGroupStates.flatMap((from) => classicGroupStates.filter((to) => to !== from && isValidTransition(from, to)).map((to) => `${from}->${to}`)).sort();
    expect(edgesOf(createClassicGroupMachine() as never)).toEqual(legal);
  });

  const join = (memberId: string, correlationId: number): Parameters<typeof stepClassicGroup>[2] => ({
    type: 'JoinGroup',
    env: env(),
    request: {
      type: 'JoinGroup', correlationId, from: 1, groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: { topics: ['t'], ownedPartitions: [], generationId: -1, rackId: null } }], reason: null,
    } satisfies JoinGroupRequest & { from: number },
  });

  it('a lone member: Empty → PreparingRebalance (initial delay as a keyed timer) → CompletingRebalance → Stable → (leave) PreparingRebalance → Empty', () => {
    let s: ClassicGroupsState = emptyClassicGroups(1);
    const step = (event: Parameters<typeof stepClassicGroup>[2]): ShardOutcome<ClassicGroupsState> => {
      const outcome = stepClassicGroup(s, 'g', event);
      s = outcome.state;
      return outcome;
    };
    const required = step(join('', 1));
    expect(errorOf(required.responses[0]!.message)).toBe('MEMBER_ID_REQUIRED');
    const memberId = (required.responses[0]!.message as { memberId: string }).memberId;
    expect(s.groups.g?.state).toBe('Empty');

    const joined = step(join(memberId, 2));
    expect(s.groups.g?.state).toBe('PreparingRebalance');
    expect(joined.responses).toEqual([]);
    expect(joined.timers).toContainEqual({ key: 'classic/g/join', delayMs: defaultGroupCoordinatorConfig.groupInitialRebalanceDelayMs, event: { kind: 'classic.join', groupId: 'g' } });

    const completed = step({ type: 'JoinTimeout', env: env(3_000) });
    expect(s.groups.g).toMatchObject({ state: 'CompletingRebalance', generationId: 1, leaderId: memberId });
    expect(completed.timers.map((t) => t.key)).toContain('classic/g/sync');

    step({ type: 'SyncGroup', env: env(3_010), request: { type: 'SyncGroup', correlationId: 3, from: 1, groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] } });
    expect(s.groups.g?.state).toBe('Stable');

    const left = step({ type: 'LeaveGroup', env: env(4_000), request: { type: 'LeaveGroup', correlationId: 4, from: 1, groupId: 'g', members: [{ memberId, groupInstanceId: null, reason: null }] } });
    expect(s.groups.g).toMatchObject({ state: 'Empty', previousState: 'PreparingRebalance', generationId: 2 });
    expect(left.records.map((r) => r.type)).toEqual(['GroupMetadata']);
    expect(left.cancels).toContain(`classic/g/heartbeat/${memberId}`);
  });

  it('a deleted group goes Dead and the host drops it; a request for an unknown group creates nothing', () => {
    const created = stepClassicGroup(emptyClassicGroups(1), 'g', join('', 1)).state;
    expect(created.groups.g?.state).toBe('Empty');
    expect(stepClassicGroup(created, 'g', { type: 'Delete', env: env() }).state.groups).toEqual({});
    const refused = stepClassicGroup(emptyClassicGroups(1), 'g', join('someone', 1));
    expect(errorOf(refused.responses[0]!.message)).toBe('UNKNOWN_MEMBER_ID');
    expect(refused.state.groups).toEqual({});
  });
});

const TOPIC = 'T';
const partitionSet = fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 8 }).map((ps) => [...ps].sort((a, b) => a - b));
const asAssignment = (partitions: readonly number[]): Assignment => assignmentOf([[TOPIC, partitions]]);

describe('KIP-848 member machine', () => {
  it('its moves are CurrentAssignmentBuilder\'s: STABLE, UNREVOKED_PARTITIONS and UNRELEASED_PARTITIONS reach each other as computeNextAssignment allows', () => {
    expect(edgesOf(createMemberMachine() as never)).toEqual([
      'STABLE->UNRELEASED_PARTITIONS', 'STABLE->UNREVOKED_PARTITIONS',
      'UNKNOWN->STABLE', 'UNKNOWN->UNRELEASED_PARTITIONS', 'UNKNOWN->UNREVOKED_PARTITIONS',
      'UNRELEASED_PARTITIONS->STABLE', 'UNRELEASED_PARTITIONS->UNREVOKED_PARTITIONS',
      'UNREVOKED_PARTITIONS->STABLE', 'UNREVOKED_PARTITIONS->UNRELEASED_PARTITIONS',
    ]);
  });

  it('under random members, targets and owners: the machine lands where the builder says, and a partition is added only when nobody holds it', () => {
    const reached = new Set<MemberState>();
    fc.assert(
      fc.property(
        fc.constantFrom<MemberState>('STABLE', 'UNREVOKED_PARTITIONS', 'UNRELEASED_PARTITIONS', 'UNKNOWN'),
        fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 2 }),
        partitionSet, partitionSet, partitionSet,
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 8 }),
        fc.option(partitionSet, { nil: null }),
        (state, memberEpoch, epochsAhead, assigned, pending, target, heldByOthers, owned) => {
          const member: ConsumerGroupMember = {
            ...newConsumerGroupMember('m'), state, memberEpoch, previousMemberEpoch: memberEpoch - 1,
            assignedPartitions: asAssignment(assigned), partitionsPendingRevocation: asAssignment(pending.filter((p) => !assigned.includes(p))),
          };
          const mine = new Set([...assigned, ...pending]);
          const input = {
            targetAssignmentEpoch: memberEpoch + epochsAhead,
            targetAssignment: asAssignment(target),
            currentPartitionEpoch: (_topicId: string, partition: number) => (mine.has(partition) ? memberEpoch : heldByOthers.includes(partition) ? 1 : -1),
            ownedTopicPartitions: owned === null ? null : [{ topicId: TOPIC, partitions: owned }],
          };
          let expected: ConsumerGroupMember | ConsumerGroupApiError;
          try {
            expected = buildCurrentAssignment(member, input);
          } catch (caught) {
            expected = caught as ConsumerGroupApiError;
          }
          if (expected instanceof ConsumerGroupApiError) {
            expect(() => reconcileMember(member, input)).toThrow(ConsumerGroupApiError);
            return;
          }
          const next = reconcileMember(member, input);
          expect(next).toEqual(expected);
          reached.add(next.state);
          for (const { topicId, partition } of partitionsOf(next.assignedPartitions)) {
            if (!hasPartition(member.assignedPartitions, topicId, partition)) expect(input.currentPartitionEpoch(topicId, partition)).toBe(-1);
          }
        },
      ),
      { numRuns: 400, seed: 13 },
    );
    expect([...reached].sort()).toEqual(['STABLE', 'UNRELEASED_PARTITIONS', 'UNREVOKED_PARTITIONS']);
  });
});

describe('KIP-848 group machine', () => {
  it('the first heartbeat creates the group and its state is derived; a deleted group goes Dead and is dropped', () => {
    const topics = { t: { name: 't', topicId: 'TTTTTTTTTTTTTTTTTTTTTA', numPartitions: 2 } };
    const heartbeat = stepConsumerGroup(emptyConsumerGroups(1), 'g', {
      type: 'ConsumerGroupHeartbeat', env: { ...env(), topics },
      request: { type: 'ConsumerGroupHeartbeat', correlationId: 1, from: 1, groupId: 'g', memberId: '', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 60_000, subscribedTopicNames: ['t'], serverAssignor: null, topicPartitions: [] },
    });
    const group = heartbeat.state.groups.g!;
    expect(group).toMatchObject({ groupEpoch: 1, assignmentEpoch: 1 });
    expect(Object.values(group.members).map((m) => [m.state, m.memberEpoch])).toEqual([['STABLE', 1]]);
    expect(heartbeat.timers.map((t) => t.event.kind)).toEqual(['consumer.session']);
    expect(stepConsumerGroup(heartbeat.state, 'g', { type: 'Delete', env: env() }).state.groups).toEqual({});
  });
});

describe('the machine pages name a rule on every transition (docs/machines)', () => {
  it('every machine under src/machines: no transition row with an empty rule', async () => {
    const machines = await discoverMachines(process.cwd());
    expect(machines.map((m) => m.id)).toEqual(expect.arrayContaining(['quorum', 'classicGroup', 'consumerGroup', 'consumerGroupMember', 'consumer', 'replica', 'broker', 'controller', 'producer', 'groupCoordinator']));
    for (const { id, machine } of machines) {
      const page = machineDoc(machine as never, { title: id, summary: '', clauses: [] });
      const rows = page.split('\n').filter((line) => line.startsWith('| ') && line.split('|').length === 7 && !line.startsWith('| in state') && !line.startsWith('| ---'));
      expect(rows.length, id).toBeGreaterThan(3);
      expect(rows.filter((row) => row.endsWith('|  |')), id).toEqual([]);
    }
  });
});


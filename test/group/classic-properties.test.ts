/**
 * Properties of the classic group machine (protocol-rules E.2), stepped through its host, under random runs: several clients —
 * two dynamic, two static — join, sync, heartbeat, leave, restart and commit while the clock moves
 * and deadlines fire. After every step the group must satisfy CG-STATE-1, CG-GEN-1, CG-LEADER-1
 * and CG-STATIC-1 (classic-invariants.ts); a request naming a known instance id with another
 * member id must be fenced (CG-STATIC-1); a commit is accepted only as CG-COMMIT-1 allows; and a
 * Stable group is exactly what replaying its records gives back. fast-check prints the seed and
 * the shrunk command list of a failing run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorName } from '../../src/protocol/errors.js';
import type { ConsumerProtocolAssignment, GroupResponse, JoinGroupProtocol, JoinGroupResponseMember } from '../../src/protocol/groups/messages.js';
import {
  classicGroupSummary, classicValidateOffsetCommit, emptyClassicGroups, replayGroupMetadata, type ClassicGroup, type ClassicGroupsState,
} from '../../src/machines/group/classic.js';
import { stepClassicGroup } from '../../src/machines/group/classic-group-host.js';
import { classicTimerEventOf } from '../../src/machines/group/classic-group-machine.js';
import { GroupJudge } from '../support/group-judge.js';
import type { GroupMetadataRecord } from '../../src/protocol/groups/records.js';
import { defaultGroupCoordinatorConfig, type ShardEnv, type ShardOutcome, type ShardTimerEvent } from '../../src/machines/group/shard.js';
import { budget } from '../support/budget.js';

const GROUP = 'g';
const CLIENTS = [1, 2, 3, 4] as const;
const instanceOf = (client: number): string | null => (client >= 3 ? `instance-${client}` : null);

const subscription = { topics: ['t'], ownedPartitions: [], generationId: -1, rackId: null };
const protocolChoices: readonly (readonly JoinGroupProtocol[])[] = [
  [{ name: 'range', metadata: subscription }],
  [{ name: 'roundrobin', metadata: subscription }, { name: 'range', metadata: subscription }],
  [{ name: 'range', metadata: subscription }, { name: 'roundrobin', metadata: subscription }],
  [{ name: 'sticky', metadata: subscription }],
];

type Command =
  | { kind: 'join'; client: number; protocols: number; staleId: boolean; restart: boolean }
  | { kind: 'sync'; client: number; generationOffset: number }
  | { kind: 'heartbeat'; client: number; generationOffset: number; staleId: boolean }
  | { kind: 'leave'; client: number; byInstanceId: boolean }
  | { kind: 'commit'; client: number; generationOffset: number; withoutGeneration: boolean }
  | { kind: 'advance'; ms: number }
  /** The client does what a well-behaved consumer would do next: join, sync, or heartbeat. */
  | { kind: 'act'; client: number };

/** A request one client sends. */
type ClientCommand = Exclude<Command, { kind: 'advance' } | { kind: 'act' }>;

const client = fc.constantFrom(...CLIENTS);
const rarely = fc.constantFrom(false, false, false, false, true);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 16, arbitrary: fc.record({ kind: fc.constant('act' as const), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('join' as const), client, protocols: fc.integer({ min: 0, max: protocolChoices.length - 1 }), staleId: rarely, restart: rarely }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), client, generationOffset: fc.constantFrom(0, 0, 0, -1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), client, generationOffset: fc.constantFrom(0, 0, 0, -1), staleId: rarely }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), client, byInstanceId: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('commit' as const), client, generationOffset: fc.constantFrom(0, -1, 1), withoutGeneration: rarely }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 2_000, max: 40_000 }) }) },
);

/** What a client knows: its member id, its generation, an older id of its own, and (as leader) the members to assign. */
interface ClientView {
  memberId: string;
  generationId: number;
  staleMemberId: string;
  members: readonly JoinGroupResponseMember[];
  /** Has its assignment for this generation. */
  synced: boolean;
  /** The protocols it offers (changed by an explicit join). */
  protocols: number;
}

class Run {
  state: ClassicGroupsState = emptyClassicGroups(7);
  nowMs = 0;
  timers = new Map<string, { dueMs: number; event: ShardTimerEvent }>();
  records: GroupMetadataRecord[] = [];
  clients = new Map<number, ClientView>(CLIENTS.map((c) => [c, { memberId: '', generationId: -1, staleMemberId: 'never-a-member', members: [], synced: false, protocols: 0 }]));
  /** The machine's moves seen, as `from->to`. */
  edges = new Set<string>();
  private readonly judge = new GroupJudge();
  private correlationId = 0;

  env(): ShardEnv {
    return { nowMs: this.nowMs, config: { ...defaultGroupCoordinatorConfig, groupMaxSize: 3 }, topics: {}, partition: 0 };
  }

  group(): ClassicGroup | undefined {
    return this.state.groups[GROUP];
  }

  apply(outcome: ShardOutcome<ClassicGroupsState>): void {
    const before = this.group();
    this.state = outcome.state;
    for (const key of outcome.cancels) this.timers.delete(key);
    for (const timer of outcome.timers) this.timers.set(timer.key, { dueMs: this.nowMs + timer.delayMs, event: timer.event });
    for (const record of outcome.records) if (record.type === 'GroupMetadata') this.records.push(record);
    for (const response of outcome.responses) this.learn(response.to, response.message);
    const after = this.group();
    expect(this.judge.observe({ classic: this.state })).toEqual([]);
    const from = before?.state ?? 'Empty';
    const to = after?.state ?? 'Empty';
    if (after !== undefined && after.previousState !== from && after.previousState !== 'Dead' && (from !== to || after.previousState !== before?.previousState)) this.edges.add(`${from}->${after.previousState}`);
    if (after !== undefined && from !== to) this.edges.add(`${after.previousState}->${to}`);
  }

  /** The client side of B.6: keep or drop the member id and generation by the answer. */
  private learn(to: number, message: GroupResponse): void {
    const view = this.clients.get(to)!;
    const error = 'errorCode' in message ? errorName(message.errorCode) : 'NONE';
    if (message.type === 'JoinGroupResponse' && (error === 'MEMBER_ID_REQUIRED' || error === 'NONE')) {
      if (view.memberId !== '' && view.memberId !== message.memberId) view.staleMemberId = view.memberId;
      view.memberId = message.memberId;
      if (error === 'NONE') {
        view.generationId = message.generationId;
        view.members = message.members;
        view.synced = false;
      }
    } else if (message.type === 'SyncGroupResponse' && error === 'NONE') {
      view.synced = true;
    } else if (error === 'REBALANCE_IN_PROGRESS') {
      view.synced = false;
      view.generationId = -1;
    } else if (error === 'UNKNOWN_MEMBER_ID' || error === 'FENCED_INSTANCE_ID') {
      if (view.memberId !== '') view.staleMemberId = view.memberId;
      view.memberId = '';
      view.generationId = -1;
    } else if (error === 'ILLEGAL_GENERATION') {
      view.generationId = -1;
    }
  }

  step(command: Command): void {
    if (command.kind === 'advance') return this.advance(command.ms);
    const view = this.clients.get(command.client)!;
    const c: ClientCommand = command.kind === 'act' ? this.nextAction(command.client, view) : command;
    const instanceId = instanceOf(c.client);
    const env = this.env();
    const id = { correlationId: ++this.correlationId, from: c.client, groupId: GROUP };
    switch (c.kind) {
      case 'join': {
        view.protocols = c.protocols;
        const memberId = c.restart ? '' : c.staleId ? view.staleMemberId : view.memberId;
        const group = this.group();
        const outcome = stepClassicGroup(this.state, GROUP, { type: 'JoinGroup', env, request: {
          ...id, type: 'JoinGroup', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 20_000, memberId, groupInstanceId: instanceId,
          protocolType: 'consumer', protocols: protocolChoices[c.protocols]!, reason: null,
        } });
        if (group !== undefined && memberId !== '' && !group.pendingJoinMembers.includes(memberId)) this.expectFencedIfInstanceTaken(group, instanceId, memberId, outcome, ['INCONSISTENT_GROUP_PROTOCOL', 'GROUP_MAX_SIZE_REACHED']);
        return this.apply(outcome);
      }
      case 'sync': {
        const generationId = view.generationId + c.generationOffset;
        const assignments = view.members.map((m, i): { memberId: string; assignment: ConsumerProtocolAssignment } => ({ memberId: m.memberId, assignment: { assignedPartitions: [{ topic: 't', partitions: [i] }] } }));
        const group = this.group();
        const outcome = stepClassicGroup(this.state, GROUP, { type: 'SyncGroup', env, request: { ...id, type: 'SyncGroup', generationId, memberId: view.memberId, groupInstanceId: instanceId, protocolType: null, protocolName: null, assignments } });
        if (group !== undefined) this.expectFencedIfInstanceTaken(group, instanceId, view.memberId, outcome, []);
        return this.apply(outcome);
      }
      case 'heartbeat': {
        const memberId = c.staleId ? view.staleMemberId : view.memberId;
        const group = this.group();
        const outcome = stepClassicGroup(this.state, GROUP, { type: 'Heartbeat', env, request: { ...id, type: 'Heartbeat', generationId: view.generationId + c.generationOffset, memberId, groupInstanceId: instanceId } });
        if (group !== undefined) this.expectFencedIfInstanceTaken(group, instanceId, memberId, outcome, []);
        return this.apply(outcome);
      }
      case 'leave': {
        const memberId = c.byInstanceId && instanceId !== null ? '' : view.memberId;
        return this.apply(stepClassicGroup(this.state, GROUP, { type: 'LeaveGroup', env, request: { ...id, type: 'LeaveGroup', members: [{ memberId, groupInstanceId: instanceId, reason: null }] } }));
      }
      case 'commit':
        return this.commit(view, c);
    }
  }

  private nextAction(client: number, view: ClientView): ClientCommand {
    if (view.generationId < 0) return { kind: 'join', client, protocols: view.protocols, staleId: false, restart: false };
    if (!view.synced) return { kind: 'sync', client, generationOffset: 0 };
    return { kind: 'heartbeat', client, generationOffset: 0, staleId: false };
  }

  /** CG-STATIC-1, request side: a known instance id with another member id is fenced (unless an earlier check answers first). */
  private expectFencedIfInstanceTaken(group: ClassicGroup, instanceId: string | null, memberId: string, outcome: ShardOutcome<ClassicGroupsState>, earlier: readonly string[]): void {
    if (instanceId === null || group.state === 'Dead') return;
    const owner = group.staticMembers[instanceId];
    if (owner === undefined || owner === memberId) return;
    const answer = outcome.responses.find((r) => r.to !== undefined && 'errorCode' in r.message && r.message.correlationId === this.correlationId)!;
    const error = errorName((answer.message as { errorCode: number }).errorCode);
    if (!earlier.includes(error)) expect(error).toBe('FENCED_INSTANCE_ID');
  }

  /** CG-COMMIT-1: accepted only from the current generation outside CompletingRebalance, or with -1 in an Empty or unknown group. */
  private commit(view: ClientView, c: Extract<Command, { kind: 'commit' }>): void {
    const group = this.group();
    const generationId = c.withoutGeneration ? -1 : view.generationId + c.generationOffset;
    const verdict = classicValidateOffsetCommit(group, {
      type: 'OffsetCommit', correlationId: 0, groupId: GROUP, generationIdOrMemberEpoch: generationId, memberId: c.withoutGeneration ? '' : view.memberId,
      groupInstanceId: c.withoutGeneration ? null : instanceOf(c.client), partitions: [],
    });
    if (verdict !== 'NONE' && verdict !== 'CREATE_SIMPLE_GROUP') return;
    if (group === undefined) return expect(generationId).toBeLessThan(0);
    expect(group.state).not.toBe('CompletingRebalance');
    if (generationId < 0 && group.state === 'Empty') return;
    expect(generationId).toBe(group.generationId);
    expect(['Stable', 'PreparingRebalance']).toContain(group.state);
  }

  advance(ms: number): void {
    const until = this.nowMs + ms;
    for (let fired = 0; fired < 1_000; fired++) {
      const due = [...this.timers.entries()].filter(([, t]) => t.dueMs <= until).sort((a, b) => a[1].dueMs - b[1].dueMs)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.nowMs = due[1].dueMs;
      this.apply(stepClassicGroup(this.state, GROUP, { ...classicTimerEventOf(due[1].event)!, env: this.env() }));
    }
    this.nowMs = until;
  }

  /** A Stable group is exactly what its records give back on load (membership in Stable changes only by writing). */
  expectStableGroupReplays(): void {
    const group = this.group();
    if (group?.state !== 'Stable') return;
    const loaded = this.records.reduce(replayGroupMetadata, emptyClassicGroups(0)).groups[GROUP];
    expect(classicGroupSummary(loaded!)).toEqual(classicGroupSummary(group));
  }
}

describe('classic group invariants under random runs (E.2)', () => {
  it('CG-STATE-1, CG-GEN-1, CG-LEADER-1, CG-STATIC-1, CG-COMMIT-1 hold after every step; a Stable group replays from its records', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 160, size: 'max' }), (commands) => {
        const run = new Run();
        for (const c of commands) {
          run.step(c);
          run.expectStableGroupReplays();
        }
      }),
      { numRuns: budget(100, 300) },
    );
  });

  it('the random runs reach every state and complete rebalances (the generator is not vacuous)', () => {
    const seen = new Set<string>();
    const edges = new Set<string>();
    let highestGeneration = 0;
    fc.assert(
      fc.property(fc.array(command, { minLength: 40, maxLength: 160, size: 'max' }), (commands) => {
        const run = new Run();
        for (const c of commands) {
          run.step(c);
          for (const edge of run.edges) edges.add(edge);
          const group = run.group();
          if (group !== undefined) {
            seen.add(group.state);
            highestGeneration = Math.max(highestGeneration, group.generationId);
            if (group.state === 'Stable' && Object.keys(group.staticMembers).length > 0) seen.add('Stable with static members');
          }
        }
      }),
      { numRuns: 200, seed: 20_241_025 },
    );
    expect([...seen].sort()).toEqual(['CompletingRebalance', 'Empty', 'PreparingRebalance', 'Stable', 'Stable with static members']);
    expect(highestGeneration).toBeGreaterThan(2);
    // Every edge of ClassicGroupState but those into Dead (only a conversion to a KIP-848 group takes them).
    expect([...edges].sort()).toEqual([
      'CompletingRebalance->PreparingRebalance', 'CompletingRebalance->Stable', 'Empty->PreparingRebalance', 'PreparingRebalance->CompletingRebalance',
      'PreparingRebalance->Empty', 'Stable->PreparingRebalance',
    ]);
  });
});

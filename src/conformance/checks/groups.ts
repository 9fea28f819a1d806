/**
 * Classic consumer groups on the wire: FindCoordinator, JoinGroup (MEMBER_ID_REQUIRED, leader and
 * protocol choice), SyncGroup, Heartbeat, LeaveGroup, the generation rules, and OffsetCommit /
 * OffsetFetch in the group's states. Members run as real clients do: each on its own connection
 * to the coordinator (a JoinGroup blocks its connection until the join phase ends), rejoining
 * when told the group is rebalancing.
 */
import { checkClassicGroup, checkExpectedOutcomes, combine, judgement } from '../../../spec/conformance/checkers.js';
import { ErrorCodes } from '../../../spec/conformance/clauses.js';
import { OneOwnerInStableGeneration, GenerationPerJoinPhase, LeaderIsMember, CommitFencedByGeneration, StaticMembersMapped } from '../../../spec/groups/clauses.js';
import { ApiKey, type BrokerConnection, requestBody } from '../../client/index.js';
import { errorCode } from '../../protocol/errors.js';
import type { HeartbeatResponseData } from '../../protocol/wire/generated/HeartbeatResponse.js';
import type { JoinGroupResponseData } from '../../protocol/wire/generated/JoinGroupResponse.js';
import type { LeaveGroupResponseData } from '../../protocol/wire/generated/LeaveGroupResponse.js';
import type { OffsetCommitResponseData } from '../../protocol/wire/generated/OffsetCommitResponse.js';
import type { OffsetFetchResponseData } from '../../protocol/wire/generated/OffsetFetchResponse.js';
import type { SyncGroupResponseData } from '../../protocol/wire/generated/SyncGroupResponse.js';
import type { Answer, Check, CheckContext, Need } from '../check.js';
import type { Expectation } from '../ops.js';

const CLAUSES = { generation: GenerationPerJoinPhase.id, leader: LeaderIsMember.id, assignment: OneOwnerInStableGeneration.id, commit: CommitFencedByGeneration.id };
const JOIN_TIMEOUT_MS = 20_000;
const SESSION_TIMEOUT_MS = 10_000;
const REBALANCE_TIMEOUT_MS = 10_000;
const OFFSET_FETCH_MAX_VERSION = 7;

export const GROUP_NEEDS: readonly Need[] = [
  { apiKey: ApiKey.FindCoordinator, minVersion: 0 },
  { apiKey: ApiKey.JoinGroup, minVersion: 4 },
  { apiKey: ApiKey.SyncGroup, minVersion: 0 },
  { apiKey: ApiKey.Heartbeat, minVersion: 0 },
  { apiKey: ApiKey.LeaveGroup, minVersion: 0 },
];

/** ConsumerProtocolSubscription v0 / ConsumerProtocolAssignment v0 (clients' consumer protocol), written by hand: a few fields. */
function subscription(topic: string): Uint8Array {
  const name = Buffer.from(topic);
  const out = Buffer.alloc(2 + 4 + 2 + name.length + 4);
  out.writeInt16BE(0, 0);
  out.writeInt32BE(1, 2);
  out.writeInt16BE(name.length, 6);
  name.copy(out, 8);
  out.writeInt32BE(-1, 8 + name.length);
  return out;
}

function assignment(topic: string, partitions: readonly number[]): Uint8Array {
  const name = Buffer.from(topic);
  const out = Buffer.alloc(2 + 4 + 2 + name.length + 4 + 4 * partitions.length + 4);
  let at = out.writeInt16BE(0, 0);
  at = out.writeInt32BE(1, at);
  at = out.writeInt16BE(name.length, at);
  at += name.copy(out, at);
  at = out.writeInt32BE(partitions.length, at);
  for (const p of partitions) at = out.writeInt32BE(p, at);
  out.writeInt32BE(-1, at);
  return out;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export class Member {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  isLeader = false;
  members: string[] = [];

  constructor(readonly context: CheckContext, readonly process: number, readonly connection: BrokerConnection, readonly groupId: string, readonly topic: string, readonly protocols: readonly string[], readonly groupInstanceId: string | null = null, readonly sessionTimeoutMs = SESSION_TIMEOUT_MS) {}

  private async call<T>(apiKey: number, given: Record<string, unknown>, timeoutMs = this.context.client.requestTimeoutMs, maxVersion?: number): Promise<T> {
    const version = this.context.client.versionFor(apiKey, maxVersion)!;
    return (await this.connection.request<T>(apiKey, version, requestBody(apiKey, version, given), timeoutMs)).body;
  }

  async join(expectation: Expectation = {}): Promise<Answer | undefined> {
    const value = { groupId: this.groupId, memberId: this.memberId, protocols: [...this.protocols], ...(this.groupInstanceId === null ? {} : { groupInstanceId: this.groupInstanceId }) };
    return this.context.recorder.op(this.process, 'join-group', value, async () => {
      const body = await this.call<JoinGroupResponseData>(ApiKey.JoinGroup, {
        groupId: this.groupId, sessionTimeoutMs: this.sessionTimeoutMs, rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS, memberId: this.memberId, groupInstanceId: this.groupInstanceId,
        protocolType: 'consumer', protocols: this.protocols.map((name) => ({ name, metadata: subscription(this.topic) })),
      }, JOIN_TIMEOUT_MS);
      if (body.memberId !== '') this.memberId = body.memberId;
      if (body.errorCode === 0) {
        this.generationId = body.generationId;
        this.protocolName = body.protocolName;
        this.isLeader = body.leader === body.memberId;
        this.members = body.members.map((m) => m.memberId);
      }
      return { value: { memberId: body.memberId, generationId: body.generationId, leader: body.leader, protocolName: body.protocolName, members: body.members.map((m) => m.memberId) }, errorCode: body.errorCode };
    }, expectation);
  }

  /** The leader assigns the topic's partitions round the members; followers send nothing. */
  async sync(partitions: number, expectation: Expectation = {}): Promise<Answer | undefined> {
    const assignments = this.isLeader
      ? this.members.map((member, i) => [member, hex(assignment(this.topic, Array.from({ length: partitions }, (_, p) => p).filter((p) => p % this.members.length === i)))] as [string, string])
      : [];
    return this.context.recorder.op(this.process, 'sync-group', { memberId: this.memberId, generationId: this.generationId, assignments }, async () => {
      const body = await this.call<SyncGroupResponseData>(ApiKey.SyncGroup, {
        groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.groupInstanceId, protocolType: 'consumer', protocolName: this.protocolName,
        assignments: assignments.map(([memberId, bytes]) => ({ memberId, assignment: Buffer.from(bytes, 'hex') })),
      }, JOIN_TIMEOUT_MS);
      return { value: { assignment: hex(body.assignment) }, errorCode: body.errorCode };
    }, expectation);
  }

  async heartbeat(expectation: Expectation = {}, as: { memberId?: string; generationId?: number } = {}): Promise<Answer | undefined> {
    const memberId = as.memberId ?? this.memberId;
    const generationId = as.generationId ?? this.generationId;
    return this.context.recorder.op(this.process, 'heartbeat', { memberId, generationId }, async () => {
      const body = await this.call<HeartbeatResponseData>(ApiKey.Heartbeat, { groupId: this.groupId, generationId, memberId, groupInstanceId: this.groupInstanceId });
      return { value: {}, errorCode: body.errorCode };
    }, expectation);
  }

  async leave(expectation: Expectation = {}): Promise<Answer | undefined> {
    return this.context.recorder.op(this.process, 'leave-group', { memberId: this.memberId }, async () => {
      const body = await this.call<LeaveGroupResponseData>(ApiKey.LeaveGroup, { groupId: this.groupId, memberId: this.memberId, members: [{ memberId: this.memberId, groupInstanceId: this.groupInstanceId }] });
      return { value: {}, errorCode: body.errorCode !== 0 ? body.errorCode : (body.members[0]?.errorCode ?? 0) };
    }, expectation);
  }

  async commit(offset: number, expectation: Expectation = {}, as: { memberId?: string; generationId?: number } = {}): Promise<Answer | undefined> {
    const memberId = as.memberId ?? this.memberId;
    const generationId = as.generationId ?? this.generationId;
    return this.context.recorder.op(this.process, 'offset-commit', { partition: `${this.topic}-0`, offset, memberId, generationId }, async () => {
      const body = await this.call<OffsetCommitResponseData>(ApiKey.OffsetCommit, {
        groupId: this.groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: this.groupInstanceId,
        topics: [{ name: this.topic, partitions: [{ partitionIndex: 0, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: '' }] }],
      });
      return { value: {}, errorCode: body.topics[0]?.partitions[0]?.errorCode ?? -1 };
    }, expectation);
  }

  async fetchOffset(expectation: Expectation = {}): Promise<Answer | undefined> {
    return this.context.recorder.op(this.process, 'offset-fetch', { partition: `${this.topic}-0` }, async () => {
      const body = await this.call<OffsetFetchResponseData>(ApiKey.OffsetFetch, { groupId: this.groupId, topics: [{ name: this.topic, partitionIndexes: [0] }] }, undefined, OFFSET_FETCH_MAX_VERSION);
      const partition = body.topics[0]?.partitions[0];
      return { value: { offset: Number(partition?.committedOffset ?? -1n) }, errorCode: body.errorCode !== 0 ? body.errorCode : (partition?.errorCode ?? -1) };
    }, expectation);
  }
}

const MEMBER_ID_REQUIRED = {
  expect: ['MEMBER_ID_REQUIRED', 'COORDINATOR_LOAD_IN_PROGRESS'],
  source: 'GroupMetadataManager.classicGroupJoinNewMember (JoinGroup v4+, KIP-394: a new member gets its id first); COORDINATOR_LOAD_IN_PROGRESS while the coordinator still loads the group\'s partition (CoordinatorRuntime)',
  clause: ErrorCodes.id,
};

/** A coordinator that is still loading the group's __consumer_offsets partition answers COORDINATOR_LOAD_IN_PROGRESS; clients back off and join again. */
const LOAD_RETRIES = 50;
const LOAD_BACKOFF_MS = 100;

async function joinOnceLoaded(member: Member, expectation?: Expectation): Promise<Answer | undefined> {
  for (let attempt = 0; ; attempt++) {
    const answer = await member.join(expectation);
    if (answer?.errorCode !== errorCode('COORDINATOR_LOAD_IN_PROGRESS') || attempt >= LOAD_RETRIES) return answer;
    await new Promise((resolve) => setTimeout(resolve, LOAD_BACKOFF_MS));
  }
}

/**
 * How long the members may take to settle into one generation. Each member runs as a client does
 * (AbstractCoordinator): join, sync, then heartbeat; REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or
 * UNKNOWN_MEMBER_ID on a sync or heartbeat sends it back to join (the last with no member id). The
 * members run concurrently, so a member whose join starts a rebalance waits only until the others
 * hear of it from their next heartbeat, not for the rebalance timeout (a round-by-round loop in which
 * every member's join had to finish before anyone heartbeat again waited out REBALANCE_TIMEOUT_MS
 * whenever one join started a new phase, and ran out of rounds on a busy machine).
 */
const STABILIZE_MS = 30_000;
const STABILIZE_HEARTBEAT_MS = 100;
/** Errors on a sync or heartbeat that send the member back to join (AbstractCoordinator: requestRejoin, resetGeneration). */
const REJOIN_ERRORS = ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID'] as const;
/** Errors on a join after which AbstractCoordinator joins again (JoinGroupResponseHandler). */
const RETRIED_JOIN_ERRORS = ['UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'MEMBER_ID_REQUIRED', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'ILLEGAL_GENERATION'] as const;

/** Joins, syncs and heartbeats until every member has heartbeat successfully in one and the same synced generation. */
export async function stabilize(members: readonly Member[], partitions: number): Promise<boolean> {
  const deadline = Date.now() + STABILIZE_MS;
  /** The generation each member last heartbeat successfully in, after syncing it. */
  const settled = new Map<Member, number>();
  const allSettled = () => members.every((m) => settled.get(m) === m.generationId) && new Set(members.map((m) => m.generationId)).size === 1;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const rejoinOn = (code: number | undefined, member: Member): void => {
    settled.delete(member);
    if (code === errorCode('UNKNOWN_MEMBER_ID')) member.memberId = '';
  };
  await Promise.all(members.map(async (member) => {
    let joined = false;
    while (!allSettled() && Date.now() < deadline) {
      if (!joined) {
        // A target without KIP-394 lets the first join through: that join is the member's join.
        const first = member.memberId === '' ? await joinOnceLoaded(member, MEMBER_ID_REQUIRED) : undefined;
        const join = first?.errorCode === 0 ? first : await joinOnceLoaded(member);
        if (join?.errorCode !== 0) {
          // A join a client would not retry (INCONSISTENT_GROUP_PROTOCOL, GROUP_MAX_SIZE_REACHED, ...): this member stops.
          // No answer at all (the connection closed, or the join timed out) ends it too: the history says why.
          if (join === undefined || !RETRIED_JOIN_ERRORS.some((name) => errorCode(name) === join.errorCode)) return;
          rejoinOn(join?.errorCode, member);
          await pause(STABILIZE_HEARTBEAT_MS);
          continue;
        }
        const sync = await member.sync(partitions);
        // Only the errors that send a client back to join do; an answer the workload could not read
        // (recorded as such) leaves the member heartbeating in the generation it joined.
        if (sync !== undefined && REJOIN_ERRORS.some((name) => errorCode(name) === sync.errorCode)) {
          rejoinOn(sync.errorCode, member);
          continue;
        }
        joined = true;
      }
      const beat = await member.heartbeat();
      if (beat?.errorCode === 0) settled.set(member, member.generationId);
      else if (beat !== undefined && REJOIN_ERRORS.some((name) => errorCode(name) === beat.errorCode)) {
        joined = false;
        rejoinOn(beat.errorCode, member);
        continue;
      } else settled.delete(member);
      if (!allSettled()) await pause(STABILIZE_HEARTBEAT_MS);
    }
  }));
  return allSettled();
}

/**
 * FindCoordinator answers COORDINATOR_NOT_AVAILABLE while the group's __consumer_offsets partition
 * has no leader yet (KafkaApis.getCoordinator, e.g. right after the topic's creation), a retriable
 * error clients retry; so does the workload, a bounded number of times.
 */
const FIND_COORDINATOR_ATTEMPTS = 30;
const FIND_COORDINATOR_BACKOFF_MS = 200;

export async function coordinatorConnections(context: CheckContext, groupId: string, count: number): Promise<BrokerConnection[]> {
  let coordinator = -1;
  for (let attempt = 0; attempt < FIND_COORDINATOR_ATTEMPTS && coordinator < 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, FIND_COORDINATOR_BACKOFF_MS));
    const answer = await context.recorder.op(0, 'find-coordinator', { groupId }, async () => {
      const answer = await context.client.findCoordinator(groupId);
      if (answer.errorCode === 0) coordinator = answer.nodeId;
      return { value: { nodeId: answer.nodeId }, errorCode: answer.errorCode };
    }, { expect: ['NONE', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS'], source: 'KafkaApis.handleFindCoordinatorRequest (the leader of the group\'s __consumer_offsets partition; COORDINATOR_NOT_AVAILABLE while it has none)' });
    if (answer?.errorCode !== errorCode('COORDINATOR_NOT_AVAILABLE') && answer?.errorCode !== errorCode('COORDINATOR_LOAD_IN_PROGRESS')) break;
  }
  if (coordinator < 0) throw new Error(`no coordinator (FindCoordinator answered ${context.recorder.history.at(-1)?.error ?? 'nothing'})`);
  return Promise.all(Array.from({ length: count }, () => context.client.openConnection(coordinator)));
}

function closeAll(connections: readonly BrokerConnection[]): void {
  for (const connection of connections) connection.close();
}

/**
 * A second join phase: the leader rejoins, which in Stable starts a rebalance
 * (GroupMetadataManager.classicGroupJoinExistingMember: the leader's join, or changed metadata);
 * the follower learns of it from its heartbeat (REBALANCE_IN_PROGRESS) and rejoins. Both then hold a
 * later generation than before (initNextGeneration). A follower rejoining first with unchanged
 * metadata would be answered the current generation, which is why the leader goes first.
 */
async function rejoinAfterLeader(a: Member, b: Member, partitions: number): Promise<void> {
  const [leader, follower] = a.isLeader ? [a, b] : [b, a];
  const leaderJoin = leader.join({ expect: ['NONE'], source: 'GroupMetadataManager.classicGroupJoinExistingMember (the leader rejoins: a new join phase)' });
  for (let attempt = 0; attempt < REJOIN_POLLS; attempt++) {
    const beat = await follower.heartbeat();
    if (beat === undefined || beat.errorCode !== 0) break;
    await new Promise((resolve) => setTimeout(resolve, REJOIN_POLL_MS));
  }
  const followerJoin = follower.join({ expect: ['NONE'], source: 'GroupMetadataManager.classicGroupJoinExistingMember (PreparingRebalance: the member joins the phase)' });
  const [joinedLeader, joinedFollower] = await Promise.all([leaderJoin, followerJoin]);
  if (joinedLeader?.errorCode === 0) await leader.sync(partitions);
  if (joinedFollower?.errorCode === 0) await follower.sync(partitions);
}

const REJOIN_POLLS = 50;
const REJOIN_POLL_MS = 100;

/** `secondPhase`: the leader then rejoins, so the history shows a generation change (CG-GEN-1). */
/**
 * Two members join and the group is judged; with `judged`, only the anomalies of those clauses
 * count (a check judges what it declares: whether the members' concurrent joins take one join
 * phase or two is timing, so a check that does not declare CG-GEN-1 must not fail on it).
 */
async function twoMembersJoin(context: CheckContext, protocolsA: readonly string[], protocolsB: readonly string[], secondPhase: boolean, judged?: readonly string[]) {
  const topic = await context.topic('t', 4);
  const groupId = context.name('g');
  const connections = await coordinatorConnections(context, groupId, 2);
  try {
    const a = new Member(context, 1, connections[0]!, groupId, topic.name, protocolsA);
    const b = new Member(context, 2, connections[1]!, groupId, topic.name, protocolsB);
    if ((await stabilize([a, b], topic.partitions.length)) && secondPhase) await rejoinAfterLeader(a, b, topic.partitions.length);
    await Promise.all([a.leave(), b.leave()]);
  } finally {
    closeAll(connections);
  }
  const judgedAll = combine(checkExpectedOutcomes(context.recorder.history, ErrorCodes.id), checkClassicGroup(context.recorder.history, CLAUSES));
  return judged === undefined ? judgedAll : judgement(judgedAll.anomalies.filter((a) => judged.includes(a.clauseId)), judgedAll.unknowns);
}

export const joinAndSync: Check = {
  id: 'groups/join-sync',
  suite: 'groups',
  title: 'JoinGroup: MEMBER_ID_REQUIRED first, then one generation, a leader among the members; SyncGroup hands out the leader\'s assignment; the leader\'s rejoin starts a later generation',
  clauses: [ErrorCodes.id, GenerationPerJoinPhase.id, LeaderIsMember.id, OneOwnerInStableGeneration.id],
  needs: GROUP_NEEDS,
  run: (context) => twoMembersJoin(context, ['range', 'roundrobin'], ['range', 'roundrobin'], true),
};

/** Runs last in the suite: a target that cannot choose between protocols may fall over (the librdkafka mock aborts). */
export const protocolChoice: Check = {
  id: 'groups/protocol-choice',
  suite: 'groups',
  title: 'Members whose first choices differ get a protocol every member offered (ClassicGroup.selectProtocol)',
  clauses: [LeaderIsMember.id, ErrorCodes.id],
  needs: GROUP_NEEDS,
  // The second member offers only roundrobin: the group must choose it.
  run: (context) => twoMembersJoin(context, ['range', 'roundrobin'], ['roundrobin'], false, [LeaderIsMember.id, ErrorCodes.id]),
};

const GEN_SOURCE = 'GroupMetadataManager.classicGroupHeartbeat / validateClassicGroupHeartbeat (unknown member: UNKNOWN_MEMBER_ID; other generation: ILLEGAL_GENERATION; rebalancing: REBALANCE_IN_PROGRESS)';
const COMMIT_SOURCE = 'OffsetMetadataManager.validateOffsetCommit → ClassicGroup.validateOffsetCommit (unknown member: UNKNOWN_MEMBER_ID; other generation: ILLEGAL_GENERATION; an Empty group accepts generation -1 from no member)';

export const generationRules: Check = {
  id: 'groups/generation-rules',
  suite: 'groups',
  title: 'Heartbeat, OffsetCommit and LeaveGroup follow the generation rules; OffsetFetch returns the last accepted commit, in Stable, PreparingRebalance and Empty',
  clauses: [ErrorCodes.id, CommitFencedByGeneration.id],
  needs: [...GROUP_NEEDS, { apiKey: ApiKey.OffsetCommit, minVersion: 1 }, { apiKey: ApiKey.OffsetFetch, minVersion: 1 }],
  async run(context) {
    const topic = await context.topic('t', 2);
    const groupId = context.name('g');
    const connections = await coordinatorConnections(context, groupId, 2);
    try {
      const a = new Member(context, 1, connections[0]!, groupId, topic.name, ['range']);
      const b = new Member(context, 2, connections[1]!, groupId, topic.name, ['range']);
      if (!(await stabilize([a, b], topic.partitions.length))) throw new Error('the group did not stabilize');
      const generation = a.generationId;
      const expect = (name: string, source: string) => ({ expect: [name], source, clause: ErrorCodes.id });
      await a.heartbeat(expect('ILLEGAL_GENERATION', GEN_SOURCE), { generationId: generation + 1 });
      await a.heartbeat(expect('UNKNOWN_MEMBER_ID', GEN_SOURCE), { memberId: `${a.memberId}-unknown` });
      // Stable:
      await a.commit(5, expect('NONE', COMMIT_SOURCE));
      await a.commit(6, { ...expect('ILLEGAL_GENERATION', COMMIT_SOURCE), clause: CommitFencedByGeneration.id }, { generationId: generation + 1 });
      // A zombie of the previous generation (a group's first generation is 1: initNextGeneration from 0).
      await a.commit(6, { ...expect('ILLEGAL_GENERATION', COMMIT_SOURCE), clause: CommitFencedByGeneration.id }, { generationId: generation - 1 });
      await a.commit(7, { ...expect('UNKNOWN_MEMBER_ID', COMMIT_SOURCE), clause: CommitFencedByGeneration.id }, { memberId: `${a.memberId}-unknown` });
      await a.fetchOffset(expect('NONE', 'OffsetMetadataManager.fetchOffsets'));
      // b leaves: the group prepares a rebalance; b is gone, a must rejoin.
      await b.leave(expect('NONE', 'GroupMetadataManager.classicGroupLeave'));
      await b.heartbeat(expect('UNKNOWN_MEMBER_ID', GEN_SOURCE));
      await a.heartbeat(expect('REBALANCE_IN_PROGRESS', GEN_SOURCE));
      // PreparingRebalance: a member of the current generation may still commit.
      await a.commit(8, expect('NONE', `${COMMIT_SOURCE}; PreparingRebalance accepts the current generation`));
      await a.leave(expect('NONE', 'GroupMetadataManager.classicGroupLeave'));
      // Empty: a commit from no member (generation -1), as an admin or a manually assigned consumer makes.
      await a.commit(9, expect('NONE', COMMIT_SOURCE), { memberId: '', generationId: -1 });
      await a.fetchOffset(expect('NONE', 'OffsetMetadataManager.fetchOffsets'));
    } finally {
      closeAll(connections);
    }
    return combine(checkExpectedOutcomes(context.recorder.history, ErrorCodes.id), checkClassicGroup(context.recorder.history, CLAUSES));
  },
};

const STATIC_SOURCE = 'GroupMetadataManager.classicGroupJoinExistingStaticMember (a known group.instance.id joining with an empty member id replaces the old member id); ClassicGroup.validateMember (the old id: FENCED_INSTANCE_ID)';

const STATIC_REJOIN_SOURCE = 'GroupMetadataManager.updateStaticMemberThenRebalanceOrCompleteJoin (Stable, the selected protocol unchanged: no rebalance, the current generation and assignment)';

export const staticMembership: Check = {
  id: 'groups/static-membership',
  suite: 'groups',
  title: 'A static member rejoining with its group.instance.id gets a new member id and keeps the generation and its assignment; the old member id is FENCED_INSTANCE_ID',
  clauses: [StaticMembersMapped.id, ErrorCodes.id],
  needs: [{ apiKey: ApiKey.FindCoordinator, minVersion: 0 }, { apiKey: ApiKey.JoinGroup, minVersion: 5 }, { apiKey: ApiKey.SyncGroup, minVersion: 3 }, { apiKey: ApiKey.Heartbeat, minVersion: 3 }, { apiKey: ApiKey.LeaveGroup, minVersion: 3 }],
  async run(context) {
    const topic = await context.topic('t', 2);
    const groupId = context.name('g');
    const instanceId = context.name('instance');
    const connections = await coordinatorConnections(context, groupId, 2);
    const kept: string[] = [];
    const moved: string[] = [];
    try {
      const first = new Member(context, 1, connections[0]!, groupId, topic.name, ['range'], instanceId);
      // A static member is not asked for MEMBER_ID_REQUIRED: its first join is its join.
      await first.join({ expect: ['NONE'], source: 'GroupMetadataManager.classicGroupJoinNewMember (static members join at once)', clause: ErrorCodes.id });
      const before = await first.sync(topic.partitions.length, { expect: ['NONE'], source: 'GroupMetadataManager.classicGroupSync' });
      // The same instance restarted: a new process, no member id.
      const restarted = new Member(context, 2, connections[1]!, groupId, topic.name, ['range'], instanceId);
      await restarted.join({ expect: ['NONE'], source: STATIC_SOURCE, clause: StaticMembersMapped.id });
      if (restarted.memberId === first.memberId) kept.push(first.memberId);
      // Its protocols are unchanged, so the Stable group does not rebalance: the same generation,
      // and SyncGroup hands the new member id the old one's assignment (KIP-345: a bounce costs no rebalance).
      if (restarted.generationId !== first.generationId) moved.push(`the rejoin of ${instanceId} in a Stable group with unchanged protocols started generation ${restarted.generationId} (was ${first.generationId}): a rebalance`);
      else {
        const after = await restarted.sync(topic.partitions.length, { expect: ['NONE'], source: STATIC_REJOIN_SOURCE, clause: StaticMembersMapped.id });
        const [was, now] = [(before?.value as { assignment?: string } | undefined)?.assignment, (after?.value as { assignment?: string } | undefined)?.assignment];
        if (was !== undefined && now !== undefined && was !== now) moved.push(`the rejoin of ${instanceId} was handed assignment ${now}, not the ${was} its old member id held`);
      }
      await first.heartbeat({ expect: ['FENCED_INSTANCE_ID'], source: STATIC_SOURCE, clause: StaticMembersMapped.id });
      await restarted.leave({ expect: ['NONE'], source: 'GroupMetadataManager.classicGroupLeave' });
    } finally {
      closeAll(connections);
    }
    // Not checkClassicGroup: replacing a static member hands its leadership to the new member id within one generation.
    const replaced = judgement([
      ...kept.map((id) => ({ name: 'instance-not-replaced', clauseId: StaticMembersMapped.id, detail: `the rejoin of ${instanceId} kept member id ${id}`, ops: [] })),
      ...moved.map((detail) => ({ name: 'static-rejoin-rebalanced', clauseId: StaticMembersMapped.id, detail, ops: [] })),
    ]);
    return combine(checkExpectedOutcomes(context.recorder.history, ErrorCodes.id), replaced);
  },
};

export const groupChecks: readonly Check[] = [joinAndSync, generationRules, staticMembership, protocolChoice];


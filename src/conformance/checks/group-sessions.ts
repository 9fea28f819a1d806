/**
 * Classic groups over time: a member that goes silent is expired after its session timeout and
 * the group rebalances without it (CG-SESSION-1); offsets committed before a rebalance are what
 * the partition's next owner fetches and resumes from (CG-RESUME-1).
 */
import { checkClassicGroup, checkExpectedOutcomes, combine } from '../../../spec/conformance/checkers.js';
import { ErrorCodes } from '../../../spec/conformance/clauses.js';
import { SessionExpiry, checkResume, checkSessionExpiry } from '../../../spec/conformance/groups.js';
import { CommitFencedByGeneration, GenerationPerJoinPhase, LeaderIsMember, OneOwnerInStableGeneration, ResumeFromCommitted } from '../../../spec/groups/clauses.js';
import { ApiKey } from '../../client/index.js';
import type { OffsetCommitResponseData } from '../../protocol/wire/generated/OffsetCommitResponse.js';
import type { OffsetFetchResponseData } from '../../protocol/wire/generated/OffsetFetchResponse.js';
import { requestBody } from '../../client/index.js';
import type { Check, CheckContext } from '../check.js';
import { type Expectation, fetch, produce } from '../ops.js';
import { GROUP_NEEDS, Member, coordinatorConnections, stabilize } from './groups.js';

const CLASSIC_CLAUSES = { generation: GenerationPerJoinPhase.id, leader: LeaderIsMember.id, assignment: OneOwnerInStableGeneration.id, commit: CommitFencedByGeneration.id };
/** Kafka's default group.min.session.timeout.ms: the shortest session a default broker accepts. */
const SESSION_TIMEOUT_MS = 6_000;
/** How long past the session timeout the coordinator may take to notice (its timer, one heartbeat of the survivor). */
const EXPIRY_GRACE_MS = 4_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
const OFFSET_FETCH_MAX_VERSION = 7;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The partitions of `topic` in a ConsumerProtocolAssignment (any version: v1+ only appends fields). */
export function assignedPartitions(hexBytes: string, topic: string): number[] {
  const bytes = Buffer.from(hexBytes, 'hex');
  if (bytes.length < 6) return [];
  let at = 2;
  const topics = bytes.readInt32BE(at);
  at += 4;
  const out: number[] = [];
  for (let t = 0; t < topics && at + 2 <= bytes.length; t++) {
    const length = bytes.readInt16BE(at);
    const name = bytes.subarray(at + 2, at + 2 + length).toString();
    at += 2 + length;
    const count = bytes.readInt32BE(at);
    at += 4;
    for (let i = 0; i < count; i++, at += 4) if (name === topic) out.push(bytes.readInt32BE(at));
  }
  return out.sort((a, b) => a - b);
}

async function commitPartition(member: Member, partition: number, offset: number, expectation: Expectation = {}): Promise<void> {
  const { context, groupId, topic } = member;
  await context.recorder.op(member.process, 'offset-commit', { partition: `${topic}-${partition}`, offset, memberId: member.memberId, generationId: member.generationId }, async () => {
    const version = context.client.versionFor(ApiKey.OffsetCommit)!;
    const { body } = await member.connection.request<OffsetCommitResponseData>(ApiKey.OffsetCommit, version, requestBody(ApiKey.OffsetCommit, version, {
      groupId, generationIdOrMemberEpoch: member.generationId, memberId: member.memberId, groupInstanceId: member.groupInstanceId,
      topics: [{ name: topic, partitions: [{ partitionIndex: partition, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: '' }] }],
    }), context.client.requestTimeoutMs);
    return { value: {}, errorCode: body.topics[0]?.partitions[0]?.errorCode ?? -1 };
  }, expectation);
}

async function fetchCommitted(member: Member, partition: number): Promise<number | undefined> {
  const { context, groupId, topic } = member;
  let offset: number | undefined;
  await context.recorder.op(member.process, 'offset-fetch', { partition: `${topic}-${partition}` }, async () => {
    const version = context.client.versionFor(ApiKey.OffsetFetch, OFFSET_FETCH_MAX_VERSION)!;
    const { body } = await member.connection.request<OffsetFetchResponseData>(ApiKey.OffsetFetch, version, requestBody(ApiKey.OffsetFetch, version, { groupId, topics: [{ name: topic, partitionIndexes: [partition] }] }), context.client.requestTimeoutMs);
    const answer = body.topics[0]?.partitions[0];
    offset = Number(answer?.committedOffset ?? -1n);
    return { value: { partition: `${topic}-${partition}`, offset }, errorCode: body.errorCode !== 0 ? body.errorCode : (answer?.errorCode ?? -1) };
  }, { expect: ['NONE'], source: 'OffsetMetadataManager.fetchOffsets', clause: ErrorCodes.id });
  return offset;
}

function lastAssignment(context: CheckContext, member: Member): number[] {
  const syncs = context.recorder.history.filter((op) => op.process === member.process && op.f === 'sync-group' && op.type === 'ok');
  const hex = (syncs.at(-1)?.value as { assignment?: string } | undefined)?.assignment;
  return hex === undefined ? [] : assignedPartitions(hex, member.topic);
}

const EXPIRY_SOURCE = 'GroupMetadataManager.classicGroupMemberHeartbeatExpiration → removeMemberAndUpdateClassicGroup; classicGroupHeartbeat / ClassicGroup.validateOffsetCommit (an expired member is unknown)';

export const sessionTimeout: Check = {
  id: 'groups/session-timeout',
  suite: 'groups',
  title: 'A member that stops heartbeating is removed after session.timeout.ms: the group rebalances without it, and its heartbeats and commits are UNKNOWN_MEMBER_ID',
  // checkClassicGroup judges the generation, the leader and the assignment of both join phases too.
  clauses: [SessionExpiry.id, ErrorCodes.id, CommitFencedByGeneration.id, GenerationPerJoinPhase.id, LeaderIsMember.id, OneOwnerInStableGeneration.id],
  needs: [...GROUP_NEEDS, { apiKey: ApiKey.OffsetCommit, minVersion: 1 }],
  async run(context) {
    const topic = await context.topic('t', 2);
    const groupId = context.name('g');
    const connections = await coordinatorConnections(context, groupId, 2);
    const survivor = new Member(context, 1, connections[0]!, groupId, topic.name, ['range'], null, SESSION_TIMEOUT_MS);
    const silent = new Member(context, 2, connections[1]!, groupId, topic.name, ['range'], null, SESSION_TIMEOUT_MS);
    try {
      if (!(await stabilize([survivor, silent], topic.partitions.length))) return unstable(context, 'the group did not stabilize');
      const silentGeneration = silent.generationId;
      // The silent member sends nothing from here on; the survivor keeps its own session alive.
      const deadline = Date.now() + SESSION_TIMEOUT_MS + EXPIRY_GRACE_MS + HEARTBEAT_INTERVAL_MS;
      let rebalancing = false;
      while (!rebalancing && Date.now() < deadline) {
        await sleep(HEARTBEAT_INTERVAL_MS);
        rebalancing = (await survivor.heartbeat())?.errorCode === 27; // REBALANCE_IN_PROGRESS
      }
      if (rebalancing) {
        await survivor.join({ expect: ['NONE'], source: 'GroupMetadataManager.classicGroupJoinExistingMember' });
        await survivor.sync(topic.partitions.length, { expect: ['NONE'], source: 'GroupMetadataManager.classicGroupSync' });
        await silent.heartbeat({ expect: ['UNKNOWN_MEMBER_ID'], source: EXPIRY_SOURCE, clause: SessionExpiry.id });
        await silent.commit(1, { expect: ['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION'], source: EXPIRY_SOURCE, clause: CommitFencedByGeneration.id }, { generationId: silentGeneration });
      }
      await survivor.leave();
    } finally {
      for (const connection of connections) connection.close();
    }
    const history = context.recorder.history;
    return combine(
      checkExpectedOutcomes(history, ErrorCodes.id),
      checkSessionExpiry(history, { silent: silent.memberId, survivor: survivor.memberId, sessionTimeoutMs: SESSION_TIMEOUT_MS, graceMs: EXPIRY_GRACE_MS }, SessionExpiry.id),
      checkClassicGroup(history, CLASSIC_CLAUSES),
    );
  },
};

const RECORDS_PER_PARTITION = 6;

export const commitResume: Check = {
  id: 'groups/commit-resume',
  suite: 'groups',
  title: 'Offsets committed before a rebalance survive it: the partition\'s new owner fetches them and resumes reading there',
  // A current member's commit must be accepted: an error-code rule. Fencing (CG-COMMIT-3) needs a stale
  // commit, which groups/session-timeout and groups/generation-rules send; this check sends none.
  // The rebalance is judged by checkClassicGroup as well: generation, leader, assignment.
  clauses: [ResumeFromCommitted.id, ErrorCodes.id, GenerationPerJoinPhase.id, LeaderIsMember.id, OneOwnerInStableGeneration.id],
  needs: [...GROUP_NEEDS, { apiKey: ApiKey.OffsetCommit, minVersion: 1 }, { apiKey: ApiKey.OffsetFetch, minVersion: 1 }, { apiKey: ApiKey.Produce, minVersion: 3 }, { apiKey: ApiKey.Fetch, minVersion: 4 }],
  async run(context) {
    const topic = await context.topic('t', 4);
    const partitions = topic.partitions.length;
    for (let p = 0; p < partitions; p++) {
      await produce(context, 0, { topic: topic.name, partition: p, acks: -1, values: Array.from({ length: RECORDS_PER_PARTITION }, (_, i) => `${p}-${i}`) }, { expect: ['NONE'] });
    }
    const groupId = context.name('g');
    const connections = await coordinatorConnections(context, groupId, 2);
    const a = new Member(context, 1, connections[0]!, groupId, topic.name, ['range']);
    const b = new Member(context, 2, connections[1]!, groupId, topic.name, ['range']);
    try {
      if (!(await stabilize([a, b], partitions))) return unstable(context, 'the group did not stabilize');
      const owned = new Map<Member, number[]>([[a, lastAssignment(context, a)], [b, lastAssignment(context, b)]]);
      // Each member consumes part of its partitions and commits the next offset to read (from the seed).
      for (const [member, mine] of owned) {
        for (const p of mine) await commitPartition(member, p, context.random.int(1, RECORDS_PER_PARTITION - 1), { expect: ['NONE'], source: 'OffsetMetadataManager.commitOffset (a member of the current generation)', clause: ErrorCodes.id });
      }
      // b leaves: a rebalance hands every partition to a.
      await b.leave({ expect: ['NONE'], source: 'GroupMetadataManager.classicGroupLeave' });
      if (!(await stabilize([a], partitions))) return unstable(context, 'the group did not stabilize after the leave');
      const nowOwned = lastAssignment(context, a);
      for (const p of nowOwned) {
        const committed = await fetchCommitted(a, p);
        if (committed !== undefined && committed >= 0) await fetch(context, 1, { topic: topic.name, partition: p, fetchOffset: committed, f: 'resume-read' });
      }
      await a.leave();
    } finally {
      for (const connection of connections) connection.close();
    }
    const history = context.recorder.history;
    return combine(checkExpectedOutcomes(history, ErrorCodes.id), checkResume(history, ResumeFromCommitted.id), checkClassicGroup(history, CLASSIC_CLAUSES));
  },
};

export const groupSessionChecks: readonly Check[] = [sessionTimeout, commitResume];

/**
 * The group never settled, so the check's own question has no answer; but what the join phases
 * already showed is judged: a generation that did not move, a leader outside the group or a wrong
 * assignment is a failure whether or not the workload got further.
 */
function unstable(context: CheckContext, why: string): ReturnType<typeof checkClassicGroup> {
  const seen = checkClassicGroup(context.recorder.history, CLASSIC_CLAUSES);
  if (seen.verdict === 'invalid') return seen;
  throw new Error(why);
}

/**
 * The classic group APIs (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and the offset APIs
 * (OffsetCommit, OffsetFetch), each turned into the group coordinator machine's message on this
 * broker. The coordinator machine decides everything (NOT_COORDINATOR when this broker does not
 * lead the group's __consumer_offsets partition, MEMBER_ID_REQUIRED, rebalances, generations,
 * fencing); the gateway only translates the framing: a group per request, Kafka's topic →
 * partitions nesting, and the embedded consumer protocol (./embedded-protocol).
 */
import type {
  HeartbeatRequestData, JoinGroupRequestData, LeaveGroupRequestData, OffsetCommitRequestData, OffsetFetchRequestData, SyncGroupRequestData,
} from '../../protocol/wire/generated/index.js';
import { errorCode } from '../../protocol/errors.js';
import { safeInt64 } from './int64.js';
import type {
  HeartbeatResponse, JoinGroupResponse, LeaveGroupResponse, OffsetCommitResponse, OffsetFetchResponse, SyncGroupResponse,
} from '../../protocol/groups/messages.js';
import type { Gateway, Handled, RequestContext } from './gateway.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './embedded-protocol.js';
import type { ConsumerProtocolSubscription } from '../../protocol/groups/consumer-protocol.js';

const CONSUMER_PROTOCOL_TYPE = 'consumer';
/** Embedded-protocol bytes remembered per member, at most this many (the oldest go first). */
const REMEMBERED_MAX = 100_000;

/** The members' own bytes, so the leader and each member get back exactly what was sent. */
class EmbeddedBytes {
  private readonly byKey = new Map<string, Uint8Array>();

  put(key: string, bytes: Uint8Array): void {
    this.byKey.delete(key);
    this.byKey.set(key, bytes.slice());
    if (this.byKey.size > REMEMBERED_MAX) this.byKey.delete(this.byKey.keys().next().value as string);
  }

  take(key: string): Uint8Array | undefined {
    const bytes = this.byKey.get(key);
    this.byKey.delete(key);
    return bytes;
  }

  get(key: string): Uint8Array | undefined {
    return this.byKey.get(key);
  }
}

const remembered = new WeakMap<Gateway, { subscriptions: EmbeddedBytes; assignments: EmbeddedBytes }>();

function memory(gateway: Gateway): { subscriptions: EmbeddedBytes; assignments: EmbeddedBytes } {
  let m = remembered.get(gateway);
  if (m === undefined) remembered.set(gateway, (m = { subscriptions: new EmbeddedBytes(), assignments: new EmbeddedBytes() }));
  return m;
}

const coordinator = (request: RequestContext) => request.gateway.node.id;
const timedOut = errorCode('REQUEST_TIMED_OUT');

export async function handleJoinGroup(request: RequestContext): Promise<Handled> {
  const body = request.body as JoinGroupRequestData;
  const { subscriptions } = memory(request.gateway);
  const refuse = (code: number): Handled => ({ throttleTimeMs: 0, errorCode: code, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: body.memberId, members: [] });
  if (body.protocolType !== CONSUMER_PROTOCOL_TYPE) return refuse(errorCode('INCONSISTENT_GROUP_PROTOCOL'));
  const protocols: { name: string; metadata: ConsumerProtocolSubscription }[] = [];
  for (const p of body.protocols) {
    const metadata = decodeSubscription(p.metadata);
    if (metadata === null) return refuse(errorCode('INCONSISTENT_GROUP_PROTOCOL'));
    protocols.push({ name: p.name, metadata });
    if (body.memberId !== '') subscriptions.put(`${body.groupId}\0${body.memberId}\0${p.name}`, p.metadata);
  }
  const join = (memberId: string) => request.gateway.ask<JoinGroupResponse>(request.clientId, coordinator(request), {
    type: 'JoinGroup', groupId: body.groupId, sessionTimeoutMs: body.sessionTimeoutMs,
    rebalanceTimeoutMs: request.version >= 1 ? body.rebalanceTimeoutMs : body.sessionTimeoutMs,
    memberId, groupInstanceId: request.version >= 5 ? body.groupInstanceId : null, protocolType: body.protocolType, protocols,
    reason: request.version >= 8 ? body.reason : null,
  });
  let answer = await join(body.memberId);
  // KIP-394: only v4+ joins get MEMBER_ID_REQUIRED (GroupCoordinator's requireKnownMemberId); an
  // older client is added under the id the coordinator gave it in the same request.
  if (answer !== undefined && request.version < 4 && answer.errorCode === errorCode('MEMBER_ID_REQUIRED')) answer = await join(answer.memberId);
  if (answer === undefined) return refuse(timedOut);
  return {
    throttleTimeMs: 0, errorCode: answer.errorCode, generationId: answer.generationId, protocolType: answer.protocolType, protocolName: answer.protocolName,
    leader: answer.leader, skipAssignment: answer.skipAssignment, memberId: answer.memberId,
    members: answer.members.map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId,
      metadata: subscriptions.get(`${body.groupId}\0${m.memberId}\0${answer.protocolName ?? ''}`) ?? encodeSubscription(m.metadata),
    })),
  };
}

export async function handleSyncGroup(request: RequestContext): Promise<Handled> {
  const body = request.body as SyncGroupRequestData;
  const { assignments } = memory(request.gateway);
  const refuse = (code: number): Handled => ({ throttleTimeMs: 0, errorCode: code, protocolType: null, protocolName: null, assignment: new Uint8Array(0) });
  const decoded = [];
  for (const a of body.assignments) {
    const assignment = decodeAssignment(a.assignment);
    if (assignment === null) return refuse(errorCode('INCONSISTENT_GROUP_PROTOCOL'));
    decoded.push({ memberId: a.memberId, assignment });
    assignments.put(`${body.groupId}\0${body.generationId}\0${a.memberId}`, a.assignment);
  }
  const answer = await request.gateway.ask<SyncGroupResponse>(request.clientId, coordinator(request), {
    type: 'SyncGroup', groupId: body.groupId, generationId: body.generationId, memberId: body.memberId,
    groupInstanceId: request.version >= 3 ? body.groupInstanceId : null,
    protocolType: request.version >= 5 ? body.protocolType : null, protocolName: request.version >= 5 ? body.protocolName : null,
    assignments: decoded,
  });
  if (answer === undefined) return refuse(timedOut);
  const own = assignments.take(`${body.groupId}\0${body.generationId}\0${body.memberId}`);
  return {
    throttleTimeMs: 0, errorCode: answer.errorCode, protocolType: answer.protocolType, protocolName: answer.protocolName,
    assignment: answer.errorCode !== 0 ? new Uint8Array(0) : own ?? encodeAssignment(answer.assignment),
  };
}

export async function handleHeartbeat(request: RequestContext): Promise<Handled> {
  const body = request.body as HeartbeatRequestData;
  const answer = await request.gateway.ask<HeartbeatResponse>(request.clientId, coordinator(request), {
    type: 'Heartbeat', groupId: body.groupId, generationId: body.generationId, memberId: body.memberId, groupInstanceId: request.version >= 3 ? body.groupInstanceId : null,
  });
  return { throttleTimeMs: 0, errorCode: answer?.errorCode ?? timedOut };
}

export async function handleLeaveGroup(request: RequestContext): Promise<Handled> {
  const body = request.body as LeaveGroupRequestData;
  // v0-2 name one member; v3+ a batch of identities (KIP-345).
  const members = request.version >= 3
    ? body.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: request.version >= 5 ? m.reason : null }))
    : [{ memberId: body.memberId, groupInstanceId: null, reason: null }];
  const answer = await request.gateway.ask<LeaveGroupResponse>(request.clientId, coordinator(request), { type: 'LeaveGroup', groupId: body.groupId, members });
  if (answer === undefined) return { throttleTimeMs: 0, errorCode: timedOut, members: [] };
  // v0-2 have no per-member answers: a member's error is the request's.
  const errorOf = answer.errorCode !== 0 || request.version >= 3 ? answer.errorCode : (answer.members[0]?.errorCode ?? 0);
  return { throttleTimeMs: 0, errorCode: errorOf, members: answer.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode })) };
}

export async function handleOffsetCommit(request: RequestContext): Promise<Handled> {
  const body = request.body as OffsetCommitRequestData;
  // An offset past 2^53 cannot be kept here: that partition is refused, the others committed.
  const unrepresentable = new Set<string>();
  const partitions = body.topics.flatMap((t) => t.partitions.flatMap((p) => {
    const committedOffset = safeInt64(p.committedOffset);
    if (committedOffset === null) {
      unrepresentable.add(`${t.name}\0${p.partitionIndex}`);
      return [];
    }
    return [{ topic: t.name, partition: p.partitionIndex, committedOffset, committedLeaderEpoch: request.version >= 6 ? p.committedLeaderEpoch : -1, committedMetadata: p.committedMetadata }];
  }));
  const answer = await request.gateway.ask<OffsetCommitResponse>(request.clientId, coordinator(request), {
    type: 'OffsetCommit', groupId: body.groupId, generationIdOrMemberEpoch: body.generationIdOrMemberEpoch, memberId: body.memberId,
    groupInstanceId: request.version >= 7 ? body.groupInstanceId : null, partitions,
  });
  const errorFor = (topic: string, partition: number): number =>
    unrepresentable.has(`${topic}\0${partition}`) ? errorCode('INVALID_REQUEST')
    : answer === undefined ? timedOut : (answer.partitions.find((p) => p.topic === topic && p.partition === partition)?.errorCode ?? errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
  return {
    throttleTimeMs: 0,
    topics: body.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorFor(t.name, p.partitionIndex) })) })),
  };
}

export async function handleOffsetFetch(request: RequestContext): Promise<Handled> {
  const body = request.body as OffsetFetchRequestData;
  if (request.version >= 8) {
    const groups = await Promise.all(body.groups.map(async (g) => {
      const answer = await fetchGroup(request, g.groupId, g.memberId, g.memberEpoch, g.topics, body.requireStable);
      return { groupId: g.groupId, errorCode: answer.errorCode, topics: answer.topics };
    }));
    return { throttleTimeMs: 0, groups };
  }
  const answer = await fetchGroup(request, body.groupId, null, -1, body.topics, request.version >= 7 && body.requireStable);
  return { throttleTimeMs: 0, errorCode: answer.errorCode, topics: answer.topics };
}

async function fetchGroup(request: RequestContext, groupId: string, memberId: string | null, memberEpoch: number, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable: boolean) {
  const partitions = topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
  const answer = await request.gateway.ask<OffsetFetchResponse>(request.clientId, coordinator(request), {
    type: 'OffsetFetch', groupId, memberId: request.version >= 9 ? memberId : null, memberEpoch: request.version >= 9 ? memberEpoch : -1, partitions, requireStable,
  });
  if (answer === undefined) return { errorCode: timedOut, topics: [] };
  const byTopic = new Map<string, Record<string, unknown>[]>();
  for (const p of answer.partitions) {
    const list = byTopic.get(p.topic) ?? [];
    list.push({ partitionIndex: p.partition, committedOffset: BigInt(p.committedOffset), committedLeaderEpoch: p.committedLeaderEpoch, metadata: p.metadata, errorCode: p.errorCode });
    byTopic.set(p.topic, list);
  }
  return { errorCode: answer.errorCode, topics: [...byTopic].map(([name, list]) => ({ name, partitions: list })) };
}

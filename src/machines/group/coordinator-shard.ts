/**
 * One partition of __consumer_offsets as a group coordinator shard (GroupCoordinatorShard): its
 * classic groups, its KIP-848 consumer groups and their committed offsets. Requests go to the
 * rules of the group's kind; offsets are kept here (OffsetMetadataManager), with the commit checked
 * by the group it belongs to.
 *
 * The state is exactly what replaying the partition's records gives (plus the timers and parked
 * requests of live members): `replayShardRecord` is how a new coordinator rebuilds it.
 */
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import type {
  ConsumerGroupHeartbeatRequest, GroupRequest, HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest, OffsetCommitRequest, OffsetFetchRequest,
  OffsetFetchResponse, SyncGroupRequest,
} from '../../protocol/groups/messages.js';
import { classicValidateOffsetCommit, createSimpleGroup, emptyClassicGroups, replayGroupMetadata, type ClassicGroupsState } from './classic.js';
import { classicTimerEventOf } from './classic-group-machine.js';
import { stepClassicGroup } from './classic-group-host.js';
import {
  consumerGroupValidateOffsetCommit, consumerGroupValidateOffsetFetch, emptyConsumerGroups, replayConsumerGroupRecord, type ConsumerGroupsState,
} from './consumer-group.js';
import { consumerTimerEventOf, stepConsumerGroup } from './consumer-group-machine.js';
import { errorResponseFor } from './error-responses.js';
import type { GroupRecord, OffsetCommitRecord } from '../../protocol/groups/records.js';
import type { From, ShardEnv, ShardOutcome, ShardResponse, ShardTimerEvent } from './shard.js';

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume. */
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
}

export interface ShardState {
  readonly classic: ClassicGroupsState;
  readonly consumer: ConsumerGroupsState;
  /** groupId → `topic-partition` → committed offset. */
  readonly offsets: Readonly<Record<string, Readonly<Record<string, CommittedOffset>>>>;
}

export function emptyShard(seed: number): ShardState {
  return { classic: emptyClassicGroups(seed), consumer: emptyConsumerGroups(seed ^ 0x5bd1e995), offsets: {} };
}

const nothing = { records: [], responses: [], timers: [], cancels: [] } as const;

function only(state: ShardState, response: ShardResponse): ShardOutcome<ShardState> {
  return { state, ...nothing, responses: [response] };
}

function refuse(state: ShardState, request: From<GroupRequest>, error: ErrorName): ShardOutcome<ShardState> {
  return only(state, { to: request.from, message: errorResponseFor(request, errorCode(error)) });
}

function withClassic(state: ShardState, outcome: ShardOutcome<ClassicGroupsState>): ShardOutcome<ShardState> {
  return { ...outcome, state: { ...state, classic: outcome.state } };
}

function withConsumer(state: ShardState, outcome: ShardOutcome<ConsumerGroupsState>): ShardOutcome<ShardState> {
  return { ...outcome, state: { ...state, consumer: outcome.state } };
}

const isConsumerGroup = (state: ShardState, groupId: string): boolean => state.consumer.groups[groupId] !== undefined;

/** Classic requests for a KIP-848 group: the online migration of members between protocols is out of scope. */
function classicRequest(state: ShardState, request: From<JoinGroupRequest | SyncGroupRequest | HeartbeatRequest | LeaveGroupRequest>, env: ShardEnv): ShardOutcome<ShardState> {
  if (isConsumerGroup(state, request.groupId)) return refuse(state, request, request.type === 'JoinGroup' ? 'INCONSISTENT_GROUP_PROTOCOL' : 'UNKNOWN_MEMBER_ID');
  return withClassic(state, stepClassicGroup(state.classic, request.groupId, { type: request.type, request, env } as Parameters<typeof stepClassicGroup>[2]));
}

/**
 * ConsumerGroupHeartbeat for a group id held by a classic group: an empty classic group is
 * converted (its GroupMetadata is deleted; committed offsets stay), a live one is not a consumer
 * group (GROUP_ID_NOT_FOUND; converting live classic groups is the migration left out above).
 */
function consumerRequest(state: ShardState, request: From<ConsumerGroupHeartbeatRequest>, env: ShardEnv): ShardOutcome<ShardState> {
  const classic = state.classic.groups[request.groupId];
  const heartbeat = { type: 'ConsumerGroupHeartbeat', request, env } as const;
  if (classic === undefined) return withConsumer(state, stepConsumerGroup(state.consumer, request.groupId, heartbeat));
  if (classic.state !== 'Empty' && classic.state !== 'Dead') return refuse(state, request, 'GROUP_ID_NOT_FOUND');
  const converted: ShardState = { ...state, classic: stepClassicGroup(state.classic, request.groupId, { type: 'Delete', env }).state };
  const outcome = withConsumer(converted, stepConsumerGroup(converted.consumer, request.groupId, heartbeat));
  return { ...outcome, records: [{ type: 'GroupMetadata', group: request.groupId, value: null }, ...outcome.records] };
}

/** OffsetMetadataManager.commitOffset: the group validates the commit, then one record per partition. */
function commitOffsets(state: ShardState, request: From<OffsetCommitRequest>, env: ShardEnv): ShardOutcome<ShardState> {
  let next = state;
  let timers: ShardOutcome<ShardState>['timers'] = [];
  let cancels: ShardOutcome<ShardState>['cancels'] = [];
  let verdict: ErrorName;
  const consumerGroup = state.consumer.groups[request.groupId];
  if (consumerGroup !== undefined) {
    verdict = consumerGroupValidateOffsetCommit(consumerGroup, request);
  } else {
    const checked = classicValidateOffsetCommit(state.classic.groups[request.groupId], request, env.config.deviations?.acceptStaleGenerationCommits === true);
    if (checked === 'CREATE_SIMPLE_GROUP') {
      next = { ...state, classic: createSimpleGroup(state.classic, request.groupId) };
      verdict = 'NONE';
    } else {
      verdict = checked;
      if (verdict === 'NONE' && state.classic.groups[request.groupId] !== undefined) {
        const touched = stepClassicGroup(state.classic, request.groupId, { type: 'OffsetCommitted', request, env });
        next = { ...state, classic: touched.state };
        timers = touched.timers;
        cancels = touched.cancels;
      }
    }
  }
  if (verdict !== 'NONE') return refuse(state, request, verdict);
  const records: OffsetCommitRecord[] = [];
  const partitions = request.partitions.map((p) => {
    const metadata = p.committedMetadata ?? '';
    if (new TextEncoder().encode(metadata).length > env.config.offsetMetadataMaxBytes) return { topic: p.topic, partition: p.partition, errorCode: errorCode('OFFSET_METADATA_TOO_LARGE') };
    records.push({ type: 'OffsetCommit', group: request.groupId, topic: p.topic, partition: p.partition, value: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: env.nowMs } });
    return { topic: p.topic, partition: p.partition, errorCode: 0 };
  });
  for (const record of records) next = replayOffsetCommit(next, record);
  return { state: next, records, responses: [{ to: request.from, message: { type: 'OffsetCommitResponse', correlationId: request.correlationId, partitions } }], timers, cancels };
}

/**
 * OffsetMetadataManager.fetchOffsets: a KIP-848 member's fetch is checked against its epoch; an
 * unknown group, or a partition with nothing committed, answers offset -1 without an error.
 */
function fetchOffsets(state: ShardState, request: From<OffsetFetchRequest>): ShardOutcome<ShardState> {
  const consumerGroup = state.consumer.groups[request.groupId];
  // OffsetMetadataManager.validateOffsetFetch: every fetch is checked; only one without member id
  // and epoch (an admin client) passes as such, so one naming just one of them is refused.
  if (consumerGroup !== undefined) {
    const verdict = consumerGroupValidateOffsetFetch(consumerGroup, request);
    if (verdict !== 'NONE') return refuse(state, request, verdict);
  }
  const committed = state.offsets[request.groupId] ?? {};
  const wanted = request.partitions ?? Object.values(committed).map((c) => ({ topic: c.topic, partition: c.partition }));
  const partitions: OffsetFetchResponse['partitions'] = wanted.map(({ topic, partition }) => {
    const c = committed[`${topic}-${partition}`];
    return c === undefined
      ? { topic, partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }
      : { topic, partition, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: 0 };
  });
  return only(state, { to: request.from, message: { type: 'OffsetFetchResponse', correlationId: request.correlationId, errorCode: 0, partitions } });
}

export function handleShardRequest(state: ShardState, request: From<GroupRequest>, env: ShardEnv): ShardOutcome<ShardState> {
  if (request.type !== 'FindCoordinator' && request.groupId === '') return refuse(state, request, 'INVALID_GROUP_ID');
  switch (request.type) {
    case 'FindCoordinator': return refuse(state, request, 'INVALID_REQUEST');
    case 'JoinGroup':
    case 'SyncGroup':
    case 'Heartbeat':
    case 'LeaveGroup':
      return classicRequest(state, request, env);
    case 'ConsumerGroupHeartbeat': return consumerRequest(state, request, env);
    case 'OffsetCommit': return commitOffsets(state, request, env);
    case 'OffsetFetch': return fetchOffsets(state, request);
  }
}

export function handleShardTimer(state: ShardState, event: ShardTimerEvent, env: ShardEnv): ShardOutcome<ShardState> {
  const classic = classicTimerEventOf(event);
  if (classic !== null) return withClassic(state, stepClassicGroup(state.classic, event.groupId, { ...classic, env }));
  const consumer = consumerTimerEventOf(event);
  if (consumer === null) return { state, records: [], responses: [], timers: [], cancels: [] };
  return withConsumer(state, stepConsumerGroup(state.consumer, event.groupId, { ...consumer, env }));
}

function replayOffsetCommit(state: ShardState, record: OffsetCommitRecord): ShardState {
  const key = `${record.topic}-${record.partition}`;
  const group = { ...(state.offsets[record.group] ?? {}) };
  if (record.value === null) delete group[key];
  else group[key] = { topic: record.topic, partition: record.partition, ...record.value };
  let next: ShardState = { ...state, offsets: { ...state.offsets, [record.group]: group } };
  // GroupCoordinatorShard.replay: offsets of a group no one knows belong to a simple (classic, empty) group.
  if (record.value !== null && state.classic.groups[record.group] === undefined && state.consumer.groups[record.group] === undefined) {
    next = { ...next, classic: createSimpleGroup(next.classic, record.group) };
  }
  return next;
}

/** Apply one record of the partition, in log order (CoordinatorLoaderImpl → GroupCoordinatorShard.replay). */
export function replayShardRecord(state: ShardState, record: GroupRecord): ShardState {
  switch (record.type) {
    case 'OffsetCommit': return replayOffsetCommit(state, record);
    case 'GroupMetadata': return { ...state, classic: replayGroupMetadata(state.classic, record) };
    default: return { ...state, consumer: replayConsumerGroupRecord(state.consumer, record) };
  }
}

/** onLoaded for every group of one protocol, each through its machine, in the shard's order. */
function eachGroupOnLoaded<S extends { readonly groups: Readonly<Record<string, unknown>> }>(s: S, stepGroup: (s: S, groupId: string) => ShardOutcome<S>): ShardOutcome<S> {
  let outcome: ShardOutcome<S> = { state: s, records: [], responses: [], timers: [], cancels: [] };
  for (const groupId of Object.keys(s.groups)) {
    const step = stepGroup(outcome.state, groupId);
    outcome = {
      state: step.state,
      records: [...outcome.records, ...step.records],
      responses: [...outcome.responses, ...step.responses],
      timers: [...outcome.timers, ...step.timers],
      cancels: [...outcome.cancels, ...step.cancels],
    };
  }
  return outcome;
}

/** After a load: arm the timers of every member the records brought back (GroupMetadataManager.onLoaded). */
export function shardOnLoaded(state: ShardState, env: ShardEnv): ShardOutcome<ShardState> {
  const classic = eachGroupOnLoaded(state.classic, (s, groupId) => stepClassicGroup(s, groupId, { type: 'Loaded', env }));
  const consumer = eachGroupOnLoaded(state.consumer, (s, groupId) => stepConsumerGroup(s, groupId, { type: 'Loaded', env }));
  return {
    state: { ...state, classic: classic.state, consumer: consumer.state },
    records: [...classic.records, ...consumer.records],
    responses: [...classic.responses, ...consumer.responses],
    timers: [...classic.timers, ...consumer.timers],
    cancels: [...classic.cancels, ...consumer.cancels],
  };
}

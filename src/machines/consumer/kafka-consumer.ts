/**
 * The consumer (KafkaConsumer) as one machine: group membership (classic: ConsumerCoordinator over
 * AbstractCoordinator; or KIP-848 through ./membership-consumer-protocol.ts), positions
 * (SubscriptionState), fetching (AbstractFetch / FetchCollector) and commits.
 *
 * Like the producer's Sender, every event runs one pass of the client's loop (`runLoop`): refresh
 * metadata, find the coordinator, keep the membership going (join, sync, heartbeat), start
 * positions of newly owned partitions (OffsetFetch, then auto.offset.reset with ListOffsets), and
 * fetch. Kafka's client timers wake the loop at their deadlines (see `consumerTimers`); there is no
 * periodic tick. Coordinator discovery (Unknown, Discovering, Known) and membership (classic
 * AbstractCoordinator.MemberState, or KIP-848 MemberState) are parallel regions of the machine,
 * moved edge by edge as the rules change the context (see `Step.patch`). The application's calls
 * are events: Subscribe, Poll (hands over the records fetched since, and is what
 * max.poll.interval.ms measures), Commit, Seek, Close.
 *
 * What the application sees are effects: `records`, `rebalance` (onPartitionsRevoked / Assigned /
 * Lost, in Kafka's order: revoke before assign), `position` (a committed offset adopted, a reset,
 * a seek), `commit.completed`.
 *
 * Classic rebalancing follows ConsumerCoordinator: the rebalance protocol is the highest one every
 * configured assignor supports. EAGER revokes every owned partition before JoinGroup (committing
 * first with auto-commit); COOPERATIVE revokes nothing before joining, and after SyncGroup revokes
 * owned − assigned and joins again if that was not empty. A reset generation (UNKNOWN_MEMBER_ID,
 * ILLEGAL_GENERATION, FENCED_INSTANCE_ID) makes the owned partitions lost, not revoked.
 *
 * Positions are validated after a leader change (KIP-320, SubscriptionState.maybeValidatePosition
 * ForCurrentLeader): a position that knows the leader epoch of the record before it, seen under a
 * newer leader epoch in metadata (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH on fetch refresh the
 * metadata), is AWAIT_VALIDATION until an OffsetForLeaderEpoch to the leader says where that epoch
 * ends in its log; an end below the position means the log was truncated under it: the position
 * goes back to the end (or, with no such epoch left, auto.offset.reset; with none, a
 * LogTruncationException to the application).
 *
 * Simplifications, said where they are: one request of a kind in flight at a time; one fetch per
 * partition in flight.
 */
import { assign, enqueueActions, setup } from 'xstate';
import { errorName } from '../../protocol/errors.js';
import type {
  ConsumerGroupHeartbeatResponse, ConsumerProtocolSubscription, FindCoordinatorResponse, GroupMessage, HeartbeatResponse, JoinGroupResponse,
  OffsetCommitResponse, OffsetFetchResponse, SyncGroupResponse, TopicPartitions,
} from '../../protocol/groups/messages.js';
import type { FetchResponse, ListOffsetsResponse, MetadataResponse, OffsetForLeaderEpochResponse, ReplicationMessage } from '../../protocol/replication/messages.js';
import { Step as GenericStep } from '../step.js';
import { clientAssignor } from '../../common/assignors/index.js';
import type { RebalanceProtocol } from '../../common/assignors/types.js';
import * as membership848 from './membership-consumer-protocol.js';

export interface ConsumerConfig {
  readonly clientId: string;
  /** group.id; null: manual assignment only. */
  readonly groupId: string | null;
  /** group.instance.id (KIP-345). */
  readonly groupInstanceId: string | null;
  /** group.protocol */
  readonly groupProtocol: 'classic' | 'consumer';
  /** partition.assignment.strategy (classic), in preference order. */
  readonly assignors: readonly string[];
  /** group.remote.assignor (consumer). */
  readonly remoteAssignor: string | null;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** max.poll.interval.ms (sent as the rebalance timeout). */
  readonly maxPollIntervalMs: number;
  readonly enableAutoCommit: boolean;
  readonly autoCommitIntervalMs: number;
  readonly autoOffsetReset: 'earliest' | 'latest' | 'none';
  readonly requestTimeoutMs: number;
  readonly retryBackoffMs: number;
  readonly metadataMaxAgeMs: number;
  /**
   * fetch.max.wait.ms: how long the broker holds a fetch with nothing to return. The replica answers
   * at once, so the consumer waits this long before fetching a partition again after an empty answer.
   */
  readonly fetchMaxWaitMs: number;
}

/** Kafka's defaults (ConsumerConfig), for a real-time reader; the simulator scales the timings down. */
export const defaultConsumerConfig: ConsumerConfig = {
  clientId: 'consumer', groupId: null, groupInstanceId: null, groupProtocol: 'classic', assignors: ['range', 'cooperative-sticky'], remoteAssignor: null,
  sessionTimeoutMs: 45_000, heartbeatIntervalMs: 3_000, maxPollIntervalMs: 300_000, enableAutoCommit: true, autoCommitIntervalMs: 5_000,
  autoOffsetReset: 'latest', requestTimeoutMs: 30_000, retryBackoffMs: 100, metadataMaxAgeMs: 300_000, fetchMaxWaitMs: 500,
};

/** ConsumerConfig's checks: a clear error for a configuration Kafka refuses. */
export function checkConsumerConfig(c: ConsumerConfig): string | null {
  if (c.groupProtocol === 'classic' && c.groupId !== null && c.assignors.length === 0) return 'partition.assignment.strategy must name at least one assignor';
  if (c.groupProtocol === 'classic') for (const name of c.assignors) if (clientAssignor(name) === undefined) return `partition.assignment.strategy: unknown assignor '${name}'`;
  if (c.heartbeatIntervalMs >= c.sessionTimeoutMs) return 'heartbeat.interval.ms must be lower than session.timeout.ms';
  if (c.groupInstanceId === '') return 'group.instance.id must not be empty';
  return null;
}

export interface ConsumerInput {
  readonly clientId: number;
  readonly bootstrap: readonly number[];
  readonly config: ConsumerConfig;
}

type Key = string;
const keyOf = (topic: string, partition: number): Key => `${topic}-${partition}`;
const splitKey = (key: Key): { topic: string; partition: number } => {
  const at = key.lastIndexOf('-');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
};

interface TopicMetadata {
  readonly topicId: string;
  readonly partitions: readonly { readonly leader: number; readonly leaderEpoch: number }[];
}

/** SubscriptionState.TopicPartitionState: the position and the fetch state of one owned partition. */
interface PartitionState {
  /** INITIALIZING (wants its committed offset), AWAIT_RESET (auto.offset.reset), AWAIT_VALIDATION (KIP-320: the leader changed), FETCHING. */
  readonly fetchState: 'INITIALIZING' | 'AWAIT_RESET' | 'AWAIT_VALIDATION' | 'FETCHING';
  /** The next offset to hand to the application. */
  readonly position: number;
  /** FetchPosition.offsetEpoch: the leader epoch of the record before the position; -1 unknown (then no validation). */
  readonly offsetEpoch: number;
  /** FetchPosition.currentLeader's epoch: the leader epoch the position was last known good under. */
  readonly positionLeaderEpoch: number;
  /** The next offset to fetch (ahead of the position by what is buffered). */
  readonly fetchOffset: number;
  readonly buffered: readonly { readonly offset: number; readonly key: string | null; readonly value: string | null; readonly leaderEpoch: number }[];
  readonly fetchInFlight: number | null;
  /** No fetch or ListOffsets before this: retry.backoff.ms after an error. */
  readonly retryAtMs: number;
  /** No fetch before this: fetch.max.wait.ms after an empty answer (the broker would have held the fetch that long). */
  readonly fetchWaitUntilMs: number;
}

interface InFlight {
  readonly kind: 'Metadata' | 'FindCoordinator' | 'JoinGroup' | 'SyncGroup' | 'Heartbeat' | 'LeaveGroup' | 'OffsetCommit' | 'OffsetFetch' | 'ConsumerGroupHeartbeat' | 'Fetch' | 'ListOffsets' | 'OffsetForLeaderEpoch';
  readonly to: number;
  readonly sentAtMs: number;
  /** OffsetCommit: the offsets sent; Fetch / ListOffsets / OffsetForLeaderEpoch: the partition. */
  readonly offsets?: Readonly<Record<Key, number>>;
  readonly partition?: Key;
  readonly generationId?: number;
  /** OffsetForLeaderEpoch: the leader epoch the validation was asked under. */
  readonly leaderEpoch?: number;
}

/** AbstractCoordinator.MemberState */
export type ClassicMemberState = 'UNJOINED' | 'PREPARING_REBALANCE' | 'COMPLETING_REBALANCE' | 'STABLE';

/**
 * The moves AbstractCoordinator makes between its member states: initiateJoinGroup (UNJOINED or
 * STABLE, or COMPLETING_REBALANCE after SyncGroup said REBALANCE_IN_PROGRESS, → PREPARING_REBALANCE),
 * JoinGroupResponseHandler (→ COMPLETING_REBALANCE), SyncGroupResponseHandler (→ STABLE), and
 * resetStateAndRejoin / resetGenerationOnResponseError / onLeavePrepare (→ UNJOINED).
 */
export const classicMemberPredecessors: Readonly<Record<ClassicMemberState, readonly ClassicMemberState[]>> = {
  UNJOINED: ['PREPARING_REBALANCE', 'COMPLETING_REBALANCE', 'STABLE'],
  PREPARING_REBALANCE: ['UNJOINED', 'COMPLETING_REBALANCE', 'STABLE'],
  COMPLETING_REBALANCE: ['PREPARING_REBALANCE'],
  STABLE: ['COMPLETING_REBALANCE'],
};

/** Coordinator discovery (AbstractCoordinator.ensureCoordinatorReady, lookupCoordinator, markCoordinatorUnknown). */
export type CoordinatorState = 'Unknown' | 'Discovering' | 'Known';

export const coordinatorPredecessors: Readonly<Record<CoordinatorState, readonly CoordinatorState[]>> = {
  Unknown: ['Discovering', 'Known'],
  Discovering: ['Unknown'],
  Known: ['Discovering'],
};

/**
 * Kafka's client timers, each a delayed raise that wakes the client loop at its deadline (the
 * timer's name is its id, so re-arming replaces it): heartbeat.interval.ms, session.timeout.ms,
 * max.poll.interval.ms, retry.backoff.ms, fetch.max.wait.ms, request.timeout.ms and
 * metadata.max.age.ms. auto.commit.interval.ms is Kafka's nextAutoCommitTimer, checked on poll()
 * (ConsumerCoordinator.maybeAutoCommitOffsetsAsync), so it needs no wake-up of its own.
 */
export const consumerTimers = ['HeartbeatTimer', 'SessionTimer', 'PollTimer', 'RetryBackoffTimer', 'FetchWaitTimer', 'RequestTimer', 'MetadataTimer'] as const;
export type ConsumerTimer = (typeof consumerTimers)[number];

export interface ConsumerContext {
  readonly clientId: number;
  readonly bootstrap: readonly number[];
  readonly config: ConsumerConfig;
  readonly rebalanceProtocol: RebalanceProtocol;
  readonly subscription: readonly string[];
  readonly manual: boolean;
  readonly topics: Readonly<Record<string, TopicMetadata>>;
  readonly metadataAtMs: number;
  readonly metadataWanted: boolean;
  readonly coordinator: number | null;
  readonly coordinatorRetryAtMs: number;
  /**
   * The coordinator answered COORDINATOR_LOAD_IN_PROGRESS: it is still the coordinator, but no
   * JoinGroup, OffsetFetch or ConsumerGroupHeartbeat goes to it before this (retry.backoff.ms).
   */
  readonly groupRetryAtMs: number;
  // classic membership
  readonly memberState: ClassicMemberState;
  readonly memberId: string;
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly rejoinNeeded: boolean;
  /** The generation was reset (UNKNOWN_MEMBER_ID etc.): owned partitions are lost, not revoked. */
  readonly generationReset: boolean;
  readonly lastHeartbeatSentMs: number;
  readonly lastHeartbeatOkMs: number;
  /** The leader's partition counts of the subscribed topics when it assigned (ConsumerCoordinator.assignmentSnapshot); null when not the leader. */
  readonly assignmentSnapshot: Readonly<Record<string, number>> | null;
  // KIP-848 membership
  readonly membership: membership848.ConsumerMembership | null;
  readonly lastConsumerHeartbeatMs: number;
  // positions and commits
  readonly owned: Readonly<Record<Key, PartitionState>>;
  readonly lastPollMs: number;
  readonly lastAutoCommitMs: number;
  /** ConsumerCoordinator.onJoinPrepare's commit before an eager revocation (auto-commit): not yet sent, in flight, or done. */
  readonly commitBeforeJoin: 'none' | 'pending' | 'done';
  readonly inFlight: Readonly<Record<string, InFlight>>;
  readonly nextCorrelationId: number;
  readonly brokerCursor: number;
  /** Nodes whose connection failed, until when they are skipped (reconnect.backoff.ms; NetworkClient.leastLoadedNode avoids them). */
  readonly unreachableUntilMs: Readonly<Record<string, number>>;
  readonly closed: boolean;
  /** The coordinator region's state, derived from `coordinator` and the FindCoordinator in flight. */
  readonly coordinatorState: CoordinatorState;
  /** States the last rule entered, per region, not yet taken by the machine's eventless transitions. */
  readonly hops: { readonly coordinator: readonly CoordinatorState[]; readonly classic: readonly ClassicMemberState[]; readonly consumer: readonly membership848.MemberState[] };
  /** Armed timers and their deadlines. */
  readonly timers: Readonly<Partial<Record<ConsumerTimer, number>>>;
}

export type ConsumerEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: GroupMessage | ReplicationMessage }
  | { readonly type: 'records'; readonly partition: string; readonly records: readonly { readonly offset: number; readonly key: string | null; readonly value: string | null }[] }
  | { readonly type: 'rebalance'; readonly kind: 'revoked' | 'assigned' | 'lost'; readonly partitions: readonly string[] }
  | { readonly type: 'position'; readonly partition: string; readonly offset: number; readonly reason: 'committed' | 'reset' | 'seek' | 'truncated' }
  | { readonly type: 'commit.completed'; readonly offsets: Readonly<Record<string, number>>; readonly error: string | null }
  | { readonly type: 'error'; readonly error: string };

export type ConsumerCommand =
  | { readonly type: 'Subscribe'; readonly topics: readonly string[] }
  | { readonly type: 'Assign'; readonly partitions: readonly string[] }
  | { readonly type: 'Poll' }
  | { readonly type: 'Commit' }
  | { readonly type: 'Seek'; readonly partition: string; readonly offset: number }
  | { readonly type: 'Close' }
  | { readonly type: ConsumerTimer }
  | { readonly type: 'Disconnected'; readonly node: number };

export type ConsumerEvent = (ConsumerCommand | GroupMessage | ReplicationMessage) & { readonly from: number; readonly nowMs: number };
type With<T> = T & { readonly from: number; readonly nowMs: number };

/**
 * A rule's work on the context. Every patch that moves a region (the coordinator found or lost, the
 * classic member state, the KIP-848 MemberState) queues the state it entered as a hop, checked
 * against the region's legal edges: the machine's eventless transitions then take the hops one edge
 * at a time, so its diagram shows the moves Kafka makes and an illegal move is a bug, not a drift.
 */
class Step extends GenericStep<ConsumerContext, ConsumerEffect> {
  override patch(p: Partial<ConsumerContext>): void {
    const before = this.c;
    super.patch(p);
    const c = this.c;
    let hops = c.hops;
    const coordinatorState: CoordinatorState = c.coordinator !== null ? 'Known' : inFlightOf(c, 'FindCoordinator') ? 'Discovering' : 'Unknown';
    if (coordinatorState !== c.coordinatorState) {
      checkEdge('coordinator', coordinatorPredecessors, c.coordinatorState, coordinatorState);
      hops = { ...hops, coordinator: [...hops.coordinator, coordinatorState] };
    }
    if (c.memberState !== before.memberState) {
      checkEdge('classic member', classicMemberPredecessors, before.memberState, c.memberState);
      hops = { ...hops, classic: [...hops.classic, c.memberState] };
    }
    const path = c.membership?.path ?? [];
    if (path.length > 0) hops = { ...hops, consumer: [...hops.consumer, ...path] };
    if (hops !== c.hops) super.patch({ hops, coordinatorState, membership: path.length > 0 && c.membership !== null ? { ...c.membership, path: [] } : c.membership });
  }
}

function checkEdge<S extends string>(region: string, predecessors: Readonly<Record<S, readonly S[]>>, from: S, to: S): void {
  if (!predecessors[to].includes(from)) throw new Error(`consumer: illegal ${region} transition ${from} -> ${to}`);
}

// ---- requests --------------------------------------------------------------------------------

function request(step: Step, to: number, kind: InFlight['kind'], build: (correlationId: number) => GroupMessage | ReplicationMessage, extra: Partial<InFlight>, nowMs: number): number {
  const correlationId = step.c.nextCorrelationId;
  step.patch({ nextCorrelationId: correlationId + 1, inFlight: { ...step.c.inFlight, [correlationId]: { kind, to, sentAtMs: nowMs, ...extra } } });
  step.effect({ type: 'send', to, message: build(correlationId) });
  return correlationId;
}

const inFlightOf = (c: ConsumerContext, kind: InFlight['kind']): boolean => Object.values(c.inFlight).some((r) => r.kind === kind);

/** Take a response's request off the books; null for an answer to nothing we are waiting for (stale or duplicated). */
function complete(step: Step, correlationId: number, kind: InFlight['kind']): InFlight | null {
  const entry = step.c.inFlight[correlationId];
  if (entry === undefined || entry.kind !== kind) return null;
  const inFlight = { ...step.c.inFlight };
  delete inFlight[correlationId];
  step.patch({ inFlight });
  return entry;
}

/** A broker for a request any broker answers: the next in turn whose connection has not just failed. */
function nextBroker(step: Step, nowMs: number): number {
  const brokers = step.c.bootstrap;
  for (let i = 0; i < brokers.length; i++) {
    const b = brokers[(step.c.brokerCursor + i) % brokers.length] as number;
    if ((step.c.unreachableUntilMs[b] ?? -Infinity) <= nowMs) {
      step.patch({ brokerCursor: step.c.brokerCursor + i + 1 });
      return b;
    }
  }
  const b = brokers[step.c.brokerCursor % brokers.length] as number;
  step.patch({ brokerCursor: step.c.brokerCursor + 1 });
  return b;
}

/** AbstractCoordinator.markCoordinatorUnknown: rediscover; requests to it are abandoned. */
function coordinatorUnknown(step: Step, nowMs: number): void {
  const gone = step.c.coordinator;
  const inFlight = Object.fromEntries(Object.entries(step.c.inFlight).filter(([, r]) => r.to !== gone || r.kind === 'Fetch' || r.kind === 'ListOffsets' || r.kind === 'OffsetForLeaderEpoch' || r.kind === 'Metadata'));
  step.patch({ coordinator: null, coordinatorRetryAtMs: nowMs + step.c.config.retryBackoffMs, inFlight });
  if (step.c.memberState === 'COMPLETING_REBALANCE' || step.c.memberState === 'PREPARING_REBALANCE') step.patch({ memberState: 'UNJOINED', rejoinNeeded: true });
}

// ---- ownership -------------------------------------------------------------------------------

const ownedKeys = (c: ConsumerContext): Key[] => Object.keys(c.owned).sort();

function addOwned(step: Step, keys: readonly Key[]): void {
  const owned = { ...step.c.owned };
  for (const key of keys) if (owned[key] === undefined) owned[key] = { fetchState: 'INITIALIZING', position: -1, offsetEpoch: -1, positionLeaderEpoch: -1, fetchOffset: -1, buffered: [], fetchInFlight: null, retryAtMs: 0, fetchWaitUntilMs: 0 };
  step.patch({ owned });
}

function dropOwned(step: Step, keys: readonly Key[]): void {
  const owned = { ...step.c.owned };
  for (const key of keys) delete owned[key];
  step.patch({ owned });
}

function rebalanceEffect(step: Step, kind: 'revoked' | 'assigned' | 'lost', keys: readonly Key[]): void {
  step.effect({ type: 'rebalance', kind, partitions: [...keys].sort() });
}

const toKeys = (assignment: readonly TopicPartitions[]): Key[] => assignment.flatMap((t) => t.partitions.map((p) => keyOf(t.topic, p)));

function byTopic(keys: readonly Key[]): TopicPartitions[] {
  const map = new Map<string, number[]>();
  for (const key of keys) {
    const { topic, partition } = splitKey(key);
    map.set(topic, [...(map.get(topic) ?? []), partition]);
  }
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([topic, partitions]) => ({ topic, partitions: partitions.sort((x, y) => x - y) }));
}

// ---- commits ---------------------------------------------------------------------------------

/** The positions of owned partitions that moved since they were adopted: what commitSync() of the current positions sends. */
function consumedPositions(c: ConsumerContext): Record<Key, number> {
  const out: Record<Key, number> = {};
  for (const [key, s] of Object.entries(c.owned)) if (s.fetchState === 'FETCHING' && s.position >= 0) out[key] = s.position;
  return out;
}

function sendCommit(step: Step, offsets: Record<Key, number>, nowMs: number): boolean {
  const c = step.c;
  if (c.config.groupId === null || c.coordinator === null || Object.keys(offsets).length === 0 || inFlightOf(c, 'OffsetCommit')) return false;
  const classic = c.config.groupProtocol === 'classic';
  const generation = classic ? c.generationId : (c.membership?.memberEpoch ?? -1);
  const memberId = classic ? c.memberId : (c.membership?.memberId ?? '');
  request(step, c.coordinator, 'OffsetCommit', (correlationId) => ({
    type: 'OffsetCommit', correlationId, groupId: c.config.groupId as string, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: c.config.groupInstanceId,
    // ConsumerCoordinator commits the position's offset epoch with it (KIP-320): whoever resumes there can validate it.
    partitions: Object.entries(offsets).map(([key, offset]) => ({ ...splitKey(key), committedOffset: offset, committedLeaderEpoch: c.owned[key]?.position === offset ? (c.owned[key]?.offsetEpoch ?? -1) : -1, committedMetadata: null })),
  }), { offsets, generationId: generation }, nowMs);
  return true;
}

function onCommitResponse(step: Step, response: With<OffsetCommitResponse>): void {
  const sent = complete(step, response.correlationId, 'OffsetCommit');
  if (sent === null) return;
  const failed = response.partitions.find((p) => p.errorCode !== 0);
  const error = failed === undefined ? null : errorName(failed.errorCode);
  step.effect({ type: 'commit.completed', offsets: sent.offsets ?? {}, error });
  // OffsetCommitResponseHandler: COORDINATOR_LOAD_IN_PROGRESS is a retriable failure of this commit; the coordinator stays.
  if (error === 'NOT_COORDINATOR' || error === 'COORDINATOR_NOT_AVAILABLE') coordinatorUnknown(step, response.nowMs);
  // ConsumerCoordinator.OffsetCommitResponseHandler: the generation is gone; rejoin (REBALANCE_IN_PROGRESS keeps it).
  if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION' || error === 'FENCED_INSTANCE_ID') resetGeneration(step);
  if (error === 'REBALANCE_IN_PROGRESS') step.patch({ rejoinNeeded: true });
  if (step.c.commitBeforeJoin === 'pending') step.patch({ commitBeforeJoin: 'done' });
}

// ---- classic membership ----------------------------------------------------------------------

/** AbstractCoordinator.resetGenerationOnResponseError: forget generation and member id; owned partitions are lost. */
function resetGeneration(step: Step): void {
  step.patch({ memberId: '', generationId: -1, protocolName: null, memberState: 'UNJOINED', rejoinNeeded: true, generationReset: true });
}

function subscriptionMetadata(c: ConsumerContext): ConsumerProtocolSubscription {
  const cooperative = c.rebalanceProtocol === 'COOPERATIVE';
  return { topics: c.subscription, ownedPartitions: cooperative ? byTopic(ownedKeys(c)) : [], generationId: cooperative ? c.generationId : -1, rackId: null };
}

/**
 * ConsumerCoordinator.onJoinPrepare, then JoinGroup. Eager: commit (auto-commit) and revoke every
 * owned partition first; after a reset generation they are lost instead. Cooperative: only lost
 * partitions go (a reset generation); the rest stay owned through the rebalance.
 */
function joinGroup(step: Step, nowMs: number): void {
  const c = step.c;
  if (c.coordinator === null || inFlightOf(c, 'JoinGroup') || inFlightOf(c, 'SyncGroup') || nowMs < c.groupRetryAtMs) return;
  if (c.memberState === 'UNJOINED' || c.memberState === 'STABLE') {
    const owned = ownedKeys(c);
    if (c.generationReset) {
      if (owned.length > 0) rebalanceEffect(step, 'lost', owned);
      dropOwned(step, owned);
      step.patch({ generationReset: false });
    } else if (c.rebalanceProtocol === 'EAGER' && owned.length > 0) {
      if (c.config.enableAutoCommit && c.commitBeforeJoin === 'none') {
        if (inFlightOf(c, 'OffsetCommit')) return; // wait for the auto-commit in flight, then commit the latest positions
        if (sendCommit(step, consumedPositions(c), nowMs)) {
          step.patch({ commitBeforeJoin: 'pending' });
          return;
        }
      }
      if (step.c.commitBeforeJoin === 'pending') return;
      rebalanceEffect(step, 'revoked', owned);
      dropOwned(step, owned);
    }
  }
  step.patch({ commitBeforeJoin: 'none' });
  const cc = step.c;
  step.patch({ memberState: 'PREPARING_REBALANCE', rejoinNeeded: false });
  request(step, cc.coordinator as number, 'JoinGroup', (correlationId) => ({
    type: 'JoinGroup', correlationId, groupId: cc.config.groupId as string, sessionTimeoutMs: cc.config.sessionTimeoutMs, rebalanceTimeoutMs: cc.config.maxPollIntervalMs,
    memberId: cc.memberId, groupInstanceId: cc.config.groupInstanceId, protocolType: 'consumer',
    protocols: cc.config.assignors.map((name) => ({ name, metadata: subscriptionMetadata(cc) })), reason: null,
  }), {}, nowMs);
}

function onJoinResponse(step: Step, response: With<JoinGroupResponse>): void {
  if (complete(step, response.correlationId, 'JoinGroup') === null) return;
  const error = errorName(response.errorCode);
  switch (error) {
    case 'NONE':
      // JoinGroupResponseHandler: the member left PREPARING_REBALANCE while the JoinGroup was out (its generation was reset): join again.
      if (step.c.memberState !== 'PREPARING_REBALANCE') return step.patch({ memberState: 'UNJOINED', rejoinNeeded: true });
      break;
    case 'MEMBER_ID_REQUIRED':
      // KIP-394: join again at once with the id the coordinator handed out.
      step.patch({ memberId: response.memberId, memberState: 'UNJOINED', rejoinNeeded: true });
      return joinGroup(step, response.nowMs);
    case 'UNKNOWN_MEMBER_ID':
    case 'ILLEGAL_GENERATION':
      resetGeneration(step);
      return;
    case 'FENCED_INSTANCE_ID':
      resetGeneration(step);
      step.effect({ type: 'error', error: 'FENCED_INSTANCE_ID: another consumer with this group.instance.id joined' });
      return;
    case 'NOT_COORDINATOR':
    case 'COORDINATOR_NOT_AVAILABLE':
      coordinatorUnknown(step, response.nowMs);
      step.patch({ memberState: 'UNJOINED', rejoinNeeded: true });
      return;
    case 'COORDINATOR_LOAD_IN_PROGRESS':
      // JoinGroupResponseHandler: "backoff and retry" to the same coordinator (joinGroupIfNeeded sleeps retry.backoff.ms).
      step.patch({ memberState: 'UNJOINED', rejoinNeeded: true, groupRetryAtMs: response.nowMs + step.c.config.retryBackoffMs });
      return;
    default:
      // REBALANCE_IN_PROGRESS and the rest: join again on the next pass.
      step.patch({ memberState: 'UNJOINED', rejoinNeeded: true });
      return;
  }
  // JoinGroupResponseHandler: a member no longer PREPARING_REBALANCE (a heartbeat's answer reset its
  // generation while the join was out) drops the answer (UnjoinedGroupException) and joins again.
  if (step.c.memberState !== 'PREPARING_REBALANCE') return step.patch({ rejoinNeeded: true });
  step.patch({ memberId: response.memberId, generationId: response.generationId, protocolName: response.protocolName, memberState: 'COMPLETING_REBALANCE', lastHeartbeatOkMs: response.nowMs });
  const c = step.c;
  let assignments: { memberId: string; assignment: { assignedPartitions: TopicPartitions[] } }[] = [];
  step.patch({ assignmentSnapshot: null });
  if (response.leader === response.memberId && !response.skipAssignment) {
    assignments = leaderAssign(c, response);
    step.patch({ assignmentSnapshot: partitionCounts(c, response.members.flatMap((m) => m.metadata.topics)) });
  }
  request(step, c.coordinator as number, 'SyncGroup', (correlationId) => ({
    type: 'SyncGroup', correlationId, groupId: c.config.groupId as string, generationId: response.generationId, memberId: response.memberId,
    groupInstanceId: c.config.groupInstanceId, protocolType: 'consumer', protocolName: response.protocolName, assignments,
  }), { generationId: response.generationId }, response.nowMs);
}

function partitionCounts(c: ConsumerContext, topics: readonly string[]): Record<string, number> {
  return Object.fromEntries([...new Set(topics)].sort().map((t) => [t, c.topics[t]?.partitions.length ?? 0]));
}

/** ConsumerCoordinator.rejoinNeededOrPending: the leader saw the subscribed topics' partitions change since it assigned. */
function metadataChangedSinceAssignment(c: ConsumerContext): boolean {
  const snapshot = c.assignmentSnapshot;
  if (snapshot === null) return false;
  return JSON.stringify(partitionCounts(c, Object.keys(snapshot))) !== JSON.stringify(snapshot);
}

/** ConsumerCoordinator.onLeaderElected: the chosen assignor over every member's subscription and the partition counts this client knows. */
function leaderAssign(c: ConsumerContext, response: JoinGroupResponse): { memberId: string; assignment: { assignedPartitions: TopicPartitions[] } }[] {
  // The coordinator picks a protocol every member offered, so it is one of this consumer's assignors (Kafka throws otherwise).
  const assignor = clientAssignor(response.protocolName ?? '');
  if (assignor === undefined) throw new Error(`the coordinator selected '${response.protocolName ?? ''}', which is not one of this consumer's assignors`);
  const topics = new Set(response.members.flatMap((m) => m.metadata.topics));
  const partitionsPerTopic: Record<string, number> = {};
  for (const t of topics) if (c.topics[t] !== undefined) partitionsPerTopic[t] = (c.topics[t] as TopicMetadata).partitions.length;
  const result = assignor.assign(partitionsPerTopic, response.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, subscription: m.metadata })));
  return response.members.map((m) => ({ memberId: m.memberId, assignment: { assignedPartitions: result[m.memberId] ?? [] } }));
}

/**
 * ConsumerCoordinator.onJoinComplete. Eager: the whole assignment is new. Cooperative: revoke
 * owned − assigned (and join again if anything was revoked), then assign assigned − owned.
 */
function onSyncResponse(step: Step, response: With<SyncGroupResponse>): void {
  const sent = complete(step, response.correlationId, 'SyncGroup');
  if (sent === null) return;
  const error = errorName(response.errorCode);
  if (error !== 'NONE') {
    if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION' || error === 'FENCED_INSTANCE_ID') resetGeneration(step);
    else if (error === 'NOT_COORDINATOR' || error === 'COORDINATOR_NOT_AVAILABLE') coordinatorUnknown(step, response.nowMs);
    step.patch({ memberState: 'UNJOINED', rejoinNeeded: true });
    return;
  }
  // SyncGroupResponseHandler: the generation was reset, or the member left COMPLETING_REBALANCE (or is
  // completing a newer generation's), while the sync was out: the rebalance failed (ILLEGAL_GENERATION, to rejoin at once); the assignment is not taken.
  if (step.c.generationId === -1 || step.c.memberState !== 'COMPLETING_REBALANCE' || sent.generationId !== step.c.generationId) return step.patch({ rejoinNeeded: true });
  const assigned = toKeys(response.assignment.assignedPartitions);
  const owned = ownedKeys(step.c);
  const revoked = owned.filter((k) => !assigned.includes(k));
  const added = assigned.filter((k) => !owned.includes(k));
  if (revoked.length > 0) {
    if (step.c.config.enableAutoCommit) sendCommit(step, Object.fromEntries(Object.entries(consumedPositions(step.c)).filter(([k]) => revoked.includes(k))), response.nowMs);
    rebalanceEffect(step, 'revoked', revoked);
    dropOwned(step, revoked);
  }
  addOwned(step, added);
  rebalanceEffect(step, 'assigned', added);
  step.patch({ memberState: 'STABLE', lastHeartbeatOkMs: response.nowMs, rejoinNeeded: step.c.rebalanceProtocol === 'COOPERATIVE' && revoked.length > 0 });
}

function heartbeat(step: Step, nowMs: number): void {
  const c = step.c;
  if (c.coordinator === null || inFlightOf(c, 'Heartbeat')) return;
  if (c.memberState !== 'STABLE' && c.memberState !== 'COMPLETING_REBALANCE') return;
  if (nowMs - c.lastHeartbeatSentMs < c.config.heartbeatIntervalMs) return;
  step.patch({ lastHeartbeatSentMs: nowMs });
  request(step, c.coordinator, 'Heartbeat', (correlationId) => ({ type: 'Heartbeat', correlationId, groupId: c.config.groupId as string, generationId: c.generationId, memberId: c.memberId, groupInstanceId: c.config.groupInstanceId }), { generationId: c.generationId }, nowMs);
}

/** AbstractCoordinator.HeartbeatResponseHandler */
function onHeartbeatResponse(step: Step, response: With<HeartbeatResponse>): void {
  const sent = complete(step, response.correlationId, 'Heartbeat');
  if (sent === null) return;
  const error = errorName(response.errorCode);
  if (error === 'NONE') return step.patch({ lastHeartbeatOkMs: response.nowMs });
  if (sent.generationId !== step.c.generationId) return; // an answer about a generation already left behind
  if (error === 'REBALANCE_IN_PROGRESS') return step.patch({ rejoinNeeded: true, lastHeartbeatOkMs: response.nowMs });
  if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION' || error === 'FENCED_INSTANCE_ID') return resetGeneration(step);
  if (error === 'NOT_COORDINATOR' || error === 'COORDINATOR_NOT_AVAILABLE') coordinatorUnknown(step, response.nowMs);
}

// ---- KIP-848 membership ----------------------------------------------------------------------

function topicNames(c: ConsumerContext): Record<string, string> {
  return Object.fromEntries(Object.entries(c.topics).map(([name, t]) => [t.topicId, name]));
}

function consumerHeartbeat(step: Step, nowMs: number): void {
  const c = step.c;
  let m = c.membership;
  if (m === null || c.coordinator === null || inFlightOf(c, 'ConsumerGroupHeartbeat') || membership848.shouldSkipHeartbeat(m) || nowMs < c.groupRetryAtMs) return;
  if (!membership848.shouldHeartbeatNow(m) && nowMs - c.lastConsumerHeartbeatMs < m.heartbeatIntervalMs) return;
  const built = membership848.heartbeatRequest(m, c.nextCorrelationId);
  if (built === null) return;
  m = built.state;
  step.patch({ membership: m, lastConsumerHeartbeatMs: nowMs });
  request(step, c.coordinator, 'ConsumerGroupHeartbeat', () => built.request, {}, nowMs);
}

function onConsumerHeartbeatResponse(step: Step, response: With<ConsumerGroupHeartbeatResponse>): void {
  if (complete(step, response.correlationId, 'ConsumerGroupHeartbeat') === null || step.c.membership === null) return;
  const error = errorName(response.errorCode);
  if (error === 'NOT_COORDINATOR' || error === 'COORDINATOR_NOT_AVAILABLE') {
    step.patch({ membership: membership848.onHeartbeatFailure(step.c.membership) });
    coordinatorUnknown(step, response.nowMs);
    return;
  }
  if (error === 'COORDINATOR_LOAD_IN_PROGRESS') {
    // AbstractHeartbeatRequestManager.onErrorResponse: heartbeatRequestState.onFailedAttempt; the coordinator stays.
    step.patch({ membership: membership848.onHeartbeatFailure(step.c.membership), groupRetryAtMs: response.nowMs + step.c.config.retryBackoffMs });
    return;
  }
  step.patch({ membership: membership848.poll(membership848.onHeartbeatResponse(step.c.membership, response, topicNames(step.c)), topicNames(step.c)) });
  runCallbacks(step, response.nowMs);
}

/** The application side of reconciliation: commit before revoking, then the listener, in order. */
function runCallbacks(step: Step, nowMs: number): void {
  for (let guard = 0; guard < 10 && step.c.membership !== null; guard++) {
    const callback = membership848.nextCallback(step.c.membership);
    if (callback === null) return;
    if (callback.kind === 'revoke') {
      const keys = toKeys(callback.partitions);
      if (callback.purpose === 'reconcile' && step.c.config.enableAutoCommit) sendCommit(step, Object.fromEntries(Object.entries(consumedPositions(step.c)).filter(([k]) => keys.includes(k))), nowMs);
      if (keys.length > 0) rebalanceEffect(step, 'revoked', keys);
      dropOwned(step, keys);
    } else if (callback.kind === 'assign') {
      const keys = toKeys(callback.added);
      addOwned(step, keys);
      rebalanceEffect(step, 'assigned', keys);
    } else {
      const keys = toKeys(callback.partitions);
      if (keys.length > 0) rebalanceEffect(step, 'lost', keys);
      dropOwned(step, keys);
    }
    step.patch({ membership: membership848.poll(membership848.onCallbackCompleted(step.c.membership as membership848.ConsumerMembership), topicNames(step.c)) });
  }
}

// ---- positions and fetching ------------------------------------------------------------------

function leaderOf(c: ConsumerContext, key: Key): { leader: number; leaderEpoch: number; topicId: string } | null {
  const { topic, partition } = splitKey(key);
  const t = c.topics[topic];
  const p = t?.partitions[partition];
  return t === undefined || p === undefined || p.leader < 0 ? null : { leader: p.leader, leaderEpoch: p.leaderEpoch, topicId: t.topicId };
}

function patchPartition(step: Step, key: Key, patch: Partial<PartitionState>): void {
  const s = step.c.owned[key];
  if (s !== undefined) step.patch({ owned: { ...step.c.owned, [key]: { ...s, ...patch } } });
}

/** ConsumerCoordinator.refreshCommittedOffsetsIfNeeded: one OffsetFetch for every initializing partition. */
function fetchCommitted(step: Step, nowMs: number): void {
  const c = step.c;
  const initializing = Object.entries(c.owned).filter(([, s]) => s.fetchState === 'INITIALIZING').map(([k]) => k);
  if (initializing.length === 0 || inFlightOf(c, 'OffsetFetch')) return;
  if (c.config.groupId === null) {
    for (const key of initializing) patchPartition(step, key, { fetchState: 'AWAIT_RESET' });
    return;
  }
  if (c.coordinator === null || nowMs < c.groupRetryAtMs) return;
  const classic = c.config.groupProtocol === 'classic';
  request(step, c.coordinator, 'OffsetFetch', (correlationId) => ({
    type: 'OffsetFetch', correlationId, groupId: c.config.groupId as string, memberId: classic ? null : (c.membership?.memberId ?? null), memberEpoch: classic ? -1 : (c.membership?.memberEpoch ?? -1),
    partitions: initializing.map(splitKey), requireStable: true,
  }), {}, nowMs);
}

function onOffsetFetchResponse(step: Step, response: With<OffsetFetchResponse>): void {
  if (complete(step, response.correlationId, 'OffsetFetch') === null) return;
  const error = errorName(response.errorCode);
  if (error === 'NOT_COORDINATOR' || error === 'COORDINATOR_NOT_AVAILABLE') return coordinatorUnknown(step, response.nowMs);
  // OffsetFetchResponseHandler: COORDINATOR_LOAD_IN_PROGRESS is retriable (refreshCommittedOffsets sleeps retry.backoff.ms); the coordinator stays.
  if (error === 'COORDINATOR_LOAD_IN_PROGRESS') return step.patch({ groupRetryAtMs: response.nowMs + step.c.config.retryBackoffMs });
  if (error !== 'NONE') return;
  for (const p of response.partitions) {
    const key = keyOf(p.topic, p.partition);
    if (step.c.owned[key]?.fetchState !== 'INITIALIZING' || p.errorCode !== 0) continue;
    if (p.committedOffset >= 0) {
      patchPartition(step, key, { fetchState: 'FETCHING', ...positionAt(step.c, key, p.committedOffset, p.committedLeaderEpoch), buffered: [] });
      step.effect({ type: 'position', partition: key, offset: p.committedOffset, reason: 'committed' });
    } else patchPartition(step, key, { fetchState: 'AWAIT_RESET' });
  }
}

/** OffsetFetcher.resetPositionsIfNeeded: ListOffsets EARLIEST / LATEST to the leader; 'none' is an error to the application. */
function resetPositions(step: Step, nowMs: number): void {
  for (const [key, s] of Object.entries(step.c.owned)) {
    if (s.fetchState !== 'AWAIT_RESET' || s.fetchInFlight !== null || s.retryAtMs > nowMs) continue;
    if (step.c.config.autoOffsetReset === 'none') {
      step.effect({ type: 'error', error: `NoOffsetForPartitionException: ${key} has no committed offset and auto.offset.reset=none` });
      patchPartition(step, key, { fetchState: 'INITIALIZING' });
      continue;
    }
    const leader = leaderOf(step.c, key);
    if (leader === null) continue;
    const { topic, partition } = splitKey(key);
    const id = request(step, leader.leader, 'ListOffsets', (correlationId) => ({
      type: 'ListOffsets', correlationId, topic, topicId: leader.topicId, partition, currentLeaderEpoch: leader.leaderEpoch, timestamp: step.c.config.autoOffsetReset === 'earliest' ? -2 : -1,
    }), { partition: key }, nowMs);
    patchPartition(step, key, { fetchInFlight: id });
  }
}

function onListOffsetsResponse(step: Step, response: With<ListOffsetsResponse>): void {
  const sent = complete(step, response.correlationId, 'ListOffsets');
  if (sent?.partition === undefined) return;
  const key = sent.partition;
  const s = step.c.owned[key];
  if (s === undefined || s.fetchInFlight !== response.correlationId) return;
  if (response.errorCode !== 0 || response.offset < 0) {
    patchPartition(step, key, { fetchInFlight: null, retryAtMs: response.nowMs + step.c.config.retryBackoffMs });
    step.patch({ metadataWanted: true });
    return;
  }
  patchPartition(step, key, { fetchState: 'FETCHING', ...positionAt(step.c, key, response.offset, response.leaderEpoch), buffered: [], fetchInFlight: null });
  step.effect({ type: 'position', partition: key, offset: response.offset, reason: 'reset' });
}

function fetch(step: Step, nowMs: number): void {
  for (const [key, s] of Object.entries(step.c.owned)) {
    if (s.fetchState !== 'FETCHING' || s.fetchInFlight !== null || s.buffered.length > 0 || s.retryAtMs > nowMs || s.fetchWaitUntilMs > nowMs) continue;
    const leader = leaderOf(step.c, key);
    if (leader === null) continue;
    const { topic, partition } = splitKey(key);
    const id = request(step, leader.leader, 'Fetch', (correlationId) => ({
      type: 'Fetch', correlationId, topic, topicId: leader.topicId, partition, replicaId: -1, replicaEpoch: -1, currentLeaderEpoch: leader.leaderEpoch,
      fetchOffset: s.fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1,
    }), { partition: key }, nowMs);
    patchPartition(step, key, { fetchInFlight: id });
  }
}

/** FetchCollector: records at or past the fetch offset are buffered; errors move the partition or refresh metadata. */
function onFetchResponse(step: Step, response: With<FetchResponse>): void {
  const sent = complete(step, response.correlationId, 'Fetch');
  if (sent?.partition === undefined) return;
  const key = sent.partition;
  const s = step.c.owned[key];
  if (s === undefined || s.fetchInFlight !== response.correlationId) return;
  const error = errorName(response.errorCode);
  if (error === 'OFFSET_OUT_OF_RANGE') {
    patchPartition(step, key, { fetchInFlight: null, fetchState: 'AWAIT_RESET' });
    return;
  }
  if (error !== 'NONE') {
    patchPartition(step, key, { fetchInFlight: null, retryAtMs: response.nowMs + step.c.config.retryBackoffMs });
    step.patch({ metadataWanted: true });
    return;
  }
  const records = response.batches.flatMap((b) => b.records.map((r) => ({ offset: b.baseOffset + r.offsetDelta, key: r.key, value: r.value, leaderEpoch: b.partitionLeaderEpoch })))
    .filter((r) => r.offset >= s.fetchOffset && r.offset < response.highWatermark);
  const fetchOffset = records.length === 0 ? s.fetchOffset : (records[records.length - 1] as { offset: number }).offset + 1;
  patchPartition(step, key, { fetchInFlight: null, buffered: [...s.buffered, ...records], fetchOffset, retryAtMs: 0, fetchWaitUntilMs: records.length === 0 ? response.nowMs + step.c.config.fetchMaxWaitMs : 0 });
}

/** KafkaConsumer.poll: hand over what is buffered, in order from the position. */
function deliver(step: Step): void {
  for (const key of ownedKeys(step.c)) {
    const s = step.c.owned[key] as PartitionState;
    if (s.fetchState !== 'FETCHING' || s.buffered.length === 0) continue;
    const records = s.buffered.filter((r) => r.offset >= s.position);
    if (records.length > 0) step.effect({ type: 'records', partition: key, records: records.map(({ offset, key: recordKey, value }) => ({ offset, key: recordKey, value })) });
    const last = records[records.length - 1];
    patchPartition(step, key, { buffered: [], position: last === undefined ? s.position : last.offset + 1, offsetEpoch: last === undefined ? s.offsetEpoch : last.leaderEpoch });
  }
}

// ---- the loop --------------------------------------------------------------------------------

function onMetadata(step: Step, response: With<MetadataResponse>): void {
  if (complete(step, response.correlationId, 'Metadata') === null) return;
  // Metadata.updateLatestMetadata: a partition's entry older (lower leader epoch) than what the client has is ignored — a broker still catching up answers from a stale image.
  const topics: Record<string, TopicMetadata> = { ...step.c.topics };
  for (const t of response.topics) {
    const known = step.c.topics[t.name];
    const partitions = t.partitions.map((p, i) => {
      const had = known?.topicId === t.topicId ? known.partitions[i] : undefined;
      return had !== undefined && had.leaderEpoch > p.leaderEpoch ? had : { leader: p.leader, leaderEpoch: p.leaderEpoch };
    });
    topics[t.name] = { topicId: t.topicId, partitions };
  }
  step.patch({ topics, metadataAtMs: response.nowMs, metadataWanted: false });
  validatePositionsOnMetadataChange(step);
}

/**
 * SubscriptionState.maybeValidatePositionForCurrentLeader: a fetching position under an older
 * leader epoch than metadata now gives must be validated before fetching on (its buffered records
 * are dropped: they came from the old leader); one without an offset epoch just takes the new leader.
 */
function validatePositionsOnMetadataChange(step: Step): void {
  for (const [key, s] of Object.entries(step.c.owned)) {
    const leader = leaderOf(step.c, key);
    if (s.fetchState !== 'FETCHING' || leader === null || leader.leaderEpoch <= s.positionLeaderEpoch) continue;
    if (s.offsetEpoch < 0) patchPartition(step, key, { positionLeaderEpoch: leader.leaderEpoch });
    else patchPartition(step, key, { fetchState: 'AWAIT_VALIDATION', buffered: [], fetchOffset: s.position, fetchInFlight: null, retryAtMs: 0 });
  }
}

/** A position taken now: good under the leader epoch metadata gives. */
function positionAt(c: ConsumerContext, key: Key, offset: number, offsetEpoch: number): Pick<PartitionState, 'position' | 'fetchOffset' | 'offsetEpoch' | 'positionLeaderEpoch'> {
  return { position: offset, fetchOffset: offset, offsetEpoch, positionLeaderEpoch: leaderOf(c, key)?.leaderEpoch ?? -1 };
}

/** OffsetFetcher.validatePositionsIfNeeded: OffsetForLeaderEpoch for the position's offset epoch, to the leader, fenced by its epoch. */
function validatePositions(step: Step, nowMs: number): void {
  for (const [key, s] of Object.entries(step.c.owned)) {
    if (s.fetchState !== 'AWAIT_VALIDATION' || s.fetchInFlight !== null || s.retryAtMs > nowMs) continue;
    const leader = leaderOf(step.c, key);
    if (leader === null) continue;
    const { topic, partition } = splitKey(key);
    const id = request(step, leader.leader, 'OffsetForLeaderEpoch', (correlationId) => ({
      type: 'OffsetForLeaderEpoch', correlationId, topic, topicId: leader.topicId, partition, replicaId: -1, currentLeaderEpoch: leader.leaderEpoch, leaderEpoch: s.offsetEpoch,
    }), { partition: key, leaderEpoch: leader.leaderEpoch }, nowMs);
    patchPartition(step, key, { fetchInFlight: id });
  }
}

/**
 * SubscriptionState.maybeCompleteValidation: the epoch ends at or past the position: fetch on.
 * It ends below: the log was truncated under the position (an unclean election): go back to where
 * it ends, unless auto.offset.reset=none (LogTruncationException). The epoch is unknown to the
 * leader: reset by auto.offset.reset.
 */
function onOffsetForLeaderEpochResponse(step: Step, response: With<OffsetForLeaderEpochResponse>): void {
  const sent = complete(step, response.correlationId, 'OffsetForLeaderEpoch');
  if (sent?.partition === undefined) return;
  const key = sent.partition;
  const s = step.c.owned[key];
  if (s === undefined || s.fetchInFlight !== response.correlationId || s.fetchState !== 'AWAIT_VALIDATION') return;
  if (response.errorCode !== 0) {
    patchPartition(step, key, { fetchInFlight: null, retryAtMs: response.nowMs + step.c.config.retryBackoffMs });
    step.patch({ metadataWanted: true });
    return;
  }
  const validatedUnder = sent.leaderEpoch ?? s.positionLeaderEpoch;
  if (response.leaderEpoch < 0 || response.endOffset < 0) {
    patchPartition(step, key, { fetchInFlight: null, fetchState: 'AWAIT_RESET', positionLeaderEpoch: validatedUnder });
    return;
  }
  if (response.endOffset >= s.position) {
    patchPartition(step, key, { fetchInFlight: null, fetchState: 'FETCHING', fetchOffset: s.position, positionLeaderEpoch: validatedUnder });
    return;
  }
  if (step.c.config.autoOffsetReset === 'none') {
    patchPartition(step, key, { fetchInFlight: null, retryAtMs: response.nowMs + step.c.config.retryBackoffMs });
    step.effect({ type: 'error', error: `LogTruncationException: ${key} was truncated below the position ${s.position}; the first offset that diverges is ${response.endOffset}` });
    return;
  }
  patchPartition(step, key, { fetchInFlight: null, fetchState: 'FETCHING', position: response.endOffset, fetchOffset: response.endOffset, offsetEpoch: response.leaderEpoch, positionLeaderEpoch: validatedUnder });
  step.effect({ type: 'position', partition: key, offset: response.endOffset, reason: 'truncated' });
}

function onFindCoordinator(step: Step, response: With<FindCoordinatorResponse>): void {
  const entry = step.c.inFlight[response.correlationId];
  if (entry?.kind !== 'FindCoordinator') return;
  const inFlight = { ...step.c.inFlight };
  delete inFlight[response.correlationId];
  // FindCoordinatorResponseHandler: a new coordinator restarts the session timer (Heartbeat.resetSessionTimeout).
  if (response.errorCode === 0) step.patch({ inFlight, coordinator: response.nodeId, lastHeartbeatOkMs: response.nowMs });
  else step.patch({ inFlight, coordinatorRetryAtMs: response.nowMs + step.c.config.retryBackoffMs });
}

/** Requests unanswered past request.timeout.ms are given up (NetworkClient): the coordinator's mean it is unknown. */
function expireRequests(step: Step, nowMs: number): void {
  for (const [id, r] of Object.entries(step.c.inFlight)) {
    if (nowMs - r.sentAtMs < step.c.config.requestTimeoutMs) continue;
    failRequest(step, Number(id), r, nowMs);
  }
}

function failRequest(step: Step, id: number, r: InFlight, nowMs: number): void {
  const inFlight = { ...step.c.inFlight };
  delete inFlight[id];
  step.patch({ inFlight });
  if (r.partition !== undefined) {
    patchPartition(step, r.partition, { fetchInFlight: null, retryAtMs: nowMs + step.c.config.retryBackoffMs });
    step.patch({ metadataWanted: true });
  }
  if (r.kind === 'OffsetCommit') {
    step.effect({ type: 'commit.completed', offsets: r.offsets ?? {}, error: 'NETWORK_EXCEPTION' });
    if (step.c.commitBeforeJoin === 'pending') step.patch({ commitBeforeJoin: 'done' });
  }
  if (r.kind === 'ConsumerGroupHeartbeat' && step.c.membership !== null) step.patch({ membership: membership848.onHeartbeatFailure(step.c.membership) });
  if (r.kind === 'JoinGroup' || r.kind === 'SyncGroup') step.patch({ memberState: 'UNJOINED', rejoinNeeded: true });
  if (['JoinGroup', 'SyncGroup', 'Heartbeat', 'OffsetCommit', 'OffsetFetch', 'ConsumerGroupHeartbeat', 'LeaveGroup'].includes(r.kind)) coordinatorUnknown(step, nowMs);
}

function runLoop(step: Step, nowMs: number): void {
  const c = step.c;
  if (c.closed) return;
  expireRequests(step, nowMs);
  if ((step.c.metadataWanted || nowMs - step.c.metadataAtMs >= step.c.config.metadataMaxAgeMs || Object.keys(step.c.topics).length === 0) && !inFlightOf(step.c, 'Metadata')) {
    request(step, nextBroker(step, nowMs), 'Metadata', (correlationId) => ({ type: 'Metadata', correlationId }), {}, nowMs);
  }
  const group = step.c.config.groupId;
  if (group !== null && !step.c.manual && step.c.subscription.length > 0) {
    if (step.c.coordinator === null && !inFlightOf(step.c, 'FindCoordinator') && nowMs >= step.c.coordinatorRetryAtMs) {
      request(step, nextBroker(step, nowMs), 'FindCoordinator', (correlationId) => ({ type: 'FindCoordinator', correlationId, key: group, keyType: 0 }), {}, nowMs);
    }
    if (step.c.coordinator !== null && step.c.config.groupProtocol === 'classic') {
      // Heartbeat thread: no answer within the session timeout means the coordinator is unknown.
      // Heartbeat.sessionTimeoutExpired: Kafka's Timer expires at its deadline (currentTimeMs >= deadlineMs).
      if (sessionTimerRuns(step.c) && nowMs - step.c.lastHeartbeatOkMs >= step.c.config.sessionTimeoutMs) coordinatorUnknown(step, nowMs);
      else {
        if (step.c.memberState === 'STABLE' && metadataChangedSinceAssignment(step.c)) step.patch({ rejoinNeeded: true });
        if (step.c.rejoinNeeded || step.c.memberState === 'UNJOINED') joinGroup(step, nowMs);
        heartbeat(step, nowMs);
      }
    }
    if (step.c.coordinator !== null && step.c.config.groupProtocol === 'consumer' && step.c.membership !== null) {
      step.patch({ membership: membership848.poll(step.c.membership, topicNames(step.c)) });
      runCallbacks(step, nowMs);
      consumerHeartbeat(step, nowMs);
    }
  }
  fetchCommitted(step, nowMs);
  resetPositions(step, nowMs);
  validatePositions(step, nowMs);
  fetch(step, nowMs);
}

const sessionTimerRuns = (c: ConsumerContext): boolean => c.memberState === 'STABLE' || c.memberState === 'COMPLETING_REBALANCE';

// ---- timers ----------------------------------------------------------------------------------

const earliest = (times: readonly number[]): number | null => (times.length === 0 ? null : Math.min(...times));

/** When each timer must next wake the loop, or null when nothing waits on it. */
function deadlines(c: ConsumerContext): Record<ConsumerTimer, number | null> {
  const inGroup = c.config.groupId !== null && !c.manual && c.subscription.length > 0;
  const m = c.membership;
  const classic = c.config.groupProtocol === 'classic';
  let heartbeatMs: number | null = null;
  if (inGroup && c.coordinator !== null && classic && sessionTimerRuns(c) && !inFlightOf(c, 'Heartbeat')) heartbeatMs = c.lastHeartbeatSentMs + c.config.heartbeatIntervalMs;
  if (inGroup && c.coordinator !== null && !classic && m !== null && !membership848.shouldSkipHeartbeat(m) && !inFlightOf(c, 'ConsumerGroupHeartbeat') && m.heartbeatIntervalMs > 0) heartbeatMs = c.lastConsumerHeartbeatMs + m.heartbeatIntervalMs;
  const waiting = Object.values(c.owned).filter((s) => s.fetchInFlight === null && (s.fetchState === 'FETCHING' || s.fetchState === 'AWAIT_RESET' || s.fetchState === 'AWAIT_VALIDATION'));
  const coordinatorRetry = inGroup && c.coordinator === null && !inFlightOf(c, 'FindCoordinator') ? [c.coordinatorRetryAtMs] : [];
  const groupRetry = c.coordinator !== null ? [c.groupRetryAtMs] : [];
  return {
    HeartbeatTimer: heartbeatMs,
    SessionTimer: inGroup && c.coordinator !== null && classic && sessionTimerRuns(c) ? c.lastHeartbeatOkMs + c.config.sessionTimeoutMs : null,
    PollTimer: c.config.groupId !== null && c.lastPollMs >= 0 ? c.lastPollMs + c.config.maxPollIntervalMs : null,
    RetryBackoffTimer: earliest([...coordinatorRetry, ...groupRetry, ...waiting.map((s) => s.retryAtMs)]),
    FetchWaitTimer: earliest(waiting.filter((s) => s.fetchState === 'FETCHING' && s.buffered.length === 0).map((s) => s.fetchWaitUntilMs)),
    RequestTimer: earliest(Object.values(c.inFlight).map((r) => r.sentAtMs + c.config.requestTimeoutMs)),
    MetadataTimer: inFlightOf(c, 'Metadata') ? null : c.metadataAtMs + c.config.metadataMaxAgeMs,
  };
}

/** Arm each timer whose deadline moved, cancel those nothing waits on any more; a deadline already past woke nothing (its work is blocked on an answer). */
function armTimers(step: Step, nowMs: number): void {
  const due = deadlines(step.c);
  const timers: Partial<Record<ConsumerTimer, number>> = { ...step.c.timers };
  for (const name of consumerTimers) {
    const at = due[name];
    const want = at !== null && Number.isFinite(at) && at > nowMs ? at : null;
    if (want === null) {
      if (timers[name] !== undefined) step.cancel(name);
      delete timers[name];
    } else if (timers[name] !== want) {
      step.timer({ type: name, from: -1 }, want - nowMs, name);
      timers[name] = want;
    }
  }
  step.patch({ timers });
}

function poll(step: Step, nowMs: number): void {
  const c = step.c;
  // ConsumerCoordinator.poll: the poll timer; a member past max.poll.interval.ms left the group (below) and joins again now.
  step.patch({ lastPollMs: nowMs });
  if (c.membership !== null) step.patch({ membership: membership848.onConsumerPoll(c.membership) });
  deliver(step);
  if (c.config.enableAutoCommit && c.config.groupId !== null && nowMs - c.lastAutoCommitMs >= c.config.autoCommitIntervalMs) {
    if (sendCommit(step, consumedPositions(step.c), nowMs)) step.patch({ lastAutoCommitMs: nowMs });
  }
}

/** AbstractCoordinator.maybeLeaveGroup: a static member does not send LeaveGroup (KIP-345). */
function pollTimeout(step: Step, nowMs: number): void {
  const c = step.c;
  // pollTimer.isExpired: at the deadline, as Kafka's Timer.
  if (c.config.groupId === null || c.lastPollMs < 0 || nowMs - c.lastPollMs < c.config.maxPollIntervalMs) return;
  if (c.config.groupProtocol === 'consumer') {
    if (c.membership !== null && !c.membership.isPollTimerExpired) step.patch({ membership: membership848.onPollTimerExpired(c.membership) });
    return;
  }
  if (c.memberState === 'UNJOINED' || c.memberId === '') return;
  if (c.coordinator !== null && c.config.groupInstanceId === null) {
    request(step, c.coordinator, 'LeaveGroup', (correlationId) => ({ type: 'LeaveGroup', correlationId, groupId: c.config.groupId as string, members: [{ memberId: c.memberId, groupInstanceId: null, reason: 'consumer poll timeout has expired' }] }), {}, nowMs);
  }
  resetGeneration(step);
}

/** Every event: its rule, then the poll timer, one pass of the client loop, and the timers it leaves waiting. */
function run(body: (step: Step, event: never) => void): never {
  return enqueueActions(({ context, event, enqueue }: { context: ConsumerContext; event: ConsumerEvent; enqueue: unknown }) => {
    const step = new Step(context);
    body(step, event as never);
    if (!step.c.closed) {
      pollTimeout(step, event.nowMs);
      runLoop(step, event.nowMs);
      armTimers(step, event.nowMs);
    }
    step.flush(enqueue as never);
  }) as never;
}

/** A timer fired: it is no longer armed (a clock running fast fires it early; the pass re-arms it). */
function timerFired(step: Step, event: With<{ type: ConsumerTimer }>): void {
  const timers = { ...step.c.timers };
  delete timers[event.type];
  step.patch({ timers });
}

// ---- the diagram -----------------------------------------------------------------------------

type Region = keyof ConsumerContext['hops'];

/** An eventless move of a region to `state`, taken when the rule's next hop there is that state; the guard names the rule. */
function hop(region: Region, guard: string, state: string, description: string) {
  return { guard, target: state, actions: `take${region[0]!.toUpperCase()}${region.slice(1)}Hop`, description } as const;
}

const coordinatorHops = {
  Discovering: ['lookupCoordinator', 'FindCoordinator sent to the least loaded broker (AbstractCoordinator.lookupCoordinator): the group is subscribed and no coordinator is known.'],
  Known: ['coordinatorFound', 'FindCoordinatorResponse without error: requests for the group go to this broker; the session timer restarts (Heartbeat.resetSessionTimeout).'],
  Unknown: ['markCoordinatorUnknown', 'The lookup failed (retry after retry.backoff.ms), or the coordinator is lost: NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE (COORDINATOR_LOAD_IN_PROGRESS keeps it: the request is retried after retry.backoff.ms), a request timed out or its connection broke, or no heartbeat answer within session.timeout.ms. Requests to it are abandoned.'],
} as const satisfies Record<CoordinatorState, readonly [string, string]>;

const classicHops = {
  PREPARING_REBALANCE: ['initiateJoinGroup', 'ConsumerCoordinator.onJoinPrepare (eager: commit with auto-commit, then revoke every owned partition; a reset generation loses them instead), then JoinGroup with the subscription and, cooperative, the owned partitions.'],
  COMPLETING_REBALANCE: ['joinGroupResponseReceived', 'JoinGroupResponseHandler: the member has the generation; the leader runs the chosen assignor over every member\'s subscription; SyncGroup sent.'],
  STABLE: ['syncGroupResponseReceived', 'SyncGroupResponseHandler then ConsumerCoordinator.onJoinComplete: eager takes the assignment whole; cooperative revokes owned − assigned (and rejoins if that was not empty) before assigning assigned − owned.'],
  UNJOINED: ['resetStateAndRejoin', 'The join or sync failed (REBALANCE_IN_PROGRESS and the like, or the coordinator lost mid-rebalance), or the generation is gone (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID: owned partitions are lost), or max.poll.interval.ms passed (maybeLeaveGroup).'],
} as const satisfies Record<ClassicMemberState, readonly [string, string]>;

const consumerHops = {
  JOINING: ['transitionToJoining', 'Subscribed and polled (or rejoining after FENCED, or a STALE member polled again once its partitions were released): a full heartbeat at epoch 0.'],
  RECONCILING: ['newTargetAssignment', 'processAssignmentReceived: the heartbeat answer carries an assignment different from the one reconciled; reconcile: commit, revoke what is lost, then assign what is gained.'],
  ACKNOWLEDGING: ['reconciliationCompleted', 'The callbacks ran (or nothing resolvable changed): the next heartbeat, sent at once, reports the new owned partitions.'],
  STABLE: ['targetAssignmentReconciled', 'The acknowledging heartbeat went out with the target reconciled, or the answer confirmed the assignment already held.'],
  FENCED: ['transitionToFenced', 'FENCED_MEMBER_EPOCH or UNKNOWN_MEMBER_ID: the partitions are lost (onPartitionsLost), then the member rejoins at epoch 0.'],
  PREPARE_LEAVING: ['leaveGroup', 'close() or unsubscribe(): release the partitions (revoked while in the group), then leave; or max.poll.interval.ms passed (poll timer expired).'],
  LEAVING: ['transitionToSendingLeaveGroup', 'The leave heartbeat (epoch -1, or -2 for a static member) is to be sent at once.'],
  UNSUBSCRIBED: ['leaveGroupSent', 'The leave heartbeat went out (or the member was fenced while leaving): out of the group.'],
  STALE: ['transitionToStale', 'Left because the poll timer expired: the partitions are lost; the member rejoins when the application polls again.'],
  FATAL: ['transitionToFatal', 'An error the member cannot recover from (GROUP_MAX_SIZE_REACHED, UNSUPPORTED_ASSIGNOR, FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID, INVALID_REQUEST, ...): no more heartbeats; the partitions are lost.'],
} as const satisfies Record<membership848.MemberState, readonly [string, string]>;

/** A region's states, each with an eventless move to every state its legal edges allow from it. */
function regionStates<S extends string>(region: Region, hops: Readonly<Record<S, readonly [string, string]>>, predecessors: Readonly<Record<S, readonly S[]>>, descriptions: Readonly<Record<S, string>>) {
  const states = Object.keys(hops) as S[];
  return Object.fromEntries(states.map((from) => [from, {
    description: descriptions[from],
    always: states.filter((to) => to !== from && predecessors[to].includes(from)).map((to) => hop(region, hops[to][0], to, hops[to][1])),
  }])) as never;
}

function hopGuards<S extends string>(region: Region, hops: Readonly<Record<S, readonly [string, string]>>) {
  return Object.fromEntries((Object.keys(hops) as S[]).map((state) => [hops[state][0], ({ context }: { context: ConsumerContext }) => (context.hops[region] as readonly string[])[0] === state]));
}

function takeHop(region: Region) {
  return assign(({ context }: { context: ConsumerContext }) => ({ hops: { ...context.hops, [region]: context.hops[region].slice(1) } }));
}

const timerRules: Record<ConsumerTimer, string> = {
  HeartbeatTimer: 'heartbeat.interval.ms since the last heartbeat (classic Heartbeat while COMPLETING_REBALANCE or STABLE; KIP-848 ConsumerGroupHeartbeat at the interval the coordinator gave): send the next.',
  SessionTimer: 'session.timeout.ms without a heartbeat answer (Heartbeat.sessionTimeoutExpired): the coordinator is marked unknown and looked up again.',
  PollTimer: 'max.poll.interval.ms without poll() (pollTimer expired): a dynamic classic member sends LeaveGroup and resets its generation; a KIP-848 member leaves and goes STALE.',
  RetryBackoffTimer: 'retry.backoff.ms after a failed coordinator lookup, fetch or ListOffsets, or a COORDINATOR_LOAD_IN_PROGRESS answer to JoinGroup, OffsetFetch or ConsumerGroupHeartbeat: try again.',
  FetchWaitTimer: 'fetch.max.wait.ms after an empty fetch answer (the broker would have held the fetch that long): fetch the partition again.',
  RequestTimer: 'request.timeout.ms without an answer (NetworkClient): the request fails; a coordinator request marks the coordinator unknown.',
  MetadataTimer: 'metadata.max.age.ms since the last metadata: refresh it.',
};

export function createConsumerMachine() {
  return setup({
    types: { context: {} as ConsumerContext, events: {} as ConsumerEvent, input: {} as ConsumerInput, emitted: {} as ConsumerEffect },
    actions: {
      subscribe: run((step, event: With<Extract<ConsumerCommand, { type: 'Subscribe' }>>) => {
        const topics = [...new Set(event.topics)].sort();
        step.patch({ subscription: topics, manual: false, lastPollMs: event.nowMs });
        if (step.c.config.groupProtocol === 'consumer' && step.c.config.groupId !== null) {
          const m = step.c.membership ?? membership848.initialMembership({ groupId: step.c.config.groupId, groupInstanceId: step.c.config.groupInstanceId, rebalanceTimeoutMs: step.c.config.maxPollIntervalMs, serverAssignor: step.c.config.remoteAssignor });
          step.patch({ membership: membership848.onConsumerPoll(membership848.subscribe(m, topics)) });
        } else step.patch({ rejoinNeeded: true });
      }),
      assign: run((step, event: With<Extract<ConsumerCommand, { type: 'Assign' }>>) => {
        step.patch({ manual: true });
        addOwned(step, event.partitions);
      }),
      poll: run((step, event: With<{ type: 'Poll' }>) => poll(step, event.nowMs)),
      commit: run((step, event: With<{ type: 'Commit' }>) => {
        sendCommit(step, consumedPositions(step.c), event.nowMs);
      }),
      seek: run((step, event: With<Extract<ConsumerCommand, { type: 'Seek' }>>) => {
        if (step.c.owned[event.partition] === undefined) return step.effect({ type: 'error', error: `seek: ${event.partition} is not assigned to this consumer` });
        patchPartition(step, event.partition, { fetchState: 'FETCHING', ...positionAt(step.c, event.partition, event.offset, -1), buffered: [], fetchInFlight: null });
        step.effect({ type: 'position', partition: event.partition, offset: event.offset, reason: 'seek' });
      }),
      close: run((step, event: With<{ type: 'Close' }>) => {
        const c = step.c;
        if (c.config.groupProtocol === 'classic' && c.coordinator !== null && c.memberId !== '' && c.config.groupInstanceId === null) {
          request(step, c.coordinator, 'LeaveGroup', (correlationId) => ({ type: 'LeaveGroup', correlationId, groupId: c.config.groupId as string, members: [{ memberId: c.memberId, groupInstanceId: null, reason: 'the consumer is being closed' }] }), {}, event.nowMs);
        }
        if (c.membership !== null && c.coordinator !== null) {
          const left = membership848.leave(c.membership);
          const built = membership848.heartbeatRequest(left, c.nextCorrelationId);
          if (built !== null) request(step, c.coordinator, 'ConsumerGroupHeartbeat', () => built.request, {}, event.nowMs);
        }
        const owned = ownedKeys(step.c);
        if (owned.length > 0) rebalanceEffect(step, 'revoked', owned);
        dropOwned(step, owned);
        for (const name of Object.keys(step.c.timers)) step.cancel(name);
        step.patch({ closed: true, timers: {} });
      }),
      timer: run(timerFired),
      takeCoordinatorHop: takeHop('coordinator') as never,
      takeClassicHop: takeHop('classic') as never,
      takeConsumerHop: takeHop('consumer') as never,
      response: run((step, event: ConsumerEvent) => {
        const e = event as never;
        switch (event.type) {
          case 'MetadataResponse': return onMetadata(step, e);
          case 'FindCoordinatorResponse': return onFindCoordinator(step, e);
          case 'JoinGroupResponse': return onJoinResponse(step, e);
          case 'SyncGroupResponse': return onSyncResponse(step, e);
          case 'HeartbeatResponse': return onHeartbeatResponse(step, e);
          case 'OffsetCommitResponse': return onCommitResponse(step, e);
          case 'OffsetFetchResponse': return onOffsetFetchResponse(step, e);
          case 'ConsumerGroupHeartbeatResponse': return onConsumerHeartbeatResponse(step, e);
          case 'FetchResponse': return onFetchResponse(step, e);
          case 'ListOffsetsResponse': return onListOffsetsResponse(step, e);
          case 'OffsetForLeaderEpochResponse': return onOffsetForLeaderEpochResponse(step, e);
          case 'LeaveGroupResponse': complete(step, (event as { correlationId: number }).correlationId, 'LeaveGroup'); return;
          default: return;
        }
      }),
      disconnected: run((step, event: With<Extract<ConsumerCommand, { type: 'Disconnected' }>>) => {
        step.patch({ unreachableUntilMs: { ...step.c.unreachableUntilMs, [event.node]: event.nowMs + 10 * step.c.config.retryBackoffMs } });
        for (const [id, r] of Object.entries(step.c.inFlight)) if (r.to === event.node) failRequest(step, Number(id), r, event.nowMs);
      }),
    },
    guards: {
      ...hopGuards('coordinator', coordinatorHops),
      ...hopGuards('classic', classicHops),
      ...hopGuards('consumer', consumerHops),
      classicGroup: ({ context }: { context: ConsumerContext }) => context.config.groupId !== null && context.config.groupProtocol === 'classic',
      consumerGroup: ({ context }: { context: ConsumerContext }) => context.config.groupId !== null && context.config.groupProtocol === 'consumer',
    },
  }).createMachine({
    id: 'consumer',
    context: ({ input }) => {
      const assignors = input.config.assignors.map((n) => clientAssignor(n));
      const cooperative = assignors.length > 0 && assignors.every((a) => a?.supportedProtocols.includes('COOPERATIVE') === true);
      return {
        clientId: input.clientId, bootstrap: input.bootstrap, config: input.config, rebalanceProtocol: cooperative ? 'COOPERATIVE' : 'EAGER',
        subscription: [], manual: false, topics: {}, metadataAtMs: -Infinity, metadataWanted: true, coordinator: null, coordinatorRetryAtMs: 0, groupRetryAtMs: 0,
        memberState: 'UNJOINED', memberId: '', generationId: -1, protocolName: null, rejoinNeeded: false, generationReset: false, lastHeartbeatSentMs: -Infinity, lastHeartbeatOkMs: 0, assignmentSnapshot: null,
        membership: null, lastConsumerHeartbeatMs: -Infinity,
        owned: {}, lastPollMs: -1, lastAutoCommitMs: 0, commitBeforeJoin: 'none', inFlight: {}, nextCorrelationId: 1, brokerCursor: input.clientId, unreachableUntilMs: {}, closed: false,
        coordinatorState: 'Unknown', hops: { coordinator: [], classic: [], consumer: [] }, timers: {},
      } satisfies ConsumerContext;
    },
    initial: 'Running',
    states: {
      Running: {
        type: 'parallel',
        description: 'The client at work. Every event runs its rule, then one pass of the client loop (metadata, coordinator, membership, positions with OffsetFetch and auto.offset.reset, fetches); Kafka\'s timers wake the loop at their deadlines. Coordinator discovery and membership are regions that move independently.',
        on: {
          Subscribe: { actions: 'subscribe', description: 'subscribe(): join the group on the next pass (KIP-848: on the next poll).' },
          Assign: { actions: 'assign', description: 'assign(): manual assignment, no group membership.' },
          Poll: { actions: 'poll', description: 'poll(): hand over the buffered records in order from each position; auto-commit when auto.commit.interval.ms has passed (nextAutoCommitTimer); restarts the max.poll.interval.ms timer.' },
          Commit: { actions: 'commit', description: 'commitAsync() of the current positions.' },
          Seek: { actions: 'seek', description: 'seek(): move a position; buffered records are dropped.' },
          Close: { target: 'Closed', actions: 'close', description: 'close(): revoke, and leave the group unless static (KIP-345); every timer is cancelled.' },
          Disconnected: { actions: 'disconnected', description: 'A broken connection fails every request on it; the node is avoided for a while (reconnect.backoff.ms).' },
          MetadataResponse: { actions: 'response', description: 'Metadata.updateLatestMetadata: leaders and epochs; an entry with an older leader epoch than known is ignored.' },
          FindCoordinatorResponse: { actions: 'response', description: 'FindCoordinatorResponseHandler: the coordinator, or a retry after retry.backoff.ms.' },
          JoinGroupResponse: { actions: 'response', description: 'JoinGroupResponseHandler: MEMBER_ID_REQUIRED joins again with the given id; success: the leader runs the chosen assignor and every member sends SyncGroup.' },
          SyncGroupResponse: { actions: 'response', description: 'SyncGroupResponseHandler: the assignment; eager takes it whole; cooperative revokes owned − assigned and rejoins if that was not empty.' },
          HeartbeatResponse: { actions: 'response', description: 'HeartbeatResponseHandler: REBALANCE_IN_PROGRESS: rejoin; UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID: reset the generation, partitions lost; NOT_COORDINATOR: rediscover.' },
          LeaveGroupResponse: { actions: 'response', description: 'LeaveGroupResponseHandler: nothing more to do (the member already reset its generation).' },
          OffsetCommitResponse: { actions: 'response', description: 'OffsetCommitResponseHandler: the commit completes; UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION reset the generation, REBALANCE_IN_PROGRESS asks to rejoin, NOT_COORDINATOR rediscovers.' },
          OffsetFetchResponse: { actions: 'response', description: 'refreshCommittedOffsetsIfNeeded: positions start at the committed offset; none → auto.offset.reset.' },
          ConsumerGroupHeartbeatResponse: { actions: 'response', description: 'ConsumerHeartbeatRequestManager: the member id, epoch, interval and assignment (reconciled in order), or an error that fences, fails or rediscovers.' },
          FetchResponse: { actions: 'response', description: 'FetchCollector: records below the high watermark are buffered; OFFSET_OUT_OF_RANGE resets the position; other errors back off and refresh metadata.' },
          ListOffsetsResponse: { actions: 'response', description: 'OffsetFetcher.resetPositionsIfNeeded: the position becomes the earliest or latest offset.' },
          OffsetForLeaderEpochResponse: { actions: 'response', description: 'SubscriptionState.maybeCompleteValidation (KIP-320): the position\'s epoch ends at or past it: fetch on; below it: the log was truncated, go back to the end (auto.offset.reset=none: LogTruncationException); unknown epoch: auto.offset.reset.' },
          ...(Object.fromEntries(consumerTimers.map((name) => [name, { actions: 'timer', description: timerRules[name] }])) as Record<ConsumerTimer, { actions: 'timer'; description: string }>),
        },
        states: {
          Coordinator: {
            initial: 'Unknown',
            description: 'Coordinator discovery (AbstractCoordinator.ensureCoordinatorReady).',
            states: regionStates('coordinator', coordinatorHops, coordinatorPredecessors, {
              Unknown: 'No coordinator known: a subscribed group member looks one up (after retry.backoff.ms following a failure).',
              Discovering: 'A FindCoordinator is in flight.',
              Known: 'Group requests (JoinGroup, SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, ConsumerGroupHeartbeat, LeaveGroup) go to this broker.',
            }),
          },
          Membership: {
            initial: 'Configuring',
            description: 'Group membership by group.protocol: classic (AbstractCoordinator.MemberState) or consumer (KIP-848 MemberState); none without a group.id.',
            states: {
              Configuring: {
                description: 'Chooses the membership by the configuration.',
                always: [
                  { guard: 'classicGroup', target: 'Classic', description: 'group.protocol=classic with a group.id: ConsumerCoordinator over AbstractCoordinator.' },
                  { guard: 'consumerGroup', target: 'Consumer', description: 'group.protocol=consumer with a group.id: the KIP-848 membership manager.' },
                  { target: 'NoGroup', description: 'No group.id: manual assignment only, positions from auto.offset.reset or seek.' },
                ],
              },
              NoGroup: { description: 'No group membership.' },
              Classic: {
                initial: 'UNJOINED',
                description: 'The classic protocol\'s member states (AbstractCoordinator.MemberState).',
                states: regionStates('classic', classicHops, classicMemberPredecessors, {
                  UNJOINED: 'Not in a generation: the client joins once subscribed and the coordinator is known.',
                  PREPARING_REBALANCE: 'JoinGroup in flight.',
                  COMPLETING_REBALANCE: 'Joined the generation; SyncGroup in flight; heartbeats run.',
                  STABLE: 'Holds the generation\'s assignment; heartbeats every heartbeat.interval.ms, commits with the generation.',
                }),
              },
              Consumer: {
                initial: 'UNSUBSCRIBED',
                description: 'KIP-848\'s MemberState (membership-consumer-protocol.ts moves it; every edge is one MemberState allows).',
                states: regionStates('consumer', consumerHops, membership848.legalPredecessors, {
                  UNSUBSCRIBED: 'Not in the group.',
                  JOINING: 'Sends a full ConsumerGroupHeartbeat at epoch 0 and waits for an assignment.',
                  RECONCILING: 'Reconciling a new target assignment: commit, revoke, assign (callbacks in order).',
                  ACKNOWLEDGING: 'Reconciled: the next heartbeat reports the owned partitions.',
                  STABLE: 'Holds the target assignment; heartbeats at the interval the coordinator gave.',
                  FENCED: 'Fenced by the coordinator: releasing the partitions as lost before rejoining.',
                  PREPARE_LEAVING: 'Releasing the partitions before the leave heartbeat.',
                  LEAVING: 'The leave heartbeat is due.',
                  STALE: 'Left after the poll timer expired; rejoins on the next poll once released.',
                  FATAL: 'Stopped by an unrecoverable error.',
                }),
              },
            },
          },
        },
      },
      Closed: { type: 'final', description: 'close() returned.' },
    },
  });
}

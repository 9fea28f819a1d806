/**
 * The consumer's side of KIP-848 (group.protocol=consumer) as pure functions: Kafka's
 * ConsumerMembershipManager / AbstractMembershipManager, with the request building of
 * ConsumerHeartbeatRequestManager.HeartbeatState (protocol-rules C.7).
 *
 * The member moves through MemberState (UNSUBSCRIBED, JOINING, RECONCILING, ACKNOWLEDGING, STABLE,
 * FENCED, PREPARE_LEAVING, LEAVING, STALE, FATAL); every change goes through `transitionTo`, which
 * refuses a transition Kafka's MemberState does not list. Reconciling a new assignment is
 * commit → revoke → assign → acknowledge: the member revokes what it loses before it takes what it
 * gains, and tells the coordinator only afterwards (its next heartbeat carries the new owned
 * partitions). The coordinator hands a partition to a new owner only after the old one stopped
 * reporting it, so as long as members reconcile this way no partition has two owners.
 *
 * How the consumer machine drives it:
 *   initialMembership(config)                     UNSUBSCRIBED
 *   subscribe(m, topics); onConsumerPoll(m)       subscribe, then join on the next poll
 *   heartbeatRequest(m, correlationId)            → { state, request } or null (nothing to send);
 *                                                 send when shouldHeartbeatNow(m), or every
 *                                                 m.heartbeatIntervalMs; one in flight at a time
 *   onHeartbeatResponse(m, response, topicNames)  a response (success or error)
 *   onHeartbeatFailure(m)                         no response (lost, timed out, disconnected)
 *   poll(m, topicNames)                           the background poll: reconcile when RECONCILING
 *                                                 (the consumer calls it on every pass of its
 *                                                 loop, which each event runs, Kafka's timers
 *                                                 included; responses and completed callbacks
 *                                                 call it too)
 *   nextCallback(m)                               what the application must do now (see
 *                                                 MembershipCallback); when done, call
 *                                                 onCallbackCompleted(m) (or onRevoked / onAssigned /
 *                                                 onLost, which also check the kind)
 *   leave(m)                                      unsubscribe() / close(): release, then leave
 *   onPollTimerExpired(m)                         max.poll.interval.ms passed without a poll
 *   ownedPartitions(m)                            what the application holds now
 *
 * `topicNames` is the client's metadata (topic id → name): the assignment comes as topic ids.
 * Kafka runs the callbacks asynchronously and sequentially (background events); here they are a
 * queue in the state, run by the machine one at a time in order.
 */
import { errorName, type ErrorName } from '../../protocol/errors.js';
import type {
  ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, TopicIdPartitions, TopicPartitions,
} from '../../protocol/groups/messages.js';

export type MemberState =
  | 'UNSUBSCRIBED' | 'JOINING' | 'RECONCILING' | 'ACKNOWLEDGING' | 'STABLE'
  | 'FENCED' | 'PREPARE_LEAVING' | 'LEAVING' | 'STALE' | 'FATAL';

/** MemberState.previousValidStates */
export const legalPredecessors: Readonly<Record<MemberState, readonly MemberState[]>> = {
  UNSUBSCRIBED: ['PREPARE_LEAVING', 'LEAVING', 'FENCED'],
  JOINING: ['FENCED', 'UNSUBSCRIBED', 'STALE'],
  RECONCILING: ['STABLE', 'JOINING', 'ACKNOWLEDGING', 'RECONCILING'],
  ACKNOWLEDGING: ['RECONCILING'],
  STABLE: ['JOINING', 'ACKNOWLEDGING', 'RECONCILING'],
  FENCED: ['JOINING', 'STABLE', 'RECONCILING', 'ACKNOWLEDGING', 'PREPARE_LEAVING', 'LEAVING'],
  PREPARE_LEAVING: ['JOINING', 'STABLE', 'RECONCILING', 'ACKNOWLEDGING', 'UNSUBSCRIBED'],
  LEAVING: ['PREPARE_LEAVING'],
  STALE: ['LEAVING'],
  FATAL: ['JOINING', 'STABLE', 'RECONCILING', 'ACKNOWLEDGING', 'PREPARE_LEAVING', 'LEAVING', 'UNSUBSCRIBED'],
};

export interface MembershipConfig {
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  /** max.poll.interval.ms: the consumer sends it as its rebalance timeout. */
  readonly rebalanceTimeoutMs: number;
  /** group.remote.assignor */
  readonly serverAssignor: string | null;
}

/** AbstractMembershipManager.LocalAssignment: an assignment and a local epoch bumped on every change. */
export interface LocalAssignment {
  readonly localEpoch: number;
  /** topicId → partitions ascending; no empty topics. */
  readonly partitions: Readonly<Record<string, readonly number[]>>;
}

export const NONE_ASSIGNMENT: LocalAssignment = { localEpoch: -1, partitions: {} };

export interface OwnedPartition {
  readonly topicId: string;
  readonly topic: string;
  readonly partition: number;
}

/**
 * What the application must do, in order. `revoke` (reconcile): commit offsets if auto-commit is on
 * (ConsumerMembershipManager.signalReconciliationStarted), then onPartitionsRevoked for the
 * partitions, if any. `revoke` (leave): onPartitionsRevoked. `assign`: start fetching `assigned`,
 * call onPartitionsAssigned(added). `lost`: onPartitionsLost.
 */
export type MembershipCallback =
  | { readonly kind: 'revoke'; readonly purpose: 'reconcile' | 'leave'; readonly partitions: readonly TopicPartitions[] }
  | { readonly kind: 'assign'; readonly added: readonly TopicPartitions[]; readonly assigned: readonly TopicPartitions[] }
  | { readonly kind: 'lost'; readonly purpose: 'fenced' | 'fatal' | 'stale' | 'leave'; readonly partitions: readonly TopicPartitions[] };

/** HeartbeatState.SentFields: what the last request carried, so unchanged fields are left out. */
interface SentFields {
  readonly rebalanceTimeoutMs: number;
  readonly subscribedTopicNames: readonly string[] | null;
  readonly serverAssignor: string | null;
  readonly localAssignment: LocalAssignment | null;
}

const noSentFields: SentFields = { rebalanceTimeoutMs: -1, subscribedTopicNames: null, serverAssignor: null, localAssignment: null };

interface Reconciliation {
  readonly resolved: LocalAssignment;
  readonly assigned: readonly OwnedPartition[];
  readonly added: readonly OwnedPartition[];
}

export interface ConsumerMembership {
  readonly config: MembershipConfig;
  readonly state: MemberState;
  /** '' until the coordinator gives one. */
  readonly memberId: string;
  readonly memberEpoch: number;
  /** The subscribed topic names, sorted. */
  readonly subscription: readonly string[];
  readonly subscriptionUpdated: boolean;
  /** What the member has reconciled (and reports as owned). */
  readonly currentAssignment: LocalAssignment;
  /** The latest assignment from the coordinator. */
  readonly currentTargetAssignment: LocalAssignment;
  /** SubscriptionState.assignedPartitions: what the application holds. */
  readonly owned: readonly OwnedPartition[];
  /** assignedTopicNamesCache plus the last metadata given. */
  readonly topicNames: Readonly<Record<string, string>>;
  readonly reconciliation: Reconciliation | null;
  readonly rejoinedWhileReconciliationInProgress: boolean;
  readonly leaveInProgress: boolean;
  readonly isPollTimerExpired: boolean;
  /** A stale member has released its partitions (onPartitionsLost done). */
  readonly staleReleased: boolean;
  /** A stale member was polled again: it rejoins once released (maybeRejoinStaleMember). */
  readonly staleRejoinRequested: boolean;
  readonly sentFields: SentFields;
  readonly heartbeatIntervalMs: number;
  readonly callbacks: readonly MembershipCallback[];
  /** Some assigned topic ids have no name yet: the metadata must be refreshed. */
  readonly metadataUpdateRequested: boolean;
  /** The error that made the member FATAL. */
  readonly fatalError: ErrorName | `UNKNOWN_ERROR_${number}` | null;
  /**
   * The states entered since the consumer machine last looked, in order (one call may move the
   * member twice, e.g. FENCED then JOINING): the machine takes them one edge at a time so its
   * diagram shows MemberState's own transitions, then empties this.
   */
  readonly path: readonly MemberState[];
}

export function initialMembership(config: MembershipConfig): ConsumerMembership {
  return {
    config, state: 'UNSUBSCRIBED', memberId: '', memberEpoch: 0, subscription: [], subscriptionUpdated: false,
    currentAssignment: NONE_ASSIGNMENT, currentTargetAssignment: NONE_ASSIGNMENT, owned: [], topicNames: {},
    reconciliation: null, rejoinedWhileReconciliationInProgress: false, leaveInProgress: false, isPollTimerExpired: false,
    staleReleased: false, staleRejoinRequested: false, sentFields: noSentFields, heartbeatIntervalMs: 0, callbacks: [], metadataUpdateRequested: false, fatalError: null, path: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function transitionTo(m: ConsumerMembership, next: MemberState): ConsumerMembership {
  if (m.state !== next && !legalPredecessors[next].includes(m.state)) throw new Error(`Invalid state transition from ${m.state} to ${next}`);
  return m.state === next ? m : { ...m, state: next, path: [...m.path, next] };
}

const JOIN_GROUP_MEMBER_EPOCH = 0;
const leaveGroupEpoch = (m: ConsumerMembership): number => (m.config.groupInstanceId !== null ? -2 : -1);

const compareOwned = (a: OwnedPartition, b: OwnedPartition): number =>
  (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition);
const ownedKey = (p: OwnedPartition): string => `${p.topicId}:${p.partition}`;

function sameLocalAssignment(a: LocalAssignment | null, b: LocalAssignment | null): boolean {
  if (a === null || b === null) return a === b;
  return a.localEpoch === b.localEpoch && samePartitions(a.partitions, b.partitions);
}

function samePartitions(a: LocalAssignment['partitions'], b: LocalAssignment['partitions']): boolean {
  const topics = Object.keys(a);
  return topics.length === Object.keys(b).length && topics.every((t) => (a[t] ?? []).join() === (b[t] ?? []).join());
}

function partitionsFrom(topicPartitions: readonly TopicIdPartitions[]): LocalAssignment['partitions'] {
  const out: Record<string, number[]> = {};
  for (const t of [...topicPartitions].sort((a, b) => (a.topicId < b.topicId ? -1 : 1))) {
    const partitions = [...new Set([...(out[t.topicId] ?? []), ...t.partitions])].sort((a, b) => a - b);
    if (partitions.length > 0) out[t.topicId] = partitions;
  }
  return out;
}

/** By topic name, partitions ascending (what callbacks and the application see). */
export function byTopic(partitions: readonly OwnedPartition[]): TopicPartitions[] {
  const grouped = new Map<string, number[]>();
  for (const p of [...partitions].sort(compareOwned)) grouped.set(p.topic, [...(grouped.get(p.topic) ?? []), p.partition]);
  return [...grouped].map(([topic, list]) => ({ topic, partitions: list }));
}

export function ownedPartitions(m: ConsumerMembership): TopicPartitions[] {
  return byTopic(m.owned);
}

function enqueue(m: ConsumerMembership, callback: MembershipCallback): ConsumerMembership {
  return { ...m, callbacks: [...m.callbacks, callback] };
}

/** clearAssignment: the application holds nothing, nothing is reconciled or pending. */
function clearAssignment(m: ConsumerMembership): ConsumerMembership {
  return { ...m, owned: [], currentAssignment: NONE_ASSIGNMENT, currentTargetAssignment: NONE_ASSIGNMENT, topicNames: {} };
}

export function shouldSkipHeartbeat(m: ConsumerMembership): boolean {
  return m.state === 'UNSUBSCRIBED' || m.state === 'FATAL' || m.state === 'STALE' || m.state === 'FENCED';
}

/** AbstractMembershipManager.shouldHeartbeatNow: joining, acknowledging and leaving do not wait for the interval. */
export function shouldHeartbeatNow(m: ConsumerMembership): boolean {
  return m.state === 'ACKNOWLEDGING' || m.state === 'LEAVING' || m.state === 'JOINING';
}

const isNotInGroup = (m: ConsumerMembership): boolean => m.state === 'UNSUBSCRIBED' || m.state === 'FENCED' || m.state === 'FATAL' || m.state === 'STALE';
const canHandleNewAssignment = (state: MemberState): boolean => legalPredecessors.RECONCILING.includes(state);

// ---------------------------------------------------------------------------------------------
// Joining and subscribing

/** transitionToJoining: epoch 0, no pending target; a reconciliation still running is abandoned. */
function transitionToJoining(m: ConsumerMembership): ConsumerMembership {
  if (m.state === 'FATAL') return m;
  const rejoined = m.reconciliation !== null ? { ...m, rejoinedWhileReconciliationInProgress: true } : m;
  const joining = transitionTo({ ...rejoined, memberEpoch: JOIN_GROUP_MEMBER_EPOCH }, 'JOINING');
  return { ...joining, currentTargetAssignment: NONE_ASSIGNMENT, topicNames: {}, staleReleased: false, staleRejoinRequested: false };
}

/** SubscriptionState.subscribe + onSubscriptionUpdated: joining waits for the next poll. */
export function subscribe(m: ConsumerMembership, topics: readonly string[]): ConsumerMembership {
  return { ...m, subscription: [...new Set(topics)].sort(), subscriptionUpdated: true };
}

/** onConsumerPoll + maybeRejoinStaleMember: the application polled. */
export function onConsumerPoll(m: ConsumerMembership): ConsumerMembership {
  let next: ConsumerMembership = { ...m, isPollTimerExpired: false };
  if (next.subscriptionUpdated && next.state === 'UNSUBSCRIBED' && next.subscription.length > 0) next = transitionToJoining({ ...next, subscriptionUpdated: false });
  else next = { ...next, subscriptionUpdated: false };
  if (next.state === 'STALE') next = next.staleReleased ? transitionToJoining(next) : { ...next, staleRejoinRequested: true };
  return next;
}

// ---------------------------------------------------------------------------------------------
// The heartbeat request (ConsumerHeartbeatRequestManager.HeartbeatState.buildRequestData)

function ownedTopicPartitions(assignment: LocalAssignment): TopicIdPartitions[] {
  return Object.entries(assignment.partitions).map(([topicId, partitions]) => ({ topicId, partitions: [...partitions] }));
}

/**
 * The request the member sends now, or null when it sends none. Joining sends every field;
 * otherwise a field is sent only when it changed since the last request (an error or a lost
 * response resets that, so the next request is full and the coordinator answers with the whole
 * assignment).
 */
export function heartbeatRequest(m: ConsumerMembership, correlationId: number): { state: ConsumerMembership; request: ConsumerGroupHeartbeatRequest } | null {
  if (shouldSkipHeartbeat(m)) return null;
  const sendAllFields = m.state === 'JOINING';
  const sent = m.sentFields;
  const rebalanceTimeoutMs = sendAllFields || sent.rebalanceTimeoutMs !== m.config.rebalanceTimeoutMs ? m.config.rebalanceTimeoutMs : -1;
  const topicsChanged = sent.subscribedTopicNames === null || sent.subscribedTopicNames.join('\u0000') !== m.subscription.join('\u0000');
  const subscribedTopicNames = sendAllFields || topicsChanged ? [...m.subscription] : null;
  const assignor = m.config.serverAssignor;
  const serverAssignor = assignor !== null && (sendAllFields || assignor !== sent.serverAssignor) ? assignor : null;
  const assignmentChanged = sendAllFields || !sameLocalAssignment(m.currentAssignment, sent.localAssignment);
  const request: ConsumerGroupHeartbeatRequest = {
    type: 'ConsumerGroupHeartbeat', correlationId, groupId: m.config.groupId, memberId: m.memberId, memberEpoch: m.memberEpoch,
    instanceId: m.config.groupInstanceId, rackId: null, rebalanceTimeoutMs, subscribedTopicNames, serverAssignor,
    topicPartitions: assignmentChanged ? ownedTopicPartitions(m.currentAssignment) : null,
  };
  const sentFields: SentFields = {
    rebalanceTimeoutMs: rebalanceTimeoutMs === -1 ? sent.rebalanceTimeoutMs : rebalanceTimeoutMs,
    subscribedTopicNames: subscribedTopicNames ?? sent.subscribedTopicNames,
    serverAssignor: serverAssignor ?? sent.serverAssignor,
    localAssignment: assignmentChanged ? m.currentAssignment : sent.localAssignment,
  };
  return { state: onHeartbeatRequestGenerated({ ...m, sentFields }), request };
}

/**
 * onHeartbeatRequestGenerated: an acknowledgement or a leave is on its way. A newer target waiting
 * behind the acknowledgement is reconciled at the next poll, as in Kafka's background thread.
 */
function onHeartbeatRequestGenerated(m: ConsumerMembership): ConsumerMembership {
  if (m.state === 'ACKNOWLEDGING') return transitionTo(m, targetAssignmentReconciled(m) ? 'STABLE' : 'RECONCILING');
  if (m.state === 'LEAVING') return m.isPollTimerExpired ? transitionToStale(m) : transitionTo(m, 'UNSUBSCRIBED');
  return m;
}

// ---------------------------------------------------------------------------------------------
// Responses

/** A heartbeat got no response: the next request must be full (AbstractHeartbeatRequestManager.onFailure). */
export function onHeartbeatFailure(m: ConsumerMembership): ConsumerMembership {
  const reset = { ...m, sentFields: noSentFields };
  return reset.state === 'UNSUBSCRIBED' && reset.leaveInProgress ? { ...reset, leaveInProgress: false } : reset;
}

export function onHeartbeatResponse(m: ConsumerMembership, response: ConsumerGroupHeartbeatResponse, topicNames: Readonly<Record<string, string>>): ConsumerMembership {
  return response.errorCode === 0 ? onHeartbeatSuccess(m, response, topicNames) : onErrorResponse(m, response);
}

/** ConsumerMembershipManager.onHeartbeatSuccess */
function onHeartbeatSuccess(m: ConsumerMembership, response: ConsumerGroupHeartbeatResponse, topicNames: Readonly<Record<string, string>>): ConsumerMembership {
  const withInterval = { ...m, heartbeatIntervalMs: response.heartbeatIntervalMs };
  if (m.state === 'LEAVING') return withInterval;
  if (m.state === 'UNSUBSCRIBED' && m.leaveInProgress) return { ...withInterval, leaveInProgress: false };
  if (isNotInGroup(m)) return withInterval;
  let next: ConsumerMembership = { ...withInterval, memberId: response.memberId ?? m.memberId, memberEpoch: response.memberEpoch };
  if (response.assignment !== null && canHandleNewAssignment(next.state)) next = processAssignmentReceived(next, partitionsFrom(response.assignment.topicPartitions));
  return poll(next, topicNames);
}

/** AbstractHeartbeatRequestManager.onErrorResponse + ConsumerHeartbeatRequestManager.handleSpecificError */
function onErrorResponse(m: ConsumerMembership, response: ConsumerGroupHeartbeatResponse): ConsumerMembership {
  const reset = onHeartbeatFailure(m);
  const error = errorName(response.errorCode);
  switch (error) {
    case 'NOT_COORDINATOR':
    case 'COORDINATOR_NOT_AVAILABLE':
    case 'COORDINATOR_LOAD_IN_PROGRESS':
      // The machine finds the coordinator again (or backs off) and retries.
      return reset;
    case 'FENCED_MEMBER_EPOCH':
    case 'UNKNOWN_MEMBER_ID':
      return transitionToFenced(reset);
    default:
      // INVALID_REQUEST, GROUP_MAX_SIZE_REACHED, UNSUPPORTED_ASSIGNOR, UNSUPPORTED_VERSION,
      // UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID and anything unexpected.
      return transitionToFatal(reset, error);
  }
}

/** processAssignmentReceived: a different assignment starts a reconciliation; the same one settles. */
function processAssignmentReceived(m: ConsumerMembership, partitions: LocalAssignment['partitions']): ConsumerMembership {
  const target = m.currentTargetAssignment;
  // LocalAssignment.updateWith: the local epoch moves only when the assignment changes.
  const unchanged = target.localEpoch !== NONE_ASSIGNMENT.localEpoch && samePartitions(target.partitions, partitions);
  const next = unchanged ? m : { ...m, currentTargetAssignment: { localEpoch: target.localEpoch + 1, partitions } };
  if (!targetAssignmentReconciled(next)) return transitionTo(next, 'RECONCILING');
  return next.state === 'RECONCILING' || next.state === 'JOINING' ? transitionTo(next, 'STABLE') : next;
}

const targetAssignmentReconciled = (m: ConsumerMembership): boolean => sameLocalAssignment(m.currentAssignment, m.currentTargetAssignment);

// ---------------------------------------------------------------------------------------------
// Reconciliation (maybeReconcile, revokeAndAssign)

/** AbstractMembershipManager.poll: reconcile when there is something to reconcile. */
export function poll(m: ConsumerMembership, topicNames: Readonly<Record<string, string>>): ConsumerMembership {
  const named = { ...m, topicNames: { ...m.topicNames, ...topicNames } };
  return named.state === 'RECONCILING' ? maybeReconcile(named) : named;
}

/** findResolvableAssignmentAndTriggerMetadataUpdate: only topics with a known name can be reconciled. */
function resolvable(m: ConsumerMembership): { partitions: OwnedPartition[]; unresolved: boolean } {
  const partitions: OwnedPartition[] = [];
  let unresolved = false;
  for (const [topicId, list] of Object.entries(m.currentTargetAssignment.partitions)) {
    const topic = m.topicNames[topicId];
    if (topic === undefined) unresolved = true;
    else for (const partition of list) partitions.push({ topicId, topic, partition });
  }
  return { partitions: partitions.sort(compareOwned), unresolved };
}

function localAssignmentOf(localEpoch: number, partitions: readonly OwnedPartition[]): LocalAssignment {
  return { localEpoch, partitions: partitionsFrom(partitions.map((p) => ({ topicId: p.topicId, partitions: [p.partition] }))) };
}

function maybeReconcile(m: ConsumerMembership): ConsumerMembership {
  if (targetAssignmentReconciled(m) || m.reconciliation !== null) return m;
  const { partitions, unresolved } = resolvable(m);
  const resolved = localAssignmentOf(m.currentTargetAssignment.localEpoch, partitions);
  const next = { ...m, metadataUpdateRequested: unresolved };
  if (m.currentAssignment.localEpoch !== NONE_ASSIGNMENT.localEpoch && samePartitions(resolved.partitions, m.currentAssignment.partitions)) {
    // Nothing resolvable changed: acknowledge the new local epoch.
    return transitionTo({ ...next, currentAssignment: resolved }, 'ACKNOWLEDGING');
  }
  const ownedKeys = new Set(m.owned.map(ownedKey));
  const assignedKeys = new Set(partitions.map(ownedKey));
  const added = partitions.filter((p) => !ownedKeys.has(ownedKey(p)));
  const revoked = m.owned.filter((p) => !assignedKeys.has(ownedKey(p)));
  const reconciling = { ...next, reconciliation: { resolved, assigned: partitions, added }, rejoinedWhileReconciliationInProgress: false };
  return enqueue(reconciling, { kind: 'revoke', purpose: 'reconcile', partitions: byTopic(revoked) });
}

/** maybeAbortReconciliation: the member left RECONCILING (or rejoined) while the callbacks ran. */
function shouldAbortReconciliation(m: ConsumerMembership): boolean {
  return m.state !== 'RECONCILING' || m.rejoinedWhileReconciliationInProgress;
}

const reconciliationCompleted = (m: ConsumerMembership): ConsumerMembership => ({ ...m, reconciliation: null, rejoinedWhileReconciliationInProgress: false });

/** Revocation done: the application now holds the new assignment and is told what it gained. */
function afterReconcileRevoke(m: ConsumerMembership): ConsumerMembership {
  const reconciliation = m.reconciliation;
  if (reconciliation === null || shouldAbortReconciliation(m)) return reconciliationCompleted(m);
  return enqueue({ ...m, owned: reconciliation.assigned }, { kind: 'assign', added: byTopic(reconciliation.added), assigned: byTopic(reconciliation.assigned) });
}

/** Assignment done: the new assignment is the member's; the next heartbeat acknowledges it. */
function afterAssign(m: ConsumerMembership): ConsumerMembership {
  const reconciliation = m.reconciliation;
  if (reconciliation === null || shouldAbortReconciliation(m)) return reconciliationCompleted(m);
  return reconciliationCompleted(transitionTo({ ...m, currentAssignment: reconciliation.resolved }, 'ACKNOWLEDGING'));
}

// ---------------------------------------------------------------------------------------------
// Fenced, fatal, leaving, stale

/**
 * transitionToFenced: the coordinator no longer knows this member at this epoch. Its partitions are
 * lost (another member may have them already); once onPartitionsLost is done it rejoins at epoch 0.
 * A member already out of the group (FENCED, STALE, FATAL, UNSUBSCRIBED) ignores it.
 */
function transitionToFenced(m: ConsumerMembership): ConsumerMembership {
  if (m.state === 'PREPARE_LEAVING') return { ...transitionTo(transitionToSendingLeaveGroup(m, false), 'UNSUBSCRIBED'), leaveInProgress: false };
  if (m.state === 'LEAVING') return { ...transitionTo(m, 'UNSUBSCRIBED'), leaveInProgress: false };
  if (isNotInGroup(m)) return m;
  return release(transitionTo({ ...m, memberEpoch: JOIN_GROUP_MEMBER_EPOCH }, 'FENCED'), 'lost', 'fenced');
}

/** transitionToFatal: no more heartbeats; what the member held is lost. */
function transitionToFatal(m: ConsumerMembership, error: ConsumerMembership['fatalError']): ConsumerMembership {
  if (m.state === 'FENCED' || m.state === 'STALE' || m.state === 'FATAL') return m;
  const previous = m.state;
  const fatal = { ...transitionTo(m, 'FATAL'), fatalError: error };
  if (previous === 'UNSUBSCRIBED') return fatal;
  if (previous === 'LEAVING' || previous === 'PREPARE_LEAVING') return { ...fatal, leaveInProgress: false };
  return release(fatal, 'lost', 'fatal');
}

/** Hand the held partitions to a callback; with none held, its follow-up runs at once (a completed future in Kafka). */
function release(m: ConsumerMembership, kind: 'revoke' | 'lost', purpose: 'fenced' | 'fatal' | 'stale' | 'leave'): ConsumerMembership {
  if (m.owned.length === 0) return afterRelease(m, purpose);
  const partitions = byTopic(m.owned);
  return enqueue(m, kind === 'revoke' ? { kind, purpose: 'leave', partitions } : { kind, purpose, partitions });
}

function afterRelease(m: ConsumerMembership, purpose: 'fenced' | 'fatal' | 'stale' | 'leave'): ConsumerMembership {
  const cleared = clearAssignment(m);
  switch (purpose) {
    case 'fenced': return cleared.state === 'FENCED' ? transitionToJoining(cleared) : cleared;
    case 'fatal': return cleared;
    case 'stale': return cleared.staleRejoinRequested && cleared.state === 'STALE' ? transitionToJoining(cleared) : { ...cleared, staleReleased: true };
    case 'leave': return transitionToSendingLeaveGroup({ ...cleared, subscription: [] }, false);
  }
}

/**
 * leaveGroup (unsubscribe or close): release the partitions (revoked while still in the group,
 * lost once fenced), then send the leave heartbeat (-1, or -2 for a static member).
 */
export function leave(m: ConsumerMembership): ConsumerMembership {
  if (isNotInGroup(m)) {
    const out = m.state === 'FENCED' ? transitionTo(clearAssignment(m), 'UNSUBSCRIBED') : m;
    return { ...out, subscription: [] };
  }
  if (m.state === 'PREPARE_LEAVING' || m.state === 'LEAVING') return m;
  const preparing = { ...transitionTo(m, 'PREPARE_LEAVING'), leaveInProgress: true };
  return release(preparing, preparing.memberEpoch > 0 ? 'revoke' : 'lost', 'leave');
}

/** transitionToSendingLeaveGroup: the leave epoch, nothing reported as owned, LEAVING. */
function transitionToSendingLeaveGroup(m: ConsumerMembership, dueToExpiredPollTimer: boolean): ConsumerMembership {
  if (m.state === 'FATAL' || m.state === 'UNSUBSCRIBED') return m;
  const preparing = dueToExpiredPollTimer ? transitionTo({ ...m, isPollTimerExpired: true }, 'PREPARE_LEAVING') : m;
  return transitionTo({ ...preparing, memberEpoch: leaveGroupEpoch(m), currentAssignment: NONE_ASSIGNMENT }, 'LEAVING');
}

/** The application did not poll within max.poll.interval.ms: leave now, lose the partitions after. */
export function onPollTimerExpired(m: ConsumerMembership): ConsumerMembership {
  if (isNotInGroup(m) || m.state === 'PREPARE_LEAVING' || m.state === 'LEAVING') return m;
  return transitionToSendingLeaveGroup(m, true);
}

function transitionToStale(m: ConsumerMembership): ConsumerMembership {
  return release(transitionTo(m, 'STALE'), 'lost', 'stale');
}

// ---------------------------------------------------------------------------------------------
// Callbacks

export function nextCallback(m: ConsumerMembership): MembershipCallback | null {
  return m.callbacks[0] ?? null;
}

/** The application finished the callback at the head of the queue. */
export function onCallbackCompleted(m: ConsumerMembership): ConsumerMembership {
  const [done, ...rest] = m.callbacks;
  if (done === undefined) throw new Error('no membership callback is pending');
  const next = { ...m, callbacks: rest };
  switch (done.kind) {
    case 'revoke': return done.purpose === 'reconcile' ? afterReconcileRevoke(next) : afterRelease(next, 'leave');
    case 'assign': return afterAssign(next);
    case 'lost': return afterRelease(next, done.purpose);
  }
}

function completing(kind: MembershipCallback['kind'], m: ConsumerMembership): ConsumerMembership {
  const head = nextCallback(m);
  if (head?.kind !== kind) throw new Error(`expected a pending ${kind} callback, found ${head?.kind ?? 'none'}`);
  return onCallbackCompleted(m);
}

export const onRevoked = (m: ConsumerMembership): ConsumerMembership => completing('revoke', m);
export const onAssigned = (m: ConsumerMembership): ConsumerMembership => completing('assign', m);
export const onLost = (m: ConsumerMembership): ConsumerMembership => completing('lost', m);

/**
 * The consumer machine's context, events and effects, and the Step it works on. Plain JSON: a
 * partition is named `topic-partition` (TopicPartition.toString) wherever it is a key.
 */
import type { GroupMessage } from '../../protocol/groups/messages.js';
import type { ReplicationMessage } from '../../protocol/replication/messages.js';
import type { RebalanceProtocol } from '../group/assignors/types.js';
import { Step } from '../step.js';
import type { ConsumerConfig } from './config.js';
import type { ConsumerMembership } from './membership-consumer-protocol.js';

export type PartitionKey = string;

export const partitionKey = (topic: string, partition: number): PartitionKey => `${topic}-${partition}`;

export function splitPartitionKey(key: PartitionKey): { readonly topic: string; readonly partition: number } {
  const at = key.lastIndexOf('-');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export interface ConsumerRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

/** SubscriptionState.FetchStates (AWAIT_VALIDATION is not modelled: no OffsetForLeaderEpoch). */
export type FetchState = 'INITIALIZING' | 'AWAIT_RESET' | 'FETCHING';

/** SubscriptionState.TopicPartitionState: one assigned partition. */
export interface PartitionState {
  readonly fetchState: FetchState;
  /** The next offset to hand to the application; -1 until the partition has a position. */
  readonly position: number;
  /** Fetched and not yet handed over: consecutive records from the position. */
  readonly buffered: readonly ConsumerRecord[];
  /** The Fetch or ListOffsets in flight for this partition (one at a time). */
  readonly requestInFlight: number | null;
  /** No Fetch or ListOffsets before this: retry.backoff.ms after an error, fetch.max.wait.ms after an empty answer. */
  readonly retryAtMs: number;
  /** markPendingRevocation: an eager member committing before it revokes neither fetches nor hands over. */
  readonly pendingRevocation: boolean;
}

export interface TopicMetadata {
  readonly topicId: string;
  readonly partitions: readonly { readonly leader: number; readonly leaderEpoch: number }[];
}

export type RequestKind =
  | 'Metadata' | 'FindCoordinator' | 'JoinGroup' | 'SyncGroup' | 'Heartbeat' | 'LeaveGroup'
  | 'OffsetCommit' | 'OffsetFetch' | 'ConsumerGroupHeartbeat' | 'Fetch' | 'ListOffsets';

/** A request waiting for its answer (NetworkClient's in-flight requests). */
export interface InFlightRequest {
  readonly kind: RequestKind;
  readonly to: number;
  readonly sentAtMs: number;
  readonly timeoutMs: number;
  /** Fetch, ListOffsets: the partition; Fetch: the offset asked for. */
  readonly partition?: PartitionKey;
  readonly fetchOffset?: number;
  /** OffsetCommit: the commit it carries. */
  readonly commitId?: number;
  /** OffsetFetch: the partitions asked for. */
  readonly partitions?: readonly PartitionKey[];
  /** Heartbeat, SyncGroup: the generation it was sent in. */
  readonly generationId?: number;
}

/** AbstractCoordinator.MemberState */
export type ClassicMemberState = 'UNJOINED' | 'PREPARING_REBALANCE' | 'COMPLETING_REBALANCE' | 'STABLE';

/** ConsumerCoordinator.onJoinPrepare in progress: the auto-commit before revoking, bounded by the rebalance timeout. */
export interface JoinPreparation {
  readonly deadlineMs: number;
  readonly commitId: number | null;
  readonly commitOutcome: 'pending' | 'succeeded' | 'retriable' | 'failed' | null;
}

/** The classic member (AbstractCoordinator + ConsumerCoordinator state). */
export interface ClassicMember {
  readonly memberState: ClassicMemberState;
  /** '' until the coordinator hands one out (Generation.NO_GENERATION.memberId). */
  readonly memberId: string;
  /** -1: no generation (Generation.NO_GENERATION.generationId). */
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly rejoinNeeded: boolean;
  readonly joinPreparation: JoinPreparation | null;
  /** The subscription the member joined with (a different subscription needs a rejoin). */
  readonly joinedSubscription: readonly string[];
  /** The leader's partition counts of the group's topics when it assigned (assignmentSnapshot); null when not the leader. */
  readonly assignmentSnapshot: Readonly<Record<string, number>> | null;
  readonly nextHeartbeatAtMs: number;
  /** Heartbeat.sessionTimer: no successful heartbeat answer by then → the coordinator is unknown. */
  readonly sessionDeadlineMs: number;
  /** maybeLeaveGroup after max.poll.interval.ms: the member waits for the next poll() to join again. */
  readonly leftOnPollTimeout: boolean;
}

/** A commit waiting to be sent, or in flight. Commits go one at a time, in order, as on one TCP connection. */
export interface PendingCommit {
  readonly commitId: number;
  readonly offsets: Readonly<Record<PartitionKey, number>>;
  /** sync / async: the application's call; auto: auto.commit.interval.ms; rebalance: onJoinPrepare; close: close(). */
  readonly origin: 'sync' | 'async' | 'auto' | 'rebalance' | 'close';
  /** Retriable failures are retried until then (commitSync's default.api.timeout.ms); async and auto commits are not retried. */
  readonly deadlineMs: number;
  readonly correlationId: number | null;
  readonly retryAtMs: number;
}

/** The consumer machine's states, as paths (the machine's state follows this value after every event). */
export type ConsumerPhase =
  | 'Unsubscribed' | 'ManualAssignment'
  | 'ClassicGroup.FindingCoordinator' | 'ClassicGroup.Joining' | 'ClassicGroup.Syncing' | 'ClassicGroup.Stable' | 'ClassicGroup.Unjoined'
  | 'ConsumerGroup.FindingCoordinator' | 'ConsumerGroup.Joining' | 'ConsumerGroup.Reconciling' | 'ConsumerGroup.Acknowledging'
  | 'ConsumerGroup.Stable' | 'ConsumerGroup.Fenced' | 'ConsumerGroup.Leaving' | 'ConsumerGroup.Stale'
  | 'Fatal' | 'Closing' | 'Closed';

export interface ConsumerContext {
  /** The client's address on the network (answers come back to it). */
  readonly clientId: number;
  readonly bootstrap: readonly number[];
  readonly config: ConsumerConfig;
  readonly rebalanceProtocol: RebalanceProtocol;
  readonly phase: ConsumerPhase;
  /** SubscriptionState.SubscriptionType (pattern subscriptions are not modelled). */
  readonly subscriptionType: 'NONE' | 'AUTO_TOPICS' | 'USER_ASSIGNED';
  /** The subscribed topics, sorted. */
  readonly subscription: readonly string[];
  /** The assigned partitions and their positions. */
  readonly assignment: Readonly<Record<PartitionKey, PartitionState>>;
  readonly topics: Readonly<Record<string, TopicMetadata>>;
  readonly metadataRefreshedAtMs: number | null;
  readonly metadataWanted: boolean;
  readonly metadataRetryAtMs: number;
  readonly nodeCursor: number;
  readonly coordinator: number | null;
  readonly coordinatorRetryAtMs: number;
  readonly classic: ClassicMember;
  /** The KIP-848 member (group.protocol=consumer), once subscribed. */
  readonly membership: ConsumerMembership | null;
  readonly nextConsumerHeartbeatAtMs: number;
  readonly commits: readonly PendingCommit[];
  readonly nextCommitId: number;
  readonly nextAutoCommitAtMs: number;
  /** Requests waiting for their answers, by correlation id. */
  readonly requests: Readonly<Record<string, InFlightRequest>>;
  readonly nextCorrelationId: number;
  readonly lastPollMs: number | null;
  /** close() waits for its commit until then. */
  readonly closeDeadlineMs: number | null;
  readonly fatalError: string | null;
  readonly wakeupAtMs: number | null;
}

export type ConsumerEffect =
  | { readonly type: 'send'; readonly to: number; readonly message: GroupMessage | ReplicationMessage }
  /** poll() returned: the records handed over, per partition, in offset order (possibly none). */
  | { readonly type: 'records'; readonly partitions: readonly { readonly partition: PartitionKey; readonly records: readonly ConsumerRecord[] }[] }
  /** ConsumerRebalanceListener: onPartitionsRevoked / onPartitionsAssigned / onPartitionsLost. */
  | { readonly type: 'rebalance'; readonly kind: 'revoked' | 'assigned' | 'lost'; readonly partitions: readonly PartitionKey[] }
  /** The position moved other than by consuming: a committed offset adopted, an auto.offset.reset, a seek. */
  | { readonly type: 'position'; readonly partition: PartitionKey; readonly offset: number; readonly reason: 'committed' | 'reset' | 'seek' }
  /** An OffsetCommit finished (OffsetCommitCallback, or commitSync() returning or throwing); error null on success. */
  | { readonly type: 'commit.completed'; readonly commitId: number; readonly origin: PendingCommit['origin']; readonly offsets: Readonly<Record<PartitionKey, number>>; readonly error: string | null }
  /** What poll() would throw: NoOffsetForPartitionException, OffsetOutOfRangeException, FencedInstanceIdException, ... */
  | { readonly type: 'error'; readonly error: string; readonly fatal: boolean };

/** The application's calls. */
export type ConsumerCommand =
  | { readonly type: 'Subscribe'; readonly topics: readonly string[] }
  | { readonly type: 'Assign'; readonly partitions: readonly PartitionKey[] }
  | { readonly type: 'Unsubscribe' }
  | { readonly type: 'Poll' }
  | { readonly type: 'Seek'; readonly topic: string; readonly partition: number; readonly offset: number }
  | { readonly type: 'SeekToBeginning'; readonly partitions: readonly PartitionKey[] }
  | { readonly type: 'SeekToEnd'; readonly partitions: readonly PartitionKey[] }
  /** offsets null: the current positions of every assigned partition. */
  | { readonly type: 'CommitSync'; readonly offsets: Readonly<Record<PartitionKey, number>> | null }
  | { readonly type: 'CommitAsync'; readonly offsets: Readonly<Record<PartitionKey, number>> | null }
  | { readonly type: 'Close' };

/** What the shell tells the machine: its one timer fired, or a connection broke. */
export type ConsumerSignal =
  | { readonly type: 'ClientWakeup' }
  | { readonly type: 'Disconnected'; readonly node: number };

type Timed<E> = E & { readonly from: number; readonly nowMs: number };
export type ConsumerEvent = Timed<ConsumerCommand> | Timed<ConsumerSignal> | Timed<GroupMessage> | Timed<ReplicationMessage>;
export type EventOf<T extends ConsumerEvent['type']> = Extract<ConsumerEvent, { type: T }>;

export class ConsumerStep extends Step<ConsumerContext, ConsumerEffect> {}

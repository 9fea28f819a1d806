/**
 * What a group coordinator shard's rules work with: one partition of __consumer_offsets owns the
 * groups that hash to it (GroupCoordinatorShard in Kafka). Every rule is a pure function from the
 * shard's state and one request (or timer) to a `ShardOutcome`: the new state, the records to
 * append to the partition, the responses, and timers to set or cancel.
 *
 * The shard machine that runs them (coordinator-shard-machine.ts) applies the new state at once,
 * appends the records (acks=1, a local append, as CoordinatorPartitionWriter does), and holds every
 * response until the partition's high watermark has passed all records written so far
 * (CoordinatorRuntime's deferred event queue) — so no client hears of a state change that a
 * failover could still lose.
 */
import type { Deviations } from '../deviations.js';
import type { GroupResponse } from '../../protocol/groups/messages.js';
import type { TopicMetadata } from '../../common/metadata-image.js';
import type { GroupRecord } from '../../protocol/groups/records.js';

export interface GroupCoordinatorConfig {
  /** Known-broken variants only (src/variants.ts); absent in Kafka's protocol. */
  readonly deviations?: Deviations;
  /** offsets.topic.num.partitions (Kafka: 50). */
  readonly offsetsTopicNumPartitions: number;
  /** offsets.topic.replication.factor (Kafka: 3; capped by the brokers alive when it is created). */
  readonly offsetsTopicReplicationFactor: number;
  /** group.min.session.timeout.ms (6000) */
  readonly groupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms (1800000) */
  readonly groupMaxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms (3000) */
  readonly groupInitialRebalanceDelayMs: number;
  /** group.max.size (Integer.MAX_VALUE) */
  readonly groupMaxSize: number;
  /** The heartbeat deadline of a member added by a join (internal: 5 minutes). */
  readonly newMemberJoinTimeoutMs: number;
  /** offset.metadata.max.bytes (4096) */
  readonly offsetMetadataMaxBytes: number;
  /** offsets.commit.timeout.ms (5000): a write not committed by then is answered COORDINATOR_NOT_AVAILABLE (REQUEST_TIMED_OUT mapped). */
  readonly offsetsCommitTimeoutMs: number;
  /**
   * How long a shard's load (CoordinatorLoaderImpl replaying the partition on the loader thread)
   * takes: a fixed start plus a cost per replayed record. Kafka has no such setting: the time is
   * the disk's and the CPU's; these stand in for them so COORDINATOR_LOAD_IN_PROGRESS is reachable.
   */
  readonly shardLoadBaseMs: number;
  readonly shardLoadPerRecordMs: number;
  /** group.consumer.session.timeout.ms (45000) */
  readonly consumerGroupSessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms (5000) */
  readonly consumerGroupHeartbeatIntervalMs: number;
  /** group.consumer.max.size (Integer.MAX_VALUE) */
  readonly consumerGroupMaxSize: number;
  /** group.consumer.assignors: the first is the default (uniform, range). */
  readonly consumerGroupAssignors: readonly string[];
  /**
   * Kafka's rule (true): an answer waits until the high watermark passes the writes before it.
   * false is a broken variant that answers as soon as the records are appended locally: a test
   * shows the clauses catch the commits it loses on failover.
   */
  readonly holdAnswersUntilCommitted: boolean;
}

export const defaultGroupCoordinatorConfig: GroupCoordinatorConfig = {
  offsetsTopicNumPartitions: 50,
  offsetsTopicReplicationFactor: 3,
  groupMinSessionTimeoutMs: 6_000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3_000,
  groupMaxSize: 2_147_483_647,
  newMemberJoinTimeoutMs: 300_000,
  offsetMetadataMaxBytes: 4_096,
  offsetsCommitTimeoutMs: 5_000,
  // A small partition loads in tens of milliseconds; replay runs at about 100k records a second.
  shardLoadBaseMs: 20,
  shardLoadPerRecordMs: 0.01,
  consumerGroupSessionTimeoutMs: 45_000,
  consumerGroupHeartbeatIntervalMs: 5_000,
  consumerGroupMaxSize: 2_147_483_647,
  consumerGroupAssignors: ['uniform', 'range'],
  holdAnswersUntilCommitted: true,
};

/** A topic as the coordinator's metadata image knows it (GroupCoordinator.onNewMetadataImage). */
export type TopicImage = TopicMetadata;

/** Everything a rule may read besides the shard state: the clock, the config, the topics. */
export interface ShardEnv {
  readonly nowMs: number;
  readonly config: GroupCoordinatorConfig;
  /** By topic name. */
  readonly topics: Readonly<Record<string, TopicImage>>;
  /** The __consumer_offsets partition this shard is. */
  readonly partition: number;
}

/** A client request as the shard sees it: who sent it (the network address answers go to). */
export type From<T> = T & { readonly from: number };

/**
 * A timer a rule sets: `key` names it within the shard (setting a key again replaces the timer,
 * as CoordinatorTimer.schedule does); when it fires the shard machine hands `event` back to the
 * shard's timer rule.
 */
export interface ShardTimer {
  readonly key: string;
  readonly delayMs: number;
  readonly event: ShardTimerEvent;
}

export type ShardTimerEvent =
  /** classic: a member's heartbeat (session) deadline. */
  | { readonly kind: 'classic.heartbeat'; readonly groupId: string; readonly memberId: string }
  /** classic: a member id handed out with MEMBER_ID_REQUIRED that never came back. */
  | { readonly kind: 'classic.pendingMember'; readonly groupId: string; readonly memberId: string }
  /** classic: the join phase's deadline (initial delay or rebalance timeout). */
  | { readonly kind: 'classic.join'; readonly groupId: string }
  /** classic: members that have not sent SyncGroup for a generation. */
  | { readonly kind: 'classic.sync'; readonly groupId: string; readonly generationId: number }
  /** KIP-848: a member's session. */
  | { readonly kind: 'consumer.session'; readonly groupId: string; readonly memberId: string }
  /** KIP-848: a member that has not revoked by its rebalance timeout at this epoch. */
  | { readonly kind: 'consumer.rebalance'; readonly groupId: string; readonly memberId: string; readonly memberEpoch: number };

export interface ShardResponse {
  readonly to: number;
  readonly message: GroupResponse;
}

export interface ShardOutcome<S> {
  readonly state: S;
  readonly records: readonly GroupRecord[];
  readonly responses: readonly ShardResponse[];
  readonly timers: readonly ShardTimer[];
  /** Keys of timers to cancel. */
  readonly cancels: readonly string[];
}

/** A seeded member id: `prefix-` and 22 characters, as Kafka's `clientId-UUID` (Uuid.randomUuid, base64). */
export function memberIdFrom(prefix: string, counter: number, seed: number): string {
  let h = (seed ^ Math.imul(counter + 1, 0x9e3779b1)) >>> 0;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < 22; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    h = (h ^ (h + Math.imul(h ^ (h >>> 7), 0x297a2d39))) >>> 0;
    out += alphabet[h & 63];
  }
  return `${prefix}-${out}`;
}

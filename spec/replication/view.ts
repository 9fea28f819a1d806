/**
 * What the replication clauses see of a cluster: the committed partition state (the metadata
 * log's truth), each live replica's own belief, and a way to read any replica's log. The
 * simulator builds this after every step; nothing here depends on the machines.
 */

/** A partition as the committed metadata log describes it. */
export interface PartitionStateView {
  readonly key: string;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

/** One replica of one partition on one broker, as it believes itself to be. */
export interface ReplicaView {
  readonly broker: number;
  readonly key: string;
  readonly role: 'Offline' | 'Leader' | 'Follower';
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
}

export interface RecordView {
  readonly epoch: number;
  readonly value: string | null;
}

/** A leader change the metadata log committed: who was elected, and the ISR just before the change. */
export interface LeaderElection {
  readonly key: string;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly previousLeader: number;
  readonly previousIsr: readonly number[];
}

export interface ReplicationView {
  /** Committed partition state, by partition key; empty before the topic exists. */
  readonly partitions: ReadonlyMap<string, PartitionStateView>;
  /** Live replicas (crashed brokers have none). */
  readonly replicas: readonly ReplicaView[];
  /** Committed fencing state of each registered broker. */
  readonly fencedBrokers: readonly number[];
  readonly registeredBrokers: readonly number[];
  /**
   * Partitions where the history shows an unclean leader election (a leader outside the previous
   * ISR, see uncleanElections) that the topic's configuration allowed: data loss is allowed there.
   * Never taken from the implementation's own label (KIP-704's leader recovery state).
   */
  readonly uncleanPartitions: ReadonlySet<string>;
  /** Leader changes the metadata log committed since the previous view, in log order. */
  readonly elections: readonly LeaderElection[];
  /** unclean.leader.election.enable of the partition's topic, as the topic was created (default false). */
  uncleanElectionEnabled(key: string): boolean;
  /** The record at `offset` in a broker's log of a partition (crashed brokers' logs too). */
  recordAt(broker: number, key: string, offset: number): RecordView | undefined;
  /** A broker's log end offset for a partition, whether it is up or not (0 without a log: an empty one). */
  logEndOffsetOf(broker: number, key: string): number;
  /**
   * How many times the fault history shows the broker losing power (and with it what it had not
   * flushed); absent where no power is ever lost. From the faults injected, never from the broker.
   */
  powerLossesOf?(broker: number): number;
  /**
   * Each moment so far at which every member of a partition's committed ISR lost power at once,
   * in time order, with the offsets its log may have lost: from the lowest recovery point of those
   * members (any of them may lead next; the others truncate to it) to the highest log end offset.
   * From the faults injected and the committed ISR, never from the broker; absent where none.
   */
  readonly isrPowerLosses?: readonly { readonly key: string; readonly atMs: number; readonly fromOffset: number; readonly toOffset: number }[];
}

/** One produce in a history: invoked, then ok (with its offset), fail (certainly not written) or info (unknown). */
export interface ProduceOperation {
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly key: string;
  readonly value: string;
  readonly partition: string;
  readonly acks: number;
  readonly time: number;
  readonly offset?: number;
  readonly error?: string;
}

/** What a consumer saw: a record at an offset, or a fetch's high watermark, or a reset of its position. */
export type ConsumeEvent =
  | { readonly type: 'record'; readonly partition: string; readonly offset: number; readonly value: string | null; readonly time: number }
  | { readonly type: 'highWatermark'; readonly partition: string; readonly leaderEpoch: number; readonly highWatermark: number; readonly time: number }
  | { readonly type: 'reset'; readonly partition: string; readonly from: number; readonly to: number; readonly reason: string; readonly time: number };

/**
 * A Kafka broker node: a quorum observer that fetches the metadata log, the broker lifecycle
 * machine (registration, fencing, the metadata image, the producer-id manager), one replica
 * machine per partition it hosts (ReplicaManager), and the group coordinator (one shard per
 * __consumer_offsets partition it leads). The node carries out their effects the way Kafka's
 * broker process does: replica log effects on the partition logs, fetch and ListOffsets answers
 * filled from the log, AlterPartition to the active controller, the coordinator's local appends,
 * and the coordinator's load and unload as the broker gains and loses leadership of its partitions.
 */
import type { Actor, HostEvent } from './actor-host.js';
import { KafkaNode, type NodeParts } from './node.js';
import { replicaActor } from './router.js';
import type { MetadataEntry } from './metadata-entry.js';
import type { ClusterMessage } from './world.js';
import type { PartitionLog, RecordBatch } from '../log/partition-log.js';
import { producerStateOf } from '../log/producer-state.js';
import { createBrokerMachine, type BrokerConfig } from '../machines/broker/machine.js';
import { createReplicaMachine, type ReplicaConfig, type ReplicationVariant } from '../machines/replica/machine.js';
import { createCoordinatorMachine } from '../machines/coordinator/machine.js';
import type { GroupCoordinatorConfig } from '../machines/group/shard.js';
import { OFFSETS_TOPIC } from '../common/partition-for.js';
import { emptyImage, type MetadataImage } from '../common/metadata-image.js';
import type { PartitionAddress } from '../protocol/replication/messages.js';
import type { BatchPayloads } from './payloads.js';

type BrokerMachine = ReturnType<typeof createBrokerMachine>;
export type ReplicaMachine = ReturnType<typeof createReplicaMachine>;
type CoordinatorMachine = ReturnType<typeof createCoordinatorMachine>;

export interface BrokerParts extends NodeParts {
  readonly brokerConfig: BrokerConfig;
  readonly groupCoordinatorConfig: GroupCoordinatorConfig;
  readonly replicaConfig: ReplicaConfig;
  readonly replicationVariant: ReplicationVariant;
  /** Where wire batches' bytes are kept (the live cluster); absent in the simulator, whose batches are model records. */
  readonly payloads?: BatchPayloads;
}

/** A fetch read's bound (Kafka's replica.fetch.max.bytes default is 1 MiB; small here to keep answers small). */
const FETCH_BYTES_MAX = 64 * 1024;
const REPLICA_PREFIX = 'replica:';

export class BrokerNode extends KafkaNode {
  readonly role = 'broker';
  protected readonly metadataListener = 'broker';
  private readonly brokerConfig: BrokerConfig;
  private readonly groupCoordinatorConfig: GroupCoordinatorConfig;
  private readonly replicaConfig: ReplicaConfig;
  private readonly replicationVariant: ReplicationVariant;
  private readonly brokerMachine: BrokerMachine = createBrokerMachine();
  private readonly replicaMachine: ReplicaMachine = createReplicaMachine();
  private readonly coordinatorMachine: CoordinatorMachine = createCoordinatorMachine();
  /** The __consumer_offsets partitions whose leader replica's state the group coordinator was told, by partition. */
  private readonly coordinatorView = new Map<number, { leaderEpoch: number; highWatermark: number }>();
  /** The replica actors by partition key, in the order they started (a view of `actors`, read every step). */
  private readonly replicaActors = new Map<string, Actor<ReplicaMachine>>();
  /** The __consumer_offsets replicas among them: the coordinator's leadership watch runs after every step and reads only these. */
  private readonly offsetsReplicaActors = new Map<string, Actor<ReplicaMachine>>();
  readonly payloads: BatchPayloads | undefined;
  /** Told after every step of a replica (a client gateway's delayed fetches wait on it). */
  replicaStepped: ((key: string) => void) | undefined;

  constructor(parts: BrokerParts) {
    super(parts);
    this.brokerConfig = parts.brokerConfig;
    this.groupCoordinatorConfig = parts.groupCoordinatorConfig;
    this.replicaConfig = parts.replicaConfig;
    this.replicationVariant = parts.replicationVariant;
    this.payloads = parts.payloads;
  }

  override stepActor(name: string, event: HostEvent): void {
    super.stepActor(name, event);
    if (this.replicaStepped !== undefined && name.startsWith(REPLICA_PREFIX)) this.replicaStepped(name.slice(REPLICA_PREFIX.length));
  }

  /** The broker lifecycle machine, while the node runs. */
  get broker(): Actor<BrokerMachine> | undefined {
    return this.actors.get('broker') as Actor<BrokerMachine> | undefined;
  }

  get coordinator(): Actor<CoordinatorMachine> | undefined {
    return this.actors.get('coordinator') as Actor<CoordinatorMachine> | undefined;
  }

  /** The replicas this broker runs, with their partition keys. */
  replicas(): IterableIterator<[string, Actor<ReplicaMachine>]> {
    return this.replicaActors.entries();
  }

  logOf(key: string): PartitionLog | undefined {
    return this.storage.partitionLogs.get(key);
  }

  /** The metadata image the broker has applied (empty while down). */
  image(): MetadataImage {
    return this.broker?.context.image ?? emptyImage;
  }

  protected bootRole(): void {
    this.startActor('broker', this.brokerMachine, { brokerId: this.id, config: this.brokerConfig, randomSeed: this.seed('broker') });
    this.startActor('coordinator', this.coordinatorMachine, { brokerId: this.id, config: this.groupCoordinatorConfig, randomSeed: this.seed('coordinator') });
  }

  protected committedEvent(entries: readonly (MetadataEntry & { endOffset: number })[], committedOffset: number): HostEvent {
    return { type: 'MetadataCommitted', records: entries.flatMap((e) => e.records), committedOffset };
  }

  // ---- crash and restart -----------------------------------------------------------------------

  override checkpointHighWatermarks(): void {
    for (const [key, replica] of this.replicas()) this.storage.highWatermarks.write(key, replica.context.highWatermark);
  }

  protected override loseUnflushed(): void {
    for (const [key, log] of this.storage.partitionLogs.entries()) {
      const lost = log.loseUnflushed(this.world.nowMs());
      if (lost > 0) this.world.note(() => `n${this.id} ${key} lost ${lost} unflushed records (log end offset now ${log.logEndOffset})`);
    }
  }

  protected override forgetVolatile(): void {
    this.coordinatorView.clear();
    this.replicaActors.clear();
    this.offsetsReplicaActors.clear();
  }

  /** ReplicaManager: a replica starts from its log and its high-watermark checkpoint when metadata first names this broker. */
  private startReplica(address: PartitionAddress): void {
    const key = `${address.topic}-${address.partition}`;
    const log = this.storage.partitionLogs.open(key, address, this.world.nowMs());
    const name = replicaActor(address);
    this.startActor(name, this.replicaMachine, {
      brokerId: this.id, address, config: this.replicaConfig, variant: this.replicationVariant,
      log: { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, epochCache: log.epochCache, producers: producerStateOf(log.batches()) },
      highWatermarkCheckpoint: this.storage.highWatermarks.read(key) ?? 0,
    });
    this.replicaActors.set(key, this.actors.get(name) as Actor<ReplicaMachine>);
    if (address.topic === OFFSETS_TOPIC) this.offsetsReplicaActors.set(key, this.actors.get(name) as Actor<ReplicaMachine>);
  }

  /**
   * ReplicaManager.stopPartitions(deleteLocalLog = true): the replica of a deleted topic stops and
   * its log is deleted. Its pending timers find no actor and are dropped; requests still naming the
   * partition are refused by the broker (UNKNOWN_TOPIC_OR_PARTITION).
   */
  private stopReplica(key: string, topicId: string): void {
    const name = `${REPLICA_PREFIX}${key}`;
    this.actors.delete(name);
    this.replicaActors.delete(key);
    this.offsetsReplicaActors.delete(key);
    const log = this.storage.partitionLogs.get(key);
    if (log !== undefined) this.payloads?.dropped(log.batches());
    this.storage.partitionLogs.remove?.(key);
    this.storage.highWatermarks.remove?.(key);
    this.world.note(() => `n${this.id} ${key} stopped and its log deleted (topic ${topicId} deleted)`);
  }

  // ---- effects ---------------------------------------------------------------------------------

  protected perform(actor: string, effect: HostEvent): void {
    const key = actor.startsWith(REPLICA_PREFIX) ? actor.slice(REPLICA_PREFIX.length) : '';
    switch (effect.type) {
      case 'send':
        return this.sendFrom(actor, key, effect);
      case 'coordinator.metadata':
        return this.handOff('coordinator', { type: 'Topics', topics: effect['topics'], from: this.id });
      case 'coordinator.append':
        return this.appendForCoordinator(effect['partition'] as number, effect['correlationId'] as number, effect['records'] as { key: string; value: string | null }[]);
      case 'send.controller': {
        // AlterPartitionManager sends to the controller the broker's metadata names as active.
        const controllerId = this.broker?.context.controllerId ?? -1;
        if (controllerId >= 0) this.world.send(this.id, controllerId, effect['message'] as ClusterMessage);
        else this.world.note(() => `n${this.id} ${key}: no active controller known, AlterPartition waits`);
        return;
      }
      case 'replica.stop':
        return this.stopReplica(effect['key'] as string, effect['topicId'] as string);
      case 'replica.metadata': {
        const address = effect['address'] as PartitionAddress;
        const replica = replicaActor(address);
        if (!this.actors.has(replica)) this.startReplica(address);
        return this.handOff(replica, { type: 'PartitionMetadata', partition: effect['partition'], brokerEpoch: effect['brokerEpoch'], minInsyncReplicas: effect['minInsyncReplicas'], ineligible: effect['ineligible'], from: this.id });
      }
      default:
        return this.performOnLog(actor, key, effect);
    }
  }

  /** A message a machine sends; a replica's answers carry what its log holds. */
  private sendFrom(actor: string, key: string, effect: HostEvent): void {
    let message = effect['message'] as ClusterMessage;
    const log = this.storage.partitionLogs.get(key);
    const read = effect['read'] as { fromOffset: number; maxOffset: number } | undefined;
    if (read !== undefined && log !== undefined && message.type === 'FetchResponse' && 'topicId' in message) {
      const result = log.read(read.fromOffset, read.maxOffset, FETCH_BYTES_MAX);
      message = { ...message, batches: result.error === 'NONE' ? result.batches : [] };
    }
    const lookup = effect['lookupTimestamp'] as { timestamp: number; maxOffset: number } | undefined;
    if (lookup !== undefined && log !== undefined && message.type === 'ListOffsetsResponse') {
      const found = log.offsetForTimestamp(lookup.timestamp, lookup.maxOffset, this.payloads === undefined ? undefined : (batch) => this.payloads?.recordTimestamps(batch));
      message = { ...message, offset: found?.offset ?? -1, timestamp: found?.timestamp ?? -1 };
    }
    if (effect['to'] === this.id && actor.startsWith(REPLICA_PREFIX) && message.type === 'ProduceResponse') {
      // The group coordinator's local append (ReplicaManager.appendRecords from the coordinator runtime) answers in-process.
      return this.handOff('coordinator', { ...message, from: this.id });
    }
    this.world.send(this.id, effect['to'] as number, message);
  }

  /** A replica's log effects, applied to its partition log (UnifiedLog). */
  private performOnLog(actor: string, key: string, effect: HostEvent): void {
    const log = this.storage.partitionLogs.get(key);
    switch (effect.type) {
      case 'log.append': {
        const batch = effect['batch'] as RecordBatch;
        if (log !== undefined) this.payloads?.appended(batch);
        log?.append(batch, this.world.nowMs());
        this.world.note(() => `n${this.id} ${key} append ${batch.records.map((r) => r.value).join(',')}@${batch.baseOffset}/e${batch.partitionLeaderEpoch}`);
        return;
      }
      case 'log.truncate': {
        if (log === undefined) return;
        const before = log.logEndOffset;
        const held = this.heldBatches(log);
        log.truncateTo(effect['toOffset'] as number, this.world.nowMs());
        this.dropBatches(held, log);
        this.world.note(() => `n${this.id} ${key} truncate to ${effect['toOffset'] as number} (log end offset ${before} -> ${log.logEndOffset})`);
        return this.reportLogState(actor, log);
      }
      case 'log.truncateFullyAndStartAt': {
        if (log === undefined) return;
        const held = this.heldBatches(log);
        log.truncateFullyAndStartAt(effect['offset'] as number, this.world.nowMs());
        this.dropBatches(held, log);
        this.world.note(() => `n${this.id} ${key} restart log at ${effect['offset'] as number}`);
        return this.reportLogState(actor, log);
      }
      case 'log.assignEpochStartOffset':
        return log?.assignEpochStartOffset(effect['epoch'] as number, effect['offset'] as number);
      case 'log.raiseLogStartOffset':
        return log?.raiseLogStartOffset(effect['offset'] as number);
      case 'log.retention': {
        if (log === undefined) return;
        const held = this.heldBatches(log);
        const deleted = log.deleteOldSegments(this.world.nowMs(), effect['highWatermark'] as number);
        if (deleted === 0) return;
        this.dropBatches(held, log);
        this.world.note(() => `n${this.id} ${key} retention deleted ${deleted} segment(s), log start offset ${log.logStartOffset}`);
        // The producer state stays: retention evicts no producer (ProducerStateManager.onLogStartOffsetIncremented).
        return this.reportLogState(actor, log, false);
      }
      default:
        throw new Error(`broker node ${this.id} does not know effect '${effect.type}' of ${actor}`);
    }
  }

  /** The batches a log holds before an operation that may drop some (only where the node keeps client bytes: the live cluster). */
  private heldBatches(log: PartitionLog): readonly RecordBatch[] {
    return this.payloads === undefined ? [] : log.batches();
  }

  /** The batches of `held` the log no longer holds: their bytes may go (BatchPayloads.dropped). */
  private dropBatches(held: readonly RecordBatch[], log: PartitionLog): void {
    if (this.payloads === undefined || held.length === 0) return;
    const kept = new Set(log.batches().map((b) => b.payload));
    this.payloads.dropped(held.filter((b) => !kept.has(b.payload)));
  }

  /** The log's new shape to its replica; with `rebuildProducers` the producer state the log now implies (UnifiedLog.rebuildProducerState after a truncation). */
  private reportLogState(actor: string, log: PartitionLog, rebuildProducers = true): void {
    const shape = { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, epochCache: log.epochCache };
    this.handOff(actor, { type: 'LogState', ...shape, ...(rebuildProducers ? { producers: producerStateOf(log.batches()) } : {}), from: this.id });
  }

  /** CoordinatorPartitionWriter.append: a local acks=1 write to the leader replica of the shard's partition. */
  private appendForCoordinator(partition: number, correlationId: number, records: { key: string; value: string | null }[]): void {
    const topic = Object.values(this.image().topics).find((t) => t.name === OFFSETS_TOPIC);
    const address = { topic: OFFSETS_TOPIC, topicId: topic?.topicId ?? '', partition };
    const replica = replicaActor(address);
    if (topic === undefined || !this.actors.has(replica)) {
      // NOT_LEADER_OR_FOLLOWER (6): this broker does not host the partition's replica.
      return this.handOff('coordinator', { type: 'ProduceResponse', ...address, correlationId, errorCode: 6, baseOffset: -1, logStartOffset: -1, from: this.id });
    }
    this.handOff(replica, { type: 'Produce', ...address, correlationId, acks: 1, timeoutMs: 0, records, from: this.id });
  }

  /**
   * The group coordinator follows its broker's leadership of __consumer_offsets partitions
   * (GroupCoordinator.onElection / onResignation, and the high watermark listener): a replica that
   * became leader (or leads in a new epoch) has its records loaded, one that stopped leading is
   * unloaded, and a leader's high watermark advances are passed on.
   */
  override listenToOffsetsPartitions(): boolean {
    if (!this.up || !this.actors.has('coordinator')) return false;
    let handed = false;
    const leading = new Set<number>();
    for (const [key, replica] of this.offsetsReplicaActors) {
      if (replica.state !== 'Leader') continue;
      const c = replica.context;
      const partition = c.address.partition;
      const leaderEpoch = c.partition.leaderEpoch;
      const highWatermark = c.highWatermark;
      leading.add(partition);
      const seen = this.coordinatorView.get(partition);
      if (seen === undefined || seen.leaderEpoch !== leaderEpoch) this.loadShard(key, partition, leaderEpoch, highWatermark);
      else if (seen.highWatermark !== highWatermark) this.handOff('coordinator', { type: 'HighWatermark', partition, highWatermark, from: this.id });
      else continue;
      this.coordinatorView.set(partition, { leaderEpoch, highWatermark });
      handed = true;
    }
    for (const partition of [...this.coordinatorView.keys()]) {
      if (leading.has(partition)) continue;
      this.coordinatorView.delete(partition);
      this.handOff('coordinator', { type: 'UnloadShard', partition, from: this.id });
      this.world.note(() => `n${this.id} group coordinator unloads ${OFFSETS_TOPIC}-${partition}`);
      handed = true;
    }
    return handed;
  }

  private loadShard(key: string, partition: number, leaderEpoch: number, highWatermark: number): void {
    const log = this.storage.partitionLogs.get(key);
    const records = (log?.batches() ?? []).flatMap((b) => b.records.map((r) => ({ key: r.key, value: r.value })));
    this.handOff('coordinator', { type: 'LoadShard', partition, leaderEpoch, records, logEndOffset: log?.logEndOffset ?? 0, highWatermark, from: this.id });
    this.world.note(() => `n${this.id} group coordinator loads ${OFFSETS_TOPIC}-${partition} (leader epoch ${leaderEpoch}, ${records.length} records)`);
  }
}

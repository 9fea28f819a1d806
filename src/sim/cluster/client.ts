/**
 * The simulated workload's scripted clients: an admin client that creates the topic, a raw writer
 * that sends one keyed record per request (user ids, Kafka's default partitioner, no retries),
 * and a consumer that reads every partition from the beginning. Runs with `producer: 'raw'` write
 * through it; the others write through the producer machine (src/machines/producer), hosted by
 * the simulation. Every request goes over the simulated network; metadata comes from Metadata
 * requests to brokers, as a Kafka client's does.
 *
 * What it was told and what it saw is the run's history (producer operations, consumer events),
 * judged at the end by REPL-ACK-1, REPL-READ-1, REPL-ORDER-1 and REPL-HW-2.
 */
import type { Random } from '../../core/prng.js';
import { errorCode, errorName, Errors } from '../../protocol/errors.js';
import type { PartitionRegistration } from '../../protocol/metadata/records.js';
import { partitionForKey, utf8 } from '../../machines/producer/partitioner.js';
import type { ReplicationMessage } from '../../protocol/replication/messages.js';
import type { ConsumeEvent, ProduceOperation } from '../../../spec/replication/view.js';
import type { ClusterOptions } from './options.js';

/** A scripted write's idempotent-producer fields (scenarios pin the broker's producer-state answers with them). */
export interface ProducerFields {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export interface Outgoing {
  readonly to: number;
  readonly message: ReplicationMessage;
}

type Inflight =
  | { readonly kind: 'create' }
  | { readonly kind: 'metadata' }
  | { readonly kind: 'produce'; readonly op: ProduceOperation }
  | { readonly kind: 'fetch'; readonly key: string; readonly leaderEpoch: number; readonly offset: number };

/** A produce still waiting for its answer after this long counts as unknown (the client's request timeout). */
const PRODUCE_TIMEOUT_MS = 1_500;
const USERS = 40;

export class WorkloadClient {
  readonly history: ProduceOperation[] = [];
  readonly consumed: ConsumeEvent[] = [];
  topicId: string | null = null;
  partitions: PartitionRegistration[] = [];
  topicCreated = false;
  private nextCorrelationId = 1;
  private readonly inflight = new Map<number, Inflight>();
  private readonly positions = new Map<string, number>();
  private readonly fetching = new Set<string>();
  private produced = 0;
  private consumeCursor = 0;

  constructor(
    private readonly options: ClusterOptions,
    private readonly random: Random,
    private readonly controllers: readonly number[],
    private readonly brokers: () => readonly number[],
    /** Epoch fencing on consumer fetches (KIP-320); off in the pre-KIP-320 variants. */
    private readonly fenceFetches: boolean,
  ) {}

  get topic(): string {
    return this.options.topic.name;
  }

  createTopic(): Outgoing[] {
    if (this.topicCreated) return [];
    const correlationId = this.correlate({ kind: 'create' });
    const t = this.options.topic;
    return [{ to: this.random.pick(this.controllers), message: { type: 'CreateTopics', correlationId, name: t.name, numPartitions: t.partitions, replicationFactor: t.replicationFactor, configs: t.configs } }];
  }

  refreshMetadata(): Outgoing[] {
    const brokers = this.brokers();
    if (brokers.length === 0) return [];
    return [{ to: this.random.pick(brokers), message: { type: 'Metadata', correlationId: this.correlate({ kind: 'metadata' }) } }];
  }

  /** One keyed write: partition = toPositive(murmur2(key)) % partitions, to that partition's leader. */
  produce(nowMs: number, key = `user-${this.random.int(0, USERS - 1)}`, acksOverride?: number, producer?: ProducerFields): Outgoing[] {
    if (this.topicId === null || this.partitions.length === 0) return [];
    const partition = partitionForKey(utf8(key), this.partitions.length);
    const registration = this.partitions[partition] as PartitionRegistration;
    // An idempotent batch's value follows from its producer id and sequence, so a scripted retry carries the same record, as a real one does.
    const value = producer === undefined ? `v${++this.produced}` : `pid${producer.producerId}-seq${producer.baseSequence}`;
    const acks = acksOverride ?? this.options.acks ?? (this.random.chance(this.options.acksAllShare) ? -1 : this.random.chance(0.8) ? 1 : 0);
    const op: ProduceOperation = { type: 'invoke', key, value, partition: `${this.topic}-${partition}`, acks, time: nowMs };
    if (registration.leader < 0) return [];
    this.history.push(op);
    if (acks === 0) this.history.push({ ...op, type: 'info', error: 'acks=0: no answer' });
    const correlationId = this.correlate({ kind: 'produce', op });
    return [{
      to: registration.leader,
      message: { type: 'Produce', topic: this.topic, topicId: this.topicId, partition, correlationId, acks, timeoutMs: PRODUCE_TIMEOUT_MS, records: [{ key, value }], ...producer },
    }];
  }

  /** Fetch the next partition in turn from its leader, from the consumer's position. */
  consume(): Outgoing[] {
    if (this.topicId === null || this.partitions.length === 0) return [];
    const index = this.consumeCursor++ % this.partitions.length;
    const key = `${this.topic}-${index}`;
    const registration = this.partitions[index] as PartitionRegistration;
    if (registration.leader < 0 || this.fetching.has(key)) return [];
    const offset = this.positions.get(key) ?? 0;
    this.fetching.add(key);
    const correlationId = this.correlate({ kind: 'fetch', key, leaderEpoch: registration.leaderEpoch, offset });
    return [{
      to: registration.leader,
      message: {
        type: 'Fetch', topic: this.topic, topicId: this.topicId, partition: index, correlationId, replicaId: -1, replicaEpoch: -1,
        currentLeaderEpoch: this.fenceFetches ? registration.leaderEpoch : -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1,
      },
    }];
  }

  /** A fetch lost on the network is given up after a while so the partition is fetched again. */
  expireFetches(): void {
    this.fetching.clear();
  }

  receive(message: ReplicationMessage, nowMs: number): Outgoing[] {
    if (!('correlationId' in message)) return [];
    const request = this.inflight.get(message.correlationId);
    if (request === undefined) return [];
    this.inflight.delete(message.correlationId);
    switch (message.type) {
      case 'CreateTopicsResponse':
        if (message.errorCode === 0 || message.errorCode === errorCode('TOPIC_ALREADY_EXISTS')) {
          this.topicCreated = true;
          return this.refreshMetadata();
        }
        return [];
      case 'MetadataResponse': {
        const topic = message.topics.find((t) => t.name === this.topic);
        if (topic !== undefined) {
          this.topicCreated = true;
          this.topicId = topic.topicId;
          this.partitions = [...topic.partitions];
        }
        return [];
      }
      case 'ProduceResponse': {
        if (request.kind !== 'produce') return [];
        const op = request.op;
        if (op.acks === 0) return [];
        if (message.errorCode === 0) this.history.push({ ...op, type: 'ok', offset: message.baseOffset, time: nowMs });
        else {
          const name = errorName(message.errorCode);
          const definite = name in Errors && Errors[name as keyof typeof Errors].definite;
          this.history.push({ ...op, type: definite ? 'fail' : 'info', error: name, time: nowMs });
        }
        return message.errorCode === errorCode('NOT_LEADER_OR_FOLLOWER') ? this.refreshMetadata() : [];
      }
      case 'FetchResponse': {
        if (request.kind !== 'fetch') return [];
        this.fetching.delete(request.key);
        return this.handleFetch(request, message, nowMs);
      }
      default:
        return [];
    }
  }

  /** Produces never answered: their outcome is unknown. */
  finish(nowMs: number): void {
    for (const request of this.inflight.values()) {
      if (request.kind === 'produce' && request.op.acks !== 0) this.history.push({ ...request.op, type: 'info', error: 'no answer', time: nowMs });
    }
    this.inflight.clear();
  }

  private handleFetch(request: Extract<Inflight, { kind: 'fetch' }>, message: Extract<ReplicationMessage, { type: 'FetchResponse' }>, nowMs: number): Outgoing[] {
    const key = request.key;
    if (message.errorCode === errorCode('OFFSET_OUT_OF_RANGE')) {
      // auto.offset.reset=earliest: below the log start, move up to it. Past the log end, the
      // log was truncated under the consumer (only after an unclean election): start over at the end.
      const to = request.offset < message.logStartOffset ? message.logStartOffset : Math.max(0, message.logEndOffset);
      if (message.logStartOffset >= 0 && to !== request.offset) {
        this.consumed.push({ type: 'reset', partition: key, from: request.offset, to, reason: request.offset < message.logStartOffset ? 'below log start offset' : 'past log end offset', time: nowMs });
        this.positions.set(key, to);
      }
      return [];
    }
    if (message.errorCode !== 0) return message.errorCode === errorCode('UNKNOWN_LEADER_EPOCH') ? [] : this.refreshMetadata();
    if ((this.positions.get(key) ?? 0) !== request.offset) return []; // a duplicate answer to an older fetch
    this.consumed.push({ type: 'highWatermark', partition: key, leaderEpoch: request.leaderEpoch, highWatermark: message.highWatermark, time: nowMs });
    let position = request.offset;
    for (const batch of message.batches) {
      for (const record of batch.records) {
        const offset = batch.baseOffset + record.offsetDelta;
        if (offset < position) continue;
        this.consumed.push({ type: 'record', partition: key, offset, value: record.value, time: nowMs });
        position = offset + 1;
      }
    }
    this.positions.set(key, position);
    return [];
  }

  private correlate(request: Inflight): number {
    const id = this.nextCorrelationId++;
    this.inflight.set(id, request);
    return id;
  }
}

/**
 * A small world for the producer machine alone: one broker (node 1) that leads every partition
 * of one topic and keeps each partition's log and producer state with the broker's own rules
 * (src/log/producer-state.ts), a network that can lose, delay and reorder messages, and a clock.
 * Deterministic for a seed. Used by the producer's unit and property tests.
 */
import { Actor, type ActorSink, type HostEvent, type TimerRequest } from '../../src/cluster/actor-host.js';
import { Random } from '../../src/core/prng.js';
import { errorCode } from '../../src/protocol/errors.js';
import type { ReplicationMessage } from '../../src/protocol/replication/messages.js';
import { checkClientBatch, recordBatch, type ProducerState } from '../../src/log/producer-state.js';
import { createProducerMachine } from '../../src/machines/producer/machine.js';
import { resolveProducerConfig, type ProducerSettings } from '../../src/machines/producer/config.js';
import type { ProducerEffect } from '../../src/machines/producer/sender.js';
import { checkIdempotence, type ProduceAttempt, type ProducerSend } from '../../spec/producer/clauses.js';

export const TOPIC = 'events';
export const BROKER = 1;
export const CLIENT = 0;

export interface Delivery {
  readonly sendId: number;
  readonly partition: number;
  readonly offset: number;
  readonly error: string | null;
  readonly definite: boolean;
  readonly sequenceReset: boolean;
}

export interface WorldOptions {
  readonly seed: number;
  readonly partitions?: number;
  readonly settings?: ProducerSettings;
  /** Probability that a message is lost (either way). */
  readonly loss?: number;
  /** Extra random delay up to this many ms (reorders messages). */
  readonly jitterMs?: number;
  /** A fixed extra delay on every answer (a slow broker). */
  readonly answerDelayMs?: number;
  /** The broker answers with this error instead of appending, when the hook says so. */
  readonly inject?: (request: Extract<ReplicationMessage, { type: 'Produce' }>, world: ProducerWorld) => string | null;
  /** The broker answers but drops the partition's producer state first (a lost state, as after retention). */
  readonly forgetStateEvery?: number;
}

type Item = { at: number; seq: number; kind: 'toBroker' | 'toClient'; message: ReplicationMessage } | { at: number; seq: number; kind: 'timer'; id: string; event: Record<string, unknown> };

export class ProducerWorld implements ActorSink {
  readonly machine = createProducerMachine();
  private readonly actor: Actor<ReturnType<typeof createProducerMachine>>;
  readonly deliveries: Delivery[] = [];
  readonly appended = new Map<number, number>();
  readonly sent: ReplicationMessage[] = [];
  /** The answers that reached the client, by the request's correlation id (the history PROD-IDEM-1's allowance reads). */
  readonly answers = new Map<number, number>();
  readonly logs: { key: string | null; value: string; producerId: number; producerEpoch: number; baseSequence: number }[][];
  readonly states: ProducerState[];
  now = 0;
  private queue: Item[] = [];
  private seq = 0;
  private nextSendId = 1;
  private readonly random: Random;
  private readonly timers = new Map<string, Item>();
  nextProducerId = 1000;
  initAnswers = 0;

  constructor(readonly options: WorldOptions) {
    const resolved = resolveProducerConfig({ requestTimeoutMs: 300, deliveryTimeoutMs: 5_000, retryBackoffMs: 20, retryBackoffMaxMs: 100, lingerMs: 5, ...options.settings });
    if (!resolved.ok) throw new Error(resolved.error);
    this.random = Random.stream(options.seed, 'world');
    const partitions = options.partitions ?? 3;
    this.logs = Array.from({ length: partitions }, () => []);
    this.states = Array.from({ length: partitions }, () => ({}));
    this.actor = Actor.start('producer', this.machine, { clientId: CLIENT, bootstrap: [BROKER], config: resolved.config, randomSeed: options.seed }, this);
  }

  get state(): string {
    return JSON.stringify(this.actor.snapshot.value);
  }

  get context() {
    return this.actor.context;
  }

  send(key: string | null, value?: string, partition?: number): number {
    const sendId = this.nextSendId++;
    this.dispatch({ type: 'Send', sendId, topic: TOPIC, key, value: value ?? `v${sendId}`, ...(partition === undefined ? {} : { partition }) });
    return sendId;
  }

  /** Run until the queue is empty or `untilMs` passes. */
  runUntil(untilMs: number): void {
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (next === undefined || next.at > untilMs) break;
      this.queue.shift();
      this.now = Math.max(this.now, next.at);
      if (next.kind === 'timer') {
        this.timers.delete(next.id);
        this.dispatch(next.event);
      } else if (next.kind === 'toClient') {
        if (next.message.type === 'ProduceResponse') this.answers.set(next.message.correlationId, next.message.errorCode);
        this.dispatch(next.message as never);
      }
      else this.broker(next.message);
    }
    this.now = Math.max(this.now, untilMs);
  }

  private dispatch(event: Record<string, unknown>): void {
    this.actor.step({ ...event, nowMs: this.now, from: BROKER } as unknown as HostEvent, this);
  }

  /** The actor host's outputs (ActorSink): effects, timer requests and cancels, in order. */
  effect(_actor: string, effect: HostEvent): void {
    this.onEffect(effect as unknown as ProducerEffect);
  }

  schedule(_actor: string, timer: TimerRequest): void {
    this.cancelTimer(timer.id);
    const item: Item = { at: this.now + timer.delayMs, seq: this.seq++, kind: 'timer', id: timer.id, event: timer.event };
    this.timers.set(timer.id, item);
    this.queue.push(item);
  }

  cancel(_actor: string, timerId: string): void {
    this.cancelTimer(timerId);
  }

  private cancelTimer(id: string): void {
    const existing = this.timers.get(id);
    if (existing === undefined) return;
    this.timers.delete(id);
    this.queue = this.queue.filter((i) => i !== existing);
  }

  private onEffect(effect: ProducerEffect): void {
    if (effect.type === 'delivery') this.deliveries.push({ sendId: effect.sendId, partition: effect.partition, offset: effect.offset, error: effect.error, definite: effect.definite, sequenceReset: effect.sequenceReset });
    else if (effect.type === 'appended') this.appended.set(effect.sendId, effect.partition);
    else {
      this.sent.push(effect.message);
      this.transmit('toBroker', effect.message);
    }
  }

  private transmit(kind: 'toBroker' | 'toClient', message: ReplicationMessage): void {
    if (this.random.chance(this.options.loss ?? 0)) return;
    const delay = 1 + (this.options.jitterMs === undefined ? 0 : this.random.int(0, this.options.jitterMs)) + (kind === 'toClient' ? this.options.answerDelayMs ?? 0 : 0);
    this.queue.push({ at: this.now + delay, seq: this.seq++, kind, message });
  }

  /** The broker: metadata, producer ids, and each partition's leader append with the producer-state rules. */
  private broker(message: ReplicationMessage): void {
    switch (message.type) {
      case 'Metadata':
        this.transmit('toClient', {
          type: 'MetadataResponse', correlationId: message.correlationId, controllerId: 101,
          topics: [{ name: TOPIC, topicId: 'T', partitions: this.logs.map((_, i) => ({ partition: i, replicas: [BROKER], isr: [BROKER], leader: BROKER, leaderEpoch: 0, partitionEpoch: 0 })) as never }],
        });
        return;
      case 'InitProducerId':
        this.initAnswers++;
        this.transmit('toClient', { type: 'InitProducerIdResponse', correlationId: message.correlationId, errorCode: 0, producerId: this.nextProducerId++, producerEpoch: 0 });
        return;
      case 'Produce': {
        const answer = (error: number, baseOffset: number) => this.transmit('toClient', { type: 'ProduceResponse', topic: TOPIC, topicId: 'T', partition: message.partition, correlationId: message.correlationId, errorCode: error, baseOffset, logStartOffset: 0 });
        const injected = this.options.inject?.(message, this) ?? null;
        if (injected !== null) {
          answer(errorCode(injected as never), -1);
          return;
        }
        const log = this.logs[message.partition] as ProducerWorld['logs'][number];
        if (this.options.forgetStateEvery !== undefined && this.random.chance(1 / this.options.forgetStateEvery)) this.states[message.partition] = {};
        const batch = {
          baseOffset: log.length, lastOffsetDelta: message.records.length - 1, partitionLeaderEpoch: 0, maxTimestamp: this.now,
          producerId: message.producerId ?? -1, producerEpoch: message.producerEpoch ?? -1, baseSequence: message.baseSequence ?? -1,
          records: message.records.map((r, i) => ({ offsetDelta: i, timestamp: this.now, key: r.key, value: r.value })),
        };
        const check = checkClientBatch(this.states[message.partition] as ProducerState, batch);
        if (check.outcome === 'reject') return answer(errorCode(check.error), -1);
        if (check.outcome === 'duplicate') return answer(0, check.original.firstOffset);
        for (const r of message.records) log.push({ key: r.key, value: r.value ?? "", producerId: batch.producerId, producerEpoch: batch.producerEpoch, baseSequence: batch.baseSequence });
        this.states[message.partition] = recordBatch(this.states[message.partition] as ProducerState, batch);
        if (message.acks !== 0) answer(0, batch.baseOffset);
        return;
      }
      default:
    }
  }

  /** PROD-IDEM-1 and PROD-IDEM-2 over this world's deliveries and logs (the spec's own checker). */
  verdict() {
    const sends: ProducerSend[] = this.deliveries.filter((d) => d.partition >= 0).map((d) => ({
      sendId: d.sendId, value: `v${d.sendId}`, partition: `${TOPIC}-${d.partition}`, acknowledged: d.error === null,
    }));
    const attempts: ProduceAttempt[] = this.sent.flatMap((m) => m.type !== 'Produce' ? [] : [{
      partition: `${TOPIC}-${m.partition}`, producerId: m.producerId ?? -1, producerEpoch: m.producerEpoch ?? -1, baseSequence: m.baseSequence ?? -1,
      values: m.records.map((r) => r.value ?? ''), answerErrorCode: this.answers.get(m.correlationId) ?? null,
    }]);
    const logs = new Map(this.logs.map((log, p) => [`${TOPIC}-${p}`, log.map((r, offset) => ({ offset, value: r.value, producerId: r.producerId, producerEpoch: r.producerEpoch, baseSequence: r.baseSequence }))]));
    return checkIdempotence(sends, logs, attempts);
  }
}

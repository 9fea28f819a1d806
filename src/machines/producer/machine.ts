/**
 * The Kafka producer client (KafkaProducer with its RecordAccumulator, Sender and, for the
 * idempotent producer, TransactionManager). States follow TransactionManager.State for an
 * idempotent producer: Initializing (InitProducerId in flight or backing off), Ready, and
 * FatalError; a producer without idempotence starts Ready.
 *
 * Every event runs the sender loop once (sender.ts): place records waiting for metadata, resolve
 * sequences and bump the epoch if asked, expire requests and batches, refresh metadata, drain
 * ready batches into Produce requests. The loop's next deadline is one timer (SenderWakeup).
 *
 * Pure: `send()` is the Send event (the shell numbers sends), answers arrive as events, time
 * arrives as `nowMs` on every event, randomness (sticky partition choice, backoff jitter) comes
 * from a PRNG state in the context. Effects: messages to brokers, `appended` when a record is
 * placed in a batch, and `delivery` for each record's callback.
 */
import { assign, enqueueActions, not, setup } from 'xstate';
import { errorName, Errors } from '../../protocol/errors.js';
import type { InitProducerIdResponse, MetadataResponse, ProduceResponse } from '../../protocol/replication/messages.js';
import type { ProducerConfig } from './config.js';
import { builtInCustomPartitioners, type CustomPartitioner } from './partitioning.js';
import {
  adoptMetadata, appendRecord, completeProduce, disconnect, failAll, leastLoadedNode, ProducerStep, runSender,
  type ProducerContext, type ProducerEffect, type WaitingRecord,
} from './sender.js';
import { NO_PRODUCER } from './sequences.js';
import type { Enqueue } from '../step.js';

export interface ProducerInput {
  /** The client's node id on the network (answers come back to it). */
  readonly clientId: number;
  /** bootstrap.servers: the brokers it may ask for metadata and producer ids. */
  readonly bootstrap: readonly number[];
  /** A resolved configuration (resolveProducerConfig). */
  readonly config: ProducerConfig;
  readonly randomSeed: number;
}

/** KafkaProducer.send(record): the shell numbers sends; `partition` only when the record names one. */
export interface SendEvent {
  readonly type: 'Send';
  readonly sendId: number;
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
  readonly partition?: number;
}

type Timed<E> = E & { readonly nowMs: number; readonly from?: number };
export type ProducerEvent =
  | Timed<SendEvent>
  | Timed<MetadataResponse>
  | Timed<ProduceResponse>
  | Timed<InitProducerIdResponse>
  | Timed<{ readonly type: 'SenderWakeup' }>
  /** The connection to a broker broke (NetworkClient saw it close). */
  | Timed<{ readonly type: 'Disconnected'; readonly node: number }>;

/** Errors after which InitProducerId is simply tried again (TransactionManager's InitProducerIdHandler). */
const INIT_RETRIABLE = new Set(['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'NETWORK_EXCEPTION', 'REQUEST_TIMED_OUT']);
const isInitRetriable = (name: string): boolean => INIT_RETRIABLE.has(name) || (name in Errors && Errors[name as keyof typeof Errors].retriable);

function as<E>(event: unknown): E {
  return event as E;
}

export function initialProducerContext(input: ProducerInput): ProducerContext {
  return {
    clientId: input.clientId, bootstrap: input.bootstrap, config: input.config,
    nextCorrelationId: 1, nextBatchId: 1, nextRequestId: 1, random: input.randomSeed >>> 0,
    topics: {}, metadata: { needUpdate: false, inFlight: null, lastRefreshMs: 0, retryAtMs: 0, nodeCursor: 0 },
    waiting: [], partitioner: { sticky: {}, roundRobin: {}, random: (input.randomSeed ^ 0x5bd1e995) >>> 0 },
    batches: {}, queues: {}, requests: {}, produceInflight: {}, drainIndex: {}, wakeupAtMs: null,
    producerIdAndEpoch: NO_PRODUCER, initRequest: null, sequences: {}, unresolved: {}, epochBumpRequired: false, partitionsToRewrite: [], fatalError: null,
  };
}

export function createProducerMachine(custom: Readonly<Record<string, CustomPartitioner>> = builtInCustomPartitioners) {
  /** Run a rule on a step, then the sender loop, and hand the result to XState. */
  const thenSend = (context: ProducerContext, event: ProducerEvent, enqueue: Enqueue<ProducerContext, ProducerEffect>, rule: (step: ProducerStep) => void): void => {
    const step = new ProducerStep(context);
    rule(step);
    runSender(step, event.nowMs, custom);
    step.flush(enqueue);
  };

  return setup({
    types: {
      context: {} as ProducerContext,
      events: {} as ProducerEvent,
      input: {} as ProducerInput,
      emitted: {} as ProducerEffect,
    },
    delays: {
      requestTimeout: ({ context }) => context.config.requestTimeoutMs,
      retryBackoff: ({ context }) => context.config.retryBackoffMs,
    },
    guards: {
      idempotenceEnabled: ({ context }) => context.config.enableIdempotence,
      hasFatalError: ({ context }) => context.fatalError !== null,
      lostProducerId: ({ context }) => context.config.enableIdempotence && context.producerIdAndEpoch.producerId < 0,
      isAnswerToMyInit: ({ context, event }) => as<InitProducerIdResponse>(event).correlationId === context.initRequest?.correlationId,
      producerIdGranted: ({ event }) => as<InitProducerIdResponse>(event).errorCode === 0,
      initRetriable: ({ event }) => isInitRetriable(errorName(as<InitProducerIdResponse>(event).errorCode)),
    },
    actions: {
      acceptSend: enqueueActions(({ context, event, enqueue }) => thenSend(context, event, enqueue, (step) => {
        const send = event as Timed<SendEvent>;
        const record: WaitingRecord = { sendId: send.sendId, topic: send.topic, key: send.key, value: send.value, sentMs: send.nowMs, ...(send.partition === undefined ? {} : { partition: send.partition }) };
        if (step.c.topics[send.topic] !== undefined) appendRecord(step, record, custom, send.nowMs);
        else step.patch({ waiting: [...step.c.waiting, record] });
      })),
      rejectSend: enqueueActions(({ context, event, enqueue }) => {
        const send = as<Timed<SendEvent>>(event);
        enqueue.emit({ type: 'delivery', sendId: send.sendId, topic: send.topic, partition: -1, offset: -1, error: context.fatalError ?? 'FATAL', definite: true, sequenceReset: false });
      }),
      adoptMetadata: enqueueActions(({ context, event, enqueue }) => thenSend(context, event, enqueue, (step) => adoptMetadata(step, event as Timed<MetadataResponse>, event.nowMs))),
      completeProduce: enqueueActions(({ context, event, enqueue }) => thenSend(context, event, enqueue, (step) => completeProduce(step, event as Timed<ProduceResponse>, event.nowMs))),
      closeConnection: enqueueActions(({ context, event, enqueue }) => thenSend(context, event, enqueue, (step) => disconnect(step, (event as Timed<{ type: 'Disconnected'; node: number }>).node, event.nowMs))),
      runSender: enqueueActions(({ context, event, enqueue }) => thenSend(context, event, enqueue, () => {})),
      sendInitProducerId: enqueueActions(({ context, event, enqueue }) => thenSend(context, event, enqueue, (step) => {
        const node = leastLoadedNode(step);
        if (node === undefined) return;
        const correlationId = step.c.nextCorrelationId;
        step.patch({ nextCorrelationId: correlationId + 1, initRequest: { correlationId, node, sentMs: event.nowMs } });
        // Idempotent, not transactional: no transactional id and no current id (TransactionManager.initializeTransactions).
        step.effect({ type: 'send', to: node, message: { type: 'InitProducerId', correlationId, transactionalId: null, transactionTimeoutMs: 2_147_483_647, producerId: -1, producerEpoch: -1 } });
      })),
      abandonInitProducerId: assign({ initRequest: null }),
      adoptProducerId: enqueueActions(({ context, event, enqueue }) => thenSend(context, event, enqueue, (step) => {
        const response = event as Timed<InitProducerIdResponse>;
        step.patch({ producerIdAndEpoch: { producerId: response.producerId, producerEpoch: response.producerEpoch }, initRequest: null, epochBumpRequired: false, partitionsToRewrite: [] });
      })),
      recordInitFailure: assign(({ event }) => {
        const name = errorName(as<InitProducerIdResponse>(event).errorCode);
        return { initRequest: null, fatalError: name === 'INVALID_PRODUCER_EPOCH' ? 'PRODUCER_FENCED' : name };
      }),
      failEverything: enqueueActions(({ context, enqueue }) => {
        const step = new ProducerStep(context);
        failAll(step, context.fatalError ?? 'FATAL');
        step.flush(enqueue);
      }),
    },
  }).createMachine({
    id: 'producer',
    context: ({ input }) => initialProducerContext(input),
    initial: 'Starting',
    on: {
      Send: { actions: 'acceptSend', description: 'KafkaProducer.send: partition the record (explicit, custom, murmur2 of the key, or sticky) and append it to its partition\'s open batch; a full batch closes and a new one opens. Before the topic\'s metadata is known the record waits (max.block.ms).' },
      MetadataResponse: { actions: 'adoptMetadata', description: 'New leaders and partition counts: queued batches go to the new leaders.' },
      ProduceResponse: { actions: 'completeProduce', description: 'Success: each record\'s callback gets its offset. A retriable error (or OUT_OF_ORDER_SEQUENCE_NUMBER for a batch that is not next) puts the batch back in sequence order after a backoff, refreshing metadata after NOT_LEADER_OR_FOLLOWER and the like; anything else fails the batch, and the idempotent producer then bumps its epoch for the partition (KIP-360).' },
      Disconnected: { actions: 'closeConnection', description: 'A broken connection: every request in flight on it fails with NETWORK_EXCEPTION and is retried after a metadata refresh; answers that still arrive on it are ignored.' },
      SenderWakeup: { actions: 'runSender', description: 'The sender loop\'s deadline: a batch lingered long enough, a backoff ended, a request timed out (the connection closes and its requests are retried), or a batch reached delivery.timeout.ms (it fails; one that was being retried leaves its sequence unresolved).' },
    },
    states: {
      Starting: {
        description: 'Configuration resolved (resolveProducerConfig); an idempotent producer needs a producer id before it sends.',
        always: [
          { guard: 'idempotenceEnabled', target: 'Initializing', description: 'enable.idempotence=true (the default since Kafka 3.0): TransactionManager needs a producer id before the first batch is sent.' },
          { target: 'Ready', description: 'enable.idempotence=false: batches go out without producer id or sequence numbers.' },
        ],
      },
      Initializing: {
        description: 'No producer id yet: batches wait while InitProducerId goes to the least-loaded broker.',
        initial: 'Requesting',
        states: {
          Requesting: {
            description: 'InitProducerId{transactionalId: null} is out to the least-loaded broker.',
            entry: 'sendInitProducerId',
            on: {
              InitProducerIdResponse: [
                { guard: not('isAnswerToMyInit'), description: 'An answer to an abandoned request: ignored.' },
                { guard: 'producerIdGranted', target: '#producer.Ready', actions: 'adoptProducerId', description: 'A fresh producer id with epoch 0: sequences start at 0 on every partition.' },
                { guard: 'initRetriable', target: 'BackingOff', actions: 'abandonInitProducerId', description: 'Coordinator loading or unavailable, or a network error: ask again after retry.backoff.ms.' },
                { target: '#producer.FatalError', actions: 'recordInitFailure', description: 'INVALID_PRODUCER_EPOCH or PRODUCER_FENCED (fenced), or anything else: fatal.' },
              ],
            },
            after: { requestTimeout: { target: 'Requesting', reenter: true, actions: 'abandonInitProducerId', description: 'No answer: ask again (the least-loaded node may be another broker).' } },
          },
          BackingOff: {
            description: 'The broker could not give an id yet (its block from the controller is on the way): wait retry.backoff.ms.',
            after: { retryBackoff: { target: 'Requesting', description: 'retry.backoff.ms passed: InitProducerId again (InitProducerIdHandler re-enqueues its request).' } },
          },
        },
      },
      Ready: {
        description: 'Sending. The idempotent producer numbers each partition\'s batches from 0 under its producer id and epoch, keeps at most 5 in flight, and retries a batch with the same sequence.',
        always: [
          { guard: 'hasFatalError', target: 'FatalError', description: 'TransactionManager.transitionToFatalError: PRODUCER_FENCED, an authorization failure or an unsupported version on a produce answer; the producer stops for good.' },
          { guard: 'lostProducerId', target: 'Initializing', description: 'The epoch reached Short.MAX_VALUE and could not be bumped: ask for a new producer id.' },
        ],
      },
      FatalError: {
        description: 'PRODUCER_FENCED, an authorization failure or an unsupported version: every queued batch and every later send fails.',
        entry: 'failEverything',
        on: { Send: { actions: 'rejectSend', description: 'send() fails at once with the fatal error.' } },
      },
    },
  });
}

export type ProducerMachine = ReturnType<typeof createProducerMachine>;

/**
 * `--faults process`: acks=all writes of an idempotent producer across kill -9s and restarts of
 * the target's brokers, by the target's own commands. Each round kills the leader of one partition
 * while the producer keeps writing, restarts it, and waits until the cluster is whole again (every
 * partition led, every replica back in its ISR). A write with no answer is retried with the same
 * producer id, epoch and sequence until the target answers it, as the Java producer retries
 * (Sender.completeBatch → RecordAccumulator.reenqueue keeps the batch's sequence). Judged: no
 * acknowledged write lost, none duplicated, none moved or reordered.
 */
import { checkAcknowledgedSurvive } from '../../../spec/conformance/durability.js';
import { FetchBelowHighWatermark } from '../../../spec/conformance/clauses.js';
import { NoDuplicateAcknowledgedRecord } from '../../../spec/producer/clauses.js';
import { AcknowledgedWritesDurable, OffsetsInOrder } from '../../../spec/replication/clauses.js';
import { ApiKey, ConnectError, type TopicMetadata, isIndefinite } from '../../client/index.js';
import { errorName } from '../../protocol/errors.js';
import type { Check, CheckContext } from '../check.js';
import { FETCH_MAX_VERSION, listOffsets, produce, readToEnd } from '../ops.js';
import type { BrokerAddress } from '../faults/process.js';
import { initProducerId } from './idempotence.js';

const PARTITIONS = 3;
const ROUNDS = 2;
const BATCH_RECORDS = 3;
/** How long one batch is retried before the workload gives up on its partition. */
const BATCH_DEADLINE_MS = 45_000;
const RETRY_BACKOFF_MS = 200;
/** How long a restarted cluster may take to lead every partition with a full ISR. */
const WHOLE_DEADLINE_MS = 60_000;
const OUTAGE_MS = { min: 200, max: 800 };

/**
 * Errors after which Kafka's producer retries the same batch (each is a RetriableException in
 * org.apache.kafka.common.errors; NOT_ENOUGH_REPLICAS_AFTER_APPEND and REQUEST_TIMED_OUT leave the
 * batch possibly appended: the retry's sequence lets the broker answer it as a duplicate).
 */
const RETRIABLE = new Set([
  'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'REQUEST_TIMED_OUT', 'KAFKA_STORAGE_ERROR', 'NETWORK_EXCEPTION', 'UNKNOWN_LEADER_EPOCH', 'FENCED_LEADER_EPOCH', 'BROKER_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS',
]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Producer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly sequences: number[];
  /** Partitions the workload stopped writing to, with why. */
  readonly stopped: Map<number, string>;
  written: number;
}

/** One batch to one partition, retried with the same sequence until it is answered or refused for good. */
async function writeBatch(context: CheckContext, topic: string, partition: number, producer: Producer): Promise<void> {
  if (producer.stopped.has(partition)) return;
  const values = Array.from({ length: BATCH_RECORDS }, () => `${context.seed}-p${partition}-${producer.written++}`);
  const spec = { topic, partition, values, acks: -1 as const, producerId: producer.producerId, producerEpoch: producer.producerEpoch, baseSequence: producer.sequences[partition]! };
  const deadline = Date.now() + BATCH_DEADLINE_MS;
  while (Date.now() < deadline) {
    let answer;
    try {
      answer = await produce(context, 1, spec);
    } catch (error) {
      // The leader lookup (Metadata) itself got no answer: the cluster is down; try again.
      if (!(error instanceof ConnectError) && !isIndefinite(error)) throw error;
    }
    if (answer !== undefined && (answer.errorCode ?? 0) === 0) {
      producer.sequences[partition]! += values.length;
      return;
    }
    if (answer !== undefined && !RETRIABLE.has(errorName(answer.errorCode!))) {
      producer.stopped.set(partition, `${topic}-${partition}: ${errorName(answer.errorCode!)} for sequence ${spec.baseSequence}, not retriable: stopped writing there`);
      return;
    }
    await sleep(RETRY_BACKOFF_MS);
  }
  producer.stopped.set(partition, `${topic}-${partition}: sequence ${spec.baseSequence} unanswered for ${BATCH_DEADLINE_MS} ms`);
}

/** The broker's address for the templates, from the target's Metadata. */
async function addressOf(context: CheckContext, node: number): Promise<BrokerAddress> {
  const endpoint = (await context.client.metadata([])).brokers.get(node);
  if (endpoint === undefined) throw new Error(`broker ${node} is not in the target's Metadata`);
  return { node, host: endpoint.host, port: endpoint.port };
}

/** Until every partition has a leader and a full ISR, and the target lists `brokers` brokers. */
async function untilWhole(context: CheckContext, topic: string, brokers: number): Promise<TopicMetadata> {
  const deadline = Date.now() + WHOLE_DEADLINE_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const metadata = await context.client.metadata([topic]);
      const found = metadata.topics.get(topic);
      if (metadata.brokers.size === brokers && found !== undefined && found.errorCode === 0 && found.partitions.length === PARTITIONS && found.partitions.every((p) => p.leaderId >= 0 && p.isr.length === p.replicas.length)) return found;
      last = `${metadata.brokers.size} brokers; ${found?.partitions.map((p) => `${p.partition}: leader ${p.leaderId} isr [${p.isr.join(',')}]`).join('; ') ?? 'topic missing'}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(RETRY_BACKOFF_MS);
  }
  throw new Error(`the cluster is not whole ${WHOLE_DEADLINE_MS} ms after the restart (${last})`);
}

/** Kills one broker while the producer writes, restarts it, and waits until the cluster is whole. */
async function crashRound(context: CheckContext, topic: TopicMetadata, brokers: number, round: number, producer: Producer): Promise<TopicMetadata> {
  const faults = context.processFaults!;
  const victim = topic.partitions[round % PARTITIONS]!.leaderId;
  const address = await addressOf(context, victim);
  let stop = false;
  let loadError: unknown;
  const load = (async () => {
    for (let i = 0; !stop; i++) await writeBatch(context, topic.name, i % PARTITIONS, producer);
  })().catch((error: unknown) => void (loadError = error));
  try {
    await sleep(context.random.int(20, 120));
    await context.recorder.op(9, 'kill-broker', { ...address }, async () => ({ value: { command: (await faults.killBroker(address)).command } }));
    await sleep(context.random.int(OUTAGE_MS.min, OUTAGE_MS.max));
    await context.recorder.op(9, 'restart-broker', { ...address }, async () => ({ value: { command: (await faults.restartBroker(address)).command } }));
    return await untilWhole(context, topic.name, brokers);
  } finally {
    stop = true;
    await load;
    if (loadError !== undefined) throw loadError;
  }
}

/** A high watermark that has not moved for this long, in a whole cluster with no writes, is where the log ends. */
const SETTLED_MS = 2000;

/** Waits until the partition's high watermark covers what was acknowledged there (or has settled short of it), then reads it all. */
async function finalRead(context: CheckContext, topic: string, partition: number, acknowledgedEnd: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last: { offset: number | undefined; sinceMs: number } = { offset: undefined, sinceMs: Date.now() };
  while (Date.now() < deadline) {
    const latest = await listOffsets(context, 2, { topic, partition, timestamp: -1 });
    if (latest !== undefined && latest >= acknowledgedEnd) break;
    if (latest !== last.offset) last = { offset: latest, sinceMs: Date.now() };
    else if (Date.now() - last.sinceMs >= SETTLED_MS) break;
    await sleep(RETRY_BACKOFF_MS);
  }
  await readToEnd(context, 2, topic, partition);
}

/** The check with `rounds` kills (the suite's has ROUNDS; a test may take one to be quick). */
export function killRestartCheck(rounds: number): Check {
  return {
  id: 'faults/process-kill-restart',
  suite: 'faults',
  title: 'acks=all idempotent writes across kill -9 and restart of partition leaders (the target\'s --kill-cmd, --restart-cmd): none lost, none duplicated, none reordered',
  clauses: [AcknowledgedWritesDurable.id, NoDuplicateAcknowledgedRecord.id, OffsetsInOrder.id],
  needs: [{ apiKey: ApiKey.InitProducerId, minVersion: 0 }, { apiKey: ApiKey.Produce, minVersion: 3 }, { apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: FETCH_MAX_VERSION }, { apiKey: ApiKey.ListOffsets, minVersion: 1 }],
  needsProcessFaults: true,
  timeoutMs: 240_000,
  async run(context) {
    const clauses = { durable: AcknowledgedWritesDurable.id, duplicate: NoDuplicateAcknowledgedRecord.id, order: OffsetsInOrder.id, fetch: FetchBelowHighWatermark.id };
    let topic = await context.topic('t', PARTITIONS);
    const brokers = (await context.client.metadata([])).brokers.size;
    topic = await untilWhole(context, topic.name, brokers);
    const ids = await initProducerId(context, 0);
    if (ids === undefined) return checkAcknowledgedSurvive(context.recorder.history, clauses);
    const producer: Producer = { ...ids, sequences: Array.from({ length: PARTITIONS }, () => 0), stopped: new Map(), written: 0 };
    for (let i = 0; i < PARTITIONS * 2; i++) await writeBatch(context, topic.name, i % PARTITIONS, producer);
    for (let round = 0; round < rounds; round++) topic = await crashRound(context, topic, brokers, round, producer);
    for (let i = 0; i < PARTITIONS * 2; i++) await writeBatch(context, topic.name, i % PARTITIONS, producer);
    for (let partition = 0; partition < PARTITIONS; partition++) await finalRead(context, topic.name, partition, producer.sequences[partition]!);
    const judged = checkAcknowledgedSurvive(context.recorder.history, clauses);
    return { ...judged, unknowns: [...judged.unknowns, ...producer.stopped.values()], verdict: judged.verdict === 'valid' && producer.stopped.size > 0 ? 'unknown' : judged.verdict };
  },
  };
}

export const killRestart: Check = killRestartCheck(ROUNDS);

export const processFaultChecks: readonly Check[] = [killRestart];

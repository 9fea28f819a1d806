/**
 * The idempotent producer on the wire: InitProducerId, the broker's sequence rules (a retried
 * batch answered with its first offset and not appended again; a gap, a new epoch not starting at
 * sequence 0, a stale epoch refused with Kafka's errors), and a retry after a lost response
 * leaving one copy in the log.
 */
import { checkExpectedOutcomes, checkLog, combine, judgement, type Anomaly, type Judgement } from '../../../spec/conformance/checkers.js';
import { oks, type History } from '../../../spec/conformance/history.js';
import { FetchBelowHighWatermark, ProducerIdsDistinct } from '../../../spec/conformance/clauses.js';
import { NoDuplicateAcknowledgedRecord, RetriedBatchDeduplicated, SequencesAppendInOrder } from '../../../spec/producer/clauses.js';
import { OffsetsInOrder } from '../../../spec/replication/clauses.js';
import { ApiKey, requestBody } from '../../client/index.js';
import { errorCode } from '../../protocol/errors.js';
import type { InitProducerIdResponseData } from '../../protocol/wire/generated/InitProducerIdResponse.js';
import type { Check, CheckContext } from '../check.js';
import { FETCH_MAX_VERSION, batchOf, leaderOf, produce, readToEnd } from '../ops.js';

const NEEDS = [{ apiKey: ApiKey.InitProducerId, minVersion: 0 }, { apiKey: ApiKey.Produce, minVersion: 3 }, { apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: FETCH_MAX_VERSION }];
const LOG_CLAUSES = { durable: NoDuplicateAcknowledgedRecord.id, order: OffsetsInOrder.id, fetch: FetchBelowHighWatermark.id };
const INIT_SOURCE = 'TransactionCoordinator.handleInitProducerId (no transactional id: a new producer id from ProducerIdManager, epoch 0; COORDINATOR_LOAD_IN_PROGRESS while no id block is held)';
const COORDINATOR_LOAD_IN_PROGRESS = errorCode('COORDINATOR_LOAD_IN_PROGRESS');

/**
 * Until a broker holds a block of producer ids it answers COORDINATOR_LOAD_IN_PROGRESS, a retriable
 * error (RPCProducerIdManager.generateProducerId: "Producer ID block is full. Waiting for next
 * block"); the Java producer retries it, and so does the workload, a bounded number of times.
 */
const INIT_ATTEMPTS = 20;
const INIT_BACKOFF_MS = 100;

export async function initProducerId(context: CheckContext, process: number): Promise<{ producerId: bigint; producerEpoch: number } | undefined> {
  let result: { producerId: bigint; producerEpoch: number } | undefined;
  for (let attempt = 0; attempt < INIT_ATTEMPTS && result === undefined; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, INIT_BACKOFF_MS));
    const answer = await context.recorder.op(process, 'init-producer-id', { transactionalId: null }, async () => {
      const { body } = await context.client.request<InitProducerIdResponseData>(-1, ApiKey.InitProducerId, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
      if (body.errorCode === 0) result = { producerId: body.producerId, producerEpoch: body.producerEpoch };
      return { value: { producerId: Number(body.producerId), producerEpoch: body.producerEpoch }, errorCode: body.errorCode };
    }, { expect: ['NONE', 'COORDINATOR_LOAD_IN_PROGRESS'], source: INIT_SOURCE });
    if (answer?.errorCode !== COORDINATOR_LOAD_IN_PROGRESS) break;
  }
  return result;
}

/** Producer ids handed out are non-negative and distinct; epochs non-negative. */
export function checkProducerIds(history: History, clauseId: string): Judgement {
  const anomalies: Anomaly[] = [];
  const seen = new Map<number, number>();
  for (const { ok } of oks(history, 'init-producer-id')) {
    const { producerId, producerEpoch } = ok.value as { producerId: number; producerEpoch: number };
    if (producerId < 0 || producerEpoch < 0) anomalies.push({ name: 'invalid-producer-id', clauseId, detail: `producer id ${producerId}, epoch ${producerEpoch}`, ops: [ok.index] });
    const earlier = seen.get(producerId);
    if (earlier !== undefined) anomalies.push({ name: 'duplicate-producer-id', clauseId, detail: `producer id ${producerId} handed out twice`, ops: [earlier, ok.index] });
    seen.set(producerId, ok.index);
  }
  return judgement(anomalies);
}

export const initProducerIds: Check = {
  id: 'idempotence/init-producer-id',
  suite: 'idempotence',
  title: 'InitProducerId without a transactional id hands out a new producer id each time, epoch >= 0',
  clauses: [ProducerIdsDistinct.id],
  needs: [{ apiKey: ApiKey.InitProducerId, minVersion: 0 }],
  async run(context) {
    for (let i = 0; i < 3; i++) await initProducerId(context, 0);
    return combine(checkExpectedOutcomes(context.recorder.history, ProducerIdsDistinct.id), checkProducerIds(context.recorder.history, ProducerIdsDistinct.id));
  },
};

export const sequenceRules: Check = {
  id: 'idempotence/sequence-rules',
  suite: 'idempotence',
  title: 'A retried batch is answered NONE at its first offset and not appended again; a gap, a new epoch not at 0 and a stale epoch are refused',
  clauses: [RetriedBatchDeduplicated.id, SequencesAppendInOrder.id, NoDuplicateAcknowledgedRecord.id],
  needs: NEEDS,
  async run(context) {
    const topic = await context.topic('t', 1);
    const producer = await initProducerId(context, 0);
    if (producer === undefined) return checkExpectedOutcomes(context.recorder.history, SequencesAppendInOrder.id);
    const { producerId, producerEpoch } = producer;
    const at = (values: string[], epoch: number, baseSequence: number) => ({ topic: topic.name, partition: 0, acks: -1 as const, values, producerId, producerEpoch: epoch, baseSequence });
    const first = at([`${context.seed}-a0`, `${context.seed}-a1`, `${context.seed}-a2`], producerEpoch, 0);
    const dedup = { clause: RetriedBatchDeduplicated.id, source: 'UnifiedLog.analyzeAndValidateProducerState: a duplicate of one of the last 5 batches returns its original offsets (ProducerStateEntry.findDuplicateBatch)' };
    await produce(context, 1, first, { expect: ['NONE'], ...dedup });
    await produce(context, 1, first, { expect: ['NONE'], ...dedup });
    // A late retry of a batch older than the last (max.in.flight.requests.per.connection up to 5).
    await produce(context, 1, at([`${context.seed}-a3`], producerEpoch, 3), { expect: ['NONE'], clause: SequencesAppendInOrder.id, source: 'ProducerAppendInfo.checkSequence (lastSeq + 1)' });
    await produce(context, 1, first, { expect: ['NONE'], ...dedup });
    await produce(context, 1, at([`${context.seed}-gap`], producerEpoch, 10), {
      expect: ['OUT_OF_ORDER_SEQUENCE_NUMBER'], clause: SequencesAppendInOrder.id, source: 'ProducerAppendInfo.checkSequence (not lastSeq + 1 in the same epoch)',
    });
    await produce(context, 1, at([`${context.seed}-b-not-zero`], producerEpoch + 1, 5), {
      expect: ['OUT_OF_ORDER_SEQUENCE_NUMBER'], clause: SequencesAppendInOrder.id, source: 'ProducerAppendInfo.checkSequence ("Invalid sequence number for new epoch": a new epoch starts at 0)',
    });
    await produce(context, 1, at([`${context.seed}-b0`], producerEpoch + 1, 0), { expect: ['NONE'], clause: SequencesAppendInOrder.id, source: 'ProducerAppendInfo.checkSequence (a new epoch at sequence 0)' });
    await produce(context, 1, at([`${context.seed}-stale`], producerEpoch, 3), {
      expect: ['INVALID_PRODUCER_EPOCH'], clause: SequencesAppendInOrder.id, source: 'ProducerAppendInfo.checkProducerEpoch (epoch below the last seen: InvalidProducerEpochException)',
    });
    await readToEnd(context, 2, topic.name, 0);
    return combine(checkExpectedOutcomes(context.recorder.history, SequencesAppendInOrder.id), checkLog(context.recorder.history, LOG_CLAUSES));
  },
};

export const retryAfterLostResponse: Check = {
  id: 'idempotence/retry-after-lost-response',
  suite: 'idempotence',
  title: 'A batch whose response was lost (connection cut), retried on a new connection, is in the log once',
  clauses: [RetriedBatchDeduplicated.id, NoDuplicateAcknowledgedRecord.id],
  needs: NEEDS,
  async run(context) {
    const topic = await context.topic('t', 1);
    const producer = await initProducerId(context, 0);
    if (producer === undefined) return checkExpectedOutcomes(context.recorder.history, RetriedBatchDeduplicated.id);
    const leader = await leaderOf(context, topic.name, 0);
    let sequence = 0;
    let first: { spec: Parameters<typeof batchOf>[0]; batch: Uint8Array } | undefined;
    for (let round = 0; round < 3; round++) {
      const spec = { topic: topic.name, partition: 0, acks: -1 as const, values: [`${context.seed}-r${round}-0`, `${context.seed}-r${round}-1`], producerId: producer.producerId, producerEpoch: producer.producerEpoch, baseSequence: sequence };
      const batch = batchOf(spec);
      // The first attempt's connection is cut right after the request is written: its answer is lost.
      const doomed = await context.client.openConnection(leader);
      const version = context.client.versionFor(ApiKey.Produce)!;
      doomed.send(ApiKey.Produce, version, requestBody(ApiKey.Produce, version, { acks: -1, timeoutMs: 5000, topicData: [{ name: topic.name, partitionData: [{ index: 0, records: batch }] }] }));
      await new Promise((resolve) => setTimeout(resolve, context.random.int(0, 30)));
      doomed.close();
      context.recorder.info(1, 'produce', { partition: `${topic.name}-0`, values: spec.values, acks: -1, baseSequence: sequence }, 'connection cut after the request was written');
      await produce(context, 1, spec, { expect: ['NONE'], clause: RetriedBatchDeduplicated.id, source: 'ProducerStateEntry.findDuplicateBatch: the retry is answered with the first attempt\'s offsets' }, batch);
      sequence += spec.values.length;
      if (round === 0) first = { spec, batch };
    }
    // The first round's batch once more, after later ones: still one of the last five, answered at its offsets.
    if (first !== undefined) await produce(context, 1, first.spec, { expect: ['NONE'], clause: RetriedBatchDeduplicated.id, source: 'ProducerStateEntry.findDuplicateBatch: any of the last 5 batches (NUM_BATCHES_TO_RETAIN)' }, first.batch);
    await readToEnd(context, 2, topic.name, 0);
    return combine(checkExpectedOutcomes(context.recorder.history, RetriedBatchDeduplicated.id), checkLog(context.recorder.history, LOG_CLAUSES));
  },
};

export const idempotenceChecks: readonly Check[] = [initProducerIds, sequenceRules, retryAfterLostResponse];

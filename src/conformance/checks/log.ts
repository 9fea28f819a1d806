/**
 * The log, as a client sees it: writes with acks 0, 1 and all read back once each at the offsets
 * they were given, consecutive offsets, fetches bounded by the high watermark, ListOffsets
 * earliest/latest/by timestamp, and DeleteRecords moving the log start offset.
 */
import { DeleteRecordsMovesLogStart, FetchBelowHighWatermark, ListOffsetsAnswers } from '../../../spec/conformance/clauses.js';
import { checkAcknowledgedOffsets, checkExpectedOutcomes, checkListOffsets, checkLog, combine } from '../../../spec/conformance/checkers.js';
import { AcknowledgedWritesDurable, OffsetsInOrder } from '../../../spec/replication/clauses.js';
import { ApiKey } from '../../client/index.js';
import type { DeleteRecordsResponseData } from '../../protocol/wire/generated/DeleteRecordsResponse.js';
import type { Check, CheckContext } from '../check.js';
import { FETCH_MAX_VERSION, fetch, leaderOf, listOffsets, produce, readToEnd } from '../ops.js';

const LOG_CLAUSES = { durable: AcknowledgedWritesDurable.id, order: OffsetsInOrder.id, fetch: FetchBelowHighWatermark.id };
const PRODUCE = { apiKey: ApiKey.Produce, minVersion: 3 };
const FETCH = { apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: FETCH_MAX_VERSION };

/** Values unique to the run and seed, of seeded lengths (so a wrong offset cannot match by chance). */
function values(context: CheckContext, label: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${context.seed}-${label}-${i}-${'x'.repeat(context.random.int(0, 40))}`);
}

export const produceAcks: Check = {
  id: 'log/produce-acks',
  suite: 'log',
  title: 'Writes with acks=1 and acks=all are read back once each at their offsets; acks=0 writes at most once; offsets consecutive',
  clauses: [AcknowledgedWritesDurable.id, OffsetsInOrder.id, FetchBelowHighWatermark.id],
  needs: [PRODUCE, FETCH],
  async run(context) {
    const topic = await context.topic('t', 1);
    for (const acks of [1, -1] as const) {
      for (let batch = 0; batch < 4; batch++) {
        await produce(context, 0, { topic: topic.name, partition: 0, acks, values: values(context, `acks${acks}-b${batch}`, context.random.int(1, 5)) });
      }
    }
    // acks=0 last: its writes take offsets nobody acknowledges, which would look like gaps between acknowledged ones.
    for (let batch = 0; batch < 3; batch++) await produce(context, 1, { topic: topic.name, partition: 0, acks: 0, values: values(context, `acks0-b${batch}`, 2) });
    await produce(context, 0, { topic: topic.name, partition: 0, acks: -1, values: values(context, 'acks-1-last', 1) });
    await readToEnd(context, 2, topic.name, 0);
    return combine(checkLog(context.recorder.history, LOG_CLAUSES), checkAcknowledgedOffsets(context.recorder.history, OffsetsInOrder.id));
  },
};

export const fetchHighWatermark: Check = {
  id: 'log/fetch-high-watermark',
  suite: 'log',
  title: 'Fetch returns records from the fetch offset up to the high watermark; past the log end: OFFSET_OUT_OF_RANGE',
  clauses: [FetchBelowHighWatermark.id, AcknowledgedWritesDurable.id],
  needs: [PRODUCE, FETCH],
  async run(context) {
    const topic = await context.topic('t', 1);
    const answer = await produce(context, 0, { topic: topic.name, partition: 0, acks: -1, values: values(context, 'hw', 10) });
    const end = ((answer?.value as { baseOffset?: number } | undefined)?.baseOffset ?? 0) + 10;
    for (const fetchOffset of [0, 4, end]) await fetch(context, 1, { topic: topic.name, partition: 0, fetchOffset });
    await fetch(context, 1, { topic: topic.name, partition: 0, fetchOffset: end + 100, f: 'fetch' }, {
      expect: ['OFFSET_OUT_OF_RANGE'], source: 'LocalLog.read: an offset past the log end throws OffsetOutOfRangeException (ReplicaManager.readFromLocalLog)',
    });
    return combine(checkLog(context.recorder.history, LOG_CLAUSES), checkExpectedOutcomes(context.recorder.history, FetchBelowHighWatermark.id));
  },
};

export const listOffsetsByTimestamp: Check = {
  id: 'log/list-offsets',
  suite: 'log',
  title: 'ListOffsets: earliest is the log start, latest the high watermark, a timestamp the first offset at or after it (-1 past the last)',
  clauses: [ListOffsetsAnswers.id],
  needs: [PRODUCE, { apiKey: ApiKey.ListOffsets, minVersion: 1 }],
  async run(context) {
    const topic = await context.topic('t', 1);
    // Timestamps in the past and a second apart: CreateTime is kept as the client wrote it.
    const baseMs = Date.now() - 3_600_000 + context.random.int(0, 1000);
    for (let batch = 0; batch < 3; batch++) {
      const timestamps = [baseMs + batch * 1000, baseMs + batch * 1000 + 10];
      await produce(context, 0, { topic: topic.name, partition: 0, acks: -1, values: values(context, `ts${batch}`, 2), timestamps });
    }
    for (const timestamp of [-2, -1, baseMs - 5000, baseMs, baseMs + 5, baseMs + 1500, baseMs + 2010, baseMs + 60_000]) {
      await listOffsets(context, 1, { topic: topic.name, partition: 0, timestamp }, {});
    }
    return checkListOffsets(context.recorder.history, ListOffsetsAnswers.id, () => 0);
  },
};

export const deleteRecords: Check = {
  id: 'log/delete-records',
  suite: 'log',
  title: 'DeleteRecords moves the log start offset: earliest follows it, a fetch below it is OFFSET_OUT_OF_RANGE',
  clauses: [DeleteRecordsMovesLogStart.id],
  needs: [PRODUCE, FETCH, { apiKey: ApiKey.ListOffsets, minVersion: 1 }, { apiKey: ApiKey.DeleteRecords, minVersion: 0 }],
  async run(context) {
    const topic = await context.topic('t', 1);
    await produce(context, 0, { topic: topic.name, partition: 0, acks: -1, values: values(context, 'd', 10) });
    const offset = context.random.int(2, 8);
    const leader = await leaderOf(context, topic.name, 0);
    await context.recorder.op(0, 'delete-records', { partition: `${topic.name}-0`, offset }, async () => {
      const { body } = await context.client.request<DeleteRecordsResponseData>(leader, ApiKey.DeleteRecords, { topics: [{ name: topic.name, partitions: [{ partitionIndex: 0, offset: BigInt(offset) }] }], timeoutMs: 5000 });
      const answer = body.topics[0]?.partitions[0];
      return { value: { lowWatermark: Number(answer?.lowWatermark ?? -1) }, errorCode: answer?.errorCode ?? -1 };
    }, { expect: ['NONE'], source: 'ReplicaManager.deleteRecords; UnifiedLog.deleteRecordsOnLeader' });
    await listOffsets(context, 0, { topic: topic.name, partition: 0, timestamp: -2 });
    await fetch(context, 0, { topic: topic.name, partition: 0, fetchOffset: offset - 1, f: 'fetch' }, { expect: ['OFFSET_OUT_OF_RANGE'], source: 'LocalLog.read / UnifiedLog.read: below the log start offset' });
    const history = context.recorder.history;
    const onlyLatestEarliest = history.filter((op) => op.f !== 'produce');
    return combine(
      checkExpectedOutcomes(history, DeleteRecordsMovesLogStart.id),
      checkListOffsets(onlyLatestEarliest, DeleteRecordsMovesLogStart.id, () => offset),
    );
  },
};

export const logChecks: readonly Check[] = [produceAcks, fetchHighWatermark, listOffsetsByTimestamp, deleteRecords];

/** After a client run: the topic read back from each partition's leader, recorded as one `log` operation per partition. */
import { ApiKey, type KafkaClient } from '../../client/index.js';
import { decodeBatchRecords, readBatchHeaders } from '../../protocol/records/index.js';
import type { FetchResponseData } from '../../protocol/wire/generated/FetchResponse.js';
import { FETCH_MAX_VERSION } from '../ops.js';
import type { ClientRecorder } from './recording.js';

const text = new TextDecoder();
const MAX_FETCHES = 200;

export async function readTopic(client: KafkaClient, topic: string, partitions: number, recorder: ClientRecorder): Promise<void> {
  const metadata = await client.metadata([topic]);
  for (let partition = 0; partition < partitions; partition++) {
    const leader = metadata.topics.get(topic)?.partitions.find((p) => p.partition === partition)?.leaderId ?? -1;
    const records: [number, string | null][] = [];
    let offset = 0;
    let error = 0;
    for (let round = 0; round < MAX_FETCHES; round++) {
      const { body } = await client.request<FetchResponseData>(leader, ApiKey.Fetch, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 4 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 4 * 1024 * 1024 }] }],
      }, client.versionFor(ApiKey.Fetch, FETCH_MAX_VERSION));
      const answer = body.responses[0]?.partitions[0];
      if (answer === undefined || answer.errorCode !== 0) {
        error = answer?.errorCode ?? -1;
        break;
      }
      for (const batch of readBatchHeaders(answer.records ?? new Uint8Array(0), { partialTrailingBatch: 'ignore' })) {
        if (batch.header.isControl) continue;
        for (const record of decodeBatchRecords(batch, { maxUncompressedBytes: 64 * 1024 * 1024 })) {
          if (record.offset >= BigInt(offset)) records.push([Number(record.offset), record.value === null ? null : text.decode(record.value)]);
        }
      }
      const last = records.at(-1);
      if (last === undefined || last[0] + 1 >= Number(answer.highWatermark)) break;
      offset = last[0] + 1;
    }
    const value = { partition: `${topic}-${partition}`, records };
    recorder.record(-1, 'log', value, error === 0 ? { type: 'ok', value } : { type: 'fail', value: {}, error: String(error) });
  }
}

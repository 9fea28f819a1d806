/**
 * ListOffsets (api key 2, v1+): each partition asked of its replica machine (earliest -2, latest
 * -1, or the first offset at a timestamp; KIP-320 epoch fencing). EARLIEST_LOCAL_TIMESTAMP (-4,
 * KIP-405) is the earliest offset here, where nothing is tiered; the max-timestamp (-3, KIP-734)
 * and latest-tiered (-5) lookups are not served: INVALID_REQUEST for that partition.
 */
import type { ListOffsetsRequestData } from '../../protocol/wire/generated/index.js';
import { errorCode } from '../../protocol/errors.js';
import { EARLIEST_TIMESTAMP, type ListOffsetsResponse } from '../../protocol/replication/list-offsets.js';
import { topicByName } from '../../common/metadata-image.js';
import type { Handled, RequestContext } from './gateway.js';

const EARLIEST_LOCAL_TIMESTAMP = -4;

export async function handleListOffsets(request: RequestContext): Promise<Handled> {
  const body = request.body as ListOffsetsRequestData;
  const topics = await Promise.all(body.topics.map(async (topic) => ({
    name: topic.name,
    partitions: await Promise.all(topic.partitions.map((p) => listPartition(request, topic.name, p.partitionIndex, p.currentLeaderEpoch, Number(p.timestamp)))),
  })));
  return { throttleTimeMs: 0, topics };
}

async function listPartition(request: RequestContext, name: string, partition: number, currentLeaderEpoch: number, timestamp: number): Promise<Record<string, unknown>> {
  const { gateway } = request;
  const fail = (error: number): Record<string, unknown> => ({ partitionIndex: partition, errorCode: error, timestamp: -1n, offset: -1n, leaderEpoch: -1 });
  const topic = topicByName(gateway.node.image(), name);
  if (topic === undefined || partition < 0 || partition >= topic.partitions.length) return fail(errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
  const asked = timestamp === EARLIEST_LOCAL_TIMESTAMP ? EARLIEST_TIMESTAMP : timestamp;
  if (asked < EARLIEST_TIMESTAMP) return fail(errorCode('INVALID_REQUEST'));
  const answer = await gateway.ask<ListOffsetsResponse>(request.clientId, gateway.node.id, {
    type: 'ListOffsets', topic: topic.name, topicId: topic.topicId, partition, currentLeaderEpoch, timestamp: asked,
  });
  if (answer === undefined) return fail(errorCode('REQUEST_TIMED_OUT'));
  return { partitionIndex: partition, errorCode: answer.errorCode, timestamp: BigInt(answer.timestamp), offset: BigInt(answer.offset), leaderEpoch: answer.leaderEpoch };
}

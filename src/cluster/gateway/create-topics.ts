/**
 * CreateTopics (api key 19, v2+): a broker forwards each topic to the active controller (KRaft's
 * ForwardingManager; the controller machine validates, places replicas and commits the records),
 * sent again to the next active controller after NOT_CONTROLLER or a broken connection, and
 * answered REQUEST_TIMED_OUT if no controller served it within the forwarding retry timeout
 * (Gateway.forwardToController).
 * -1 partitions or replication factor (v4+) take the broker's num.partitions and
 * default.replication.factor. validateOnly runs the controller's checks without creating.
 * Manual replica assignments are not served (INVALID_REQUEST): the controller machine places
 * every topic itself.
 */
import type { CreateTopicsRequestData } from '../../protocol/wire/generated/index.js';
import { ZERO_UUID } from '../../protocol/wire/index.js';
import { errorCode, errorName } from '../../protocol/errors.js';
import type { CreateTopicsResponse } from '../../protocol/replication/create-topics.js';
import { checkCreateTopic } from '../../machines/controller/topics.js';
import type { Handled, RequestContext } from './gateway.js';
import { wireTopicId } from './topic-ids.js';

type Creatable = CreateTopicsRequestData['topics'][number];

export async function handleCreateTopics(request: RequestContext): Promise<Handled> {
  const body = request.body as CreateTopicsRequestData;
  const counts = new Map<string, number>();
  for (const t of body.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const topics = await Promise.all(body.topics.map((t) => (counts.get(t.name)! > 1
    ? Promise.resolve(result(t.name, errorCode('INVALID_REQUEST'), 'Create topics request from client contains a duplicate topic', '', -1, -1))
    : createTopic(request, t, body.validateOnly))));
  return { throttleTimeMs: 0, topics };
}

function result(name: string, code: number, message: string | null, topicId: string, numPartitions: number, replicationFactor: number): Record<string, unknown> {
  return {
    name, topicId: topicId === '' ? ZERO_UUID : wireTopicId(topicId), errorCode: code, errorMessage: code === 0 ? null : (message ?? errorName(code)),
    numPartitions: code === 0 ? numPartitions : -1, replicationFactor: code === 0 ? replicationFactor : -1, configs: code === 0 ? [] : null,
  };
}

async function createTopic(request: RequestContext, topic: Creatable, validateOnly: boolean): Promise<Record<string, unknown>> {
  const { gateway } = request;
  const numPartitions = topic.numPartitions === -1 ? gateway.config.numPartitions : topic.numPartitions;
  const replicationFactor = topic.replicationFactor === -1 ? gateway.config.defaultReplicationFactor : topic.replicationFactor;
  if (topic.assignments.length > 0) return result(topic.name, errorCode('INVALID_REQUEST'), 'manual replica assignments are not served', '', -1, -1);
  const configs: Record<string, string> = {};
  for (const c of topic.configs) if (c.value !== null) configs[c.name] = c.value;
  if (validateOnly) {
    const names = Object.values(gateway.node.image().topics).map((t) => t.name);
    const check = checkCreateTopic({ name: topic.name, numPartitions, replicationFactor }, names);
    return check.ok ? result(topic.name, 0, null, '', numPartitions, replicationFactor) : result(topic.name, errorCode(check.error), check.message, '', -1, -1);
  }
  const answer = await gateway.forwardToController<CreateTopicsResponse>(request.clientId, { type: 'CreateTopics', name: topic.name, numPartitions, replicationFactor, configs });
  if (answer === undefined) return result(topic.name, errorCode('REQUEST_TIMED_OUT'), null, '', -1, -1);
  return result(topic.name, answer.errorCode, answer.errorMessage, answer.topicId, numPartitions, replicationFactor);
}

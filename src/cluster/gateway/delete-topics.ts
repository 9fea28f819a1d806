/**
 * DeleteTopics (api key 20, v1+): a broker forwards each topic to the active controller (KRaft's
 * ForwardingManager; ControllerApis.deleteTopics), which resolves it and writes one
 * RemoveTopicRecord per topic; the brokers then stop the topic's replicas and delete their logs.
 * Up to v5 topics are named by name, from v6 by name or topic id. Kafka's request-level checks are
 * made here as ControllerApis makes them: a name or an id given twice is INVALID_REQUEST
 * ("Duplicate topic name." / "Duplicate topic id."), a v6 entry with both or neither is
 * INVALID_REQUEST. delete.topic.enable is not modelled (Kafka's default: true).
 */
import type { DeleteTopicsRequestData } from '../../protocol/wire/generated/index.js';
import { ZERO_UUID } from '../../protocol/wire/index.js';
import { errorCode } from '../../protocol/errors.js';
import type { DeleteTopicsResponse } from '../../protocol/replication/delete-topics.js';
import type { Handled, RequestContext } from './gateway.js';
import { topicByWireId, wireTopicId } from './topic-ids.js';
import { WIRE_TOPIC_ID_PREFIX } from '../../protocol/wire-topic-id.js';

type Named = { readonly name: string | null; readonly wireId: string };

function result(name: string | null, wireId: string, code: number, message: string | null): Record<string, unknown> {
  return { name, topicId: wireId, errorCode: code, errorMessage: code === 0 ? null : message };
}

export async function handleDeleteTopics(request: RequestContext): Promise<Handled> {
  const body = request.body as DeleteTopicsRequestData;
  const asked: Named[] = request.version >= 6
    ? body.topics.map((t) => ({ name: t.name, wireId: t.topicId }))
    : body.topicNames.map((name) => ({ name, wireId: ZERO_UUID }));
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const t of asked) {
    if (t.name !== null && t.wireId === ZERO_UUID) names.set(t.name, (names.get(t.name) ?? 0) + 1);
    if (t.name === null && t.wireId !== ZERO_UUID) ids.set(t.wireId, (ids.get(t.wireId) ?? 0) + 1);
  }
  const invalid = errorCode('INVALID_REQUEST');
  const responses = await Promise.all(asked.map((t) => {
    if ((t.name === null) === (t.wireId === ZERO_UUID)) return result(null, ZERO_UUID, invalid, 'Neither topic name nor id were specified.');
    if (t.name !== null && names.get(t.name)! > 1) return result(t.name, ZERO_UUID, invalid, 'Duplicate topic name.');
    if (t.name === null && ids.get(t.wireId)! > 1) return result(null, t.wireId, invalid, 'Duplicate topic id.');
    return deleteTopic(request, t);
  }));
  return { throttleTimeMs: 0, responses };
}

async function deleteTopic(request: RequestContext, asked: Named): Promise<Record<string, unknown>> {
  const { gateway } = request;
  // The wire id maps to the model's id through this broker's image; an id this broker does not know yet (its metadata lags) goes to the controller as it came, to be resolved there.
  const topicId = asked.name === null ? (topicByWireId(gateway.node.image(), asked.wireId)?.topicId ?? `${WIRE_TOPIC_ID_PREFIX}${asked.wireId}`) : null;
  const answer = await gateway.forwardToController<DeleteTopicsResponse>(request.clientId, { type: 'DeleteTopics', name: asked.name, topicId });
  if (answer === undefined) return result(asked.name, asked.wireId, errorCode('REQUEST_TIMED_OUT'), null);
  const wireId = answer.topicId === '' ? ZERO_UUID : answer.topicId.startsWith(WIRE_TOPIC_ID_PREFIX) ? asked.wireId : wireTopicId(answer.topicId);
  return result(answer.name, wireId, answer.errorCode, answer.errorMessage);
}

/**
 * FindCoordinator (api key 10): the broker machine names the leader of the group's
 * __consumer_offsets partition (creating the topic on first use); the gateway adds the listener
 * that broker advertises. v4+ asks for several keys at once, each answered on its own.
 */
import type { FindCoordinatorRequestData } from '../../protocol/wire/generated/index.js';
import { errorCode, errorName } from '../../protocol/errors.js';
import type { FindCoordinatorResponse } from '../../protocol/groups/find-coordinator.js';
import type { Handled, RequestContext } from './gateway.js';

interface Coordinator {
  readonly key: string;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export async function handleFindCoordinator(request: RequestContext): Promise<Handled> {
  const body = request.body as FindCoordinatorRequestData;
  const keyType = request.version >= 1 ? body.keyType : 0;
  if (request.version >= 4) {
    const coordinators = await Promise.all(body.coordinatorKeys.map((key) => findOne(request, key, keyType)));
    return { throttleTimeMs: 0, coordinators };
  }
  const c = await findOne(request, body.key, keyType);
  return { throttleTimeMs: 0, errorCode: c.errorCode, errorMessage: c.errorMessage, nodeId: c.nodeId, host: c.host, port: c.port };
}

async function findOne(request: RequestContext, key: string, keyType: number): Promise<Coordinator> {
  const { gateway } = request;
  const none = (code: number): Coordinator => ({ key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: errorName(code) });
  if (keyType !== 0 && keyType !== 1) return none(errorCode('INVALID_REQUEST'));
  const answer = await gateway.ask<FindCoordinatorResponse>(request.clientId, gateway.node.id, { type: 'FindCoordinator', key, keyType });
  if (answer === undefined) return none(errorCode('REQUEST_TIMED_OUT'));
  if (answer.errorCode !== 0) return none(answer.errorCode);
  const endpoint = gateway.endpointOf(answer.nodeId);
  if (endpoint === undefined) return none(errorCode('COORDINATOR_NOT_AVAILABLE'));
  return { key, nodeId: answer.nodeId, host: endpoint.host, port: endpoint.port, errorCode: 0, errorMessage: null };
}

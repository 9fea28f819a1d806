/**
 * InitProducerId (api key 22): asked of the broker machine, whose producer-id manager hands out
 * ids from blocks it leases from the controller (epoch 0 for an idempotent producer; a
 * transactional id is refused, transactions are not modelled).
 */
import type { InitProducerIdRequestData } from '../../protocol/wire/generated/index.js';
import { errorCode } from '../../protocol/errors.js';
import { safeInt64 } from './int64.js';
import type { InitProducerIdResponse } from '../../protocol/replication/init-producer-id.js';
import type { Handled, RequestContext } from './gateway.js';

export async function handleInitProducerId(request: RequestContext): Promise<Handled> {
  const body = request.body as InitProducerIdRequestData;
  const { gateway } = request;
  const producerId = safeInt64(body.producerId);
  if (producerId === null) return { throttleTimeMs: 0, errorCode: errorCode('INVALID_REQUEST'), producerId: -1n, producerEpoch: -1 };
  const answer = await gateway.ask<InitProducerIdResponse>(request.clientId, gateway.node.id, {
    type: 'InitProducerId', transactionalId: body.transactionalId, transactionTimeoutMs: body.transactionTimeoutMs,
    producerId, producerEpoch: body.producerEpoch,
  });
  if (answer === undefined) return { throttleTimeMs: 0, errorCode: errorCode('REQUEST_TIMED_OUT'), producerId: -1n, producerEpoch: -1 };
  return { throttleTimeMs: 0, errorCode: answer.errorCode, producerId: BigInt(answer.producerId), producerEpoch: answer.producerEpoch };
}

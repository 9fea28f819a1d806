/**
 * AllocateProducerIds (api key 67, KIP-730) between the broker's and the controller's messages
 * and Kafka's AllocateProducerIdsRequestData/ResponseData, field by field
 * (RPCProducerIdManager.sendRequest, ControllerApis.handleAllocateProducerIdsRequest). The
 * machine's correlationId is the request header's.
 */
import type { AllocateProducerIdsRequestData } from '../../wire/generated/AllocateProducerIdsRequest.js';
import type { AllocateProducerIdsResponseData } from '../../wire/generated/AllocateProducerIdsResponse.js';
import type { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from '../allocate-producer-ids.js';
import { accepted, isRefusal, safeOffset, type FromWire } from '../../quorum/wire/partition.js';

export function allocateProducerIdsRequestToWire(m: AllocateProducerIdsRequest): AllocateProducerIdsRequestData {
  return { brokerId: m.brokerId, brokerEpoch: BigInt(m.brokerEpoch) };
}

export function allocateProducerIdsRequestFromWire(data: AllocateProducerIdsRequestData, correlationId: number): FromWire<AllocateProducerIdsRequest> {
  const brokerEpoch = safeOffset(data.brokerEpoch, 'brokerEpoch');
  if (isRefusal(brokerEpoch)) return brokerEpoch;
  return accepted({ type: 'AllocateProducerIds', correlationId, brokerId: data.brokerId, brokerEpoch });
}

export function allocateProducerIdsResponseToWire(m: AllocateProducerIdsResponse): AllocateProducerIdsResponseData {
  return { throttleTimeMs: 0, errorCode: m.errorCode, producerIdStart: BigInt(m.producerIdStart), producerIdLen: m.producerIdLen };
}

export function allocateProducerIdsResponseFromWire(data: AllocateProducerIdsResponseData, correlationId: number): FromWire<AllocateProducerIdsResponse> {
  const producerIdStart = safeOffset(data.producerIdStart, 'producerIdStart');
  if (isRefusal(producerIdStart)) return producerIdStart;
  return accepted({ type: 'AllocateProducerIdsResponse', correlationId, errorCode: data.errorCode, producerIdStart, producerIdLen: data.producerIdLen });
}

/**
 * BrokerHeartbeat (api key 63) between the broker machine's messages and Kafka's
 * BrokerHeartbeatRequestData/ResponseData, field by field (BrokerLifecycleManager.sendBrokerHeartbeat,
 * ControllerApis.handleBrokerHeartBeatRequest). The machine's correlationId is the request
 * header's. Controlled shutdown (wantShutDown, shouldShutDown) and offline log directories are
 * not modelled: they go out as false and empty, and a request asking for either is refused.
 */
import type { BrokerHeartbeatRequestData } from '../../wire/generated/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponseData } from '../../wire/generated/BrokerHeartbeatResponse.js';
import type { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from '../broker-heartbeat.js';
import { accepted, isRefusal, refused, safeOffset, type FromWire } from '../../quorum/wire/partition.js';

export function brokerHeartbeatRequestToWire(m: BrokerHeartbeatRequest): BrokerHeartbeatRequestData {
  return { brokerId: m.brokerId, brokerEpoch: BigInt(m.brokerEpoch), currentMetadataOffset: BigInt(m.currentMetadataOffset), wantFence: m.wantFence, wantShutDown: false, offlineLogDirs: [] };
}

export function brokerHeartbeatRequestFromWire(data: BrokerHeartbeatRequestData, correlationId: number): FromWire<BrokerHeartbeatRequest> {
  if (data.wantShutDown) return refused('INVALID_REQUEST', 'controlled shutdown is not modelled');
  if (data.offlineLogDirs.length > 0) return refused('INVALID_REQUEST', 'offline log directories are not modelled');
  const brokerEpoch = safeOffset(data.brokerEpoch, 'brokerEpoch');
  if (isRefusal(brokerEpoch)) return brokerEpoch;
  const currentMetadataOffset = safeOffset(data.currentMetadataOffset, 'currentMetadataOffset');
  if (isRefusal(currentMetadataOffset)) return currentMetadataOffset;
  return accepted({ type: 'BrokerHeartbeat', correlationId, brokerId: data.brokerId, brokerEpoch, currentMetadataOffset, wantFence: data.wantFence });
}

export function brokerHeartbeatResponseToWire(m: BrokerHeartbeatResponse): BrokerHeartbeatResponseData {
  return { throttleTimeMs: 0, errorCode: m.errorCode, isCaughtUp: m.isCaughtUp, isFenced: m.isFenced, shouldShutDown: false };
}

export function brokerHeartbeatResponseFromWire(data: BrokerHeartbeatResponseData, correlationId: number): FromWire<BrokerHeartbeatResponse> {
  return accepted({ type: 'BrokerHeartbeatResponse', correlationId, errorCode: data.errorCode, isCaughtUp: data.isCaughtUp, isFenced: data.isFenced });
}

/**
 * BrokerRegistration (api key 62) between the broker machine's messages and Kafka's
 * BrokerRegistrationRequestData/ResponseData, field by field (BrokerLifecycleManager.sendBrokerRegistration,
 * ControllerApis.handleBrokerRegistration). The machine's correlationId is the request header's.
 *
 * The incarnation id is a Uuid on the wire (BrokerLifecycleManager draws Uuid.randomUuid); the
 * broker machine draws a 31-bit number and names it `inc-<hex>`. That number travels as a Uuid
 * whose first twelve bytes are zero, and comes back as the same text; any other Uuid (a real
 * Kafka broker's) is kept as its Uuid text. The controller compares incarnations for equality
 * only, so both forms serve it.
 *
 * The broker's listeners, features and log directories go out as the sender's config gives them;
 * the model's registration has no room for them, so the controller side drops them (docs/live.md).
 */
import type { BrokerRegistrationRequestData, Listener } from '../../wire/generated/BrokerRegistrationRequest.js';
import type { BrokerRegistrationResponseData } from '../../wire/generated/BrokerRegistrationResponse.js';
import type { BrokerRegistrationRequest, BrokerRegistrationResponse } from '../broker-registration.js';
import { accepted, clusterIdProblem, isRefusal, refused, safeOffset, type FromWire } from '../../quorum/wire/partition.js';

const MACHINE_INCARNATION = /^inc-([0-9a-f]{1,8})$/;
const UUID_TEXT = /^[A-Za-z0-9_-]{21}[AQgw]$/;
/** The leading twelve zero bytes of a machine incarnation's Uuid, as base64url text (16 characters). */
const MACHINE_INCARNATION_PREFIX = 'AAAAAAAAAAAAAAAA';

export interface BrokerRegistrationWireOptions {
  readonly clusterId: string;
  /** The broker's listeners (name, host, port; security protocol PLAINTEXT = 0). */
  readonly listeners?: readonly { name: string; host: string; port: number }[];
  /** The log directories' ids (KIP-858: directory.id of each meta.properties, a Uuid). */
  readonly logDirs?: readonly string[];
}

/** The machine's incarnation text as a Uuid's text; throws for a text that is neither form. */
export function incarnationToUuid(incarnationId: string): string {
  const m = MACHINE_INCARNATION.exec(incarnationId);
  if (m !== null) {
    const bytes = Buffer.alloc(16);
    bytes.writeUInt32BE(Number.parseInt(m[1] as string, 16), 12);
    return bytes.toString('base64url');
  }
  if (UUID_TEXT.test(incarnationId)) return incarnationId;
  throw new RangeError(`incarnation id '${incarnationId}' is neither inc-<hex> nor a Uuid`);
}

export function incarnationFromUuid(uuid: string): string {
  if (!uuid.startsWith(MACHINE_INCARNATION_PREFIX)) return uuid;
  const value = Buffer.from(uuid, 'base64url').readUInt32BE(12);
  return `inc-${value.toString(16)}`;
}

export function brokerRegistrationRequestToWire(m: BrokerRegistrationRequest, options: BrokerRegistrationWireOptions): BrokerRegistrationRequestData {
  const listeners: Listener[] = (options.listeners ?? []).map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: 0 }));
  return {
    brokerId: m.brokerId, clusterId: options.clusterId, incarnationId: incarnationToUuid(m.incarnationId),
    listeners, features: [], rack: m.rack, isMigratingZkBroker: false, logDirs: [...(options.logDirs ?? [])], previousBrokerEpoch: -1n,
  };
}

/** ControllerApis.handleBrokerRegistration: a foreign cluster id is INCONSISTENT_CLUSTER_ID; a ZooKeeper migration is not modelled. */
export function brokerRegistrationRequestFromWire(data: BrokerRegistrationRequestData, correlationId: number, own: { clusterId: string }): FromWire<BrokerRegistrationRequest> {
  const problem = clusterIdProblem(data.clusterId, own.clusterId);
  if (problem !== undefined) return problem;
  if (data.isMigratingZkBroker) return refused('INVALID_REQUEST', 'ZooKeeper migration is not modelled');
  return accepted({ type: 'BrokerRegistration', correlationId, brokerId: data.brokerId, incarnationId: incarnationFromUuid(data.incarnationId), rack: data.rack });
}

export function brokerRegistrationResponseToWire(m: BrokerRegistrationResponse): BrokerRegistrationResponseData {
  return { throttleTimeMs: 0, errorCode: m.errorCode, brokerEpoch: BigInt(m.brokerEpoch) };
}

export function brokerRegistrationResponseFromWire(data: BrokerRegistrationResponseData, correlationId: number): FromWire<BrokerRegistrationResponse> {
  const brokerEpoch = safeOffset(data.brokerEpoch, 'brokerEpoch');
  if (isRefusal(brokerEpoch)) return brokerEpoch;
  return accepted({ type: 'BrokerRegistrationResponse', correlationId, errorCode: data.errorCode, brokerEpoch });
}

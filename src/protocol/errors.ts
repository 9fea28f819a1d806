/**
 * Kafka's error codes, by name. Values and names are Kafka's (org.apache.kafka.common.protocol.Errors).
 * `retriable` and `definite` drive clients and the conformance histories: a definite error means the
 * operation certainly did not happen (history `fail`); an indefinite one may have (history `info`).
 */
export const Errors = {
  NONE: { code: 0, retriable: false, definite: true },
  OFFSET_OUT_OF_RANGE: { code: 1, retriable: false, definite: true },
  NOT_LEADER_OR_FOLLOWER: { code: 6, retriable: true, definite: true },
  REQUEST_TIMED_OUT: { code: 7, retriable: true, definite: false },
  INVALID_REQUEST: { code: 42, retriable: false, definite: true },
  FENCED_LEADER_EPOCH: { code: 74, retriable: true, definite: true },
  UNKNOWN_LEADER_EPOCH: { code: 75, retriable: true, definite: true },
  INCONSISTENT_VOTER_SET: { code: 94, retriable: false, definite: true },
  INCONSISTENT_CLUSTER_ID: { code: 104, retriable: false, definite: true },
  NOT_CONTROLLER: { code: 41, retriable: true, definite: true },
  INVALID_TOPIC_EXCEPTION: { code: 17, retriable: false, definite: true },
  TOPIC_ALREADY_EXISTS: { code: 36, retriable: false, definite: true },
  INVALID_PARTITIONS: { code: 37, retriable: false, definite: true },
  INVALID_REPLICATION_FACTOR: { code: 38, retriable: false, definite: true },
  UNKNOWN_TOPIC_OR_PARTITION: { code: 3, retriable: true, definite: true },
  STALE_BROKER_EPOCH: { code: 77, retriable: false, definite: true },
  INVALID_UPDATE_VERSION: { code: 95, retriable: false, definite: true },
  INELIGIBLE_REPLICA: { code: 107, retriable: false, definite: true },
  NEW_LEADER_ELECTED: { code: 108, retriable: false, definite: true },
  NOT_ENOUGH_REPLICAS: { code: 19, retriable: true, definite: true },
  /** Written but under-replicated: the records may still become committed. */
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { code: 20, retriable: true, definite: false },
  INVALID_REQUIRED_ACKS: { code: 21, retriable: false, definite: true },
  /** A CreateTime timestamp outside log.message.timestamp.before/after.max.ms of the broker's clock (KIP-937). */
  INVALID_TIMESTAMP: { code: 32, retriable: false, definite: true },
  OFFSET_NOT_AVAILABLE: { code: 78, retriable: true, definite: true },
  DUPLICATE_BROKER_REGISTRATION: { code: 101, retriable: true, definite: true },
  /** The server failed in a way it cannot name (e.g. the producer id space is exhausted): whatever was asked may or may not have happened. */
  UNKNOWN_SERVER_ERROR: { code: -1, retriable: false, definite: false },
  // Coordinators: InitProducerId (the broker's producer id manager), and later groups.
  /** No producer id at hand yet (RPCProducerIdManager is waiting for a block from the controller): retry. */
  COORDINATOR_LOAD_IN_PROGRESS: { code: 14, retriable: true, definite: true },
  COORDINATOR_NOT_AVAILABLE: { code: 15, retriable: true, definite: true },
  NOT_COORDINATOR: { code: 16, retriable: true, definite: true },
  // Idempotent producer (the broker rejects the batch before appending it).
  OUT_OF_ORDER_SEQUENCE_NUMBER: { code: 45, retriable: false, definite: true },
  DUPLICATE_SEQUENCE_NUMBER: { code: 46, retriable: false, definite: true },
  INVALID_PRODUCER_EPOCH: { code: 47, retriable: false, definite: true },
  UNKNOWN_PRODUCER_ID: { code: 59, retriable: false, definite: true },
  PRODUCER_FENCED: { code: 90, retriable: false, definite: true },
  // Groups: the classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), offsets, and KIP-848.
  OFFSET_METADATA_TOO_LARGE: { code: 12, retriable: false, definite: true },
  ILLEGAL_GENERATION: { code: 22, retriable: false, definite: true },
  INCONSISTENT_GROUP_PROTOCOL: { code: 23, retriable: false, definite: true },
  INVALID_GROUP_ID: { code: 24, retriable: false, definite: true },
  UNKNOWN_MEMBER_ID: { code: 25, retriable: false, definite: true },
  INVALID_SESSION_TIMEOUT: { code: 26, retriable: false, definite: true },
  REBALANCE_IN_PROGRESS: { code: 27, retriable: false, definite: true },
  UNSUPPORTED_VERSION: { code: 35, retriable: false, definite: true },
  NON_EMPTY_GROUP: { code: 68, retriable: false, definite: true },
  GROUP_ID_NOT_FOUND: { code: 69, retriable: false, definite: true },
  MEMBER_ID_REQUIRED: { code: 79, retriable: false, definite: true },
  GROUP_MAX_SIZE_REACHED: { code: 81, retriable: false, definite: true },
  FENCED_INSTANCE_ID: { code: 82, retriable: false, definite: true },
  UNSTABLE_OFFSET_COMMIT: { code: 88, retriable: true, definite: true },
  FENCED_MEMBER_EPOCH: { code: 110, retriable: false, definite: true },
  UNRELEASED_INSTANCE_ID: { code: 111, retriable: false, definite: true },
  UNSUPPORTED_ASSIGNOR: { code: 112, retriable: false, definite: true },
  STALE_MEMBER_EPOCH: { code: 113, retriable: false, definite: true },
  /** Client side: the connection broke or a request timed out (NetworkClient disconnects); the request may have been processed. */
  NETWORK_EXCEPTION: { code: 13, retriable: true, definite: false },
  // The live cluster's gateway: requests from real clients.
  CORRUPT_MESSAGE: { code: 2, retriable: true, definite: true },
  LEADER_NOT_AVAILABLE: { code: 5, retriable: true, definite: true },
  FETCH_SESSION_ID_NOT_FOUND: { code: 70, retriable: true, definite: true },
  UNSUPPORTED_COMPRESSION_TYPE: { code: 76, retriable: false, definite: true },
  INVALID_RECORD: { code: 87, retriable: false, definite: true },
  UNKNOWN_TOPIC_ID: { code: 100, retriable: true, definite: true },
} as const;

export type ErrorName = keyof typeof Errors;

export function errorCode(name: ErrorName): number {
  return Errors[name].code;
}

export function errorName(code: number): ErrorName | `UNKNOWN_ERROR_${number}` {
  for (const [name, info] of Object.entries(Errors)) if (info.code === code) return name as ErrorName;
  return `UNKNOWN_ERROR_${code}`;
}

/**
 * Clauses the conformance suite judges on the wire that no other part of the spec states: the
 * protocol surface a client relies on (ApiVersions, Metadata, error codes) and what a consumer can
 * observe of one partition's log. The suite also judges clauses stated elsewhere (REPL-ACK-1,
 * REPL-ORDER-1, PROD-DEDUP-1, PROD-SEQ-1, CG-GEN-1, CG-LEADER-1, CG-STATIC-1, CGH-EPOCH-1) through the
 * same history checkers below.
 */
import type { Clause } from '../clause.js';

const clause = (id: string, title: string, statement: string, source: string, anomaly: string): Clause => ({ id, title, statement, source, kind: 'history', anomaly });

export const ApiVersionsAnswer = clause(
  'WIRE-APIVERSIONS-1',
  'ApiVersions lists every API once, with a valid range, including ApiVersions',
  'An ApiVersions request at a version the broker supports is answered NONE with each API key at most once, minVersion <= maxVersion, and an entry for ApiVersions (18) itself.',
  'KafkaApis.handleApiVersionsRequest; ApiVersionsResponse.createApiVersionsResponse; KIP-35',
  'malformed-response',
);

export const ApiVersionsUnknownVersion = clause(
  'WIRE-APIVERSIONS-2',
  'An ApiVersions request of an unknown version gets a v0 answer: UNSUPPORTED_VERSION and the supported range',
  'A broker that receives ApiVersions at a version it does not support answers with response header v0 and a v0 body: error UNSUPPORTED_VERSION (35) and an apiKeys list naming at least ApiVersions with the range it supports, so the client can retry at a version both speak.',
  'KIP-511; RequestContext.parseRequest (unsupported ApiVersions version parsed as v0); ApiVersionsRequest.getErrorResponse; KafkaApis.handleApiVersionsRequest',
  'malformed-response',
);

export const MetadataNamesLiveBrokers = clause(
  'WIRE-META-1',
  'Metadata is consistent: the controller, leaders, replicas and ISRs name brokers it lists',
  'In one Metadata response: controllerId is -1 or a listed broker; every partition leader is -1 or a listed broker in the ISR; the ISR is a subset of the replicas (a replica on a broker that is down may be unlisted); from v7 every led partition has a leader epoch >= 0.',
  'KafkaApis.handleTopicMetadataRequest (controllerId = a random alive broker, or -1); KRaftMetadataCache.getPartitionMetadata',
  'inconsistent-metadata',
);

export const ErrorCodes = clause(
  'WIRE-ERROR-1',
  'Requests Kafka refuses are refused with Kafka\'s error code',
  'A request for an unknown topic or partition, to a broker that does not lead the partition, with a stale or future leader epoch, or with bad CreateTopics input, is answered with the error Kafka gives in that case (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS); each operation names the Kafka method it follows.',
  'ReplicaManager.getPartitionOrException; Partition.checkCurrentLeaderEpoch; ControllerConfigurationValidator / ReplicationControlManager.createTopic',
  'wrong-error-code',
);

export const FetchBelowHighWatermark = clause(
  'LOG-FETCH-1',
  'A consumer fetch returns only records below the high watermark, in offset order from the fetch offset',
  'A Fetch from a consumer returns records at offsets >= the fetch offset and < the high watermark of the same response, in increasing consecutive offsets; a fetch offset past the log end is answered OFFSET_OUT_OF_RANGE.',
  'protocol-rules D.1; Partition.fetchRecords / UnifiedLog.read (maxOffsetMetadata = high watermark for FetchIsolation.HIGH_WATERMARK); LocalLog.read (OffsetOutOfRangeException)',
  'read-past-high-watermark',
);

export const ListOffsetsAnswers = clause(
  'LOG-LISTOFFSETS-1',
  'ListOffsets answers earliest with the log start, latest with the high watermark, and a timestamp with the first offset at or after it',
  'ListOffsets EARLIEST (-2) is the log start offset; LATEST (-1) is the high watermark; a timestamp T is the offset of the first record whose timestamp is >= T, or -1 (with timestamp -1) when none is.',
  'protocol-rules D.5; UnifiedLog.fetchOffsetByTimestamp; Partition.fetchOffsetForTimestamp',
  'wrong-offset',
);

export const DeleteRecordsMovesLogStart = clause(
  'LOG-START-1',
  'Deleting records moves the log start offset, and reads below it are out of range',
  'After DeleteRecords to offset K is answered NONE with lowWatermark K, ListOffsets EARLIEST answers K and a fetch below K is answered OFFSET_OUT_OF_RANGE.',
  'protocol-rules D.6; UnifiedLog.maybeIncrementLogStartOffset; ReplicaManager.deleteRecords',
  'wrong-offset',
);

export const ProducerIdsDistinct = clause(
  'WIRE-PID-1',
  'InitProducerId without a transactional id hands out a new producer id each time',
  'Each InitProducerId request without a transactional id is answered NONE with a producer id >= 0 never handed out before on the cluster, and an epoch >= 0.',
  'TransactionCoordinator.handleInitProducerId; ProducerIdManager (ids from blocks the controller allocates, never reused)',
  'duplicate-producer-id',
);

export const conformanceClauses: readonly Clause[] = [ProducerIdsDistinct, ApiVersionsAnswer, ApiVersionsUnknownVersion, MetadataNamesLiveBrokers, ErrorCodes, FetchBelowHighWatermark, ListOffsetsAnswers, DeleteRecordsMovesLogStart];

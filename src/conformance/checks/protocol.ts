/**
 * The protocol surface: ApiVersions (and KIP-511's answer to an unknown version), Metadata
 * consistency, and the error codes Kafka gives for an unknown partition, a broker that does not
 * lead, a stale or future leader epoch, and bad CreateTopics input.
 */
import { ApiVersionsAnswer, ApiVersionsUnknownVersion, ErrorCodes, MetadataNamesLiveBrokers } from '../../../spec/conformance/clauses.js';
import { checkApiVersions, checkExpectedOutcomes, checkMetadata, combine } from '../../../spec/conformance/checkers.js';
import { ApiKey, ResponseDecodeError, apiVersionsFrame } from '../../client/index.js';
import { errorName } from '../../protocol/errors.js';
import { decodeResponse } from '../../protocol/wire/index.js';
import type { ApiVersionsResponseData } from '../../protocol/wire/generated/ApiVersionsResponse.js';
import type { CreateTopicsResponseData } from '../../protocol/wire/generated/CreateTopicsResponse.js';
import type { MetadataResponseData } from '../../protocol/wire/generated/MetadataResponse.js';
import type { Answer, Check, CheckContext } from '../check.js';
import { FETCH_MAX_VERSION, fetch, listOffsets, produce } from '../ops.js';

const apiKeysOf = (body: ApiVersionsResponseData) => body.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion] as [number, number, number]);

/** One ApiVersions exchange on a fresh connection, decoded as v0 (strictly) when `asV0`. */
async function apiVersionsExchange(context: CheckContext, version: number, asV0: boolean): Promise<Answer> {
  const connection = await context.client.openConnection(-1);
  try {
    const frame = await connection.rawExchange(apiVersionsFrame(version), `ApiVersions v${version}`, context.client.requestTimeoutMs);
    const decodeAs = asV0 ? 0 : version;
    let decoded;
    try {
      decoded = decodeResponse(ApiKey.ApiVersions, decodeAs, frame, { strict: true });
    } catch (error) {
      throw new ResponseDecodeError(`ApiVersions v${version} (read as v${decodeAs})`, (error as Error).message, frame);
    }
    const body = decoded.body as ApiVersionsResponseData;
    return { value: { apiKeys: apiKeysOf(body) }, errorCode: body.errorCode };
  } finally {
    connection.close();
  }
}

export const apiVersions: Check = {
  id: 'protocol/api-versions',
  suite: 'protocol',
  title: 'ApiVersions lists each API once with a valid range, ApiVersions included',
  clauses: [ApiVersionsAnswer.id],
  needs: [{ apiKey: ApiKey.ApiVersions, minVersion: 0 }],
  async run(context) {
    const version = context.client.versionFor(ApiKey.ApiVersions)!;
    await context.recorder.op(0, 'api-versions', { version }, () => apiVersionsExchange(context, version, false));
    return checkApiVersions(context.recorder.history, { answer: ApiVersionsAnswer.id, unknownVersion: ApiVersionsUnknownVersion.id });
  },
};

export const apiVersionsUnknownVersion: Check = {
  id: 'protocol/api-versions-unknown-version',
  suite: 'protocol',
  title: 'ApiVersions of a version the broker does not know: a v0 answer, UNSUPPORTED_VERSION, the ApiVersions range (KIP-511)',
  clauses: [ApiVersionsUnknownVersion.id],
  needs: [{ apiKey: ApiKey.ApiVersions, minVersion: 0 }],
  async run(context) {
    // One past the highest version the target itself advertises: the case KIP-511 was written for.
    const version = context.client.targetRange(ApiKey.ApiVersions)!.maxVersion + 1;
    await context.recorder.op(0, 'api-versions-unknown', { version }, () => apiVersionsExchange(context, version, true), {
      source: 'RequestContext.apiVersion (unsupported ApiVersions answered as v0); ApiVersionsRequest.getErrorResponse',
    });
    return checkApiVersions(context.recorder.history, { answer: ApiVersionsAnswer.id, unknownVersion: ApiVersionsUnknownVersion.id });
  },
};

export const metadataConsistency: Check = {
  id: 'protocol/metadata-consistency',
  suite: 'protocol',
  title: 'Metadata names live brokers: controller, leaders, ISRs; leaders in their ISR; leader epochs from v7',
  clauses: [MetadataNamesLiveBrokers.id],
  needs: [{ apiKey: ApiKey.Metadata, minVersion: 0 }],
  async run(context) {
    const topic = await context.topic('t', 3);
    for (const topics of [[topic.name], null] as const) {
      await context.recorder.op(0, 'metadata', { topics }, async () => {
        const version = context.client.versionFor(ApiKey.Metadata)!;
        const requested = topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name }));
        const { body } = await context.client.request<MetadataResponseData>(-1, ApiKey.Metadata, { topics: requested, allowAutoTopicCreation: false }, version);
        return {
          value: {
            version,
            brokers: body.brokers.map((b) => b.nodeId),
            controllerId: body.controllerId,
            partitions: body.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name ?? '', partition: p.partitionIndex, errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes }))),
          },
        };
      });
    }
    return checkMetadata(context.recorder.history, MetadataNamesLiveBrokers.id);
  },
};

const UNKNOWN_PARTITION_SOURCE = 'KafkaApis.handleProduceRequest / handleFetchRequest (metadataCache.contains fails: UNKNOWN_TOPIC_OR_PARTITION); ReplicaManager.getPartitionOrError';

export const unknownTopicOrPartition: Check = {
  id: 'protocol/unknown-topic-or-partition',
  suite: 'protocol',
  title: 'Produce, Fetch and ListOffsets of a partition that does not exist: UNKNOWN_TOPIC_OR_PARTITION',
  clauses: [ErrorCodes.id],
  needs: [{ apiKey: ApiKey.Produce, minVersion: 3 }, { apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: FETCH_MAX_VERSION }, { apiKey: ApiKey.ListOffsets, minVersion: 1 }],
  async run(context) {
    const topic = await context.topic('t', 1);
    const missing = topic.partitions.length + 5;
    const broker = topic.partitions[0]!.leaderId;
    const expectation = { expect: ['UNKNOWN_TOPIC_OR_PARTITION'], source: UNKNOWN_PARTITION_SOURCE };
    await produce(context, 0, { topic: topic.name, partition: missing, values: ['v'], acks: 1, broker }, expectation);
    await fetch(context, 0, { topic: topic.name, partition: missing, fetchOffset: 0, broker, f: 'fetch' }, expectation);
    await listOffsets(context, 0, { topic: topic.name, partition: missing, timestamp: -1, broker }, { ...expectation, source: 'KafkaApis.handleListOffsetRequest; ReplicaManager.fetchOffsetForTimestamp (getPartitionOrException)' });
    return checkExpectedOutcomes(context.recorder.history, ErrorCodes.id);
  },
};

export const unknownTopicMetadata: Check = {
  id: 'protocol/unknown-topic-metadata',
  suite: 'protocol',
  title: 'Metadata for a topic that does not exist, without auto-creation: UNKNOWN_TOPIC_OR_PARTITION',
  clauses: [ErrorCodes.id],
  needs: [{ apiKey: ApiKey.Metadata, minVersion: 4 }],
  async run(context) {
    const name = context.name('absent');
    await context.recorder.op(0, 'metadata-topic', { topic: name, allowAutoTopicCreation: false }, async () => {
      const { body } = await context.client.request<MetadataResponseData>(-1, ApiKey.Metadata, { topics: [{ name }], allowAutoTopicCreation: false });
      const topic = body.topics.find((t) => t.name === name);
      return { value: { partitions: topic?.partitions.length ?? 0 }, errorCode: topic?.errorCode ?? 0 };
    }, { expect: ['UNKNOWN_TOPIC_OR_PARTITION'], source: 'KafkaApis.handleTopicMetadataRequest (topics not found and auto-creation not allowed)' });
    return checkExpectedOutcomes(context.recorder.history, ErrorCodes.id);
  },
};

export const notLeader: Check = {
  id: 'protocol/not-leader',
  suite: 'protocol',
  title: 'Produce and ListOffsets sent to a broker that does not lead the partition: NOT_LEADER_OR_FOLLOWER',
  clauses: [ErrorCodes.id],
  needs: [{ apiKey: ApiKey.Produce, minVersion: 3 }, { apiKey: ApiKey.ListOffsets, minVersion: 1 }],
  minBrokers: 2,
  async run(context) {
    const topic = await context.topic('t', 1);
    const leader = topic.partitions[0]!.leaderId;
    const other = (await context.brokerIds()).find((id) => id !== leader)!;
    await produce(context, 0, { topic: topic.name, partition: 0, values: ['v'], acks: 1, broker: other }, {
      expect: ['NOT_LEADER_OR_FOLLOWER'], source: 'ReplicaManager.getPartitionOrError (not hosted: NOT_LEADER_OR_FOLLOWER); Partition.appendRecordsToLeader (a follower)',
    });
    await listOffsets(context, 0, { topic: topic.name, partition: 0, timestamp: -1, broker: other }, {
      expect: ['NOT_LEADER_OR_FOLLOWER'], source: 'ReplicaManager.fetchOffsetForTimestamp: a consumer reads offsets from the leader only (fetchOnlyFromLeader)',
    });
    return checkExpectedOutcomes(context.recorder.history, ErrorCodes.id);
  },
};

export const leaderEpochFencing: Check = {
  id: 'protocol/leader-epoch-fencing',
  suite: 'protocol',
  title: 'Fetch and ListOffsets with a future leader epoch: UNKNOWN_LEADER_EPOCH; with a stale one: FENCED_LEADER_EPOCH (KIP-320)',
  clauses: [ErrorCodes.id],
  needs: [{ apiKey: ApiKey.Metadata, minVersion: 7 }, { apiKey: ApiKey.Fetch, minVersion: 9, maxVersion: FETCH_MAX_VERSION }, { apiKey: ApiKey.ListOffsets, minVersion: 4 }],
  async run(context) {
    const topic = await context.topic('t', 1);
    const epoch = topic.partitions[0]!.leaderEpoch;
    const source = 'Partition.checkCurrentLeaderEpoch (requested > current: UNKNOWN_LEADER_EPOCH; < current: FENCED_LEADER_EPOCH)';
    const cases: [number, string][] = [[epoch + 1, 'UNKNOWN_LEADER_EPOCH'], [epoch, 'NONE']];
    // -1 means "do not check": a stale epoch exists only once the partition has had a second leader.
    if (epoch >= 1) cases.push([epoch - 1, 'FENCED_LEADER_EPOCH']);
    for (const [currentLeaderEpoch, expected] of cases) {
      await fetch(context, 0, { topic: topic.name, partition: 0, fetchOffset: 0, currentLeaderEpoch, f: 'fetch' }, { expect: [expected], source });
      await listOffsets(context, 0, { topic: topic.name, partition: 0, timestamp: -1, currentLeaderEpoch }, { expect: [expected], source });
    }
    return checkExpectedOutcomes(context.recorder.history, ErrorCodes.id);
  },
};

export const createTopicsBadInput: Check = {
  id: 'protocol/create-topics-bad-input',
  suite: 'protocol',
  title: 'CreateTopics refuses zero partitions, a bad replication factor, an invalid name and an existing topic with Kafka\'s errors',
  clauses: [ErrorCodes.id],
  needs: [{ apiKey: ApiKey.CreateTopics, minVersion: 0 }, { apiKey: ApiKey.Metadata, minVersion: 0 }],
  async run(context) {
    const existing = await context.topic('exists', 1);
    const brokers = (await context.brokerIds()).length;
    const source = 'ReplicationControlManager.createTopic (validation) / ControllerApis.createTopics (Topic.validate)';
    const cases: [string, number, number, string][] = [
      [context.name('zero-partitions'), 0, 1, 'INVALID_PARTITIONS'],
      [context.name('zero-rf'), 1, 0, 'INVALID_REPLICATION_FACTOR'],
      [context.name('rf-above-brokers'), 1, brokers + 1, 'INVALID_REPLICATION_FACTOR'],
      [`${context.name('bad')}/name`, 1, 1, 'INVALID_TOPIC_EXCEPTION'],
      [existing.name, 1, 1, 'TOPIC_ALREADY_EXISTS'],
    ];
    for (const [name, numPartitions, replicationFactor, expected] of cases) {
      await context.recorder.op(0, 'create-topic', { name, numPartitions, replicationFactor }, async () => {
        const { body } = await context.client.request<CreateTopicsResponseData>(-1, ApiKey.CreateTopics, { topics: [{ name, numPartitions, replicationFactor }], timeoutMs: 10_000 });
        const code = body.topics[0]?.errorCode ?? -1;
        return { value: { errorCode: code, error: errorName(code) }, errorCode: code };
      }, { expect: [expected], source });
    }
    return combine(checkExpectedOutcomes(context.recorder.history, ErrorCodes.id));
  },
};

export const protocolChecks: readonly Check[] = [apiVersions, apiVersionsUnknownVersion, metadataConsistency, unknownTopicMetadata, unknownTopicOrPartition, notLeader, leaderEpochFencing, createTopicsBadInput];

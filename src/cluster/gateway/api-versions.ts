/**
 * Which APIs and versions the gateway serves, declared once: ApiVersions advertises exactly this
 * table (kfake's habit: the advertised list is derived, never hand-kept beside the handlers).
 * The version ranges are Kafka 4.0's (KIP-896 removed the old versions: Produce before v3, Fetch
 * before v4, ListOffsets v0, CreateTopics before v2, DeleteTopics v0, DescribeConfigs v0, OffsetCommit before v2, OffsetFetch v0),
 * capped by the schemas the wire codecs were generated from.
 */
import { apiByKey } from '../../protocol/wire/index.js';
import type { Handled, RequestContext } from './gateway.js';
import { handleMetadata } from './metadata.js';
import { handleProduce } from './produce.js';
import { handleFetch } from './fetch.js';
import { handleListOffsets } from './list-offsets.js';
import { handleCreateTopics } from './create-topics.js';
import { handleDeleteTopics } from './delete-topics.js';
import { handleDescribeConfigs } from './describe-configs.js';
import { handleInitProducerId } from './init-producer-id.js';
import { handleFindCoordinator } from './find-coordinator.js';
import { handleDescribeGroups, handleListGroups } from './group-admin.js';
import { handleConsumerGroupHeartbeat } from './consumer-group-heartbeat.js';
import { handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleOffsetCommit, handleOffsetFetch, handleSyncGroup } from './groups.js';

export interface ServedApi {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly handle: (request: RequestContext) => Promise<Handled>;
}

/** ApiVersions' key: its unknown versions are answered, not refused (KIP-511). */
export const UNSUPPORTED_VERSION_API_VERSIONS = 18;

const table: readonly [number, number, number, (request: RequestContext) => Promise<Handled>][] = [
  [0, 3, 11, handleProduce],
  [1, 4, 17, handleFetch],
  [2, 1, 10, handleListOffsets],
  [3, 0, 12, handleMetadata],
  [8, 2, 9, handleOffsetCommit],
  [9, 1, 9, handleOffsetFetch],
  [10, 0, 6, handleFindCoordinator],
  [11, 0, 9, handleJoinGroup],
  [12, 0, 4, handleHeartbeat],
  [13, 0, 5, handleLeaveGroup],
  [14, 0, 5, handleSyncGroup],
  [15, 0, 5, handleDescribeGroups],
  [16, 0, 5, handleListGroups],
  [18, 0, 4, async () => apiVersionsBody()],
  [19, 2, 7, handleCreateTopics],
  [20, 1, 6, handleDeleteTopics],
  [22, 0, 5, handleInitProducerId],
  [32, 1, 4, handleDescribeConfigs],
  // v1 (subscribedTopicRegex) is still unstable in Kafka 4.0's schema.
  [68, 0, 0, handleConsumerGroupHeartbeat],
];

const served = new Map<number, ServedApi>(
  table.map(([apiKey, minVersion, maxVersion, handle]) => {
    const schema = apiByKey(apiKey);
    if (schema === undefined) throw new Error(`no wire schema for api key ${apiKey}`);
    return [apiKey, { apiKey, name: schema.name, minVersion: Math.max(minVersion, schema.minVersion), maxVersion: Math.min(maxVersion, schema.maxVersion), handle }];
  }),
);

export function servedApi(apiKey: number): ServedApi | undefined {
  return served.get(apiKey);
}

export function servedApis(): readonly ServedApi[] {
  return [...served.values()];
}

/** ApiVersionsResponse: every served API with its version range (KafkaApis.handleApiVersionsRequest). */
export function apiVersionsBody(): Record<string, unknown> {
  return {
    errorCode: 0,
    apiKeys: servedApis().map((api) => ({ apiKey: api.apiKey, minVersion: api.minVersion, maxVersion: api.maxVersion })),
    throttleTimeMs: 0,
  };
}

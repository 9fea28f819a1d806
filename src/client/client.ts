/**
 * kspec's own small Kafka client, for the conformance suite: bootstrap, ApiVersions negotiation,
 * Metadata, and routing a request to a broker, a partition leader or a coordinator. It retries
 * nothing and hides nothing: a check sees every error code the target answered.
 *
 * Negotiation follows NetworkClient.handleApiVersionsResponse: ask at our latest ApiVersions
 * version; a broker that does not know it answers UNSUPPORTED_VERSION in a v0 response (KIP-511)
 * naming its own ApiVersions range, and we ask again at the highest version both speak. Per API
 * the version used is the highest both sides support (ApiVersions.latestUsableVersion).
 */
import { apiByKey, encodeRequest } from '../protocol/wire/index.js';
import type { ApiVersionsResponseData } from '../protocol/wire/generated/ApiVersionsResponse.js';
import type { MetadataResponseData } from '../protocol/wire/generated/MetadataResponse.js';
import type { FindCoordinatorResponseData } from '../protocol/wire/generated/FindCoordinatorResponse.js';
import { type Partial, requestBody } from './body.js';
import { BrokerConnection, type Response, decodeAt } from './connection.js';
import { ConnectError, ResponseDecodeError, UnsupportedApiError } from './errors.js';

export const ApiKey = {
  Produce: 0, Fetch: 1, ListOffsets: 2, Metadata: 3, OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10,
  JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, ApiVersions: 18, CreateTopics: 19,
  DeleteRecords: 21, InitProducerId: 22, OffsetForLeaderEpoch: 23, ConsumerGroupHeartbeat: 68,
} as const;

const UNSUPPORTED_VERSION = 35;

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface VersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface PartitionMetadata {
  readonly errorCode: number;
  readonly partition: number;
  readonly leaderId: number;
  /** -1 where the Metadata version has no leader epochs (before v7). */
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicMetadata {
  readonly name: string;
  readonly errorCode: number;
  readonly partitions: readonly PartitionMetadata[];
}

export interface ClusterMetadata {
  readonly version: number;
  readonly brokers: ReadonlyMap<number, Endpoint>;
  readonly controllerId: number;
  readonly topics: ReadonlyMap<string, TopicMetadata>;
}

export interface ClientOptions {
  readonly requestTimeoutMs?: number;
  readonly clientId?: string;
}

/** Versions of our codecs a client may use: the schemas' stable range. */
function ourMaxVersion(apiKey: number): number | undefined {
  const api = apiByKey(apiKey);
  if (api === undefined) return undefined;
  return api.latestVersionUnstable ? api.maxVersion - 1 : api.maxVersion;
}

export class KafkaClient {
  private readonly connections = new Map<number, BrokerConnection>();
  private brokers = new Map<number, Endpoint>();
  readonly requestTimeoutMs: number;

  private constructor(
    private bootstrapConnection: BrokerConnection,
    /** What the target answered to ApiVersions: its ranges, and the version the answer came in. */
    readonly apiVersions: readonly VersionRange[],
    readonly apiVersionsVersion: number,
    private readonly options: ClientOptions,
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  }

  /** Connects to the first bootstrap address that answers, and negotiates versions there. */
  static async connect(bootstrap: readonly Endpoint[], options: ClientOptions = {}): Promise<KafkaClient> {
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    const reasons: string[] = [];
    for (const endpoint of bootstrap) {
      let connection: BrokerConnection | undefined;
      try {
        connection = await BrokerConnection.open(endpoint.host, endpoint.port, timeoutMs, options.clientId);
        const { ranges, version } = await negotiateApiVersions(connection, timeoutMs);
        return new KafkaClient(connection, ranges, version, options);
      } catch (error) {
        connection?.close();
        reasons.push((error as Error).message);
      }
    }
    throw new ConnectError(bootstrap.map((e) => `${e.host}:${e.port}`).join(','), reasons.map((r) => r.replace(/^cannot connect to \S+: /, '')).join('; '));
  }

  /** The target's range for an API, or undefined when it does not offer it. */
  targetRange(apiKey: number): VersionRange | undefined {
    return this.apiVersions.find((range) => range.apiKey === apiKey);
  }

  /** The highest version both sides speak, at most `atMost`; undefined when there is none. */
  versionFor(apiKey: number, atMost = Number.MAX_SAFE_INTEGER, atLeast = 0): number | undefined {
    const theirs = this.targetRange(apiKey);
    const ours = ourMaxVersion(apiKey);
    const minOurs = apiByKey(apiKey)?.minVersion ?? 0;
    if (theirs === undefined || ours === undefined) return undefined;
    const version = Math.min(theirs.maxVersion, ours, atMost);
    return version >= Math.max(theirs.minVersion, minOurs, atLeast) ? version : undefined;
  }

  /** A request to a broker (by node id; -1 for the bootstrap connection) at a chosen or negotiated version. */
  async request<T = unknown>(nodeId: number, apiKey: number, given: Partial, version?: number, timeoutMs = this.requestTimeoutMs): Promise<Response<T> & { version: number }> {
    const chosen = version ?? this.versionFor(apiKey);
    if (chosen === undefined) throw new UnsupportedApiError(apiByKey(apiKey)?.name ?? `apiKey ${apiKey}`);
    const connection = await this.connectionTo(nodeId);
    const response = await connection.request<T>(apiKey, chosen, requestBody(apiKey, chosen, given), timeoutMs);
    return { ...response, version: chosen };
  }

  /** A request that gets no response (Produce with acks=0). */
  async send(nodeId: number, apiKey: number, given: Partial, version?: number): Promise<void> {
    const chosen = version ?? this.versionFor(apiKey);
    if (chosen === undefined) throw new UnsupportedApiError(apiByKey(apiKey)?.name ?? `apiKey ${apiKey}`);
    (await this.connectionTo(nodeId)).send(apiKey, chosen, requestBody(apiKey, chosen, given));
  }

  /** Metadata from the bootstrap connection, or from one broker (`nodeId`): each broker answers from its own metadata cache. */
  async metadata(topics: readonly string[] | null, allowAutoTopicCreation = false, nodeId = -1): Promise<ClusterMetadata> {
    const version = this.versionFor(ApiKey.Metadata);
    if (version === undefined) throw new UnsupportedApiError('Metadata');
    const requested = topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name }));
    const { body } = await this.request<MetadataResponseData>(nodeId, ApiKey.Metadata, { topics: requested, allowAutoTopicCreation }, version);
    const brokers = new Map(body.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }] as const));
    this.brokers = new Map([...this.brokers, ...brokers]);
    const topicMap = new Map<string, TopicMetadata>();
    for (const topic of body.topics) {
      if (topic.name === null) continue;
      topicMap.set(topic.name, {
        name: topic.name,
        errorCode: topic.errorCode,
        partitions: topic.partitions
          .map((p) => ({ errorCode: p.errorCode, partition: p.partitionIndex, leaderId: p.leaderId, leaderEpoch: version >= 7 ? p.leaderEpoch : -1, replicas: p.replicaNodes, isr: p.isrNodes }))
          .sort((a, b) => a.partition - b.partition),
      });
    }
    return { version, brokers, controllerId: body.controllerId, topics: topicMap };
  }

  /** The coordinator of a group (keyType 0) or transactional id (1): FindCoordinator's answer. */
  async findCoordinator(key: string, keyType = 0): Promise<{ errorCode: number; nodeId: number }> {
    const version = this.versionFor(ApiKey.FindCoordinator);
    if (version === undefined) throw new UnsupportedApiError('FindCoordinator');
    const given = version >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType };
    const { body } = await this.request<FindCoordinatorResponseData>(-1, ApiKey.FindCoordinator, given, version);
    const answer = version >= 4 ? body.coordinators[0] : body;
    if (answer === undefined) return { errorCode: -1, nodeId: -1 };
    if (answer.errorCode === 0) this.brokers.set(answer.nodeId, { host: answer.host, port: answer.port });
    return { errorCode: answer.errorCode, nodeId: answer.nodeId };
  }

  /** A connection to a broker, opened on first use from the endpoints Metadata named. */
  async connectionTo(nodeId: number): Promise<BrokerConnection> {
    if (nodeId === -1) {
      // A connection that closed (a late answer to a timed-out request closes it, as NetworkClient
      // disconnects on a request timeout) is opened again, so one lost answer does not end the run.
      if (!this.bootstrapConnection.isOpen) {
        const [host, port] = splitAddress(this.bootstrapConnection.address);
        this.bootstrapConnection = await BrokerConnection.open(host, port, this.requestTimeoutMs, this.options.clientId);
      }
      return this.bootstrapConnection;
    }
    const open = this.connections.get(nodeId);
    if (open?.isOpen === true) return open;
    const endpoint = this.brokers.get(nodeId);
    if (endpoint === undefined) throw new ConnectError(`node ${nodeId}`, 'no such broker in the metadata');
    const connection = await BrokerConnection.open(endpoint.host, endpoint.port, this.requestTimeoutMs, this.options.clientId);
    this.connections.set(nodeId, connection);
    return connection;
  }

  /** A fresh connection of our own (for checks that need a connection to break). */
  async openConnection(nodeId: number): Promise<BrokerConnection> {
    const endpoint = nodeId === -1 ? undefined : this.brokers.get(nodeId);
    if (endpoint === undefined) {
      const [host, port] = splitAddress(this.bootstrapConnection.address);
      return BrokerConnection.open(host, port, this.requestTimeoutMs, this.options.clientId);
    }
    return BrokerConnection.open(endpoint.host, endpoint.port, this.requestTimeoutMs, this.options.clientId);
  }

  close(): void {
    this.bootstrapConnection.close();
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

/**
 * An ApiVersions request frame at any version, known or not: encoded at the nearest version our
 * codecs know with the version field then overwritten, as a client newer than the broker would
 * send it (KIP-511).
 */
export function apiVersionsFrame(version: number, clientSoftwareName = 'kspec', clientSoftwareVersion = '0.1.0'): Uint8Array {
  const api = apiByKey(ApiKey.ApiVersions)!;
  const encodedAt = Math.min(version, api.maxVersion);
  const frame = Buffer.from(
    encodeRequest({ requestApiKey: ApiKey.ApiVersions, requestApiVersion: encodedAt, correlationId: 0, clientId: 'kspec-conform' }, requestBody(ApiKey.ApiVersions, encodedAt, { clientSoftwareName, clientSoftwareVersion })),
  );
  frame.writeInt16BE(version, 2);
  return frame;
}

/**
 * Decodes an ApiVersions answer as AbstractResponse.parseResponse does: at the version asked,
 * falling back to v0 (a broker that does not know the version asked answers in v0).
 */
export function decodeApiVersions(version: number, frame: Uint8Array): Response<ApiVersionsResponseData> & { decodedAs: number } {
  const known = apiByKey(ApiKey.ApiVersions)!;
  if (version <= known.maxVersion) {
    try {
      const response = decodeAt<ApiVersionsResponseData>(ApiKey.ApiVersions, version, frame);
      if (response.body.errorCode !== UNSUPPORTED_VERSION) return { ...response, decodedAs: version };
    } catch {
      // fall through to v0
    }
  }
  return { ...decodeAt<ApiVersionsResponseData>(ApiKey.ApiVersions, 0, frame), decodedAs: 0 };
}

async function negotiateApiVersions(connection: BrokerConnection, timeoutMs: number): Promise<{ ranges: VersionRange[]; version: number }> {
  const ask = async (version: number) => decodeApiVersions(version, await connection.rawExchange(apiVersionsFrame(version), `ApiVersions v${version}`, timeoutMs));
  const ours = ourMaxVersion(ApiKey.ApiVersions)!;
  let theirMax: number | undefined;
  try {
    const first = await ask(ours);
    if (first.body.errorCode === 0) return { ranges: rangesOf(first.body), version: first.decodedAs };
    theirMax = first.body.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)?.maxVersion;
  } catch (error) {
    // An answer to the unknown version that does not decode (the librdkafka mock's, see
    // docs/conformance/librdkafka-mock.md): ask at v0, which every broker speaks, as librdkafka does.
    if (!(error instanceof ResponseDecodeError)) throw error;
  }
  if (theirMax === undefined) {
    const v0 = await ask(0);
    if (v0.body.errorCode !== 0) throw new Error(`ApiVersions v0 answered error ${v0.body.errorCode}`);
    theirMax = v0.body.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)?.maxVersion ?? 0;
    if (Math.min(theirMax, ours) === 0) return { ranges: rangesOf(v0.body), version: 0 };
  }
  const agreed = Math.min(theirMax, ours);
  const answer = await ask(agreed);
  if (answer.body.errorCode !== 0) throw new Error(`ApiVersions v${agreed} answered error ${answer.body.errorCode}`);
  return { ranges: rangesOf(answer.body), version: answer.decodedAs };
}

function rangesOf(body: ApiVersionsResponseData): VersionRange[] {
  return body.apiKeys.map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
}

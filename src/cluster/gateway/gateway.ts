/**
 * The client gateway: Kafka's request handling (SocketServer's processors hand a request to
 * KafkaApis) in the node layer, so the rules a real client meets are the machines' rules. A frame
 * from a client connection is decoded with the wire codecs; the request header decides whether
 * the API and version are served (KIP-511: an ApiVersions request of a version the broker does
 * not know is answered in v0 with UNSUPPORTED_VERSION and the versions it does; any other
 * unserved API or version closes the connection, as RequestContext.parseRequest's failure does);
 * the body is turned into the node's machine events, and their answers into the wire response of
 * the same version.
 *
 * A client connection is a client id on the node's transport (the simulator's client processes
 * are numbered the same way): the gateway sends the machines' requests from it and the node's
 * answers come back to it through the shell's transport, matched by correlation id.
 */
import { decodeRequest, decodeRequestHeader, encodeResponse, WireDecodeError, type RequestHeader } from '../../protocol/wire/index.js';
import { errorCode } from '../../protocol/errors.js';
import type { BrokerNode } from '../broker-node.js';
import type { ClusterMessage, Disconnected } from '../world.js';
import { fitResponse } from './shape.js';
import { apiVersionsBody, servedApi, UNSUPPORTED_VERSION_API_VERSIONS } from './api-versions.js';
import { DelayedFetches } from './fetch.js';
import type { GatewayTap } from './tap.js';

export interface GatewayConfig {
  /** The cluster id Metadata reports (meta.properties' cluster.id). */
  readonly clusterId: string;
  /** auto.create.topics.enable (Kafka's default: true). */
  readonly autoCreateTopicsEnable: boolean;
  /** num.partitions and default.replication.factor: topics created without them (auto-created, or -1 in CreateTopics v4+). */
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
}

export const defaultGatewayConfig: Omit<GatewayConfig, 'clusterId'> = { autoCreateTopicsEnable: true, numPartitions: 1, defaultReplicationFactor: 1 };

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** What the gateway takes from its shell: the transport it shares with the node, and time. */
export interface GatewayWorld {
  send(from: number, to: number, message: ClusterMessage): void;
  nowMs(): number;
  /** Run `task` after `delayMs` (a fetch's max wait, a guard on a lost answer). */
  after(delayMs: number, task: () => void): { cancel(): void };
}

export type Reply =
  | { readonly kind: 'respond'; readonly frame: Uint8Array }
  /** Produce with acks=0: no answer. */
  | { readonly kind: 'none' }
  | { readonly kind: 'close'; readonly reason: string };

/** What an API module is given for one request. */
export interface RequestContext {
  readonly gateway: Gateway;
  readonly clientId: number;
  readonly version: number;
  readonly header: RequestHeader;
  readonly body: unknown;
}

/** An API module's answer: the response body (newest shape; fitted to the version), null for none, or a reason to close the connection. */
export type Handled = Record<string, unknown> | null | { readonly close: string };

/** A machine request as the gateway writes it: the correlation id is the gateway's to give. */
type WithoutCorrelation<T> = T extends unknown ? Omit<T, 'correlationId'> : never;

/** An answer that never comes (a node that stopped) is given up after this long: past a JoinGroup's longest wait (max.poll.interval.ms, 5 min). */
const ANSWER_GUARD_MS = 330_000;

/**
 * A request forwarded to the active controller (CreateTopics, DeleteTopics, auto-creation) is
 * given up after this long: BrokerServer's forwarding NodeToControllerChannelManager
 * (retryTimeoutMs = 60000). Until then a NOT_CONTROLLER answer or a broken connection sends it
 * again to whichever controller the quorum names (NodeToControllerRequestThread.handleResponse).
 */
export const FORWARD_RETRY_TIMEOUT_MS = 60_000;

/** NodeToControllerRequestThread.doWork: with no active controller known, look again after this long (pollOnce(100)). */
export const FORWARD_POLL_MS = 100;

interface Pending {
  readonly clientId: number;
  /** The node asked: a Disconnected from it fails the request. */
  readonly to: number;
  readonly resolve: (message: ClusterMessage | Disconnected | undefined) => void;
  readonly guard: { cancel(): void };
}

export class Gateway {
  private readonly pending = new Map<number, Pending>();
  /** Client connections open now (a forward stops retrying once its client left). */
  private readonly clients = new Set<number>();
  /** Topics whose auto-creation is being forwarded now (AutoTopicCreationManager.inflightTopics). */
  readonly autoCreating = new Set<string>();
  private nextCorrelationId = 1;
  private nextClient: number;
  readonly delayedFetches: DelayedFetches;
  /** A test hook (client conformance): sees each exchange, may lose its answer. Unset in a served cluster. */
  tap: GatewayTap | undefined;

  constructor(
    readonly node: BrokerNode,
    readonly world: GatewayWorld,
    readonly config: GatewayConfig,
    /** The listener each broker advertises (advertised.listeners), by broker id. */
    readonly endpointOf: (brokerId: number) => Endpoint | undefined,
    /** Client ids this gateway allocates start here (disjoint from node ids and from other gateways' ranges). */
    clientIdBase: number,
  ) {
    this.nextClient = clientIdBase;
    this.delayedFetches = new DelayedFetches(this);
    node.replicaStepped = (key) => this.delayedFetches.replicaStepped(key);
  }

  /** A new client connection: its id on the node's transport. */
  openClient(): number {
    const clientId = this.nextClient++;
    this.clients.add(clientId);
    return clientId;
  }

  /** The connection closed: its requests in flight are answered to nobody. */
  closeClient(clientId: number): void {
    this.clients.delete(clientId);
    for (const [correlationId, p] of this.pending) {
      if (p.clientId !== clientId) continue;
      this.pending.delete(correlationId);
      p.guard.cancel();
      p.resolve(undefined);
    }
    this.delayedFetches.dropClient(clientId);
  }

  /**
   * An answer from a node to one of this gateway's clients, or the transport's news that the
   * connection from client `clientId` to a node broke: the requests in flight on it fail at once
   * (NetworkClient completes them as disconnected) rather than waiting for an answer that cannot come.
   */
  deliver(message: ClusterMessage | Disconnected, clientId?: number): void {
    if (message.type === 'Disconnected') {
      for (const [correlationId, p] of this.pending) {
        if (p.to !== message.node || (clientId !== undefined && p.clientId !== clientId)) continue;
        this.pending.delete(correlationId);
        p.guard.cancel();
        p.resolve(message);
      }
      return;
    }
    const correlationId = (message as { correlationId?: number }).correlationId;
    if (correlationId === undefined) return;
    const p = this.pending.get(correlationId);
    if (p === undefined) return;
    this.pending.delete(correlationId);
    p.guard.cancel();
    p.resolve(message);
  }

  /** Send a machine request from a client and wait for its answer (undefined: none came, the connection broke, or the client left). */
  async ask<T extends ClusterMessage>(clientId: number, to: number, message: WithoutCorrelation<ClusterMessage>): Promise<T | undefined> {
    const answer = await this.send<T>(clientId, to, message);
    return answer?.type === 'Disconnected' ? undefined : (answer as T | undefined);
  }

  private send<T extends ClusterMessage>(clientId: number, to: number, message: WithoutCorrelation<ClusterMessage>): Promise<T | Disconnected | undefined> {
    const correlationId = this.nextCorrelationId++;
    return new Promise((resolve) => {
      const guard = this.world.after(ANSWER_GUARD_MS, () => {
        if (this.pending.delete(correlationId)) resolve(undefined);
      });
      this.pending.set(correlationId, { clientId, to, resolve: resolve as Pending['resolve'], guard });
      this.world.send(clientId, to, { ...message, correlationId } as ClusterMessage);
    });
  }

  /**
   * Forward a request to the active controller and wait for its answer (ForwardingManager over
   * NodeToControllerRequestThread): it goes to the controller the broker's quorum names as leader
   * (RaftControllerNodeProvider); with none known it waits FORWARD_POLL_MS and looks again; an
   * answer with NOT_CONTROLLER, or a broken connection, sends it again to whichever controller is
   * named then (handleResponse: the request is queued again at the front). Undefined once
   * FORWARD_RETRY_TIMEOUT_MS passed since it was made (onTimeout: REQUEST_TIMED_OUT), or when the
   * client left. One difference: Kafka resends after NOT_CONTROLLER as soon as the provider names
   * a controller; here the resend waits FORWARD_POLL_MS too, so a controller still replaying the
   * log is not asked in a tight loop.
   */
  async forwardToController<T extends ClusterMessage & { readonly errorCode: number }>(clientId: number, message: WithoutCorrelation<ClusterMessage>): Promise<T | undefined> {
    const deadline = this.world.nowMs() + FORWARD_RETRY_TIMEOUT_MS;
    const notController = errorCode('NOT_CONTROLLER');
    for (;;) {
      const controllerId = this.node.broker?.context.controllerId ?? -1;
      if (controllerId >= 0) {
        if (!this.clients.has(clientId)) return undefined;
        const answer = await this.send<T>(clientId, controllerId, message);
        if (answer === undefined) return undefined;
        if (answer.type !== 'Disconnected' && answer.errorCode !== notController) return answer;
      }
      if (this.world.nowMs() + FORWARD_POLL_MS >= deadline || !this.clients.has(clientId)) return undefined;
      await new Promise<void>((resolve) => this.world.after(FORWARD_POLL_MS, resolve));
    }
  }

  /** Requests waiting for an answer from a node (for tests and the shell's health line). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** One request frame (without its size prefix) from client `clientId`. */
  async handle(clientId: number, frame: Uint8Array): Promise<Reply> {
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(frame).header;
    } catch (error) {
      return { kind: 'close', reason: describe(error) };
    }
    const apiKey = header.requestApiKey;
    const version = header.requestApiVersion;
    const api = servedApi(apiKey);
    if (api === undefined || version < api.minVersion || version > api.maxVersion) {
      if (apiKey === UNSUPPORTED_VERSION_API_VERSIONS) {
        const body = fitResponse(18, 0, { ...apiVersionsBody(), errorCode: errorCode('UNSUPPORTED_VERSION') });
        return { kind: 'respond', frame: encodeResponse(18, 0, { correlationId: header.correlationId }, body) };
      }
      return { kind: 'close', reason: api === undefined ? `api key ${apiKey} is not served` : `${api.name} v${version} is not served (v${api.minVersion}-${api.maxVersion})` };
    }
    let body: unknown;
    try {
      body = decodeRequest(frame, { strict: true }).body;
    } catch (error) {
      return { kind: 'close', reason: describe(error) };
    }
    const handled = await api.handle({ gateway: this, clientId, version, header, body });
    const isAnswer = handled !== null && !('close' in handled && typeof handled['close'] === 'string');
    if (this.tap?.exchanged({ clientId, header, request: body, response: isAnswer ? (handled as Record<string, unknown>) : null }) === 'lose-response') return { kind: 'close', reason: 'fault injected: the response is lost' };
    if (handled === null) return { kind: 'none' };
    if ('close' in handled && typeof handled['close'] === 'string') return { kind: 'close', reason: handled['close'] };
    const shaped = fitResponse(apiKey, version, handled as Record<string, unknown>);
    return { kind: 'respond', frame: encodeResponse(apiKey, version, { correlationId: header.correlationId }, shaped) };
  }
}

function describe(error: unknown): string {
  if (error instanceof WireDecodeError) return error.message;
  throw error;
}

/**
 * The node layer's network between processes: Kafka's protocol on TCP. A request a local node (or
 * a local gateway's client) sends to a node of another process is mapped to Kafka's request
 * (node-wire.ts), framed (4-byte size, request header with a correlation id and a client id
 * naming the sender) and written on the connection to that node's listener: the controller
 * listener for controller-bound APIs and the quorum, the inter-broker listener for replica Fetch.
 * The answer comes back on the same connection and is handed to the sender as the node layer's
 * message. Requests that arrive on this process's listeners are decoded and handed to the local
 * node; its answer goes back on the connection the request came on.
 *
 * As Kafka's NetworkClient: one connection per destination node, opened on first use, reconnected
 * after reconnect.backoff.ms growing to reconnect.backoff.max.ms; a request that finds the
 * connection failed and its backoff running is not queued behind it but fails at once as
 * Disconnected (the machines resend on their own timers, as Kafka's senders do); a connection whose oldest request waited request.timeout.ms is closed; a
 * lost connection fails every request in flight on it and is reported as the node layer's
 * Disconnected event. Nothing here decides a Kafka rule.
 *
 * Answers on one inbound connection are written as the node produces them, matched to their
 * request by API, correlation id and partition: both ends are kspec, which matches by
 * correlation id (Kafka's own clients expect answers in request order; they talk to the client
 * listener, listener.ts, which keeps it).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { checkFrameSize, decodeRequest, decodeResponse, encodeRequest, encodeResponse, WireDecodeError } from '../protocol/wire/index.js';
import { specOf } from '../protocol/registry.js';
import { disconnected, type ClusterMessage, type Disconnected } from '../cluster/world.js';
import { isQuorumFetch, refusalToWire, requestFromWire, requestToWire, responseFromWire, responseToWire, type NodeWireContext, type SentRequest } from './node-wire.js';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface NodeTransportConfig {
  /** reconnect.backoff.ms (Kafka: 50). */
  readonly reconnectBackoffMs: number;
  /** reconnect.backoff.max.ms (Kafka: 1000). */
  readonly reconnectBackoffMaxMs: number;
  /** request.timeout.ms (Kafka: 30000). */
  readonly requestTimeoutMs: number;
  /** socket.request.max.bytes (Kafka: 100 MiB), for frames either way. */
  readonly socketRequestMaxBytes: number;
}

export const defaultNodeTransportConfig: NodeTransportConfig = { reconnectBackoffMs: 50, reconnectBackoffMaxMs: 1000, requestTimeoutMs: 30_000, socketRequestMaxBytes: 100 * 1024 * 1024 };

export interface NodeTransportParts {
  readonly config: NodeTransportConfig;
  /** The listener of node `to` that serves `message` (undefined: the node is unknown, the message is dropped). */
  readonly addressOf: (to: number, message: ClusterMessage) => PeerAddress | undefined;
  /** The wire context of the local node `nodeId` (its cluster id, topic ids, log bytes). */
  readonly wireOf: (nodeId: number) => NodeWireContext;
  /** Hand a message from another process to local node or client `to`. */
  readonly deliver: (from: number, to: number, message: ClusterMessage) => void;
  /** The transport's own news for the local sender `to`. */
  readonly disconnected?: (to: number, event: Disconnected) => void;
  readonly log: (line: string) => void;
}

const SIZE_PREFIX_BYTES = 4;
const CLIENT_ID_PREFIX = 'kspec-node-';

/** The sender of a frame, from its client id (kspec names itself `kspec-node-<id>`). */
export function senderOf(clientId: string | null): number | undefined {
  if (clientId === null || !clientId.startsWith(CLIENT_ID_PREFIX)) return undefined;
  const id = Number(clientId.slice(CLIENT_ID_PREFIX.length));
  return Number.isSafeInteger(id) ? id : undefined;
}

/** Reads size-prefixed frames off a socket, the size checked before the frame is gathered (NetworkReceive.readFrom). */
class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frameSize = -1;

  constructor(private readonly maxBytes: number) {}

  /** The whole frames the chunk completes; throws WireDecodeError for a size out of bounds. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < SIZE_PREFIX_BYTES) return frames;
        this.frameSize = checkFrameSize(this.take(SIZE_PREFIX_BYTES), this.maxBytes);
      }
      if (this.buffered < this.frameSize) return frames;
      frames.push(this.take(this.frameSize));
      this.frameSize = -1;
    }
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, n);
  }
}

function writeFrame(socket: Socket, frame: Uint8Array): void {
  const prefix = Buffer.allocUnsafe(SIZE_PREFIX_BYTES);
  prefix.writeInt32BE(frame.length, 0);
  socket.write(prefix);
  socket.write(frame);
}

interface InFlight extends SentRequest {
  readonly from: number;
  readonly sentAtMs: number;
}

/** The connection to one remote node, as NetworkClient keeps it. */
class Outbound {
  private socket: Socket | undefined;
  private ready = false;
  private readonly inFlight = new Map<number, InFlight>();
  private nextCorrelationId = 1;
  private failures = 0;
  private retryAtMs = 0;
  private readonly reader: FrameReader;
  private timeoutCheck: NodeJS.Timeout | undefined;
  /** Frames written while the connection is being opened (the first request that opened it and those right after). */
  private waiting: Uint8Array[] = [];

  constructor(
    private readonly node: number,
    private address: PeerAddress,
    private readonly transport: NodeTransport,
  ) {
    this.reader = new FrameReader(transport.config.socketRequestMaxBytes);
  }

  send(from: number, message: ClusterMessage, address: PeerAddress): void {
    if (address.host !== this.address.host || address.port !== this.address.port) {
      // The node moved (a restart on another port): the old connection is of no use.
      this.close('the node\'s listener moved');
      this.address = address;
    }
    // A node whose connection failed and whose reconnect backoff still runs: the request fails at
    // once as disconnected (InterBrokerSendThread: NetworkClient.connectionFailed), not silently.
    if (this.socket === undefined && !this.connect()) return this.transport.reportDisconnected(from, this.node);
    const correlationId = this.nextCorrelationId++ & 0x7fffffff;
    let wire;
    let frame: Uint8Array;
    try {
      wire = requestToWire(message, this.node, this.transport.wireOf(from));
      if (wire === undefined) return this.transport.log(`kspec bug: ${message.type} from ${from} to node ${this.node} has no wire mapping`);
      frame = encodeRequest({ requestApiKey: wire.apiKey, requestApiVersion: wire.version, correlationId, clientId: `${CLIENT_ID_PREFIX}${from}` }, wire.body);
    } catch (error) {
      return this.transport.log(`kspec bug: ${message.type} from ${from} to node ${this.node}: ${(error as Error).message}`);
    }
    this.inFlight.set(correlationId, {
      from, apiKey: wire.apiKey, version: wire.version, sentAtMs: Date.now(),
      correlationId: (message as { correlationId?: number }).correlationId, quorumFetch: message.type === 'FetchRequest',
    });
    if (this.ready) writeFrame(this.socket as Socket, frame);
    else this.waiting.push(frame);
  }

  /** Open the connection unless the backoff after a failure still runs; false when the request must be dropped. */
  private connect(): boolean {
    if (Date.now() < this.retryAtMs) return false;
    const socket = createConnection({ host: this.address.host, port: this.address.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.ready = true;
      this.failures = 0;
      for (const frame of this.waiting) writeFrame(socket, frame);
      this.waiting = [];
    });
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.socket === socket) this.lost('the connection closed');
    });
    this.timeoutCheck = setInterval(() => this.checkTimeouts(), Math.min(1000, this.transport.config.requestTimeoutMs));
    this.timeoutCheck.unref();
    return true;
  }

  private received(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      return this.close(error instanceof WireDecodeError ? error.message : String(error));
    }
    for (const frame of frames) this.answer(frame);
  }

  private answer(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const sent = this.inFlight.get(correlationId);
    if (sent === undefined) return this.transport.log(`node ${this.node} answered correlation id ${correlationId}, which is not in flight`);
    this.inFlight.delete(correlationId);
    let body: unknown;
    try {
      body = decodeResponse(sent.apiKey, sent.version, frame).body;
    } catch (error) {
      return this.close(`a malformed answer from node ${this.node}: ${(error as Error).message}`);
    }
    const result = responseFromWire(sent, body, this.transport.wireOf(sent.from));
    if (!result.ok) {
      // An answer that names no message for its sender (a top-level error): the request failed, as
      // NetworkClient fails it, so its sender hears Disconnected and retries rather than waiting on
      // an answer that will not come.
      this.transport.log(`node ${this.node} answered api ${sent.apiKey} with error ${result.errorCode}: ${result.reason}`);
      return this.transport.reportDisconnected(sent.from, this.node);
    }
    this.transport.deliver(this.node, sent.from, result.message);
  }

  private checkTimeouts(): void {
    const oldest = this.inFlight.values().next().value as InFlight | undefined;
    if (oldest !== undefined && Date.now() - oldest.sentAtMs > this.transport.config.requestTimeoutMs) this.close(`a request to node ${this.node} timed out`);
  }

  /** The connection is gone: every request in flight on it fails (their senders hear Disconnected) and the next connect waits. */
  private lost(reason: string): void {
    const senders = new Set([...this.inFlight.values()].map((r) => r.from));
    if (this.inFlight.size > 0 || !this.ready) this.transport.log(`connection to node ${this.node} at ${this.address.host}:${this.address.port} lost: ${reason}`);
    this.inFlight.clear();
    this.waiting = [];
    this.socket = undefined;
    this.ready = false;
    if (this.timeoutCheck !== undefined) clearInterval(this.timeoutCheck);
    this.failures++;
    const { reconnectBackoffMs, reconnectBackoffMaxMs } = this.transport.config;
    // ClusterConnectionStates: exponential backoff from reconnect.backoff.ms up to reconnect.backoff.max.ms.
    this.retryAtMs = Date.now() + Math.min(reconnectBackoffMaxMs, reconnectBackoffMs * 2 ** Math.min(20, this.failures - 1));
    for (const sender of senders) this.transport.reportDisconnected(sender, this.node);
  }

  close(reason: string): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.lost(reason);
    socket.destroy();
  }
}

interface Inbound {
  readonly socket: Socket;
  readonly localNode: number;
  readonly from: number;
  readonly apiKey: number;
  readonly version: number;
  readonly wireCorrelationId: number;
  /** The partition a replica Fetch named (answers are matched by it too). */
  readonly partitionKey: string | undefined;
}

export class NodeTransport {
  private readonly outbound = new Map<number, Outbound>();
  private readonly servers: Server[] = [];
  private readonly inboundSockets = new Set<Socket>();
  /** Requests from other processes still to be answered, oldest first. */
  private inbound: Inbound[] = [];
  readonly config: NodeTransportConfig;
  readonly log: (line: string) => void;
  private closed = false;

  constructor(private readonly parts: NodeTransportParts) {
    this.config = parts.config;
    this.log = parts.log;
  }

  wireOf(nodeId: number): NodeWireContext {
    return this.parts.wireOf(nodeId);
  }

  deliver(from: number, to: number, message: ClusterMessage): void {
    if (!this.closed) this.parts.deliver(from, to, message);
  }

  reportDisconnected(sender: number, node: number): void {
    if (!this.closed) this.parts.disconnected?.(sender, disconnected(node));
  }

  /** A message from a local node or client to `to`, which this process does not host. */
  send(from: number, to: number, message: ClusterMessage): void {
    if (this.closed) return;
    if (specOf(message)?.kind === 'response') return this.answer(from, to, message);
    const address = this.parts.addressOf(to, message);
    if (address === undefined) return this.log(`no listener known for node ${to}: ${message.type} dropped`);
    let connection = this.outbound.get(to);
    if (connection === undefined) {
      connection = new Outbound(to, address, this);
      this.outbound.set(to, connection);
    }
    connection.send(from, message, address);
  }

  /** Serve requests for local node `localNode` on host:port; resolves with the port bound. */
  listen(localNode: number, host: string, port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket, localNode));
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const connection of this.outbound.values()) connection.close('the process is shutting down');
    for (const socket of this.inboundSockets) socket.destroy();
    return Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
  }

  private accept(socket: Socket, localNode: number): void {
    this.inboundSockets.add(socket);
    socket.setNoDelay(true);
    const reader = new FrameReader(this.config.socketRequestMaxBytes);
    const refuse = (reason: string): void => {
      this.log(`closed connection from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}: ${reason}`);
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        return refuse(error instanceof WireDecodeError ? error.message : String(error));
      }
      for (const frame of frames) {
        const problem = this.request(socket, localNode, frame);
        if (problem !== undefined) return refuse(problem);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.inboundSockets.delete(socket);
      this.inbound = this.inbound.filter((r) => r.socket !== socket);
    });
  }

  /** One request frame from another process; a reason to close the connection, or undefined. */
  private request(socket: Socket, localNode: number, frame: Buffer): string | undefined {
    let decoded;
    try {
      decoded = decodeRequest(frame);
    } catch (error) {
      return error instanceof WireDecodeError ? error.message : String(error);
    }
    const { header, body } = decoded;
    const from = senderOf(header.clientId);
    if (from === undefined) return `client id '${header.clientId ?? ''}' names no kspec node`;
    const apiKey = header.requestApiKey;
    const version = header.requestApiVersion;
    const result = requestFromWire(apiKey, version, header.correlationId, body, this.wireOf(localNode));
    if (result === undefined) return `api key ${apiKey} is not served between nodes`;
    if (!result.ok) {
      const refusal = refusalToWire(apiKey, result.errorCode, body);
      if (refusal === undefined) return result.reason;
      this.log(`refused api ${apiKey} from ${from}: ${result.reason}`);
      writeFrame(socket, encodeResponse(apiKey, version, { correlationId: header.correlationId }, refusal));
      return undefined;
    }
    const message = result.message;
    this.inbound.push({
      socket, localNode, from, apiKey, version, wireCorrelationId: header.correlationId,
      partitionKey: apiKey === 1 && !isQuorumFetch(body as never) ? partitionKeyOf(message) : undefined,
    });
    this.deliver(from, localNode, message);
    return undefined;
  }

  /** A local node's answer to a request from another process: written on the connection the request came on. */
  private answer(from: number, to: number, message: ClusterMessage): void {
    const apiKey = specOf(message)?.apiKey;
    const correlationId = (message as { correlationId?: number }).correlationId;
    const key = partitionKeyOf(message);
    const index = this.inbound.findIndex((r) => r.localNode === from && r.from === to && r.apiKey === apiKey
      && (correlationId === undefined || r.wireCorrelationId === correlationId) && (r.partitionKey === undefined || r.partitionKey === key));
    if (index < 0) return this.log(`${message.type} from ${from} to ${to} answers no request in flight: dropped`);
    const request = this.inbound[index] as Inbound;
    this.inbound.splice(index, 1);
    if (request.socket.destroyed) return;
    let frame: Uint8Array;
    try {
      frame = encodeResponse(request.apiKey, request.version, { correlationId: request.wireCorrelationId }, responseToWire(message, this.wireOf(from)));
    } catch (error) {
      return this.log(`kspec bug: ${message.type} from ${from}: ${(error as Error).message}`);
    }
    writeFrame(request.socket, frame);
  }
}

function partitionKeyOf(message: ClusterMessage): string | undefined {
  const m = message as { topicId?: string; partition?: number };
  return m.topicId === undefined || m.partition === undefined ? undefined : `${m.topicId}/${m.partition}`;
}

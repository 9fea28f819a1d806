/**
 * A broker's client listener: TCP connections speaking Kafka's framing (a 4-byte size, then the
 * request), handled as Kafka's SocketServer handles them:
 * - the size prefix is checked against socket.request.max.bytes before anything is allocated for
 *   the frame (NetworkReceive.readFrom); a bad one closes the connection;
 * - one request in flight per connection: the connection is muted (no reading) until its answer is
 *   written, so answers go out in request order (Processor's channel muting);
 * - back-pressure: while the socket's write buffer is full, nothing more is read;
 * - a frame the gateway refuses (malformed, unserved API or version) closes that connection only,
 *   with one log line; nothing a client sends ends the process;
 * - a connection idle for connections.max.idle.ms is closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { checkFrameSize, WireDecodeError } from '../protocol/wire/index.js';
import type { Gateway } from '../cluster/gateway/gateway.js';

export interface ListenerConfig {
  /** socket.request.max.bytes (Kafka: 100 MiB). */
  readonly socketRequestMaxBytes: number;
  /** connections.max.idle.ms (Kafka: 10 minutes). */
  readonly connectionsMaxIdleMs: number;
}

export const defaultListenerConfig: ListenerConfig = { socketRequestMaxBytes: 100 * 1024 * 1024, connectionsMaxIdleMs: 600_000 };

const SIZE_PREFIX_BYTES = 4;

export class BrokerListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** Connections opened so far, and closed for a bad frame (health figures). */
  connectionsOpened = 0;
  connectionsRefused = 0;

  constructor(
    private readonly gateway: Gateway,
    private readonly config: ListenerConfig,
    private readonly log: (line: string) => void,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listen on host:port (port 0: an ephemeral port); resolves with the port bound. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** Stop accepting and close every connection. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.connectionsOpened++;
    this.sockets.add(socket);
    new Connection(socket, this.gateway, this.config, (reason) => {
      this.connectionsRefused++;
      this.log(`closed connection from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}: ${reason}`);
    }, () => this.sockets.delete(socket));
  }
}

class Connection {
  private readonly clientId: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The size of the frame being read, once its prefix is in. */
  private frameSize = -1;
  private inFlight = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly gateway: Gateway,
    private readonly config: ListenerConfig,
    private readonly refuse: (reason: string) => void,
    onClose: () => void,
  ) {
    this.clientId = gateway.openClient();
    socket.setNoDelay(true);
    socket.setTimeout(config.connectionsMaxIdleMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('drain', () => this.pump());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      gateway.closeClient(this.clientId);
      onClose();
    });
  }

  private received(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.pump();
  }

  /** Take the next whole frame if no request is in flight and the write side has room. */
  private pump(): void {
    if (this.closed || this.inFlight) return;
    if (this.socket.writableNeedDrain) {
      this.socket.pause();
      return;
    }
    if (this.frameSize < 0) {
      if (this.buffered < SIZE_PREFIX_BYTES) return this.resume();
      try {
        this.frameSize = checkFrameSize(this.take(SIZE_PREFIX_BYTES), this.config.socketRequestMaxBytes);
      } catch (error) {
        return this.close(error instanceof WireDecodeError ? error.message : String(error));
      }
    }
    if (this.buffered < this.frameSize) return this.resume();
    const frame = this.take(this.frameSize);
    this.frameSize = -1;
    this.inFlight = true;
    // Muted while the request is handled (Kafka's one request in flight per connection).
    this.socket.pause();
    this.gateway.handle(this.clientId, frame).then(
      (reply) => {
        this.inFlight = false;
        if (reply.kind === 'close') return this.close(reply.reason);
        if (reply.kind === 'respond') this.write(reply.frame);
        this.pump();
      },
      (error: unknown) => {
        this.inFlight = false;
        this.close(`kspec bug while handling a request: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  private resume(): void {
    if (!this.closed && this.socket.isPaused()) this.socket.resume();
  }

  private write(frame: Uint8Array): void {
    if (this.closed) return;
    const prefix = Buffer.allocUnsafe(SIZE_PREFIX_BYTES);
    prefix.writeInt32BE(frame.length, 0);
    this.socket.write(prefix);
    this.socket.write(frame);
  }

  private close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.refuse(reason);
    this.socket.destroy();
  }

  /** The first `n` buffered bytes (n <= buffered), as one buffer. */
  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}

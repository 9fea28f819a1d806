/**
 * A recording TCP proxy for the Kafka protocol, for capturing real frames (scripts/capture-corpus.ts).
 *
 * Each client connection is forwarded to one upstream broker. Both byte streams are cut into
 * frames at their 4-byte size prefixes; a request's header starts with request_api_key (int16),
 * request_api_version (int16) and correlation_id (int32) in every header version, and a
 * response's with correlation_id, so requests and responses pair up by correlation id without
 * decoding anything else.
 *
 * Brokers advertise their own addresses (Metadata, FindCoordinator), so a client that follows them
 * would leave the proxy after bootstrap. The proxy rewrites, in each response frame, every broker
 * endpoint "HOST" + int32 port of an upstream broker to the proxy's port for that broker. Host and
 * port keep their lengths, so no size field changes; the recorded response is the one the broker
 * wrote, before the rewrite.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface CapturedExchange {
  /** Which client and scenario opened the connection (the label current when it was accepted). */
  readonly label: string;
  readonly connection: number;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** The request frame without its size prefix. */
  readonly request: Buffer;
  /** The response frame without its size prefix, as the broker wrote it; absent for acks=0 produce. */
  response?: Buffer;
}

export interface ProxyRoute {
  readonly listenPort: number;
  readonly upstreamPort: number;
}

const SIZE_PREFIX_BYTES = 4;

/** Cuts a byte stream into size-prefixed frames. */
class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (this.pending.length >= SIZE_PREFIX_BYTES) {
      const size = this.pending.readInt32BE(0);
      if (this.pending.length < SIZE_PREFIX_BYTES + size) break;
      frames.push(this.pending.subarray(SIZE_PREFIX_BYTES, SIZE_PREFIX_BYTES + size));
      this.pending = this.pending.subarray(SIZE_PREFIX_BYTES + size);
    }
    return frames;
  }
}

function withSizePrefix(frame: Buffer): Buffer {
  const out = Buffer.alloc(SIZE_PREFIX_BYTES + frame.length);
  out.writeInt32BE(frame.length, 0);
  frame.copy(out, SIZE_PREFIX_BYTES);
  return out;
}

function endpointBytes(host: string, port: number): Buffer {
  const portBytes = Buffer.alloc(4);
  portBytes.writeInt32BE(port, 0);
  return Buffer.concat([Buffer.from(host, 'latin1'), portBytes]);
}

/** Replaces every advertised upstream endpoint in a response frame with the proxy's (same length). */
export function rewriteEndpoints(frame: Buffer, host: string, routes: readonly ProxyRoute[]): Buffer {
  let out: Buffer | undefined;
  for (const route of routes) {
    const from = endpointBytes(host, route.upstreamPort);
    const to = endpointBytes(host, route.listenPort);
    let at = (out ?? frame).indexOf(from);
    while (at !== -1) {
      out ??= Buffer.from(frame);
      to.copy(out, at);
      at = out.indexOf(from, at + from.length);
    }
  }
  return out ?? frame;
}

export class RecordingProxy {
  readonly exchanges: CapturedExchange[] = [];
  label = 'unlabelled';
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private connections = 0;

  constructor(
    private readonly host: string,
    private readonly routes: readonly ProxyRoute[],
  ) {}

  async start(): Promise<void> {
    for (const route of this.routes) {
      const server = createServer((client) => this.forward(client, route));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(route.listenPort, this.host, () => resolve());
      });
      this.servers.push(server);
    }
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private forward(client: Socket, route: ProxyRoute): void {
    const connection = ++this.connections;
    const label = this.label;
    const upstream = connect(route.upstreamPort, this.host);
    this.sockets.add(client).add(upstream);
    const inFlight = new Map<number, CapturedExchange>();
    const requests = new FrameSplitter();
    const responses = new FrameSplitter();

    client.on('data', (chunk: Buffer) => {
      for (const frame of requests.push(chunk)) {
        if (frame.length >= 8) {
          const exchange: CapturedExchange = {
            label,
            connection,
            apiKey: frame.readInt16BE(0),
            apiVersion: frame.readInt16BE(2),
            correlationId: frame.readInt32BE(4),
            request: Buffer.from(frame),
          };
          inFlight.set(exchange.correlationId, exchange);
          this.exchanges.push(exchange);
        }
        upstream.write(withSizePrefix(frame));
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of responses.push(chunk)) {
        if (frame.length >= 4) {
          const exchange = inFlight.get(frame.readInt32BE(0));
          if (exchange !== undefined) {
            exchange.response = Buffer.from(frame);
            inFlight.delete(exchange.correlationId);
          }
        }
        client.write(withSizePrefix(rewriteEndpoints(frame, this.host, this.routes)));
      }
    });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }
}

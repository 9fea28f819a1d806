/**
 * One TCP connection to one broker: size-prefixed frames, correlation ids, a timeout per request.
 * Responses are matched by correlation id (Kafka answers in order on a connection, but matching by
 * id also catches a broker that does not: an unknown or repeated id closes the connection, as
 * NetworkClient.correlate does with IllegalStateException).
 */
import { Socket, connect } from 'node:net';
import { apiByKey, checkFrameSize, decodeResponse, encodeRequest, DEFAULT_MAX_FRAME_BYTES } from '../protocol/wire/index.js';
import { ConnectError, DisconnectedError, RequestTimeoutError, ResponseDecodeError } from './errors.js';

export interface Response<T = unknown> {
  readonly body: T;
  /** Bytes after the body: Kafka ignores them, the conformance suite reports them. */
  readonly trailingBytes: number;
  readonly frame: Uint8Array;
}

interface Pending {
  readonly api: string;
  readonly onFrame: (frame: Uint8Array) => void;
  readonly onError: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export const DEFAULT_CLIENT_ID = 'kspec-conform';

export class BrokerConnection {
  private nextCorrelationId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;

  private constructor(private readonly socket: Socket, readonly address: string, readonly clientId: string) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.failAll());
    socket.on('error', () => this.failAll());
  }

  static open(host: string, port: number, timeoutMs: number, clientId = DEFAULT_CLIENT_ID): Promise<BrokerConnection> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectError(address, `no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new BrokerConnection(socket, address, clientId));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectError(address, error.message));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends a request and decodes its response at the same version. */
  async request<T = unknown>(apiKey: number, apiVersion: number, body: unknown, timeoutMs: number): Promise<Response<T>> {
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: this.clientId }, body);
    const raw = await this.exchange(frame, correlationId, label(apiKey, apiVersion), timeoutMs);
    return decodeAt<T>(apiKey, apiVersion, raw);
  }

  /** acks=0 Produce: written, never answered (KafkaApis.handleProduceRequest sends no response). */
  send(apiKey: number, apiVersion: number, body: unknown): void {
    const correlationId = this.nextCorrelationId++;
    this.write(encodeRequest({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: this.clientId }, body));
  }

  /**
   * A hand-made frame (its correlation id at bytes 4-7 is overwritten), answered by a raw frame:
   * for requests our encoder refuses on purpose, such as an ApiVersions version nobody knows.
   */
  rawExchange(frame: Uint8Array, api: string, timeoutMs: number): Promise<Uint8Array> {
    const correlationId = this.nextCorrelationId++;
    const copy = Buffer.from(frame);
    copy.writeInt32BE(correlationId, 4);
    return this.exchange(copy, correlationId, api, timeoutMs);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
    this.failAll();
  }

  private exchange(frame: Uint8Array, correlationId: number, api: string, timeoutMs: number): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new DisconnectedError(api, this.address));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RequestTimeoutError(api, timeoutMs));
      }, timeoutMs);
      this.pending.set(correlationId, { api, onFrame: resolve, onError: reject, timer });
      this.write(frame);
    });
  }

  private write(frame: Uint8Array): void {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(frame.length, 0);
    this.socket.write(Buffer.concat([prefix, frame]));
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      let size: number;
      try {
        size = checkFrameSize(this.buffered.subarray(0, 4), DEFAULT_MAX_FRAME_BYTES);
      } catch {
        return this.close();
      }
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      if (frame.length < 4) return this.close();
      const correlationId = frame.readInt32BE(0);
      const waiting = this.pending.get(correlationId);
      if (waiting === undefined) return this.close();
      this.pending.delete(correlationId);
      clearTimeout(waiting.timer);
      waiting.onFrame(frame);
    }
  }

  private failAll(): void {
    this.closed = true;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      this.pending.delete(id);
      waiting.onError(new DisconnectedError(waiting.api, this.address));
    }
  }
}

export function label(apiKey: number, apiVersion: number): string {
  return `${apiByKey(apiKey)?.name ?? `apiKey ${apiKey}`} v${apiVersion}`;
}

export function decodeAt<T>(apiKey: number, apiVersion: number, frame: Uint8Array): Response<T> {
  try {
    const decoded = decodeResponse(apiKey, apiVersion, frame);
    return { body: decoded.body as T, trailingBytes: decoded.trailingBytes, frame };
  } catch (error) {
    throw new ResponseDecodeError(label(apiKey, apiVersion), (error as Error).message, frame);
  }
}

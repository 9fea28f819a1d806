/**
 * What the live tests share: a cluster started in this process on ephemeral ports, and a raw
 * client that speaks frames through kspec's own wire codecs (no client library), for the rules a
 * client library would hide (closed connections, exact error codes, the bytes of a batch).
 */
import { connect, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import { decodeResponse, encodeRequest } from '../../src/protocol/wire/index.js';
import { startLiveCluster, type LiveCluster } from '../../src/runtime/cluster.js';
import { liveConfig } from '../../src/runtime/config.js';
import type { Admin } from 'kafkajs';

/** Every line the test clusters logged (a closed connection's reason, a bug in kspec). */
export const clusterLog: string[] = [];

export async function startTestCluster(overrides: string[] = [], brokers = 3): Promise<LiveCluster> {
  const cluster = await startLiveCluster({
    brokers, controllers: 1, host: '127.0.0.1', port: 0, config: liveConfig(['offsets.topic.num.partitions=3', ...overrides]), variant: 'kraft',
    log: (line) => void clusterLog.push(line),
  });
  await cluster.ready(30_000);
  return cluster;
}

/** A command is installed (tests of a real client are skipped, saying why, when it is not). */
export function installed(command: string, args: string[] = ['-V']): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export class RawClient {
  private readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private waiting: ((frame: Buffer | null) => void)[] = [];
  private correlationId = 1;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readInt32BE(0)) {
        const size = this.buffer.readInt32BE(0);
        const frame = this.buffer.subarray(4, 4 + size);
        this.buffer = this.buffer.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
    this.closedPromise = new Promise((resolve) => socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
      resolve();
    }));
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Send raw bytes (a size prefix is NOT added). */
  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The next response frame, or null when the connection closes first. */
  nextFrame(): Promise<Buffer | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A request; resolves with the decoded response body, or null when the broker closes the connection. */
  async request<T = Record<string, unknown>>(apiKey: number, apiVersion: number, body: unknown): Promise<T | null> {
    const frame = encodeRequest({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: this.correlationId++, clientId: 'kspec-test' }, body);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(frame.length);
    this.socket.write(Buffer.concat([prefix, frame]));
    const response = await this.nextFrame();
    if (response === null) return null;
    return decodeResponse(apiKey, apiVersion, response).body as T;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A request body written sparsely (schema defaults for the rest), as the gateway writes its answers. */
export { fitRequest } from '../../src/cluster/gateway/shape.js';

/**
 * CreateTopics answers once the controller committed the topic; a broker's metadata may lag it
 * (as in Kafka), and kafkajs's waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION it may see first.
 */
export async function leadersKnown(admin: Admin, topic: string, partitions: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      if (metadata.topics[0]?.partitions.filter((p) => p.leader >= 0).length === partitions) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${topic}: leaders not known within 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

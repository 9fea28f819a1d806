/**
 * `--faults proxy`: a TCP proxy in front of each broker of the target, through which the suite
 * reaches it. Each response frame is, by a seeded draw, passed on, delayed, duplicated, dropped, or
 * its connection cut. The checks see what a client on a bad network sees: a dropped answer is a
 * timeout, a duplicated one an unknown correlation id (the client closes the connection), a cut a
 * lost connection; all indefinite (info), never a definite failure. Only responses are touched:
 * a request is always delivered whole, so whatever a broker answered, it was asked.
 *
 * Brokers advertise their own endpoints (Metadata, FindCoordinator): the proxy rewrites each
 * upstream "host + int32 port" in a response to its own port for that broker, so the client stays
 * behind the proxies (the same rewrite as scripts/wire-proxy.ts; the lengths do not change).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Random } from '../../core/prng.js';
import { KafkaClient } from '../../client/index.js';

export interface ProxyFaultRates {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly cutRate: number;
  readonly delayRate: number;
  readonly delayMsMax: number;
}

/** Rare enough that most checks still finish: each response has about a 1 in 25 chance of some fault. */
export const defaultProxyFaults: ProxyFaultRates = { dropRate: 0.01, duplicateRate: 0.01, cutRate: 0.005, delayRate: 0.02, delayMsMax: 200 };

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

const SIZE_PREFIX_BYTES = 4;

export interface FaultCounts {
  responses: number;
  dropped: number;
  duplicated: number;
  cut: number;
  delayed: number;
}

export class FaultProxies {
  readonly counts: FaultCounts = { responses: 0, dropped: 0, duplicated: 0, cut: 0, delayed: 0 };
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private routes: { upstream: Upstream; listenPort: number }[] = [];

  private constructor(private readonly random: Random, private readonly rates: ProxyFaultRates) {}

  /** One proxy per upstream broker, on 127.0.0.1 ephemeral ports. */
  static async start(upstreams: readonly Upstream[], seed: number, rates: ProxyFaultRates = defaultProxyFaults): Promise<FaultProxies> {
    const proxies = new FaultProxies(Random.stream(seed, 'fault-proxy'), rates);
    for (const upstream of upstreams) {
      const server = createServer((client) => proxies.forward(client, upstream));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      proxies.servers.push(server);
      proxies.routes.push({ upstream, listenPort: (server.address() as { port: number }).port });
    }
    return proxies;
  }

  /** The proxy of an upstream broker. */
  endpointFor(upstream: Upstream): Upstream {
    const route = this.routes.find((r) => r.upstream.host === upstream.host && r.upstream.port === upstream.port);
    if (route === undefined) throw new Error(`no proxy for ${upstream.host}:${upstream.port}`);
    return { host: '127.0.0.1', port: route.listenPort };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }

  private forward(client: Socket, upstream: Upstream): void {
    const server = connect(upstream.port, upstream.host);
    this.sockets.add(client).add(server);
    client.pipe(server);
    let buffered = Buffer.alloc(0);
    const held: { frames: Buffer[] | null } = { frames: null };
    server.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= SIZE_PREFIX_BYTES && buffered.length >= SIZE_PREFIX_BYTES + buffered.readInt32BE(0)) {
        const size = SIZE_PREFIX_BYTES + buffered.readInt32BE(0);
        const frame = Buffer.from(buffered.subarray(0, size));
        buffered = buffered.subarray(size);
        this.respond(client, server, this.rewrite(frame), held);
      }
    });
    const close = (): void => {
      client.destroy();
      server.destroy();
      this.sockets.delete(client);
      this.sockets.delete(server);
    };
    client.on('close', close).on('error', close);
    server.on('close', close).on('error', close);
  }

  /** One draw per response, in the order the proxy sees them (seeded; the broker's timing decides the order). */
  private respond(client: Socket, server: Socket, frame: Buffer, held: { frames: Buffer[] | null }): void {
    this.counts.responses++;
    const write = (bytes: Buffer): void => {
      if (held.frames !== null) held.frames.push(bytes);
      else client.write(bytes);
    };
    const draw = this.random.float();
    const { dropRate, duplicateRate, cutRate, delayRate } = this.rates;
    if (draw < dropRate) {
      this.counts.dropped++;
      return;
    }
    if (draw < dropRate + cutRate) {
      this.counts.cut++;
      client.destroy();
      server.destroy();
      return;
    }
    if (draw < dropRate + cutRate + duplicateRate) {
      this.counts.duplicated++;
      write(Buffer.concat([frame, frame]));
      return;
    }
    if (draw < dropRate + cutRate + duplicateRate + delayRate) {
      this.counts.delayed++;
      // Later frames of the connection wait behind this one: a delay never reorders one connection's answers (TCP does not).
      const delayMs = this.random.int(1, this.rates.delayMsMax);
      const before = held.frames;
      held.frames = [];
      const release = (): void => {
        const waiting = held.frames ?? [];
        held.frames = before;
        for (const bytes of [frame, ...waiting]) write(bytes);
      };
      setTimeout(release, delayMs);
      return;
    }
    write(frame);
  }

  /** Every advertised upstream endpoint (host bytes, then an int32 port) becomes its proxy's. */
  private rewrite(frame: Buffer): Buffer {
    let out: Buffer | undefined;
    for (const { upstream, listenPort } of this.routes) {
      const from = endpointBytes(upstream.host, upstream.port);
      const to = endpointBytes(upstream.host, listenPort);
      let at = (out ?? frame).indexOf(from, SIZE_PREFIX_BYTES);
      while (at !== -1) {
        out ??= Buffer.from(frame);
        to.copy(out, at);
        at = out.indexOf(from, at + from.length);
      }
    }
    return out ?? frame;
  }
}

function endpointBytes(host: string, port: number): Buffer {
  const portBytes = Buffer.alloc(4);
  portBytes.writeInt32BE(port, 0);
  return Buffer.concat([Buffer.from(host, 'latin1'), portBytes]);
}

/**
 * Puts a proxy before every broker the target's Metadata lists (asked directly, once) and gives
 * the bootstrap endpoints to reach the target through them.
 */
export async function proxyTarget(endpoints: readonly Upstream[], seed: number, rates: ProxyFaultRates = defaultProxyFaults): Promise<{ proxies: FaultProxies; endpoints: Upstream[] }> {
  const client = await KafkaClient.connect(endpoints);
  let brokers: Upstream[];
  try {
    brokers = [...(await client.metadata([])).brokers.values()];
  } finally {
    client.close();
  }
  const upstreams = [...brokers, ...endpoints.filter((e) => !brokers.some((b) => b.host === e.host && b.port === e.port))];
  const proxies = await FaultProxies.start(upstreams, seed, rates);
  return { proxies, endpoints: endpoints.map((e) => proxies.endpointFor(e)) };
}

/**
 * What `kspec topics` and `kspec groups` share: Kafka's --bootstrap-server argument, a connection
 * through kspec's own client (src/client/), and the tables Kafka's tools print (columns padded to
 * their widest cell, as ConsumerGroupCommand prints them).
 */
import { UsageError } from '../args.js';
import { ConnectError, DisconnectedError, KafkaClient, RequestTimeoutError, UnsupportedApiError, type Endpoint } from '../../client/index.js';

export function parseBootstrap(value: string | undefined): Endpoint[] {
  if (value === undefined || value === '') throw new UsageError('--bootstrap-server is required (host:port[,host:port...])');
  return value.split(',').map((address) => {
    const match = /^(.+):(\d{1,5})$/.exec(address.trim());
    const port = match === null ? NaN : Number(match[2]);
    if (match === null || port < 1 || port > 65_535) throw new UsageError(`--bootstrap-server: '${address}' is not host:port`);
    return { host: match[1]!, port };
  });
}

/** Run `work` with a client connected to the bootstrap servers; an unreachable server, or one without the API, is a usage error (exit 2, one line). */
export async function withAdminClient<T>(bootstrap: string | undefined, work: (client: KafkaClient) => Promise<T>): Promise<T> {
  const endpoints = parseBootstrap(bootstrap);
  let client: KafkaClient;
  try {
    client = await KafkaClient.connect(endpoints, { clientId: 'kspec-admin', requestTimeoutMs: 15_000 });
  } catch (error) {
    if (error instanceof ConnectError) throw new UsageError(`cannot reach ${bootstrap}: ${error.message}`);
    throw error;
  }
  try {
    return await work(client);
  } catch (error) {
    // A server that cannot answer (gone, silent, or without the API) is reported in one line, like an unreachable one.
    if (error instanceof RequestTimeoutError || error instanceof DisconnectedError || error instanceof ConnectError || error instanceof UnsupportedApiError) {
      throw new UsageError(`${bootstrap}: ${error.message}`);
    }
    throw error;
  } finally {
    client.close();
  }
}

/** Rows under a header, each column as wide as its widest cell plus a space (ConsumerGroupCommand's format). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 1))).join(' ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

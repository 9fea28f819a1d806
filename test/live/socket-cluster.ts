/**
 * A cluster whose nodes talk only through the socket transport: each node its own world, its own
 * payload store and its own storage, as `kspec node` runs one per process, here all in the test's
 * process (the multi-process tests spawn real ones).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer } from 'node:net';
import { liveConfig } from '../../src/runtime/config.js';
import { startNodeProcess, type BrokerAddresses, type NodeProcess } from '../../src/runtime/node-process.js';
import { defaultNodeTransportConfig, type PeerAddress } from '../../src/runtime/node-transport.js';
import type { BrokerNode } from '../../src/cluster/broker-node.js';

export const socketClusterLog: string[] = [];

/** Ports the kernel hands out now (closed again at once). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface SocketCluster {
  readonly nodes: Map<number, NodeProcess>;
  readonly bootstrap: string[];
  readonly dataDir: string;
  start(id: number): Promise<NodeProcess>;
  stop(id: number): Promise<void>;
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSocketCluster(controllers: number, brokers: number, overrides: string[] = []): Promise<SocketCluster> {
  const ports = await freePorts(controllers + 2 * brokers);
  const voters = new Map<number, PeerAddress>();
  const brokerAddresses = new Map<number, BrokerAddresses>();
  const controllerIds = Array.from({ length: controllers }, (_, i) => 101 + i);
  const brokerIds = Array.from({ length: brokers }, (_, i) => 1 + i);
  controllerIds.forEach((id, i) => voters.set(id, { host: '127.0.0.1', port: ports[i]! }));
  brokerIds.forEach((id, i) => brokerAddresses.set(id, { client: { host: '127.0.0.1', port: ports[controllers + 2 * i]! }, interBroker: { host: '127.0.0.1', port: ports[controllers + 2 * i + 1]! } }));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-sockets-'));
  const config = liveConfig(['offsets.topic.num.partitions=2', ...overrides]);
  const nodes = new Map<number, NodeProcess>();
  const start = async (id: number): Promise<NodeProcess> => {
    const isController = voters.has(id);
    const process = await startNodeProcess({
      nodeId: id, role: isController ? 'controller' : 'broker', voters, brokers: brokerAddresses,
      nodeListener: isController ? voters.get(id)! : brokerAddresses.get(id)!.interBroker,
      ...(isController ? {} : { clientListener: brokerAddresses.get(id)!.client }),
      logDir: path.join(dataDir, `node-${id}`), clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', config, transport: defaultNodeTransportConfig, variant: 'kraft',
      log: (line) => void socketClusterLog.push(`${id}: ${line}`),
    });
    nodes.set(id, process);
    return process;
  };
  for (const id of [...controllerIds, ...brokerIds]) await start(id);
  const brokerNodes = (): BrokerNode[] => brokerIds.map((id) => nodes.get(id)?.node as BrokerNode | undefined).filter((n): n is BrokerNode => n !== undefined);
  return {
    nodes, dataDir,
    bootstrap: brokerIds.map((id) => `127.0.0.1:${brokerAddresses.get(id)!.client.port}`),
    start,
    stop: async (id) => {
      await nodes.get(id)?.close();
      nodes.delete(id);
    },
    ready: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      const isReady = () => brokerNodes().length === brokers && brokerNodes().every((b) => b.broker?.state === 'Running' && brokerIds.every((o) => b.image().brokers[String(o)]?.fenced === false));
      while (!isReady()) {
        if (Date.now() > deadline) throw new Error(`not ready in ${timeoutMs} ms:\n${socketClusterLog.slice(-20).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: async () => {
      await Promise.all([...nodes.values()].map((n) => n.close()));
      nodes.clear();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A whole cluster in one process: controllers and brokers of the node layer on real time, each
 * broker with its client gateway and a TCP listener. Storage is in memory for now
 * (src/cluster/storage.ts); the data lives as long as the process.
 */
import { randomBytes } from 'node:crypto';
import { BrokerNode } from '../cluster/broker-node.js';
import { ControllerNode } from '../cluster/controller-node.js';
import { Gateway, type Endpoint } from '../cluster/gateway/gateway.js';
import { BatchPayloads } from '../cluster/payloads.js';
import { memoryStorage } from '../cluster/storage.js';
import { kafkaTimings } from '../cluster/timing.js';
import { findVariant } from '../variants.js';
import type { LiveConfig } from './config.js';
import { BrokerListener } from './listener.js';
import { RuntimeWorld } from './world.js';

export interface LiveClusterOptions {
  readonly brokers: number;
  readonly controllers: number;
  readonly host: string;
  /** The first broker's port; the others follow it. 0: every broker on an ephemeral port. */
  readonly port: number;
  readonly config: LiveConfig;
  /** A protocol variant of src/variants.ts (`kraft`: Kafka's). */
  readonly variant: string;
  readonly log?: (line: string) => void;
}

export interface LiveBroker {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly node: BrokerNode;
  readonly gateway: Gateway;
  readonly listener: BrokerListener;
}

export interface LiveCluster {
  readonly clusterId: string;
  readonly brokers: readonly LiveBroker[];
  readonly controllers: readonly ControllerNode[];
  readonly world: RuntimeWorld;
  readonly payloads: BatchPayloads;
  /** host:port,host:port,... */
  readonly bootstrapServers: string;
  /** Resolves once every broker is registered, unfenced and known to the others' metadata (or rejects after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Node ids as the simulator numbers them: brokers 1..N, controllers 101.. */
const CONTROLLER_ID_BASE = 100;
/** Each broker's gateway numbers its client connections from here (far above any node id). */
const CLIENT_ID_BASE = 1_000_000;
const CLIENT_IDS_PER_BROKER = 100_000_000;

export async function startLiveCluster(options: LiveClusterOptions): Promise<LiveCluster> {
  const log = options.log ?? (() => {});
  const variant = findVariant(options.variant);
  const deviations = Object.keys(variant.deviations).length === 0 ? {} : { deviations: variant.deviations };
  const clusterId = randomBytes(16).toString('base64url');
  const world = new RuntimeWorld(clusterId, log);
  const payloads = new BatchPayloads();
  const controllerIds = Array.from({ length: options.controllers }, (_, i) => CONTROLLER_ID_BASE + i + 1);
  const config = options.config;
  const endpoints = new Map<number, Endpoint>();
  const parts = (id: number) => ({
    id, voters: controllerIds, world, handOffs: world.handOffs, timings: kafkaTimings, quorumVariant: variant.quorum,
    storage: memoryStorage(() => config.log),
  });
  const controllers = controllerIds.map((id) => new ControllerNode({ ...parts(id), ...deviations }));
  for (const c of controllers) world.addNode(c);
  const brokers: LiveBroker[] = [];
  try {
    for (let i = 0; i < options.brokers; i++) {
      const id = i + 1;
      const node = new BrokerNode({
        ...parts(id), brokerConfig: config.broker, groupCoordinatorConfig: { ...config.groupCoordinator, ...deviations }, replicaConfig: config.replica,
        replicationVariant: { ...variant.replication, ...deviations }, payloads,
      });
      world.addNode(node);
      const base = CLIENT_ID_BASE + i * CLIENT_IDS_PER_BROKER;
      const gateway = new Gateway(node, world, { ...config.gateway, clusterId }, (brokerId) => endpoints.get(brokerId), base);
      world.addGateway(base, gateway);
      const listener = new BrokerListener(gateway, config.listener, (line) => log(`broker ${id}: ${line}`));
      const port = await listener.listen(options.host, options.port === 0 ? 0 : options.port + i);
      endpoints.set(id, { host: options.host, port });
      brokers.push({ id, host: options.host, port, node, gateway, listener });
    }
  } catch (error) {
    await Promise.all(brokers.map((b) => b.listener.close()));
    throw error;
  }
  world.boot();
  let closed = false;
  const close = async (): Promise<void> => {
    closed = true;
    world.stop();
    await Promise.all(brokers.map((b) => b.listener.close()));
  };
  return {
    clusterId, brokers, controllers, world, payloads,
    bootstrapServers: brokers.map((b) => `${b.host}:${b.port}`).join(','),
    ready: (timeoutMs = 20_000) => waitUntil(() => closed, () => brokers.every((b) => b.node.broker?.state === 'Running' && brokers.every((o) => o.node.image().brokers[String(b.id)]?.fenced === false)), timeoutMs),
    close,
  };
}

export class ClusterClosedError extends Error {}

function waitUntil(closed: () => boolean, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (closed()) return reject(new ClusterClosedError('the cluster was closed before it was ready'));
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`the cluster was not ready within ${timeoutMs} ms`));
      setTimeout(check, 20);
    };
    check();
  });
}

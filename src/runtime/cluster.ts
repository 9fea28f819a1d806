/**
 * A whole cluster in one process: controllers and brokers of the node layer on real time, each
 * broker with its client gateway and a TCP listener. With a data directory every node keeps its
 * storage on disk in Kafka's layout under `<dataDir>/node-<id>` (its log.dirs), and a restart on
 * the same directory serves the same records; without one, storage is in memory and lives as
 * long as the process.
 */
import * as path from 'node:path';
import { BrokerNode } from '../cluster/broker-node.js';
import { ControllerNode } from '../cluster/controller-node.js';
import { Gateway, type Endpoint } from '../cluster/gateway/gateway.js';
import { BatchPayloads, PAYLOAD_COLLECT_INTERVAL_MS } from '../cluster/payloads.js';
import { memoryStorage, type NodeStorage } from '../cluster/storage.js';
import type { KafkaNode } from '../cluster/node.js';
import { kafkaTimings } from '../cluster/timing.js';
import { findVariant } from '../variants.js';
import type { LiveConfig } from './config.js';
import { BrokerListener } from './listener.js';
import { RuntimeWorld } from './world.js';
import { clusterIdOf, openNodeStorage, startStorageTimers, type StorageTimerHandle } from './node-storage.js';
import type { DiskStorage } from './storage/index.js';

export interface LiveClusterOptions {
  readonly brokers: number;
  readonly controllers: number;
  readonly host: string;
  /** The first broker's port; the others follow it. 0: every broker on an ephemeral port. */
  readonly port: number;
  readonly config: LiveConfig;
  /** A protocol variant of src/variants.ts (`kraft`: Kafka's). */
  readonly variant: string;
  /** Each node's log directory is `<dataDir>/node-<id>`; absent: storage in memory. */
  readonly dataDir?: string;
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
  /** Each node's storage on disk, by node id (empty without a data directory). */
  readonly disks: ReadonlyMap<number, DiskStorage>;
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
  const controllerIds = Array.from({ length: options.controllers }, (_, i) => CONTROLLER_ID_BASE + i + 1);
  const brokerIds = Array.from({ length: options.brokers }, (_, i) => i + 1);
  const dataDir = options.dataDir;
  const clusterId = clusterIdOf(dataDir === undefined ? [] : [...controllerIds, ...brokerIds].map((id) => nodeDir(dataDir, id)));
  const world = new RuntimeWorld(clusterId, log);
  const payloads = new BatchPayloads();
  const config = options.config;
  const endpoints = new Map<number, Endpoint>();
  const disks = new Map<number, DiskStorage>();
  const storageOf = (id: number): NodeStorage => {
    if (dataDir === undefined) return memoryStorage(() => config.log);
    const disk = openNodeStorage(nodeDir(dataDir, id), { nodeId: id, clusterId, voters: controllerIds, logConfig: config.log, payloads, log });
    disks.set(id, disk);
    return disk;
  };
  const parts = (id: number) => ({
    id, voters: controllerIds, world, handOffs: world.handOffs, timings: kafkaTimings, quorumVariant: variant.quorum,
    storage: storageOf(id),
  });
  const controllers = controllerIds.map((id) => new ControllerNode({ ...parts(id), ...deviations }));
  for (const c of controllers) world.addNode(c);
  const brokers: LiveBroker[] = [];
  const nodes: KafkaNode[] = [...controllers];
  try {
    for (let i = 0; i < options.brokers; i++) {
      const id = brokerIds[i] as number;
      const node = new BrokerNode({
        ...parts(id), brokerConfig: config.broker, groupCoordinatorConfig: { ...config.groupCoordinator, ...deviations }, replicaConfig: config.replica,
        replicationVariant: { ...variant.replication, ...deviations }, payloads,
      });
      world.addNode(node);
      nodes.push(node);
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
    for (const disk of disks.values()) disk.close();
    throw error;
  }
  world.boot();
  const timers: StorageTimerHandle = startStorageTimers(nodes, disks, config.storage, config.log.flushMs ?? Number.MAX_SAFE_INTEGER, log);
  const collector = setInterval(() => payloads.collect(), PAYLOAD_COLLECT_INTERVAL_MS).unref();
  let closed = false;
  let closing: Promise<void> | undefined;
  // LogManager.shutdown after the request handlers stop: no more inputs, then flush, checkpoints, the clean-shutdown marker.
  const close = (): Promise<void> => (closing ??= (async () => {
    closed = true;
    timers.stop();
    clearInterval(collector);
    world.stop();
    await Promise.all(brokers.map((b) => b.listener.close()));
    for (const node of nodes) {
      node.checkpointHighWatermarks();
      disks.get(node.id)?.close();
    }
  })());
  return {
    clusterId, brokers, controllers, world, payloads, disks,
    bootstrapServers: brokers.map((b) => `${b.host}:${b.port}`).join(','),
    ready: (timeoutMs = 20_000) => waitUntil(() => closed, () => brokers.every((b) => b.node.broker?.state === 'Running' && brokers.every((o) => o.node.image().brokers[String(b.id)]?.fenced === false)), timeoutMs),
    close,
  };
}

export class ClusterClosedError extends Error {}

/** A node's log.dirs under the cluster's data directory. */
export function nodeDir(dataDir: string, nodeId: number): string {
  return path.join(dataDir, `node-${nodeId}`);
}

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

/**
 * One node of a cluster that spans processes (`kspec node`): a controller or a broker of the node
 * layer on real time, its storage on disk under its log.dirs, and the socket transport to the
 * other nodes. A broker also serves clients: its gateway on the client listener. The controller
 * listener serves the quorum and the controller's APIs; a broker's inter-broker listener serves
 * the replicas' Fetch.
 */
import { BrokerNode } from '../cluster/broker-node.js';
import { ControllerNode } from '../cluster/controller-node.js';
import { Gateway } from '../cluster/gateway/gateway.js';
import { BatchPayloads, PAYLOAD_COLLECT_INTERVAL_MS } from '../cluster/payloads.js';
import type { KafkaNode } from '../cluster/node.js';
import { kafkaTimings } from '../cluster/timing.js';
import { emptyImage, type MetadataImage } from '../common/metadata-image.js';
import type { WireTopicIds } from '../protocol/replication/wire/index.js';
import { specOf } from '../protocol/registry.js';
import { wireTopicId } from '../protocol/wire-topic-id.js';
import { findVariant } from '../variants.js';
import type { LiveConfig } from './config.js';
import { BrokerListener } from './listener.js';
import { NodeTransport, type NodeTransportConfig, type PeerAddress } from './node-transport.js';
import { openNodeStorage, startStorageTimers } from './node-storage.js';
import { payloadBatchCodec } from './payload-codec.js';
import type { DiskStorage } from './storage/index.js';
import { RuntimeWorld } from './world.js';
import type { ClusterMessage } from '../cluster/world.js';

export interface BrokerAddresses {
  /** The client listener, as advertised (what Metadata tells clients). */
  readonly client: PeerAddress;
  /** The inter-broker listener (replica Fetch). */
  readonly interBroker: PeerAddress;
}

export interface NodeProcessOptions {
  readonly nodeId: number;
  readonly role: 'controller' | 'broker';
  /** controller.quorum.voters: every controller's id and controller listener. */
  readonly voters: ReadonlyMap<number, PeerAddress>;
  /** Every broker's advertised listeners (the metadata does not carry them yet: docs/live.md). */
  readonly brokers: ReadonlyMap<number, BrokerAddresses>;
  /** Where this node binds: the controller listener, or a broker's inter-broker listener. */
  readonly nodeListener: PeerAddress;
  /** A broker's client listener (bind address). */
  readonly clientListener?: PeerAddress;
  readonly logDir: string;
  readonly clusterId: string;
  readonly config: LiveConfig;
  readonly transport: NodeTransportConfig;
  /** A protocol variant of src/variants.ts (`kraft`: Kafka's). */
  readonly variant: string;
  readonly log: (line: string) => void;
}

export interface NodeProcess {
  readonly node: KafkaNode;
  readonly world: RuntimeWorld;
  readonly transport: NodeTransport;
  readonly disk: DiskStorage;
  /** The ports bound (useful with port 0). */
  readonly nodePort: number;
  readonly clientPort: number | undefined;
  close(): Promise<void>;
}

/** Controller-bound APIs and the quorum go to a controller's listener; the rest between brokers. */
const CONTROLLER_ROLES = new Set(['quorum', 'controller']);

/** Each broker's gateway numbers its client connections in its own range, far above any node id. */
const CLIENT_IDS_PER_BROKER = 1_000_000;
export const clientIdBaseOf = (brokerId: number): number => CLIENT_IDS_PER_BROKER * (brokerId + 1);

export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const { nodeId, config, log } = options;
  const variant = findVariant(options.variant);
  const deviations = Object.keys(variant.deviations).length === 0 ? {} : { deviations: variant.deviations };
  const voters = [...options.voters.keys()].sort((a, b) => a - b);
  const world = new RuntimeWorld(options.clusterId, log);
  const payloads = new BatchPayloads();
  const disk = openNodeStorage(options.logDir, { nodeId, clusterId: options.clusterId, voters, logConfig: config.log, payloads, log });
  const parts = { id: nodeId, voters, world, handOffs: world.handOffs, timings: kafkaTimings, quorumVariant: variant.quorum, storage: disk };
  const node: KafkaNode = options.role === 'controller'
    ? new ControllerNode({ ...parts, ...deviations })
    : new BrokerNode({
      ...parts, brokerConfig: config.broker, groupCoordinatorConfig: { ...config.groupCoordinator, ...deviations }, replicaConfig: config.replica,
      replicationVariant: { ...variant.replication, ...deviations }, payloads,
    });
  world.addNode(node);
  const batches = payloadBatchCodec(payloads, 'wire');
  const topicIds = topicIdsOf(() => imageOf(node));
  const own = options.brokers.get(nodeId);
  const wire = {
    clusterId: options.clusterId, topicIds, batches,
    listeners: own === undefined ? [] : [{ name: 'PLAINTEXT', ...own.client }, { name: 'REPLICATION', ...own.interBroker }],
  };
  const transport = new NodeTransport({
    config: options.transport,
    addressOf: (to, message) => addressOf(options, to, message),
    wireOf: () => wire,
    deliver: (from, to, message) => world.receiveRemote(from, to, message),
    disconnected: (sender, event) => world.disconnected(sender, event),
    log,
  });
  world.remote = (from, to, message) => transport.send(from, to, message);
  let listener: BrokerListener | undefined;
  let clientPort: number | undefined;
  let nodePort: number;
  try {
    nodePort = await transport.listen(nodeId, options.nodeListener.host, options.nodeListener.port);
    if (node instanceof BrokerNode && options.clientListener !== undefined) {
      const base = clientIdBaseOf(nodeId);
      const gateway = new Gateway(node, world, { ...config.gateway, clusterId: options.clusterId }, (brokerId) => options.brokers.get(brokerId)?.client, base);
      world.addGateway(base, gateway, CLIENT_IDS_PER_BROKER);
      listener = new BrokerListener(gateway, config.listener, (line) => log(`broker ${nodeId}: ${line}`));
      clientPort = await listener.listen(options.clientListener.host, options.clientListener.port);
    }
  } catch (error) {
    await transport.close();
    await listener?.close();
    disk.close();
    throw error;
  }
  world.boot();
  const timers = startStorageTimers([node], new Map([[nodeId, disk]]), config.storage, config.log.flushMs ?? Number.MAX_SAFE_INTEGER, log);
  const collector = setInterval(() => payloads.collect(), PAYLOAD_COLLECT_INTERVAL_MS).unref();
  let closing: Promise<void> | undefined;
  // LogManager.shutdown after the request handlers stop: no more inputs, then flush, checkpoints, the clean-shutdown marker.
  const close = (): Promise<void> => (closing ??= (async () => {
    timers.stop();
    clearInterval(collector);
    world.stop();
    await Promise.all([listener?.close(), transport.close()]);
    node.checkpointHighWatermarks();
    disk.close();
  })());
  return { node, world, transport, disk, nodePort, clientPort, close };
}

function addressOf(options: NodeProcessOptions, to: number, message: ClusterMessage): PeerAddress | undefined {
  const role = specOf(message)?.role;
  if (role !== undefined && CONTROLLER_ROLES.has(role)) return options.voters.get(to);
  return options.brokers.get(to)?.interBroker;
}

function imageOf(node: KafkaNode): MetadataImage {
  if (node instanceof BrokerNode) return node.image();
  return (node.actors.get('controller')?.context as { image?: MetadataImage } | undefined)?.image ?? emptyImage;
}

/** The node's metadata names a wire Uuid's topic; looked up again when a Uuid is new (a topic created since). */
function topicIdsOf(image: () => MetadataImage): WireTopicIds {
  const byUuid = new Map<string, { topic: string; topicId: string }>();
  return {
    toWire: wireTopicId,
    fromWire(uuid) {
      const known = byUuid.get(uuid);
      if (known !== undefined) return known;
      for (const t of Object.values(image().topics)) byUuid.set(wireTopicId(t.topicId), { topic: t.name, topicId: t.topicId });
      return byUuid.get(uuid);
    },
  };
}

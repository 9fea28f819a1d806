/**
 * The server.properties of a whole cluster on one host, one per node, as `kspec node` reads them:
 * what `npm run up:processes` and the multi-process tests start. Controllers are 101, 102, ...;
 * brokers 1, 2, ...; each node's log.dirs is `<dataDir>/node-<id>`.
 */
import * as path from 'node:path';

export interface ClusterLayout {
  readonly controllers: number;
  readonly brokers: number;
  readonly host: string;
  /** The port of each listener: controllers' controller listeners, brokers' client and inter-broker listeners. */
  readonly ports: { controller(i: number): number; client(i: number): number; interBroker(i: number): number };
  readonly dataDir: string;
  /** Broker configs by Kafka's name, for every node. */
  readonly overrides?: Readonly<Record<string, string>>;
}

export interface NodeFile {
  readonly nodeId: number;
  readonly role: 'controller' | 'broker';
  readonly properties: string;
}

export const CONTROLLER_ID_BASE = 100;

/** Ports from `base`: clients base.., inter-broker base+100.., controllers base+200.. */
export function portsFrom(base: number): ClusterLayout['ports'] {
  return { client: (i) => base + i, interBroker: (i) => base + 100 + i, controller: (i) => base + 200 + i };
}

export function clusterFiles(layout: ClusterLayout): NodeFile[] {
  const { host, ports } = layout;
  const controllerIds = Array.from({ length: layout.controllers }, (_, i) => CONTROLLER_ID_BASE + i + 1);
  const brokerIds = Array.from({ length: layout.brokers }, (_, i) => i + 1);
  const voters = controllerIds.map((id, i) => `${id}@${host}:${ports.controller(i)}`).join(',');
  const brokerListeners = brokerIds.map((id, i) => `kspec.broker.advertised.listeners.${id}=PLAINTEXT://${host}:${ports.client(i)},REPLICATION://${host}:${ports.interBroker(i)}`);
  const common = (id: number): string[] => [
    `node.id=${id}`,
    `controller.quorum.voters=${voters}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,REPLICATION:PLAINTEXT',
    `log.dirs=${path.join(layout.dataDir, `node-${id}`)}`,
    ...Object.entries(layout.overrides ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  const controllers = controllerIds.map((id, i): NodeFile => ({
    nodeId: id, role: 'controller',
    properties: lines(['process.roles=controller', ...common(id), `listeners=CONTROLLER://${host}:${ports.controller(i)}`, ...brokerListeners]),
  }));
  const brokers = brokerIds.map((id, i): NodeFile => ({
    nodeId: id, role: 'broker',
    properties: lines([
      'process.roles=broker', ...common(id),
      `listeners=PLAINTEXT://${host}:${ports.client(i)},REPLICATION://${host}:${ports.interBroker(i)}`,
      'inter.broker.listener.name=REPLICATION',
      ...brokerListeners,
    ]),
  }));
  return [...controllers, ...brokers];
}

/** The brokers' client listeners, as a bootstrap list. */
export function bootstrapOf(layout: ClusterLayout): string {
  return Array.from({ length: layout.brokers }, (_, i) => `${layout.host}:${layout.ports.client(i)}`).join(',');
}

function lines(entries: readonly string[]): string {
  return `# written by kspec for \`kspec node --config\`\n${entries.join('\n')}\n`;
}
